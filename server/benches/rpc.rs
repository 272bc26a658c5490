//! Throughput and latency of GetSecret and CreateSecret on loopback, next to a bare axum
//! handler under the same load in the same run.
//!
//! `cargo bench -p flyte-server` (or `-- --quick` for a short run). The load generator is a
//! bounded set of keep-alive HTTP/1.1 connections (1 and 32), each sending a fixed number of
//! requests back to back; latencies are per request, client side.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Request, header};
use axum::routing::post;
use flyte_idl::*;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

const ORG: &str = "127";

fn sid(name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: ORG.into(),
        project: "bench".into(),
        domain: "dev".into(),
    }
}

#[path = "support/load.rs"]
mod load;
use load::load;

fn bare_axum(
    response: Bytes,
) -> (
    SocketAddr,
    std::thread::JoinHandle<()>,
    tokio::sync::oneshot::Sender<()>,
) {
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name(BARE_THREADS)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            // The baseline: same path and response bytes, no decoding, auth or storage.
            let app = axum::Router::new().route(
                paths::GET_SECRET,
                post(move |_body: Bytes| {
                    let response = response.clone();
                    async move { ([(header::CONTENT_TYPE, "application/proto")], response) }
                }),
            );
            let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            addr_tx.send(l.local_addr().unwrap()).unwrap();
            use axum::serve::ListenerExt;
            let l = l.tap_io(|t| {
                let _ = t.set_nodelay(true);
            });
            axum::serve(l, app)
                .with_graceful_shutdown(async move {
                    let _ = stop_rx.await;
                })
                .await
                .unwrap();
        });
    });
    (addr_rx.recv().unwrap(), thread, stop_tx)
}

/// Thread names of the two servers, for [`cpu`]: the runtime's, and for flyte also the
/// store's writer thread (`flyte-store-writer`), where a group's commit runs.
const BARE_THREADS: &str = "bare-axum";
const FLYTE_THREADS: &str = "flyte-s";

