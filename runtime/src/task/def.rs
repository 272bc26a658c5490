//! The static description of a task and its secrets, emitted by `#[task]` and readable
//! without running the task (for `BIN list` and pre-flight checks).

use std::path::{Path, PathBuf};

use serde::Serialize;

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

/// One declared secret, with where it lands already worked out by the macro. Borrowed so
/// the same type describes a task of this binary (`'static`) and one read from another
/// binary's `list` output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SecretDef<'a> {
    pub key: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<&'a str>,
    /// The env var the secret is exposed as, for an env secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub env_var: Option<&'a str>,
    /// `key` or `group/key` below the mount dir, for a file secret.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<&'a str>,
}

impl TaskDef {
    /// Whether `BIN run NAME` can run this task.
    pub fn runnable(&self) -> bool {
        self.runner.is_some()
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

impl SecretDef<'_> {
    /// `key` or `group/key`, how a secret is named in messages and in the dotenv file
    /// lookup.
    pub fn display_name(&self) -> String {
        match self.group {
            Some(group) => format!("{group}/{}", self.key),
            None => self.key.to_owned(),
        }
    }

    /// The file below `mount_root` for a file secret.
    pub fn path_under(&self, mount_root: &Path) -> Option<PathBuf> {
        self.file.map(|rel| mount_root.join(rel))
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
