//! `#[flyte::main(tasks_from = [flyte_workspace])]`: the tasks of a library the binary names
//! nowhere else are listed and run. `task_fixtures` gets the same library (both are bins of
//! this package) without naming it, and has none of them: that is what `tasks_from` fixes.

use std::process::Command;

use flyte::launch::TaskList;

use super::fixtures;

fn tasks_from_main() -> &'static str {
    env!("CARGO_BIN_EXE_tasks_from_main")
}

/// The `path` of every task `BIN list` shows.
fn listed(exe: &str) -> Vec<String> {
    let out = Command::new(exe).arg("list").output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let list: TaskList = serde_json::from_slice(&out.stdout).unwrap();
    list.tasks.into_iter().map(|t| t.path).collect()
}

#[test]
fn the_library_tasks_are_listed() {
    assert_eq!(listed(tasks_from_main()), ["flyte_workspace::lib_task"]);
}

#[test]
fn without_tasks_from_they_are_not_linked() {
    let listed = listed(fixtures());
    assert!(
        listed.iter().any(|p| p.ends_with("::env_task")),
        "{listed:?}"
    );
    assert!(!listed.iter().any(|p| p.contains("lib_task")), "{listed:?}");
}

#[test]
fn a_library_task_runs_by_name_and_by_path() {
    for task in ["lib_task", "flyte_workspace::lib_task"] {
        let out = Command::new(tasks_from_main())
            .args(["run", task])
            .env_clear()
            .env("LIB_SECRET", "lib-value-5e1c")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{task}: {out:?}");
        assert_eq!(stdout, "lib_task: lib-secret=lib-value-5e1c\n", "{task}");
    }
}
