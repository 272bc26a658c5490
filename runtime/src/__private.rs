//! Used by code that `#[task]` and `#[flyte::main]` generate. Not public API: names and
//! signatures change without notice.

pub use core::result::Result::{Err, Ok};
pub use inventory;

pub use crate::launch::entry::main_entry;
pub use crate::task::context::{Scoped, scoped};
pub use crate::task::def::TaskDef;
pub use crate::task::expansion::{HasOutput, Never};
pub use crate::task::io::{Call, InputDef, Shown};
pub use crate::task::outcome::Fail;
#[cfg(not(flyte_link_section))]
pub use crate::task::registry::TaskEntry;
pub use crate::task::registry::registered;
pub use crate::task::runner::*;

/// Glob-imported by the code `#[task]` generates for `Secret(...)`, below the user's own names
/// (see `secret_paths` in the macro crate's `expand.rs`).
pub mod secret_name {
    pub use crate::Secret;
}

/// Drives an async task to completion for `BIN run TASK`, on a fresh multi-thread runtime
/// (secrets are already in place by then, so threads are fine).
pub fn block_on<F: std::future::Future>(fut: F) -> F::Output {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("cannot start the tokio runtime for an async task")
        .block_on(fut)
}
