// Python's `group=None` is its default; here a field not wanted is left out.
use flyte::{Secret, task};

#[task(secrets = Secret(key = "token", group = None))]
fn no_group() {}

fn main() {}
