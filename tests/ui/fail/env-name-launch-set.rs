use flyte::{Secret, task};

// The launch sets `FLYTE_TASK_LAUNCHED` for every task, over the secret.
#[task(secrets = Secret(key = "k", as_env_var = "FLYTE_TASK_LAUNCHED"))]
fn launch_set_name() {}

fn main() {}
