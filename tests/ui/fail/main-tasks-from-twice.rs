#[flyte::main(tasks_from = [my_tasks, my_tasks])]
fn main() {}
