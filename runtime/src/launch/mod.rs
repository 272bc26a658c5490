//! Running a task as its own process, with its secrets in place before it starts.
//!
//! The process environment is never written here or anywhere in this crate: a launched task
//! gets its env-var secrets through [`std::process::Command::env`] and its file secrets in a
//! prepared directory (see [`crate::mount`]). The entry point ([`crate::main`]) makes a task
//! binary answer `BIN list` and `BIN run TASK`; when `run` finds declared secrets missing
//! from its own environment it launches itself through a [`Launcher`] rather than editing
//! its environment.

mod describe;
pub(crate) mod entry;
mod launcher;

pub use describe::{SecretInfo, TaskInfo, TaskList};
pub use launcher::{Launcher, Prepared, Started};

/// Set in a launched task's environment, so a task that still misses secrets reports them
/// instead of launching itself again.
pub const LAUNCHED_ENV: &str = "FLYTE_TASK_LAUNCHED";

/// Exit code of a task binary when the task is unknown or cannot be run from the command line.
pub const EXIT_USAGE: i32 = 2;
/// Exit code when the task did not start because its secrets could not be resolved.
pub const EXIT_NOT_STARTED: i32 = 3;
