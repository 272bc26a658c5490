//! Wire tests of `flyte-idl`: the binary and JSON codecs, and parity with the Python
//! flyteidl2.
//!
//! One binary, one module per area, so the test build links once rather than once per file.

mod common;

mod auth_wire;
mod binary;
mod json;
mod python_wire;
