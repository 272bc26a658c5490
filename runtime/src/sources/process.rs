//! [`ProcessSource`]: secrets already present in the process, as a platform injects them.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

use super::{Found, SecretSource};
use crate::Error;
use crate::mount::MOUNT_DIR_ENV;
use crate::secret::SecretValue;
use crate::task::SecretDef;

/// Env vars of this process, and files under the mount dir.
#[derive(Debug, Clone)]
pub struct ProcessSource {
    mount_dir: PathBuf,
}

impl ProcessSource {
    /// Reads the mount dir from `$FLYTE_SECRETS_DIR` (set by the launcher for a local run),
    /// else the standard `/etc/flyte/secrets`.
    pub fn from_env() -> Self {
        let mount_dir = std::env::var_os(MOUNT_DIR_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(flyte_spec::MOUNT_PATH));
        ProcessSource { mount_dir }
    }

    /// Looks for file secrets under `mount_dir` instead.
    pub fn with_mount_dir(mount_dir: impl Into<PathBuf>) -> Self {
        ProcessSource {
            mount_dir: mount_dir.into(),
        }
    }

    pub fn mount_dir(&self) -> &Path {
        &self.mount_dir
    }
}

impl SecretSource for ProcessSource {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        if let Some(name) = secret.env_var {
            // Raw bytes: a non-UTF-8 value is still a value.
            return Ok(std::env::var_os(name)
                .map(|v| Found::Value(SecretValue::new(v.into_encoded_bytes()))));
        }
        let Some(path) = secret.path_under(&self.mount_dir) else {
            return Ok(None);
        };
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(Found::File {
                path,
                value: SecretValue::new(bytes),
            })),
            Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {
                Ok(None)
            }
            Err(source) => Err(Error::Io {
                action: "cannot read secret file",
                path,
                source,
            }),
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        match (secret.env_var, secret.path_under(&self.mount_dir)) {
            (Some(name), _) => format!("env var {name}"),
            (None, Some(path)) => format!("file {}", path.display()),
            (None, None) => "nowhere (secret has no target)".to_owned(),
        }
    }
}
