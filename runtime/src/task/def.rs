//! The static description of a task and its secrets, emitted by `#[task]` and readable
//! without running the task (for `BIN list` and pre-flight checks).

use std::path::{Path, PathBuf};

use flyte_idl::core::{Secret as CoreSecret, SecurityContext, secret::MountType};
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

impl SecretDef<'_> {
    /// `key` or `group/key`, how a secret is named in messages and in the dotenv file
    /// lookup.
    pub fn display_name(&self) -> String {
        flyte_spec::display_name(self.key, self.group)
    }

    /// The file below `mount_root` for a file secret.
    pub fn path_under(&self, mount_root: &Path) -> Option<PathBuf> {
        self.file.map(|rel| mount_root.join(rel))
    }

    /// The `flyteidl2.core.Secret` a Flyte cluster needs to inject this secret, as the
    /// Python SDK's `get_security_context` builds it: `group` (empty when none), `key`,
    /// `mount_requirement` `ENV_VAR` with `env_var` set for an env secret, else `FILE` with
    /// `env_var` empty. `group_version` stays empty. Where below the mount a file secret
    /// lands is the cluster's business, so [`SecretDef::file`] only counts as set or not.
    pub fn core_secret(&self) -> CoreSecret {
        let (mount, env_var) = match self.env_var {
            // Python tests `if secret.as_env_var`, so an empty name means a file.
            Some(name) if !name.is_empty() => (MountType::EnvVar, name.to_owned()),
            _ => (MountType::File, String::new()),
        };
        CoreSecret {
            group: self.group.unwrap_or_default().to_owned(),
            group_version: String::new(),
            key: self.key.to_owned(),
            mount_requirement: mount.into(),
            env_var,
        }
    }
}

/// The `flyteidl2.core.SecurityContext` of a task with these secrets, in declaration
/// order: what a task template carries so a cluster injects them (only `secrets` is set).
/// A task without secrets gets the empty message, which a cluster reads as no secrets.
///
/// ```
/// use flyte::task::{SecretDef, security_context};
///
/// let sc = security_context(&[SecretDef { key: "my-secret", group: None, env_var: Some("MY_SECRET"), file: None }]);
/// assert_eq!(
///     serde_json::to_string(&sc).unwrap(),
///     r#"{"secrets":[{"key":"my-secret","mountRequirement":"ENV_VAR","envVar":"MY_SECRET"}]}"#
/// );
/// ```
pub fn security_context<'s, 'a: 's>(
    secrets: impl IntoIterator<Item = &'s SecretDef<'a>>,
) -> SecurityContext {
    SecurityContext {
        secrets: secrets.into_iter().map(SecretDef::core_secret).collect(),
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
