#[flyte::main(tasks_from = my_tasks)]
fn main() {}
