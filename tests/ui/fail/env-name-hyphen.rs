use flyte::task;

#[task(secrets = Secret(key = "api-key", as_env_var = "OPENAI-API-KEY"))]
fn hyphen() {}

fn main() {}
