use flyte::task;

#[task(secrets = ["my-secret", Secret(key = "other", as_env_var = "MY_SECRET")])]
fn same_env_var() {}

fn main() {}
