use flyte::task;

#[task(secrets = Secret(key = "config", mount = "/var/run/secrets"))]
fn other_mount() {}

fn main() {}
