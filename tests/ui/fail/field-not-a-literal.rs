use flyte::task;

const KEY: &str = "api-key";

#[task(secrets = Secret(key = KEY))]
fn constant_key() {}

fn main() {
    let _ = KEY;
}
