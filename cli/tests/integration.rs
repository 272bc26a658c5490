//! Integration tests of the `flyte` CLI, run as a process the way a user runs it.
//!
//! One binary, one module per area, so the test build links once rather than once per file.

#[path = "../../tests/oidc/certs.rs"]
mod certs;
mod support;

mod auth_commands;
mod docker_config;
mod embedded_default;
mod endpoint_errors;
mod endpoint_hints;
mod hostile_endpoint;
mod login_commands;
mod run_task;
mod secret_commands;
mod serve_process;
mod terminal;
mod usage_and_help;
