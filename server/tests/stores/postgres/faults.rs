//! Faults under load: `kill -9` of one of two replicas (a separate process: this test binary
//! re-run in the child role below), and the database restarted under the replicas.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flyte_idl::connect::Code;
use flyte_test_backends::needs;

use super::{Cluster, chain, database, key, leaks, replica};
use crate::common::{self, ORG, pid};

/// Set for the child role: the `--store` URL to serve (the key comes in `FLYTE_SERVER_KEY`).
const CHILD_ENV: &str = "FLYTE_TEST_PG_REPLICA";

/// Child side of the fault tests: a replica serving the database of `FLYTE_TEST_PG_REPLICA`
/// until its stdin closes (its parent is gone) or it is killed; prints `LISTENING <addr>`.
#[test]
#[ignore = "run by the fault tests in a child process"]
fn pg_replica_child() {
    let Ok(url) = std::env::var(CHILD_ENV) else {
        return;
    };
    // The server's log on stderr, as `flyte serve` writes it (debug: more to search for a
    // leaked value).
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(tracing_subscriber::EnvFilter::new("debug"))
        .init();
    let dir = common::private_tempdir();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        // The process environment: FLYTE_SERVER_KEY, as `flyte serve` reads it.
        let server = flyte_server::Server::builder()
            .data_dir(dir.path())
            .listen("127.0.0.1:0".parse().unwrap())
            .store(url.parse().unwrap())
            .build()
            .unwrap()
            .start()
            .await
            .unwrap();
        println!("LISTENING {}", server.addr());
        tokio::task::spawn_blocking(|| {
            let _ = std::io::stdin().read_to_end(&mut Vec::new());
        })
        .await
        .unwrap();
    });
}

/// A replica in a child process, and what it wrote on stderr.
struct ChildReplica {
    child: Child,
    addr: SocketAddr,
    /// Collects its stderr until it exits.
    stderr: Option<std::thread::JoinHandle<String>>,
}

impl ChildReplica {
    fn spawn(url: &str, keys: &str) -> ChildReplica {
        let module = module_path!().split_once("::").unwrap().1;
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args([
                &format!("{module}::pg_replica_child"),
                "--exact",
                "--ignored",
            ])
            .args(["--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, url)
            .env(flyte_server::KEY_ENV, keys)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut err = child.stderr.take().unwrap();
        let mut stderr = Some(std::thread::spawn(move || {
            let mut text = String::new();
            let _ = err.read_to_string(&mut text);
            text
        }));
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = loop {
            match lines.next() {
                Some(Ok(line)) => {
                    // After libtest's `test NAME ... ` on the same line.
                    if let Some((_, a)) = line.split_once("LISTENING ") {
                        break a.parse().unwrap();
                    }
                }
                _ => panic!(
                    "the child replica did not start: {}",
                    stderr.take().unwrap().join().unwrap()
                ),
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        ChildReplica {
            child,
            addr,
            stderr,
        }
    }
}

impl Drop for ChildReplica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Rust client (`flyte::remote::Client`) of a replica, as tasks use it; `retries`
/// bounds its retries of idempotent calls on `unavailable`.
fn rust_client(addr: SocketAddr, token: Option<&str>, retries: u32) -> flyte::remote::Client {
    let mut builder = flyte::remote::Client::builder()
        .endpoint(&format!("http://{addr}"))
        .insecure(true)
        .disable_keyring(true);
    if let Some(token) = token {
        builder = builder.api_key(token).unwrap();
    }
    builder
        .org(ORG)
        .project("proj")
        .domain("dev")
        .max_retries(retries)
        .base_backoff(Duration::from_millis(50))
        .max_backoff(Duration::from_millis(500))
        .build()
        .unwrap()
}

#[needs(postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_of_one_replica_loses_no_acknowledged_write() {
    let url = database("pg_kill_9").await;
    let k = key(1);
    let mut a = ChildReplica::spawn(&url, &k);
    let b = replica(&url, &k).await;
    // No token for A (loopback, the same user may use the Flyte API); no retries, so that a
    // failure is seen as one.
    let to_a = rust_client(a.addr, None, 0);
    let to_b = rust_client(b.server.addr(), None, 0);

    let acked = Arc::new(Mutex::new(Vec::<(String, String)>::new()));
    let on_a = Arc::new(AtomicUsize::new(0));
    let on_b_after_kill = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for t in 0..4 {
        let (to_a, to_b) = (to_a.clone(), to_b.clone());
        let (acked, on_a, on_b_after_kill) = (acked.clone(), on_a.clone(), on_b_after_kill.clone());
        let (killed, stop) = (killed.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut failed_on_a = 0;
            for i in 0.. {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let name = format!("w{t}-{i}");
                let value = format!("k9-value-{t}-{i}");
                if i % 2 == 0 {
                    // A dies mid-run: its failures are not acknowledged, so not counted.
                    match to_a.create(&name, value.as_str()).await {
                        Ok(()) => {
                            on_a.fetch_add(1, Ordering::SeqCst);
                            acked.lock().unwrap().push((name, value));
                        }
                        // Before the kill, A must serve like B.
                        Err(e) if !killed.load(Ordering::SeqCst) => {
                            panic!("the replica not yet killed failed: {e}")
                        }
                        Err(_) => failed_on_a += 1,
                    }
                } else {
                    let after_kill = killed.load(Ordering::SeqCst);
                    to_b.create(&name, value.as_str())
                        .await
                        .unwrap_or_else(|e| panic!("the surviving replica failed: {e}"));
                    acked.lock().unwrap().push((name, value));
                    if after_kill {
                        on_b_after_kill.fetch_add(1, Ordering::SeqCst);
                    }
                }
            }
            failed_on_a
        }));
    }
    // (A writer that failed ends: stop waiting and report it below.)
    while on_a.load(Ordering::SeqCst) < 40 && !writers.iter().any(|w| w.is_finished()) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    killed.store(true, Ordering::SeqCst);
    a.child.kill().unwrap(); // SIGKILL
    a.child.wait().unwrap();
    while on_b_after_kill.load(Ordering::SeqCst) < 40 && !writers.iter().any(|w| w.is_finished()) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::SeqCst);
    let mut failed_on_a = 0;
    for w in writers {
        failed_on_a += w.await.unwrap();
    }
    assert!(
        failed_on_a > 0,
        "writes to the killed replica kept succeeding"
    );

