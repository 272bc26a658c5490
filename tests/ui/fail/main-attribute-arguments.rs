#[flyte::main(secrets = "x")]
fn main() {}
