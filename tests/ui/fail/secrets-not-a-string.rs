use flyte::task;

#[task(secrets = 42)]
fn number() {}

fn main() {}
