//! OpenBao: the conformance suite on a fresh KV v2 mount per test, then the tests only
//! OpenBao has, a module each: what other Vault users see and the path layout ([`layout`]),
//! the checks at start ([`start`]), the token ([`token`]), HTTPS ([`tls`]), a sealed server
//! ([`sealed`]), racing writers ([`races`]) and what other tools leave in the mount
//! ([`other_tools`]).
//!
//! One `bao server -dev` serves the whole test binary (a free loopback port, a root token
//! made here); each test enables its own fresh KV v2 mount on it ([`bao`]). Every `bao` runs
//! under a small `sh` that kills it when the test binary ends ([`bao::start_bao`]), so none
//! outlives it. The raft and TLS tests run their own servers. Their output goes to a log file
//! in a temporary directory, never to the test output (it holds tokens).

mod bao;
mod layout;
mod other_tools;
mod races;
mod sealed;
mod start;
mod tls;
mod token;

use flyte_server::{RunningServer, ServerBuilder, StartError};
use flyte_test_backends::needs;

use crate::common::Client;
use crate::stores::conformance::conformance_suite;
use crate::stores::harness::StoreUnderTest;

/// The store of one conformance test: a fresh KV v2 mount on the dev server, shared by every
/// server the test starts (replicas included), the token in `BAO_TOKEN`.
pub(crate) async fn setup() -> StoreUnderTest {
    let bao = bao::dev().await;
    let mount = bao.mount("kv-v2").await;
    let store = bao.store(&mount);
    let token = bao.token.clone();
    let configure = move |builder: ServerBuilder| {
        let token = token.clone();
        builder
            .store(store.clone())
            .env(move |k| (k == "BAO_TOKEN").then(|| token.clone()))
    };
    StoreUnderTest::new("openbao", true, configure, mount)
}

conformance_suite!(setup, #[needs(openbao)]);

fn inject(server: &RunningServer) -> Client {
    Client::new(server.addr()).token(server.inject_token().unwrap().expose())
}

/// The error chain of a start failure, on one line.
fn chain(e: &StartError) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(&format!(": {c}"));
        src = c.source();
    }
    s
}
