//! The secret-service client against the local server, started in-process:
//!
//! - criterion: create+get round trips (both codecs) and listall throughput;
//! - side by side in the same run, same server, same workload: the stock Python SDK
//!   (`tests/python/client_bench.py`, interpreter from `$FLYTE_TEST_PYTHON`; skipped with a
//!   message when unset), medians and the Rust/Python ratio. Python's calls are synchronous,
//!   so the Rust figure compared is the blocking facade called from `main`, as a user writes
//!   it; the async client, spawned on a runtime worker, is shown beside it;
//! - the limit: a bare hyper HTTP/1.1 round trip of the same GetSecret request on one kept
//!   connection, on a current-thread runtime, and the blocking facade's cost relative to it;
//! - peak RSS of a child process (this binary again, client only) listing 100,000 secrets.
//!
//! `cargo bench -p flyte --bench remote` (env: `FLYTE_BENCH_RSS_N` to change the 100,000;
//! `FLYTE_BENCH_DATA_DIR` to put the server's database somewhere other than /dev/shm).

#[path = "support/python.rs"]
mod python;
use python::test_python;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use flyte::config::Codec;
use flyte::remote::Client;
use futures::{StreamExt, TryStreamExt};

const LIST_PROJECT: &str = "bench-list";
const LIST_N: usize = 2_000;
const PAGE: u32 = 100;
const BATCH: usize = 200;
const SAMPLES: usize = 7;
const RSS_CHILD_ENV: &str = "FLYTE_BENCH_RSS_CHILD";

fn client(url: &str, project: &str, codec: Codec) -> Client {
    Client::builder()
        .endpoint(url)
        .project(project)
        .domain("development")
        .codec(codec)
        .disable_keyring(true)
        .build()
        .unwrap()
}

async fn populate(c: &Client, prefix: &str, n: usize) {
    futures::stream::iter(0..n)
        .map(|i| {
            let c = c.clone();
            let name = format!("{prefix}-{i:06}");
            async move { c.create(&name, "bench-value").await }
        })
        .buffer_unordered(64)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    if let Ok(url) = std::env::var(RSS_CHILD_ENV) {
        return rss_child(&url);
    }
    // The server's data dir: on tmpfs by default, so that its fsync per create (SQLite
    // synchronous=FULL) does not dominate what is a comparison of clients;
    // FLYTE_BENCH_DATA_DIR=PATH puts it on a real disk.
    let base = std::env::var_os("FLYTE_BENCH_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let shm = PathBuf::from("/dev/shm");
            if shm.is_dir() {
                shm
            } else {
                std::env::temp_dir()
            }
        });
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir_in(&base)
        .unwrap();
    println!("server data dir under {}", base.display());
    let server = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .build()
        .unwrap()
        .start_background()
        .unwrap();
    let url = server.url();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(populate(
        &client(&url, LIST_PROJECT, Codec::Proto),
        "list",
        LIST_N,
    ));

    let mut crit = Criterion::default().configure_from_args();
    let mut seq = 0u64;
    {
        let mut g = crit.benchmark_group("create_get");
        g.throughput(Throughput::Elements(1));
        for codec in [Codec::Proto, Codec::Json] {
            let c = client(&url, "bench-rt", codec);
            g.bench_function(format!("{codec:?}"), |b| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iters {
                            seq += 1;
                            let name = format!("c{seq}");
                            c.create(&name, "bench-value").await.unwrap();
                            c.get(&name).await.unwrap();
                        }
                        start.elapsed()
                    })
                })
            });
        }
        g.finish();
    }
    {
        let mut g = crit.benchmark_group("listall");
        g.throughput(Throughput::Elements(LIST_N as u64))
            .sample_size(20);
        for codec in [Codec::Proto, Codec::Json] {
            let c = client(&url, LIST_PROJECT, codec);
            g.bench_function(format!("{codec:?}/page{PAGE}"), |b| {
                b.iter(|| rt.block_on(async { assert_eq!(c.listall(PAGE).count().await, LIST_N) }))
            });
        }
        g.finish();
    }
    crit.final_summary();

    side_by_side(&rt, &url);
    peak_rss(&rt, &url);
    drop(server);
}

/// Rates (per second) of `SAMPLES` batches of `BATCH` calls of `op`.
fn rates(mut op: impl FnMut(usize, usize)) -> Vec<f64> {
    (0..SAMPLES)
        .map(|s| {
            let start = Instant::now();
            for i in 0..BATCH {
                op(s, i);
            }
            BATCH as f64 / start.elapsed().as_secs_f64()
        })
        .collect()
}

