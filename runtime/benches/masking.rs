//! Output masking throughput: the matcher (`MaskStream::feed`) with 10 secrets of 16 to 64
//! bytes on 64 KiB chunks of log-like text with a value about every 8 KiB.
//!
//! `cargo bench -p flyte --bench masking`. Goal: at least 500 MB/s (median of runs).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{Criterion, Throughput};
use flyte::launch::Masker;

const CHUNK: usize = 64 * 1024;
const CHUNKS: usize = 16;

fn values() -> Vec<(String, Vec<u8>)> {
    (0..10)
        .map(|i| {
            let len = 16 + i * 48 / 9;
            let value: Vec<u8> = (0..len)
                .map(|j| b"abcdefghijklmnopqrstuvwxyz0123456789"[(i * 7 + j * 13) % 36])
                .collect();
            (format!("bench-secret-{i}"), value)
        })
        .collect()
}

/// Deterministic log lines; every ~8 KiB one line carries a value.
fn text(values: &[(String, Vec<u8>)]) -> Vec<u8> {
    let words = [
        "request",
        "handled",
        "in",
        "12ms",
        "status=200",
        "user",
        "cache",
        "miss",
        "retry",
        "connecting",
        "to",
        "db",
        "ok",
        "shard",
        "batch",
        "done",
        "INFO",
        "DEBUG",
        "rows=5120",
    ];
    let mut out = Vec::with_capacity(CHUNK * CHUNKS);
    let (mut seed, mut next_hit, mut hit) = (0x2545_f491_u64, 8192, 0);
    while out.len() < CHUNK * CHUNKS {
        for _ in 0..12 {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            out.extend_from_slice(words[(seed >> 33) as usize % words.len()].as_bytes());
            out.push(b' ');
        }
        if out.len() >= next_hit {
            out.extend_from_slice(b"token=");
            out.extend_from_slice(&values[hit % values.len()].1);
            hit += 1;
            next_hit += 8192;
        }
        out.push(b'\n');
    }
    out.truncate(CHUNK * CHUNKS);
    out
}

fn bench_masking(c: &mut Criterion) {
    let values = values();
    let masker = Arc::new(
        Masker::new(values.iter().map(|(n, v)| (n.clone(), v.as_slice()))).expect("values"),
    );
    let text = text(&values);
    // The figure is only meaningful if the values are found.
    let mut masked = Vec::new();
    let mut check = masker.stream();
    check.feed(&text, &mut masked);
    check.flush(&mut masked);
    let hits = masked.windows(8).filter(|w| w == b"<secret:").count();
    assert!(
        hits >= CHUNK * CHUNKS / 8192 - 1,
        "{hits} hits in the bench text"
    );
    let mut g = c.benchmark_group("masking");
    g.throughput(Throughput::Bytes(text.len() as u64));
    g.measurement_time(Duration::from_secs(5));
    g.bench_function("10_secrets_64k_chunks", |b| {
        let mut stream = masker.stream();
        let mut out = Vec::with_capacity(CHUNK + 4096);
        b.iter(|| {
            for chunk in text.chunks(CHUNK) {
                out.clear();
                stream.feed(black_box(chunk), &mut out);
                black_box(&out);
            }
        })
    });
    g.finish();
}

/// What a large secret costs the launch before the task starts: building the matcher for a
/// 1 MiB random value, and for 64 KiB of one repeated byte (the worst case of a DFA).
fn bench_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("masker_new");
    g.sample_size(10);
    let mut seed = 0x9e37_79b9_u64;
    let random: Vec<u8> = (0..1 << 20)
        .map(|_| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
                [(seed >> 58) as usize]
        })
        .collect();
    let repeated = vec![b'x'; 64 * 1024];
    for (name, value) in [("random_1mib", &random), ("repeated_64kib", &repeated)] {
        g.throughput(Throughput::Bytes(value.len() as u64));
        g.bench_function(name, |b| {
            b.iter(|| Masker::new([("big", black_box(value.as_slice()))]).expect("long enough"))
        });
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_masking(&mut c);
    bench_build(&mut c);
    c.final_summary();
}
