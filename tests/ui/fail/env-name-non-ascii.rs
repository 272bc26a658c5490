use flyte::task;

#[task(secrets = "café")]
fn non_ascii() {}

fn main() {}
