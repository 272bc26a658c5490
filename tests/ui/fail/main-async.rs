#[flyte::main]
async fn main() {}
