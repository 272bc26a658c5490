use flyte::task;

#[task(secrets = "my-secret")]
const fn constant() -> u8 {
    1
}

fn main() {
    let _ = constant();
}