/// The same batches on both sides: SAMPLES x BATCH create+get, SAMPLES x BATCH get,
/// SAMPLES x listall.
fn side_by_side(rt: &tokio::runtime::Runtime, url: &str) {
    // The user's synchronous path: the blocking facade, called from this (non-runtime) thread.
    let blocking = flyte::remote::blocking::Client::new(client(url, "bench-side", Codec::Proto));
    blocking.create("side-warm", "bench-value").unwrap();
    let create_get = rates(|s, i| {
        let name = format!("side-{s}-{i}");
        blocking.create(&name, "bench-value").unwrap();
        blocking.get(&name).unwrap();
    });
    let get_only = rates(|_, _| {
        blocking.get("side-warm").unwrap();
    });
    let listall = {
        let lc = flyte::remote::blocking::Client::new(client(url, LIST_PROJECT, Codec::Proto));
        (0..SAMPLES)
            .map(|_| {
                let start = Instant::now();
                assert_eq!(lc.listall(PAGE).count(), LIST_N);
                LIST_N as f64 / start.elapsed().as_secs_f64()
            })
            .collect::<Vec<_>>()
    };
    // The async client with its loop on a runtime worker (what a task spawned by a user's
    // async code does).
    let async_get = {
        let c = client(url, "bench-side", Codec::Proto);
        rt.block_on(async move {
            tokio::spawn(async move {
                let mut out = Vec::new();
                for _ in 0..SAMPLES {
                    let start = Instant::now();
                    for _ in 0..BATCH {
                        c.get("side-warm").await.unwrap();
                    }
                    out.push(BATCH as f64 / start.elapsed().as_secs_f64());
                }
                out
            })
            .await
            .unwrap()
        })
    };
    let bare_get = bare_hyper_gets(url, "bench-side", "side-warm", false);
    let reqwest_get = bare_hyper_gets(url, "bench-side", "side-warm", true);
    let (rust_cg, rust_get, rust_list) = (median(create_get), median(get_only), median(listall));
    let (async_get, bare_get, reqwest_get) =
        (median(async_get), median(bare_get), median(reqwest_get));
    println!(
        "\nside by side, medians of {SAMPLES} samples (create+get and get: batches of {BATCH} in Rust, \
         {} in Python; listall: {LIST_N} secrets, page {PAGE}):",
        BATCH / 4
    );
    println!(
        "                    create+get round trips/s   get round trips/s   listall secrets/s"
    );
    println!("  rust (blocking) {rust_cg:>24.0} {rust_get:>19.0} {rust_list:>19.0}");
    println!("  rust (async, on a worker) {:>33.0}", async_get);
    println!("  bare reqwest              {:>33.0}", reqwest_get);
    println!("  bare hyper (limit)        {:>33.0}", bare_get);
    println!(
        "  blocking get costs {:.2}x a bare hyper round trip (goal <= 1.2x)",
        bare_get / rust_get
    );
    let Some(python) = test_python() else {
        println!(
            "  python: skipped (FLYTE_TEST_PYTHON is not set; point it at a python with flyte==2.12.1)"
        );
        return;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/python/client_bench.py");
    let addr = url.trim_start_matches("http://");
    let out = Command::new(&python)
        .arg(&script)
        .args([
            "--endpoint",
            addr,
            "--project",
            "bench-py",
            "--domain",
            "development",
        ])
        .args(["--list-project", LIST_PROJECT, "--page", &PAGE.to_string()])
        .args([
            "--batch",
            &(BATCH / 4).to_string(),
            "--samples",
            &SAMPLES.to_string(),
        ])
        .env("FLYTE_ADMIN_DISABLEKEYRING", "true")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    if !out.status.success() {
        println!("  python: FAILED\n{}", String::from_utf8_lossy(&out.stderr));
        return;
    }
    let line = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(line.lines().last().unwrap_or("")).unwrap();
    let rates = |k: &str| {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect::<Vec<_>>()
    };
    let (py_cg, py_get, py_list) = (
        median(rates("create_get_per_sec")),
        median(rates("get_per_sec")),
        median(rates("listall_per_sec")),
    );
    assert_eq!(
        v["listed"].as_u64(),
        Some(LIST_N as u64),
        "python listed every secret"
    );
    println!("  python          {py_cg:>24.0} {py_get:>19.0} {py_list:>19.0}");
    println!(
        "  ratio           {:>23.1}x {:>18.1}x {:>18.1}x   (goal >= 10x)",
        rust_cg / py_cg,
        rust_get / py_get,
        rust_list / py_list
    );
}

/// GetSecret rates over one kept hyper HTTP/1.1 connection, on a current-thread runtime
/// driven by this thread: the least a client can spend on the same exchange. With `reqwest`,
/// the same requests through a plain `reqwest::Client` instead (what the client is built on).
fn bare_hyper_gets(url: &str, project: &str, name: &str, reqwest: bool) -> Vec<f64> {
    use http_body_util::{BodyExt as _, Full};
    use prost::Message as _;

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let addr = url.trim_start_matches("http://").to_owned();
    let body = flyte_idl::GetSecretRequest {
        id: Some(flyte_idl::SecretIdentifier {
            name: name.into(),
            // As both SDKs derive it from a local endpoint: the host's first label.
            organization: "127".into(),
            project: project.into(),
            domain: "development".into(),
        }),
        include_system_secrets: false,
    }
    .encode_to_vec();
    let body: &'static [u8] = Box::leak(body.into_boxed_slice());
    if reqwest {
        let http = reqwest::Client::new();
        let target = format!("{url}{}", flyte_idl::paths::GET_SECRET);
        return rt.block_on(async move {
            let mut out = Vec::new();
            for _ in 0..SAMPLES {
                let start = Instant::now();
                for _ in 0..BATCH {
                    let resp = http
                        .post(&target)
                        .header("content-type", "application/proto")
                        .header("connect-protocol-version", "1")
                        .body(body)
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(resp.status(), 200);
                    assert!(!resp.bytes().await.unwrap().is_empty());
                }
                out.push(BATCH as f64 / start.elapsed().as_secs_f64());
            }
            out
        });
    }
    rt.block_on(async move {
        let tcp = tokio::net::TcpStream::connect(&addr).await.unwrap();
        tcp.set_nodelay(true).unwrap();
        let (mut send, conn) =
            hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(tcp))
                .await
                .unwrap();
        tokio::spawn(conn);
        let mut out = Vec::new();
        for _ in 0..SAMPLES {
            let start = Instant::now();
            for _ in 0..BATCH {
                let req = hyper::Request::post(flyte_idl::paths::GET_SECRET)
                    .header("host", &addr)
                    .header("content-type", "application/proto")
                    .header("connect-protocol-version", "1")
                    .body(Full::new(body))
                    .unwrap();
                let resp = send.send_request(req).await.unwrap();
                assert_eq!(resp.status(), 200);
                let got = resp.into_body().collect().await.unwrap().to_bytes();
                assert!(!got.is_empty());
            }
            out.push(BATCH as f64 / start.elapsed().as_secs_f64());
        }
        out
    })
}

