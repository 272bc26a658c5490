//! Used by code that `#[task]` and `#[flyte::main]` generate. Not public API: names and
//! signatures change without notice.

pub use inventory;

pub use crate::launch::entry::main_entry;
pub use crate::task::context::{Scoped, TaskGuard, enter, scoped};
pub use crate::task::def::{SecretDef, TaskDef, TaskEntry};
pub use crate::task::outcome::{ExitViaResult, ExitViaValue, Fail, Outcome, ViaErr, ViaPanic, fail_panic};

/// Drives an async task to completion for `BIN run TASK`, on a fresh multi-thread runtime
/// (secrets are already in place by then, so threads are fine).
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime for an async task")
        .block_on(fut)
}
