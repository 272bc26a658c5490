use flyte::task;

#[task(secret = "my-secret")]
fn misspelled_argument() {}

fn main() {}