/// CPU time so far of this process's threads whose name starts with `prefix`: what each
/// server spends, apart from the load generator (Linux; zero elsewhere).
fn cpu(prefix: &str) -> Duration {
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return Duration::ZERO;
    };
    let mut ns = 0;
    for task in tasks.flatten() {
        let read = |f: &str| std::fs::read_to_string(task.path().join(f)).unwrap_or_default();
        if read("comm").starts_with(prefix) {
            ns += read("schedstat")
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    Duration::from_nanos(ns)
}

/// Runs `f` and returns its run with the CPU time per request of the `prefix` threads.
fn measured(prefix: &str, f: impl FnOnce() -> load::Run) -> (load::Run, Duration) {
    let before = cpu(prefix);
    let run = f();
    let per = (cpu(prefix) - before) / run.requests as u32;
    (run, per)
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let scale = if quick { 5 } else { 1 };
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let server = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .build()
        .unwrap()
        .start_background()
        .unwrap();
    let flyte = server.addr();

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // Seed the secret GetSecret reads, and capture its exact response for the bare handler.
    let get_body = Bytes::from(
        GetSecretRequest {
            id: Some(sid("bench-get")),
            include_system_secrets: false,
        }
        .encode_to_vec(),
    );
    let response = rt.block_on(async {
        let create = CreateSecretRequest {
            id: Some(sid("bench-get")),
            secret_spec: Some(SecretSpec {
                value: Some(secret_spec::Value::StringValue("v".repeat(32))),
                r#type: 0,
            }),
        };
        let body = Bytes::from(create.encode_to_vec());
        load(
            flyte,
            paths::CREATE_SECRET,
            1,
            1,
            Arc::new(move |_, _| body.clone()),
        )
        .await;
        let stream = TcpStream::connect(flyte).await.unwrap();
        let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(conn);
        let req = Request::post(paths::GET_SECRET)
            .header(header::CONTENT_TYPE, "application/proto")
            .body(Full::new(get_body.clone()))
            .unwrap();
        send.send_request(req)
            .await
            .unwrap()
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
    });
    assert!(
        GetSecretResponse::decode(response.clone())
            .unwrap()
            .secret
            .is_some()
    );
    let (bare, bare_thread, bare_stop) = bare_axum(response);

    println!(
        "GetSecret / CreateSecret vs a bare axum handler; loopback, HTTP/1.1 keep-alive, application/proto"
    );
    println!(
        "server runtimes: 2 worker threads each; load generator: 2 worker threads; machine: {} CPUs",
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(0)
    );
    println!(
        "server cpu: CPU time of that server's threads per request (schedstat), the load generator's excluded"
    );
    println!();
    println!(
        "{:<22} {:>5} {:>8} {:>11} {:>9} {:>9} {:>10} {:>12}",
        "scenario", "conns", "requests", "req/s", "p50 ms", "p99 ms", "vs bare", "server cpu"
    );

    let rounds = 3;
    for (round, conns) in [1usize, 32].into_iter().enumerate() {
        let per_conn = if conns == 1 {
            20_000 / scale
        } else {
            1_500 / scale
        };
        let gb = get_body.clone();
        let get_fn: Arc<dyn Fn(usize, usize) -> Bytes + Send + Sync> =
            Arc::new(move |_, _| gb.clone());
        // Warm both up, then interleave rounds so drift hits both alike; report the median round.
        rt.block_on(load(bare, paths::GET_SECRET, conns, 200, get_fn.clone()));
        rt.block_on(load(flyte, paths::GET_SECRET, conns, 200, get_fn.clone()));
        let mut bare_runs = Vec::new();
        let mut get_runs = Vec::new();
        for _ in 0..rounds {
            bare_runs.push(measured(BARE_THREADS, || {
                rt.block_on(load(
                    bare,
                    paths::GET_SECRET,
                    conns,
                    per_conn,
                    get_fn.clone(),
                ))
            }));
            get_runs.push(measured(FLYTE_THREADS, || {
                rt.block_on(load(
                    flyte,
                    paths::GET_SECRET,
                    conns,
                    per_conn,
                    get_fn.clone(),
                ))
            }));
        }
        bare_runs.sort_by(|a, b| a.0.rps().total_cmp(&b.0.rps()));
        get_runs.sort_by(|a, b| a.0.rps().total_cmp(&b.0.rps()));
        let (b, g) = (&bare_runs[rounds / 2], &get_runs[rounds / 2]);

        let create_per_conn = if conns == 1 {
            1_000 / scale
        } else {
            100 / scale
        };
        let create_fn: Arc<dyn Fn(usize, usize) -> Bytes + Send + Sync> = Arc::new(move |c, i| {
            let req = CreateSecretRequest {
                id: Some(sid(&format!("c{round}-{c}-{i}"))),
                secret_spec: Some(SecretSpec {
                    value: Some(secret_spec::Value::StringValue("v".repeat(32))),
                    r#type: 0,
                }),
            };
            Bytes::from(req.encode_to_vec())
        });
        let cr = measured(FLYTE_THREADS, || {
            rt.block_on(load(
                flyte,
                paths::CREATE_SECRET,
                conns,
                create_per_conn,
                create_fn,
            ))
        });

        for (name, r) in [
            ("bare axum handler", b),
            ("GetSecret", g),
            ("CreateSecret", &cr),
        ] {
            let (r, cpu) = (&r.0, r.1);
            println!(
                "{:<22} {:>5} {:>8} {:>11.0} {:>9} {:>9} {:>9.2}x {:>7.2} µs/req",
                name,
                conns,
                r.requests,
                r.rps(),
                ms(r.pct(0.50)),
                ms(r.pct(0.99)),
                r.rps() / b.0.rps(),
                cpu.as_secs_f64() * 1e6
            );
        }
    }
    let _ = bare_stop.send(());
    bare_thread.join().unwrap();
    server.shutdown();
}
