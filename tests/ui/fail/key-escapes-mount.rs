use flyte::task;

#[task(secrets = Secret(key = "../passwd", mount = "/etc/flyte/secrets"))]
fn escapes() {}

fn main() {}
