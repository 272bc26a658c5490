use flyte::task;

// The AWS, GCP and Azure injectors lower-case the key: both would be mounted at <dir>/cfg.
#[task(secrets = [
    Secret(key = "Cfg", mount = "/etc/flyte/secrets"),
    Secret(key = "cfg", mount = "/etc/flyte/secrets"),
])]
fn two_configs() {}

fn main() {}
