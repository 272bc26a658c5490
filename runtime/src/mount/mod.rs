//! File secrets on disk: where they go, how they are written, and how they are removed.
//!
//! A task's file secrets are written into a directory of their own, mode 0700, each file
//! created exclusively (`O_EXCL`) with mode 0400, and removed when the task ends (the
//! [`MountDir`] guard's drop runs on success, error and panic). A run killed before it could
//! clean up leaves its directory behind; the next launcher sweeps, before it resolves
//! anything, what runs that no longer exist left (each live run holds an advisory lock on
//! its record, so a reused PID never keeps a dead run alive). Files a run wrote into the standard dir are never taken for a platform's:
//! [`crate::sources::ProcessSource`] skips files another run recorded, and a launched task
//! knows its own run by `FLYTE_TASK_RUN_ID`.
//!
//! The standard dir is created 0700 when missing; an existing one is never loosened.
//!
//! Where:
//! - A task run as its own process by the [launcher](crate::launch) gets its files at the
//!   standard `/etc/flyte/secrets/<key>` when that directory is writable (root, containers),
//!   so `std::fs::read_to_string("/etc/flyte/secrets/config")` works in the body as on a
//!   cluster. Otherwise, and for tasks called in-process (which may run concurrently), they go
//!   to a private directory under the *override root*: `$FLYTE_SECRETS_ROOT`, else
//!   `$XDG_RUNTIME_DIR/flyte-secrets`, else `/dev/shm/flyte-secrets-<uid>` (both memory
//!   backed), else `<tmp>/flyte-secrets-<uid>`.
//! - The launched process is told the directory in `$FLYTE_SECRETS_DEFAULT_DIR`, as a
//!   Flyte pod is; the typed accessor (`flyte::secret!`) always returns the real path.

mod dir;
mod record;
mod root;
mod sweep;

// For the injection bench only.
#[doc(hidden)]
pub use dir::MountDir;
pub(crate) use record::RUN_ID_ENV;
pub(crate) use record::{RECORDS_DIR, held_with_another_value, join_run, others_files};
pub(crate) use root::ROOT_ENV;
pub use root::standard_dir_writable;
pub(crate) use sweep::sweep_stale;
