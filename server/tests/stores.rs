//! The store tests (one binary): the conformance suite every store runs, and each store's
//! own tests.

mod common;
#[path = "stores/mod.rs"]
mod stores;
