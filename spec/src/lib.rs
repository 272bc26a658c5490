//! The rules for a secret request, shared by the `#[task]` macro (at compile time) and the
//! `flyte` runtime (at run time), so both accept and refuse exactly the same requests.
//!
//! The rules are the Python SDK's (flyte 2.12.1) plus a few deliberate tightenings, see
//! [`SpecError`]. This crate has no dependencies so that it costs the proc-macro nothing.

mod error;
pub mod packed;
mod request;
mod rules;

pub use error::{Field, SpecError};
pub use request::{Clash, Conflict, Declared, Request, Target, check_task};
pub use rules::{
    ENV_NAME_PATTERN, INHERITED_ENV, MOUNT_PATH, default_env_name, display_name, is_inherited_env,
    is_loader_env, is_valid_env_name, legacy_service_name, normalize_mount, service_name,
};
