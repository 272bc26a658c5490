//! The typed accessor: a running task reads its declared secrets.

use std::path::{Path, PathBuf};

use super::context::with_current;
use crate::Error;
use crate::secret::SecretDef;
use crate::secret::SecretValue;

/// One declared secret of the running task, with its value and, for a file secret, the real
/// path of its file (valid until the task ends).
#[derive(Debug, Clone)]
pub struct TaskSecret {
    pub(crate) def: &'static SecretDef<'static>,
    pub(crate) value: SecretValue,
    pub(crate) path: Option<PathBuf>,
}

impl TaskSecret {
    /// The key the secret was declared with.
    pub fn key(&self) -> &'static str {
        self.def.key
    }

    /// The group it was declared in, if any.
    pub fn group(&self) -> Option<&'static str> {
        self.def.group
    }

    /// The env var the secret lands in, for an env secret.
    pub fn env_var(&self) -> Option<&'static str> {
        self.def.env_var()
    }

    /// The file holding the secret, for a file secret: `/etc/flyte/secrets/<key>` on a
    /// cluster, or the override directory locally (see [`crate::mount`]).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The value; see [`TaskSecret::expose`] and [`TaskSecret::expose_str`] to read it.
    pub fn value(&self) -> &SecretValue {
        &self.value
    }

    /// The value's bytes.
    pub fn expose(&self) -> &[u8] {
        self.value.expose()
    }

    /// The value as UTF-8, `None` for binary.
    pub fn expose_str(&self) -> Option<&str> {
        self.value.expose_str()
    }
}

/// The running task's declared secret `key` (any group). Prefer the [`crate::secret!`]
/// macro inside a `#[task]` body: there an undeclared key is a compile error.
pub fn secret(key: &str) -> Result<TaskSecret, Error> {
    lookup(key, None)
}

/// The running task's declared secret `key` in `group`.
pub fn secret_in(group: &str, key: &str) -> Result<TaskSecret, Error> {
    lookup(key, Some(group))
}

/// Every declared secret of the running task, in declaration order.
pub fn secrets() -> Result<Vec<TaskSecret>, Error> {
    with_current(|running| match running {
        Some(r) => Ok(r.secrets.clone()),
        None => Err(Error::NoTask { key: "*".into() }),
    })
}

/// The name of the running task, if any.
pub fn task_name() -> Option<&'static str> {
    with_current(|running| running.map(|r| r.task.name))
}

fn lookup(key: &str, group: Option<&str>) -> Result<TaskSecret, Error> {
    with_current(|running| {
        let Some(running) = running else {
            return Err(Error::NoTask {
                key: key.to_owned(),
            });
        };
        running
            .secrets
            .iter()
            .find(|s| s.def.key == key && (group.is_none() || s.def.group == group))
            .cloned()
            .ok_or_else(|| Error::Undeclared {
                task: running.task.name.to_owned(),
                key: flyte_spec::display_name(key, group),
            })
    })
}
