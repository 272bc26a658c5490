use flyte::{Secret, task};

// The dynamic loader reads `LD_*` before the task runs, and every task process already has
// `PATH` (here derived from the key `path`), so neither can hold a secret.
#[task(secrets = [Secret(key = "lib", as_env_var = "LD_PRELOAD"), "path"])]
fn reserved_names() {}

fn main() {}
