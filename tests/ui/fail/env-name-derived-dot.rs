use flyte::task;

#[task(secrets = "my.key")]
fn dotted_key() {}

fn main() {}
