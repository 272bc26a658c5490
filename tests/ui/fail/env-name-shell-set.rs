use flyte::task;

// A shell sets `PWD` (here derived from the key `pwd`) in every process it starts.
#[task(secrets = "pwd")]
fn shell_set_name() {}

fn main() {}
