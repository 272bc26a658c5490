use flyte::task;

// `my-key` and `MY_KEY` both become MY_KEY.
#[task(secrets = ["my-key", "MY_KEY"])]
fn same_derived_name() {}

fn main() {}
