use flyte::task;

#[task(secrets = Secret(kee = "api-key", as_env_var = "OPENAI_API_KEY"))]
fn misspelled_field() {}

fn main() {}
