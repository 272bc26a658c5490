use flyte::{Secret, task};

// The dynamic loader reads `LD_*` before the task runs, so it cannot hold a secret.
#[task(secrets = Secret(key = "lib", as_env_var = "LD_PRELOAD"))]
fn loader_name() {}

fn main() {}
