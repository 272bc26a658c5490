use flyte::task;

#[task(secrets = Secret(key = "a", group = "g", key = "b"))]
fn key_twice() {}

fn main() {}
