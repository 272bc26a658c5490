use flyte::task;

#[task(secrets = Secret(key = "config", mount = "/etc/flyte/secrets", as_env_var = "CONFIG"))]
fn both() {}

fn main() {}
