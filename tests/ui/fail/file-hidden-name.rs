use flyte::{Secret, task};

// `.flyte-runs` would be a hidden file in the mount dir, where the launcher keeps its state.
#[task(secrets = Secret(key = ".flyte-runs", mount = "/etc/flyte/secrets"))]
fn hidden() {}

fn main() {}
