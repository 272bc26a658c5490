use flyte::task;

#[task(secrets = "")]
fn empty_key() {}

fn main() {}
