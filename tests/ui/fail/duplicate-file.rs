use flyte::task;

#[task(secrets = [
    Secret(key = "config", mount = "/etc/flyte/secrets"),
    Secret(key = "config", mount = "/etc/flyte/secrets/"),
])]
fn same_file() {}

fn main() {}
