//! `BIN list`: the tasks of a binary and their secrets as JSON, never a value.

use serde::{Deserialize, Serialize};

use crate::task::{SecretDef, TaskDef};

/// The output of `BIN list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    pub tasks: Vec<TaskInfo>,
}

/// One task as `BIN list` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub name: String,
    pub module: String,
    /// Whether `BIN run NAME` can run it (no arguments, no generics).
    pub runnable: bool,
    pub secrets: Vec<SecretInfo>,
}

/// One declared secret: where it lands, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInfo {
    pub key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// `key` or `group/key` below the mount dir.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl TaskInfo {
    pub fn from_def(def: &TaskDef) -> Self {
        TaskInfo {
            name: def.name.to_owned(),
            module: def.module_path.to_owned(),
            runnable: def.runnable(),
            secrets: def.secrets.iter().map(SecretInfo::from_def).collect(),
        }
    }

    /// The secrets as the borrowed form sources and the resolver take.
    pub fn secret_defs(&self) -> Vec<SecretDef<'_>> {
        self.secrets.iter().map(SecretInfo::as_def).collect()
    }
}

impl SecretInfo {
    pub fn from_def(def: &SecretDef<'_>) -> Self {
        SecretInfo {
            key: def.key.to_owned(),
            group: def.group.map(str::to_owned),
            env_var: def.env_var.map(str::to_owned),
            file: def.file.map(str::to_owned),
        }
    }

    pub fn as_def(&self) -> SecretDef<'_> {
        SecretDef {
            key: &self.key,
            group: self.group.as_deref(),
            env_var: self.env_var.as_deref(),
            file: self.file.as_deref(),
        }
    }
}

impl TaskList {
    /// The tasks registered in this binary.
    pub fn of_this_binary() -> Self {
        TaskList {
            tasks: crate::task::registered()
                .into_iter()
                .map(TaskInfo::from_def)
                .collect(),
        }
    }
}
