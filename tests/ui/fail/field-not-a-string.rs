use flyte::task;

#[task(secrets = Secret(key = 1))]
fn integer_key() {}

fn main() {}
