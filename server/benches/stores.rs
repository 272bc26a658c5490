//! Every store in one run: GetSecret throughput and p99 latency at 1 and 32 connections, and
//! create+get round trips per second (one kept connection, a create then a get of the new
//! name, back to back), for SQLite, Postgres behind 1 and behind 2 replicas (the connections split
//! over both), and OpenBao (KV v2, `bao server -dev`, in memory).
//!
//! ```text
//! FLYTE_TEST_PG_BIN=/usr/lib/postgresql/15/bin FLYTE_TEST_BAO=target/py-venv/bin/bao \
//!     cargo bench -p flyte-server --bench stores
//! ```
//! A store whose program is missing is skipped with a line saying so. Postgres and OpenBao
//! are started privately on loopback by the same harness as the tests; the data dirs are
//! temporary (SQLite on the real disk, `synchronous=FULL`; Postgres with `fsync` on).

#[allow(dead_code)]
#[path = "../tests/stores/openbao/bao.rs"]
mod bao;
#[allow(dead_code)]
#[path = "../tests/stores/postgres/cluster.rs"]
mod cluster;
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/load.rs"]
mod load;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use flyte_idl::*;
use flyte_server::{KEY_ENV, RunningServer, ServerBuilder};

const GET_REQUESTS: [(usize, usize); 2] = [(1, 4000), (32, 250)];
const ROUND_TRIPS: usize = 400;

fn sid(name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: "127".into(),
        project: "bench".into(),
        domain: "dev".into(),
    }
}

fn create_body(name: &str) -> Bytes {
    Bytes::from(
        CreateSecretRequest {
            id: Some(sid(name)),
            secret_spec: Some(SecretSpec {
                value: Some(secret_spec::Value::StringValue("v".repeat(32))),
                r#type: 0,
            }),
        }
        .encode_to_vec(),
    )
}

fn get_body(name: &str) -> Bytes {
    Bytes::from(
        GetSecretRequest {
            id: Some(sid(name)),
            include_system_secrets: false,
        }
        .encode_to_vec(),
    )
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

/// One store's figures: GetSecret at each connection count, then create+get round trips.
async fn measure(label: &str, addrs: &[SocketAddr]) {
    // Names of their own: the two Postgres runs share one database.
    let tag: String = label.chars().filter(char::is_ascii_alphanumeric).collect();
    let seeded = format!("get-{tag}");
    let seed = create_body(&seeded);
    load::load(
        addrs[0],
        paths::CREATE_SECRET,
        1,
        1,
        Arc::new(move |_, _| seed.clone()),
    )
    .await;
    for (conns, per_conn) in GET_REQUESTS {
        let body = get_body(&seeded);
        let f: Arc<dyn Fn(usize, usize) -> Bytes + Send + Sync> =
            Arc::new(move |_, _| body.clone());
        // Warm-up, then the measured run.
        load::load(addrs, paths::GET_SECRET, conns, 50, f.clone()).await;
        let run = load::load(addrs, paths::GET_SECRET, conns, per_conn, f).await;
        println!(
            "{label:<26} {:<11} {conns:>5} {:>9.0} {:>9} {:>9}",
            "GetSecret",
            run.rps(),
            ms(run.pct(0.50)),
            ms(run.pct(0.99))
        );
    }
    // create+get: the pair as a client sees it, on one kept connection.
    let rate = load::rounds(addrs[0], ROUND_TRIPS, |i| {
        let name = format!("rt-{tag}-{i}");
        vec![
            (paths::CREATE_SECRET, create_body(&name)),
            (paths::GET_SECRET, get_body(&name)),
        ]
    })
    .await;
    println!("{label:<26} {:<11} {:>5} {rate:>9.0}", "create+get", 1);
}

async fn start(builder: ServerBuilder) -> RunningServer {
    builder.build().unwrap().start().await.unwrap()
}

fn key_env() -> impl Fn(&str) -> Option<String> + Clone + Send + Sync + 'static {
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    move |k: &str| (k == KEY_ENV).then(|| key.clone())
}

fn on_path(var: &str, program: &str) -> bool {
    std::env::var_os(var).is_some()
        || std::env::var_os("PATH")
            .is_some_and(|p| std::env::split_paths(&p).any(|d| d.join(program).is_file()))
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "GetSecret and create+get per store; loopback, HTTP/1.1 keep-alive, application/proto"
    );
    println!(
        "{:<26} {:<11} {:>5} {:>9} {:>9} {:>9}",
        "store", "call", "conns", "req/s", "p50 ms", "p99 ms"
    );
    rt.block_on(async {
        let dir = common::private_tempdir();
        let server = start(common::builder(dir.path())).await;
        measure("sqlite", &[server.addr()]).await;
        server.shutdown().await.unwrap();

        if on_path("FLYTE_TEST_PG_BIN", "initdb") {
            let pg = cluster::Cluster::start();
            let url: flyte_server::StoreConfig = pg.database("bench").await.parse().unwrap();
            let (d1, d2) = (common::private_tempdir(), common::private_tempdir());
            let one = start(common::builder(d1.path()).store(url.clone()).env(key_env())).await;
            measure("postgres, 1 replica", &[one.addr()]).await;
            let two = start(common::builder(d2.path()).store(url).env(key_env())).await;
            measure("postgres, 2 replicas", &[one.addr(), two.addr()]).await;
            one.shutdown().await.unwrap();
            two.shutdown().await.unwrap();
            pg.stop();
        } else {
            println!("postgres: skipped (set FLYTE_TEST_PG_BIN to PostgreSQL's bin directory)");
        }

        if on_path("FLYTE_TEST_BAO", "bao") {
            let (_bao, _mount, server, _dir) = bao::start_on_fresh_mount().await;
            measure("openbao (kv v2, dev)", &[server.addr()]).await;
            server.shutdown().await.unwrap();
        } else {
            println!("openbao: skipped (set FLYTE_TEST_BAO to a `bao` binary)");
        }
    });
}
