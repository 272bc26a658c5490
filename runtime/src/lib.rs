//! Secrets for Rust tasks, in the style of Flyte 2.
//!
//! ```ignore
//! use flyte::{task, Secret};
//!
//! #[task(secrets = "my-secret")]            // env var MY_SECRET
//! fn secret_task() {
//!     let v = std::env::var("MY_SECRET");      // when run as its own process
//!     let s = flyte::secret!("my-secret");      // anywhere, in-process too
//! }
//! ```
//!
//! See the README for the whole tour: declaring secrets, running tasks, the secret service
//! client and the keyring token cache.

mod error;
pub mod config;
pub mod remote;
pub mod secret;
pub mod sources;
pub mod task;

#[doc(hidden)]
pub mod __private;

pub use error::{Error, Result};
pub use flyte_macros::task;
pub use secret::{Secret, SecretValue};