/// Fills a project with N secrets, then lists them from a child process that reports its
/// peak RSS.
fn peak_rss(rt: &tokio::runtime::Runtime, url: &str) {
    let n: usize = std::env::var("FLYTE_BENCH_RSS_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let start = Instant::now();
    rt.block_on(populate(&client(url, "bench-rss", Codec::Proto), "rss", n));
    println!(
        "\npeak RSS: populated {n} secrets in {:.1}s",
        start.elapsed().as_secs_f64()
    );
    let out = Command::new(std::env::current_exe().unwrap())
        .env(RSS_CHILD_ENV, url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    println!("  child: {}", text.trim());
    if let Some(kib) = text
        .split_whitespace()
        .find_map(|w| w.strip_prefix("vmhwm_kib="))
        .and_then(|k| k.parse::<u64>().ok())
    {
        let mib = kib as f64 / 1024.0;
        println!(
            "  listall of {n} secrets: peak RSS {mib:.1} MiB (goal < 64 MiB) {}",
            if mib < 64.0 { "met" } else { "MISSED" }
        );
    }
}

/// Child: list every secret of the RSS project on a current-thread runtime, then report.
fn rss_child(url: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let start = Instant::now();
    let (count, pages) = rt.block_on(async {
        let mut list = client(url, "bench-rss", Codec::Proto).listall(PAGE);
        let mut count = 0usize;
        while let Some(s) = list.next().await {
            s.unwrap();
            count += 1;
        }
        (count, list.pages_fetched())
    });
    let took = start.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .map(|v| v.trim().trim_end_matches(" kB").trim().to_owned());
    println!(
        "listed={count} pages={pages} secs={:.2} rate={:.0}/s vmhwm_kib={}",
        took.as_secs_f64(),
        count as f64 / took.as_secs_f64().max(1e-9),
        hwm.unwrap_or_else(|| "unknown".into())
    );
}
