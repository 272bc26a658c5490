use flyte::task;

// The key is fine; the group makes the derived name `9LIVES_TOKEN` invalid.
#[task(secrets = Secret(key = "token", group = "9lives"))]
fn group_leading_digit() {}

fn main() {}
