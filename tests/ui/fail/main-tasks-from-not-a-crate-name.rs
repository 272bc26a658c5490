#[flyte::main(tasks_from = ["my-tasks"])]
fn main() {}
