//! [`TaskSecret`]: one declared secret of the running task, as the accessor hands it out.

use std::path::{Path, PathBuf};

use crate::secret::{SecretDef, SecretValue};

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
