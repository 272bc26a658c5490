use flyte::task;

#[task(secrets = "my-secret")]
struct NotAFunction;

fn main() {}
