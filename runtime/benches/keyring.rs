//! Keyring token cache latency: store and retrieve on kernel keyutils and on the Secret
//! Service, against the Python flyte SDK's retrieve on the same Secret Service item, all in
//! one run. Medians per call, in microseconds.
//!
//! ```text
//! FLYTE_TEST_PYTHON=/tmp/pyflyte/bin/python .ci/with-keyring.sh cargo bench -p flyte --bench keyring
//! ```
//! Optional: `-- --iters N` (default 300). The Secret Service and Python parts are skipped,
//! with a line saying so, without a D-Bus session or FLYTE_TEST_PYTHON.
//!
//! The Rust-vs-Python comparison runs in interleaved rounds (Rust, then Python, then Rust
//! ...) so that load from other processes on the machine falls on both alike.

#[path = "support/python.rs"]
mod python;
use python::test_python;
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use flyte::remote::keyring::{Backend, Credentials, KeyringStore};

const ROUNDS: usize = 5;

fn median(samples: &mut [f64]) -> (f64, f64, f64) {
    samples.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| samples[((samples.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.1), at(0.9))
}

fn samples(iters: usize, mut f: impl FnMut()) -> Vec<f64> {
    (0..iters)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e6
        })
        .collect()
}

fn row(name: &str, samples: &mut [f64]) -> f64 {
    let (m, p10, p90) = median(samples);
    println!("{name:<58} {m:>10.1} {p10:>10.1} {p90:>10.1}");
    m
}

fn endpoint(tag: &str) -> String {
    format!("dns:///flyte-bench-{tag}-{}.example", std::process::id())
}

fn creds(ep: &str) -> Credentials {
    // Realistic sizes: a ~1 KB JWT access token and a 64-byte refresh token.
    Credentials::new(ep, "a".repeat(1024)).with_refresh_token("r".repeat(64))
}

fn store(backend: &Backend) -> KeyringStore {
    KeyringStore::builder().backend(backend.clone()).build()
}

/// Store, retrieve (one store reused, as in a long-running process) and retrieve with a
/// fresh store per call (as in a CLI run: thread start and backend connection included).
fn bench_backend(name: &str, backend: &Backend, iters: usize) {
    let ks = store(backend);
    let ep = endpoint(name);
    let c = creds(&ep);
    assert!(ks.store(&c).is_done(), "{name} store failed"); // warm-up
    row(
        &format!("rust {name}: store"),
        &mut samples(iters, || assert!(ks.store(&c).is_done())),
    );
    row(
        &format!("rust {name}: retrieve"),
        &mut samples(iters, || assert!(ks.retrieve(&ep).is_some())),
    );
    row(
        &format!("rust {name}: retrieve, fresh KeyringStore each call"),
        &mut samples(iters / 3, || {
            assert!(store(backend).retrieve(&ep).is_some())
        }),
    );
    let _ = ks.delete(&ep);
}

fn main() {
    let mut iters = 300;
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--iters") {
        iters = args
            .get(i + 1)
            .and_then(|v| v.parse().ok())
            .expect("--iters N");
    }
    println!("keyring cache latency (microseconds per call)");
    println!("{:<58} {:>10} {:>10} {:>10}", "", "median", "p10", "p90");

    #[cfg(target_os = "linux")]
    bench_backend("keyutils", &Backend::Keyutils, iters);

    let dbus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
    if !dbus {
        println!("skipped the Secret Service and Python parts: no D-Bus session");
        return;
    }
    let ss = Backend::SecretService;
    bench_backend("secret-service", &ss, iters);
    #[cfg(target_os = "linux")]
    row(
        "  of which: D-Bus connection + encrypted session (DH)",
        &mut samples(iters / 3, || {
            let _ = dbus_secret_service_keyring_store::Store::new().unwrap();
        }),
    );

    let Some(python) = test_python() else {
        println!("skipped the Python part: FLYTE_TEST_PYTHON is not set");
        return;
    };
    // The same item, written by us, read by both: Rust and the Python SDK's
    // KeyringStore.retrieve, in interleaved rounds.
    let ks = store(&ss);
    let ep = endpoint("python");
    assert!(ks.store(&creds(&ep)).is_done());
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/python/keyring_sdk.py");
    let per_round = (iters / ROUNDS).max(2);
    let (mut warm, mut cold, mut py) = (Vec::new(), Vec::new(), Vec::new());
    let mut py_backend = String::new();
    for _ in 0..ROUNDS {
        warm.extend(samples(per_round, || assert!(ks.retrieve(&ep).is_some())));
        cold.extend(samples(per_round, || {
            assert!(store(&ss).retrieve(&ep).is_some())
        }));
        let out = Command::new(&python)
            .arg(&script)
            .args(["bench-retrieve", &ep, &per_round.to_string()])
            .output()
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
        assert!(
            out.status.success(),
            "python: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        py.extend(
            v["samples_us"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s.as_f64().unwrap()),
        );
        py_backend = v["backend"].as_str().unwrap_or("?").to_owned();
    }
    let _ = ks.delete(&ep);
    println!();
    println!("secret service retrieve of one item, {ROUNDS} interleaved rounds of {per_round}:");
    let warm = row("rust KeyringStore::retrieve", &mut warm);
    let cold = row(
        "rust KeyringStore::retrieve, fresh KeyringStore each call",
        &mut cold,
    );
    let python = row("python flyte SDK KeyringStore.retrieve", &mut py);
    println!("(python keyring backend: {py_backend})");
    println!(
        "python median / rust median: {:.1}x (reused store), {:.1}x (fresh store per call)",
        python / warm,
        python / cold
    );
}
