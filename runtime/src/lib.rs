//! Secrets for Rust tasks, in the style of Flyte 2.
//!
//! ```
//! use flyte::task;
//!
//! #[task(secrets = "my-secret")]             // env var MY_SECRET
//! fn secret_task() {
//!     // As its own process (`BIN run secret_task`, `flyte run BIN secret_task`, a cluster):
//!     let from_env = std::env::var("MY_SECRET");
//!     // Anywhere, in-process calls included; an undeclared key is a compile error here:
//!     let s = flyte::secret!("my-secret").unwrap();
//! }
//!
//! #[flyte::main]
//! fn main() { /* runs unless the binary was asked to `list` or `run TASK` */ }
//! ```
//!
//! - [`task`](macro@task): declare secrets, checked at compile time.
//! - [`current`] and [`secret!`]: read the running task's secrets.
//! - [`sources`]: where values come from (process, dotenv file, secret service, your own).
//! - [`launch`]: run a task as its own process; [`mount`]: where file secrets go.
//! - [`remote`]: the Flyte secret service client and the keyring token cache.

pub mod config;
mod error;
pub mod launch;
#[cfg(feature = "local")]
pub mod local;
pub mod mount;
pub mod remote;
pub mod secret;
pub mod sources;
mod task;

#[doc(hidden)]
pub mod __private;

// The README's Rust examples, compiled by `cargo test --doc`.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeDoctests;

/// The running task's secrets (the typed accessor). See also [`secret!`].
pub mod current {
    pub use crate::task::access::TaskSecret;
    pub use crate::task::access::{secret, secret_in, secrets, task_name};
}

pub use config::Config;
pub use error::{Error, Result};
#[doc(inline)]
pub use flyte_macros::{main, task};
pub use flyte_spec::SpecError;
pub use remote::init;
pub use secret::{Secret, SecretValue};

// `#[task]` reads `Secret(...)` in its attribute itself, so no import is needed. The macro
// names this (hidden) macro, which `use flyte::Secret;` imports along with the struct, only so
// that such an import counts as used.
#[doc(hidden)]
#[macro_export]
macro_rules! Secret {
    ($($ignored:tt)*) => {};
}

/// Reads a declared secret of the running task: `secret!("key")` or
/// `secret!("key", group = "g")`, giving `Result<TaskSecret, flyte::Error>`.
///
/// Inside a `#[task]` body the macro checks the key against the task's declaration at compile
/// time. Elsewhere (helpers called by a task) the check happens at run time: an undeclared
/// key is [`Error::Undeclared`], naming the task and the key.
#[macro_export]
macro_rules! secret {
    ($key:literal $(,)?) => {
        $crate::current::secret($key)
    };
    ($key:literal, group = $group:literal $(,)?) => {
        $crate::current::secret_in($group, $key)
    };
    // Anything else: say what the macro takes, not macro_rules' "no rules expected".
    ($($other:tt)*) => {
        ::core::compile_error!(
            "`secret!` takes a string literal key: `secret!(\"key\")` or \
             `secret!(\"key\", group = \"group\")`; for a key known only at run time, call \
             `flyte::current::secret(key)`"
        )
    };
}
