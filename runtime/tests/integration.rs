//! Integration tests of the `flyte` crate: injection, the client against a real server,
//! logins and the keyring.
//!
//! One binary, one module per area, so the test build links once rather than once per file.
//! Tests that change process-wide state (a global subscriber, a panic hook, the global
//! client) keep binaries of their own.

mod keyring_common;
mod remote_support;

mod config_precedence;
mod config_python_parity;
mod inject_inprocess;
mod inject_logs;
mod keyring_async;
mod keyring_disable;
mod keyring_faults;
mod keyring_keyutils;
mod keyring_python;
mod keyring_secret_service;
mod launch_errors;
mod login;
mod remote_auth;
mod remote_blocking;
mod remote_errors;
mod remote_faults;
mod remote_listall;
mod remote_ops;
mod remote_python_parity;
mod remote_retry;
mod remote_tls;
