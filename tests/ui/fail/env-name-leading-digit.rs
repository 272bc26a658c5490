use flyte::task;

#[task(secrets = "1st-secret")]
fn leading_digit() {}

fn main() {}
