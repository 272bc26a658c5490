//! [`ProcessSource`]: secrets already present in the process, as a Flyte cluster injects
//! them under any of its injectors (see [`PodLayout`]).

use std::io::ErrorKind;
use std::path::PathBuf;

use super::pod::PodLayout;
use super::{Found, SecretSource};
use crate::Error;
use crate::secret::SecretDef;
use crate::secret::SecretValue;

/// Env vars of this process, and files under the pod's secrets directory, under every
/// injector's names; the first present wins.
#[derive(Debug, Clone)]
pub struct ProcessSource {
    layout: PodLayout,
}

impl ProcessSource {
    /// The layout from `FLYTE_SECRETS_ENV_PREFIX`, `FLYTE_SECRETS_DEFAULT_DIR` and
    /// `FLYTE_SECRETS_FILE_PREFIX` (set on a cluster by the webhook, and locally by the
    /// launcher), with the webhook's defaults (`_UNION_`, `/etc/flyte/secrets`, none).
    pub fn from_env() -> Self {
        ProcessSource {
            layout: PodLayout::from_env(),
        }
    }

    /// Looks for file secrets under `mount_dir` instead.
    pub fn with_mount_dir(mount_dir: impl Into<PathBuf>) -> Self {
        ProcessSource {
            layout: PodLayout::from_env().with_dir(mount_dir),
        }
    }

    /// A source for exactly this layout.
    pub fn with_layout(layout: PodLayout) -> Self {
        ProcessSource { layout }
    }

    /// The layout this source looks under.
    pub fn layout(&self) -> &PodLayout {
        &self.layout
    }

    /// Whether every env secret of `secrets` is set under its declared name and every file
    /// secret is on disk: then a task body reading `std::env::var` finds all of them.
    pub fn has_all_as_declared(&self, secrets: &[SecretDef<'_>]) -> bool {
        secrets.iter().all(|s| match s.env_var() {
            Some(name) => std::env::var_os(name).is_some(),
            None => matches!(self.fetch_in_task(s, secrets), Ok(Some(_))),
        })
    }
}

impl ProcessSource {
    /// Whether `path` is a file a launcher run other than this process's own (named in
    /// `FLYTE_TASK_RUN_ID`) wrote: a leftover or another task's, never a platform mount. A
    /// file the own run lists is its own, whoever else lists the name: a run that loses the
    /// race for a name lists it before its create fails, then uses a private directory.
    fn written_by_another_run(
        &self,
        path: &std::path::Path,
        recorded: &mut Option<std::collections::HashSet<String>>,
    ) -> bool {
        let Some(relative) = path
            .strip_prefix(&self.layout.dir)
            .ok()
            .and_then(|r| r.to_str())
        else {
            return false;
        };
        let own = std::env::var_os(crate::mount::RUN_ID_ENV);
        recorded
            .get_or_insert_with(|| {
                crate::mount::others_files(
                    &self.layout.dir.join(crate::mount::RECORDS_DIR),
                    own.as_deref(),
                )
            })
            .contains(relative)
    }
}

impl SecretSource for ProcessSource {
    /// As the only secret of its task: every injector's name is tried.
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        self.fetch_in_task(secret, std::slice::from_ref(secret))
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        self.looked_at_in_task(secret, std::slice::from_ref(secret))
    }

    /// The first present of [`PodLayout::env_names_in_task`] or
    /// [`PodLayout::file_paths_in_task`].
    fn fetch_in_task(
        &self,
        secret: &SecretDef<'_>,
        task: &[SecretDef<'_>],
    ) -> Result<Option<Found>, Error> {
        if let Some(declared) = secret.env_var() {
            // Raw bytes: a non-UTF-8 value is still a value.
            let read = |name: &str| {
                std::env::var_os(name)
                    .map(|v| Found::Value(SecretValue::new(v.into_encoded_bytes())))
            };
            // The declared name first, before working out the others: the common case (and
            // every in-process call of a launched task) stays one lookup.
            return Ok(read(declared).or_else(|| {
                self.layout.env_names_in_task(secret, task)[1..]
                    .iter()
                    .find_map(|name| read(name))
            }));
        }
        let mut ours: Option<std::collections::HashSet<String>> = None;
        for path in self.layout.file_paths_in_task(secret, task) {
            match std::fs::read(&path) {
                Ok(_) if self.written_by_another_run(&path, &mut ours) => {
                    tracing::debug!(file = %path.display(), "skipping a file another run wrote");
                }
                Ok(bytes) => {
                    return Ok(Some(Found::File {
                        path,
                        value: SecretValue::new(bytes),
                    }));
                }
                Err(e) if matches!(e.kind(), ErrorKind::NotFound | ErrorKind::NotADirectory) => {}
                Err(source) => {
                    return Err(Error::Io {
                        action: "cannot read secret file",
                        path,
                        source,
                    });
                }
            }
        }
        Ok(None)
    }

    fn looked_at_in_task(&self, secret: &SecretDef<'_>, task: &[SecretDef<'_>]) -> String {
        if secret.env_var().is_some() {
            let names = self.layout.env_names_in_task(secret, task);
            format!("env var {}", names.join(" or "))
        } else {
            let paths: Vec<String> = self
                .layout
                .file_paths_in_task(secret, task)
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            format!("file {}", paths.join(" or "))
        }
    }
}
