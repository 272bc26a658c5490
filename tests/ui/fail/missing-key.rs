use flyte::task;

#[task(secrets = Secret(group = "github", as_env_var = "TOKEN"))]
fn no_key() {}

fn main() {}
