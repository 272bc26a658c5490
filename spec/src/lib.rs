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
    CHECK_INPUTS_FLAG, DEFAULT_DIR_VAR, DEFAULT_ENV_PREFIX, ENV_NAME_PATTERN, ENV_PREFIX_VAR,
    EXECUTION_DOMAIN_VAR, EXECUTION_ID_VAR, EXECUTION_PROJECT_VAR, FILE_PREFIX_VAR, INHERITED_ENV,
    INPUTS_FILE_FLAG, INPUTS_FLAG, LAUNCH_SET_ENV, LAUNCHED_VAR, MOUNT_PATH, ORG_NAME_VAR,
    OUTPUTS_FILE_FLAG, RUN_ID_VAR, RUNNER_FLAGS, SECRETS_ROOT_VAR, SERVICE_NAME_MAX_LEN,
    SERVICE_NAME_RULE, SHELL_SET_ENV, default_env_name, display_name, is_inherited_env,
    is_loader_env, is_storable_name, is_valid_env_name, legacy_service_name, normalize_mount,
    reserved_env, runner_flag, service_name,
};
