//! The static description of a task and its secrets, emitted by `#[task]` and readable
//! without running the task (for `BIN list` and pre-flight checks).

use flyte_idl::core::SecurityContext;
use serde::Serialize;

use crate::secret::{SecretDef, security_context};

/// A task as `#[task]` records it.
#[derive(Debug, Serialize)]
pub struct TaskDef {
    /// The function's name.
    pub name: &'static str,
    /// `module_path!()` where the function is defined.
    pub module_path: &'static str,
    /// The declared secrets, in declaration order, already validated by the macro.
    pub secrets: &'static [SecretDef<'static>],
    /// Runs the task as the whole process and returns its exit code. Only for tasks that
    /// take no arguments and have no generics (`BIN run TASK` has nothing to pass them).
    #[serde(skip)]
    pub runner: Option<fn() -> i32>,
}

impl TaskDef {
    /// Whether `BIN run NAME` can run this task.
    pub fn runnable(&self) -> bool {
        self.runner.is_some()
    }

    /// The task's `flyteidl2.core.SecurityContext`: see [`security_context`].
    pub fn security_context(&self) -> SecurityContext {
        security_context(self.secrets)
    }

    /// The declared secret with this key (and group, when given).
    pub fn find(&self, key: &str, group: Option<&str>) -> Option<&'static SecretDef<'static>> {
        let mut hits = self
            .secrets
            .iter()
            .filter(|s| s.key == key && (group.is_none() || s.group == group));
        hits.next()
    }
}

/// Registration of a task in the binary, collected by the entry point.
#[derive(Debug)]
pub struct TaskEntry(pub &'static TaskDef);

inventory::collect!(TaskEntry);

/// Every task registered in this binary, sorted by name.
pub fn registered() -> Vec<&'static TaskDef> {
    let mut tasks: Vec<_> = inventory::iter::<TaskEntry>
        .into_iter()
        .map(|e| e.0)
        .collect();
    tasks.sort_by_key(|t| (t.name, t.module_path));
    tasks
}
