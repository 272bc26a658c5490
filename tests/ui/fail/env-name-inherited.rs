use flyte::task;

// Every task process already has `PATH` (here derived from the key `path`).
#[task(secrets = "path")]
fn inherited_name() {}

fn main() {}
