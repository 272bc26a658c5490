use flyte::task;

#[task(secrets = Secret(key = "token", group = "..", mount = "/etc/flyte/secrets"))]
fn escapes() {}

fn main() {}