    let acked = acked.lock().unwrap().clone();
    let listed = b.client.list_all(common::PROJ, 1000).await;
    for (name, value) in &acked {
        assert!(listed.contains(name), "acknowledged {name} is lost");
        assert_eq!(&b.value(pid(name)).await.unwrap(), value);
    }
    let stderr = a.stderr.take().unwrap().join().unwrap();
    assert!(stderr.contains("migrating the Postgres schema"), "{stderr}");
    let values: Vec<&str> = acked.iter().map(|(_, v)| v.as_str()).collect();
    assert_eq!(
        leaks(&stderr, &values),
        None,
        "the child replica's output shows a secret"
    );
    assert_eq!(leaks(&stderr, &[&k]), None);
}

#[needs(postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_restart_under_load_gives_unavailable_then_retries_succeed() {
    // Its own cluster: stopping the shared one would fail the other tests.
    let cluster = Cluster::start();
    let url = cluster.database("pg_restart").await;
    let r = replica(&url, &key(1)).await;
    let token = r.server.inject_token().unwrap().expose().to_owned();
    for i in 0..8 {
        r.client
            .create_str(pid(&format!("s{i}")), &format!("restart-value-{i}"))
            .await
            .unwrap();
    }

    // Readers with the Rust client, retrying idempotent calls: get, list, read value.
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(Mutex::new(Vec::<(Instant, Instant)>::new()));
    let mut readers = Vec::new();
    for t in 0..3 {
        let client = rust_client(r.server.addr(), Some(&token), 40);
        let (stop, calls) = (stop.clone(), calls.clone());
        readers.push(tokio::spawn(async move {
            let mut i = t;
            while !stop.load(Ordering::SeqCst) {
                let name = format!("s{}", i % 8);
                let began = Instant::now();
                let got = client
                    .get(&name)
                    .await
                    .unwrap_or_else(|e| panic!("get: {e}"));
                assert_eq!(got.name(), name);
                let value = client
                    .read_value(&name)
                    .await
                    .unwrap_or_else(|e| panic!("read value: {e}"));
                assert_eq!(
                    value.expose(),
                    format!("restart-value-{}", i % 8).as_bytes()
                );
                let mut all = client.listall(5);
                let mut n = 0;
                while all
                    .try_next()
                    .await
                    .unwrap_or_else(|e| panic!("list: {e}"))
                    .is_some()
                {
                    n += 1;
                }
                assert_eq!(n, 8);
                calls.lock().unwrap().push((began, Instant::now()));
                i += 1;
            }
        }));
    }
    while calls.lock().unwrap().len() < 10 && !readers.iter().any(|r| r.is_finished()) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    cluster.stop();
    let down = Instant::now();
    // While it is down: `unavailable`, naming the database and not the password.
    let f = r.client.get(pid("s0")).await.unwrap_err();
    assert_eq!(f.code(), Code::Unavailable, "{:?}", f.body);
    assert!(
        f.body
            .message
            .contains(&format!("127.0.0.1:{}/pg_restart", cluster.port)),
        "{}",
        f.body.message
    );
    assert_eq!(leaks(&f.body.message, &[]), None);
    let f = r.client.create_str(pid("new"), "x").await.unwrap_err();
    assert_eq!(f.code(), Code::Unavailable);
    // The Rust client without retries passes it on as unavailable.
    let once = rust_client(r.server.addr(), Some(&token), 0);
    let e = once.get("s1").await.unwrap_err();
    assert!(matches!(e, flyte::remote::Error::Unavailable { .. }), "{e}");
    assert_eq!(leaks(&chain(&e), &[]), None);
    // Creates are never retried after reaching the server, whatever the client's retries.
    let retrying = rust_client(r.server.addr(), Some(&token), 40);
    let e = retrying.create("new", "x").await.unwrap_err();
    assert!(matches!(e, flyte::remote::Error::Unavailable { .. }), "{e}");
    assert!(e.to_string().contains("after 1 attempt"), "{e}");
    let up = Instant::now();
    cluster.restart_stopped();

    // Readers keep going on the restarted database.
    let seen = calls.lock().unwrap().len();
    while calls.lock().unwrap().len() < seen + 10 && !readers.iter().any(|r| r.is_finished()) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    stop.store(true, Ordering::SeqCst);
    for reader in readers {
        reader.await.unwrap();
    }
    // Some call was in flight while the database was down: it met `unavailable`, retried,
    // and succeeded (every call above succeeded).
    let calls = calls.lock().unwrap().clone();
    assert!(
        calls
            .iter()
            .any(|(began, ended)| *began < up && *ended > down),
        "no call spanned the restart"
    );
    // Writes work again.
    r.client
        .create_str(pid("new"), "after-restart")
        .await
        .unwrap();
    assert_eq!(r.value(pid("new")).await.unwrap(), "after-restart");
}
