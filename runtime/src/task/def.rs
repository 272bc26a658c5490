//! The static description of a task and its secrets, emitted by `#[task]` and readable
//! without running the task (for `BIN list` and pre-flight checks).

use flyte_idl::core::SecurityContext;
use serde::Serialize;

use super::io::{Call, InputDef};
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
    /// The parameters, in order.
    pub inputs: &'static [InputDef],
    /// The return type as written (`()` when none is).
    pub output: &'static str,
    /// Runs the task as the whole process with the call's inputs and returns its exit code,
    /// or `None` when the call stopped before the body (see `Call`). Absent when the macro
    /// saw that `BIN run` cannot call it; `why_not` then says why.
    #[serde(skip)]
    pub runner: Option<fn(&mut Call) -> Option<i32>>,
    /// Why there is no runner (empty when there is one).
    #[serde(skip)]
    pub why_not: &'static str,
}

impl TaskDef {
    /// Whether `BIN run NAME` can run this task.
    pub fn runnable(&self) -> bool {
        self.why_not_runnable().is_none()
    }

    /// Why `BIN run NAME` cannot run this task, if it cannot: what the macro saw, or
    /// parameter types that are not all `DeserializeOwned` (a probe call, which never
    /// reaches the body).
    pub fn why_not_runnable(&self) -> Option<String> {
        let Some(runner) = self.runner else {
            return Some(self.why_not.to_owned());
        };
        let mut probe = Call::probe(self.inputs);
        runner(&mut probe);
        probe.not_readable().then(|| {
            let params: Vec<String> = self
                .inputs
                .iter()
                .map(|i| format!("{}: {}", i.name, i.ty))
                .collect();
            format!(
                "its parameters ({}) are not all `serde::de::DeserializeOwned`",
                params.join(", ")
            )
        })
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

/// Every task registered in this binary, sorted by name.
pub fn registered() -> Vec<&'static TaskDef> {
    let mut tasks: Vec<_> = super::registry::entries().collect();
    tasks.sort_by_key(|t| (t.name, t.module_path));
    tasks
}
