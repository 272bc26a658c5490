use flyte::task;

#[task(secrets = ["a", ["b", "c"]])]
fn nested() {}

fn main() {}
