//! The secret stores: one conformance suite that every store passes (stores/conformance),
//! then the tests particular to each store. Stores that need a server of their own
//! (PostgreSQL, OpenBao) start it once per test binary and are marked `#[needs(..)]`.

#[path = "stores/conformance/mod.rs"]
mod conformance;
#[path = "stores/harness.rs"]
mod harness;
#[path = "stores/openbao/mod.rs"]
mod openbao;
#[path = "stores/postgres.rs"]
mod postgres;
#[path = "stores/sqlite.rs"]
mod sqlite;
