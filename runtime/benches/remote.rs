//! The secret-service client against the local server, started in-process:
//!
//! - criterion: create+get round trips (both codecs) and listall throughput;
//! - side by side in the same run, same server, same workload: the stock Python SDK
//!   (`tests/python/client_bench.py`, interpreter from `$FLYTE_TEST_PYTHON`; skipped with a
//!   message when unset), medians and the Rust/Python ratio;
//! - peak RSS of a child process (this binary again, client only) listing 100,000 secrets.
//!
//! `cargo bench -p flyte --bench remote` (env: `FLYTE_BENCH_RSS_N` to change the 100,000;
//! `FLYTE_BENCH_DATA_DIR` to put the server's database somewhere other than /dev/shm).

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
    let dir = tempfile::tempdir_in(&base).unwrap();
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

/// The same batches on both sides: SAMPLES x BATCH create+get, SAMPLES x listall.
fn side_by_side(rt: &tokio::runtime::Runtime, url: &str) {
    let c = client(url, "bench-side", Codec::Proto);
    let mut create_get = Vec::new();
    let mut get_only = Vec::new();
    let mut listall = Vec::new();
    rt.block_on(async {
        for s in 0..SAMPLES {
            let start = Instant::now();
            for i in 0..BATCH {
                let name = format!("side-{s}-{i}");
                c.create(&name, "bench-value").await.unwrap();
                c.get(&name).await.unwrap();
            }
            create_get.push(BATCH as f64 / start.elapsed().as_secs_f64());
        }
        for _ in 0..SAMPLES {
            let start = Instant::now();
            for _ in 0..BATCH {
                c.get("side-0-0").await.unwrap();
            }
            get_only.push(BATCH as f64 / start.elapsed().as_secs_f64());
        }
        let lc = client(url, LIST_PROJECT, Codec::Proto);
        for _ in 0..SAMPLES {
            let start = Instant::now();
            assert_eq!(lc.listall(PAGE).count().await, LIST_N);
            listall.push(LIST_N as f64 / start.elapsed().as_secs_f64());
        }
    });
    let (rust_cg, rust_get, rust_list) = (median(create_get), median(get_only), median(listall));
    println!(
        "\nside by side, medians of {SAMPLES} samples (create+get and get: batches of {BATCH} in Rust, \
         {} in Python; listall: {LIST_N} secrets, page {PAGE}):",
        BATCH / 4
    );
    println!("           create+get round trips/s   get round trips/s   listall secrets/s");
    println!("  rust   {rust_cg:>24.0} {rust_get:>19.0} {rust_list:>19.0}");
    let Some(python) = std::env::var_os("FLYTE_TEST_PYTHON") else {
        println!(
            "  python: skipped (FLYTE_TEST_PYTHON is not set; point it at a python with flyte==2.12.1)"
        );
        return;
    };
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/python/client_bench.py");
    let addr = url.trim_start_matches("http://");
    let out = Command::new(python)
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
        .unwrap();
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
    println!("  python {py_cg:>24.0} {py_get:>19.0} {py_list:>19.0}");
    println!(
        "  ratio  {:>23.1}x {:>18.1}x {:>18.1}x   (goal >= 10x)",
        rust_cg / py_cg,
        rust_get / py_get,
        rust_list / py_list
    );
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
