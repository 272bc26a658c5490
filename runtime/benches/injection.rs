//! Injection costs (issue #3): the in-process call overhead of `#[task]` with 0, 1, 3 and 10
//! secrets already in the environment against a plain call; the cost of one file secret on
//! the override root (tmpfs where available); and a process-per-task launch against a bare
//! `Command::spawn` of the same binary.
//!
//! `cargo bench -p flyte --bench injection`. The bench is its own task binary: it relaunches
//! itself once with the benchmark secrets in its environment (Command::env, never set_var).

use std::hint::black_box;
use std::process::Command;
use std::time::Duration;

use criterion::Criterion;
use flyte::launch::{Launcher, TaskInfo};
use flyte::mount::MountDir;
use flyte::sources::{MapSource, Resolver};
use flyte::{SecretValue, task};

const READY: &str = "FLYTE_BENCH_ENV_READY";

#[inline(never)]
fn plain(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[task]
fn zero(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[task(secrets = "b1")]
fn one(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[task(secrets = ["b1", "b2", "b3"])]
fn three(x: u64) -> u64 {
    x.wrapping_mul(3)
}

#[task(secrets = ["b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10"])]
fn ten(x: u64) -> u64 {
    x.wrapping_mul(3)
}

/// What the launch benchmark starts: returns at once.
#[task(secrets = ["b1", "b2", "b3"])]
fn noop() {}

fn env_vars() -> Vec<(String, String)> {
    (1..=10)
        .map(|i| (format!("B{i}"), format!("bench-value-{i}")))
        .collect()
}

#[flyte::main]
fn main() {
    if std::env::var_os(READY).is_none() {
        let status = Command::new(std::env::current_exe().unwrap())
            .args(std::env::args_os().skip(1))
            .envs(env_vars())
            .env(READY, "1")
            .status()
            .expect("relaunch the bench with its secrets");
        std::process::exit(status.code().unwrap_or(1));
    }
    let mut c = Criterion::default().configure_from_args();
    bench_calls(&mut c);
    bench_files(&mut c);
    bench_launch(&mut c);
    c.final_summary();
}

fn bench_calls(c: &mut Criterion) {
    let mut g = c.benchmark_group("in_process_call");
    g.bench_function("plain", |b| b.iter(|| plain(black_box(7))));
    g.bench_function("task_0_secrets", |b| b.iter(|| zero(black_box(7))));
    g.bench_function("task_1_secret", |b| b.iter(|| one(black_box(7))));
    g.bench_function("task_3_secrets", |b| b.iter(|| three(black_box(7))));
    g.bench_function("task_10_secrets", |b| b.iter(|| ten(black_box(7))));
    g.finish();
}

fn bench_files(c: &mut Criterion) {
    let value = SecretValue::from("a-file-secret-value-of-moderate-length-0123456789");
    let mut g = c.benchmark_group("file_secret");
    g.bench_function("dir_only", |b| {
        b.iter(|| drop(MountDir::private("bench").unwrap()))
    });
    g.bench_function("dir_plus_1_file", |b| {
        b.iter(|| {
            let mut dir = MountDir::private("bench").unwrap();
            dir.write("f0", &value).unwrap();
        })
    });
    g.bench_function("dir_plus_10_files", |b| {
        b.iter(|| {
            let mut dir = MountDir::private("bench").unwrap();
            for i in 0..10 {
                dir.write(&format!("f{i}"), &value).unwrap();
            }
        })
    });
    g.finish();
}

fn bench_launch(c: &mut Criterion) {
    let exe = std::env::current_exe().unwrap();
    let resolver = Resolver::new().with(
        MapSource::new()
            .with("b1", "v1")
            .with("b2", "v2")
            .with("b3", "v3"),
    );
    let launcher = Launcher::new(&exe).resolver(resolver);
    let info = TaskInfo::from_def(
        flyte::__private::registered()
            .into_iter()
            .find(|t| t.name == "noop")
            .unwrap(),
    );
    let mut g = c.benchmark_group("launch");
    g.sample_size(30).measurement_time(Duration::from_secs(10));
    g.bench_function("bare_command_spawn", |b| {
        b.iter(|| {
            let status = Command::new(&exe).args(["run", "noop"]).status().unwrap();
            assert!(status.success());
        })
    });
    g.bench_function("launcher_3_secrets", |b| {
        b.iter(|| {
            let status = launcher.run_info(&info).unwrap();
            assert!(status.success());
        })
    });
    // As `flyte run` and `BIN run` launch: the child set to end with its launcher, which
    // makes std fork instead of its faster spawn (a `pre_exec` needs a fork).
    let tied = launcher.clone().end_with_launcher(true);
    g.bench_function("launcher_3_secrets_end_with_launcher", |b| {
        b.iter(|| {
            let status = tied.run_info(&info).unwrap();
            assert!(status.success());
        })
    });
    g.finish();
}
