use flyte::task;

#[task(secrets = Secret(key = "token", group = ""))]
fn empty_group() {}

fn main() {}
