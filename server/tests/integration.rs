//! Integration tests of `flyte-server`: the RPCs over real HTTP, auth, stores, durability.
//!
//! One binary, one module per area, so the test build links once rather than once per file.

mod common;

mod auth;
mod background;
mod codecs;
mod data_dir;
mod errors;
mod limits;
mod loopback_trust;
mod oidc;
mod persistence;
mod python_interop;
mod stores;
