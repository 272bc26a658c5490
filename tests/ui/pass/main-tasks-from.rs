//! `tasks_from` links the tasks of a library crate the binary names nowhere else (here this
//! package's own library, tests/fixtures/lib_tasks.rs); main-entry.rs, without it, has none.
#![deny(warnings)]

#[flyte::main(tasks_from = [flyte_workspace,])]
fn main() {
    let tasks = flyte::__private::registered();
    let paths: Vec<_> = tasks
        .iter()
        .map(|t| format!("{}::{}", t.module_path, t.name))
        .collect();
    assert_eq!(paths, ["flyte_workspace::lib_task"]);
}
