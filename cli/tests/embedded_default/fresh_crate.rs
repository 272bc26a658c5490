//! A newcomer's first program, end to end: a fresh crate that depends on `flyte` (built with
//! cargo in its own directory), a HOME with nothing configured, secrets stored with
//! `flyte create secret`, then `BIN run TASK`, with and without a running `flyte serve`.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::support::{Home, texts};

const VALUE: &str = "fresh-crate-t0ken-value";

const MAIN_RS: &str = r#"
use flyte::task;

mod billing {
    #[flyte::task(secrets = "api-token")]
    pub fn same_name() {
        println!("BILLING ran");
    }
}

mod shipping {
    #[flyte::task(secrets = "api-token")]
    pub fn same_name() {
        println!("SHIPPING ran");
    }
}

/// Reads its secret both ways a user writes it.
#[task(secrets = "api-token")]
fn read_token() {
    let via_macro = flyte::secret!("api-token").unwrap();
    let via_macro = via_macro.expose_str().unwrap().to_owned();
    let via_env = std::env::var("API_TOKEN").unwrap();
    println!("VIA_MACRO={via_macro}");
    println!("VIA_ENV={via_env}");
    println!("SAME={}", via_macro == via_env);
}

#[flyte::main]
fn main() {
    println!("no task asked for");
}
"#;

/// Builds the crate once per test run; returns the binary.
fn build(root: &Path) -> PathBuf {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    std::fs::create_dir_all(root.join("src")).unwrap();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[package]\nname = \"my-first-flyte\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nflyte = {{ path = {:?} }}\n\n[workspace]\n",
            repo.join("runtime"),
        ),
    )
    .unwrap();
    std::fs::write(root.join("src/main.rs"), MAIN_RS).unwrap();
    // The workspace's lock file pins the same versions, so no registry is asked.
    std::fs::copy(repo.join("Cargo.lock"), root.join("Cargo.lock")).unwrap();
    // One target dir kept across runs (deps are built once), beside the workspace's.
    let target = repo.join("target").join("fresh-crate");
    let out = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()))
        .args(["build", "--offline", "--quiet"])
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        // No debug info: it would make this second copy of every dependency ~3x larger on disk.
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .output()
        .unwrap();
    let (_, stderr) = texts(&out);
    assert!(out.status.success(), "cargo build failed:\n{stderr}");
    // The literal env read in a task body is flagged, with the fix.
    assert!(
        stderr.contains("API_TOKEN") && stderr.contains("flyte::secret!"),
        "no warning on std::env::var in the task body:\n{stderr}"
    );
    // The keyring's D-Bus client is the patched one of `vendor/` (its session key from the OS's
    // random source), though this crate has no `[patch]`: a path dependency of `flyte`.
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    for name in ["dbus-secret-service", "dbus-secret-service-keyring-store"] {
        let entry = lock
            .split("[[package]]")
            .find(|p| p.contains(&format!("name = \"{name}\"\n")))
            .unwrap_or_else(|| panic!("{name} is not in the fresh crate's Cargo.lock"));
        assert!(
            !entry.contains("source ="),
            "the fresh crate builds {name} from a registry, not from vendor/:\n{entry}"
        );
    }
    target.join("debug").join("my-first-flyte")
}

fn bin_run(home: &Home, bin: &Path, task: &str, env: &[(&str, &str)]) -> Output {
    let mut cmd = home.command(bin);
    cmd.args(["run", task]).envs(env.iter().copied());
    cmd.output().unwrap()
}

/// The task saw the value both ways; its output shows it masked.
fn assert_read(out: &Output) {
    let (stdout, stderr) = texts(out);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("VIA_MACRO=<secret:api-token>"), "{stdout}");
    assert!(stdout.contains("VIA_ENV=<secret:api-token>"), "{stdout}");
    assert!(stdout.contains("SAME=true"), "{stdout}");
    assert!(!stdout.contains(VALUE) && !stderr.contains(VALUE));
}

#[test]
fn a_fresh_crate_runs_its_tasks_with_what_flyte_create_stored() {
    let home = Home::new();
    // Below the workspace's target dir, so cargo reads the workspace's `.cargo/config.toml`
    // (line tables only, no debug info for dependencies): a third of the disk and time.
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let krate = tempfile::Builder::new()
        .prefix("fresh-crate-src")
        .tempdir_in(repo.join("target"))
        .unwrap();
    let bin = build(krate.path());

    // Nothing configured, no server running.
    let out = home
        .flyte()
        .args(["create", "secret", "api-token", "--value", VALUE])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_read(&bin_run(&home, &bin, "read_token", &[]));

    // Two tasks of one name: each by its path; the bare name lists both.
    let billing = bin_run(&home, &bin, "billing::same_name", &[]);
    assert!(
        texts(&billing).0.contains("BILLING ran"),
        "{:?}",
        texts(&billing)
    );
    let shipping = bin_run(&home, &bin, "my_first_flyte::shipping::same_name", &[]);
    assert!(
        texts(&shipping).0.contains("SHIPPING ran"),
        "{:?}",
        texts(&shipping)
    );
    let ambiguous = bin_run(&home, &bin, "same_name", &[]);
    assert_eq!(ambiguous.status.code(), Some(2));
    let (stdout, stderr) = texts(&ambiguous);
    assert!(!stdout.contains("ran"), "{stdout}");
    assert!(
        stderr.contains("billing::same_name") && stderr.contains("shipping::same_name"),
        "{stderr}"
    );

    // With a `flyte serve` on the same data directory: attached to, nothing to set.
    let (mut serve, url) = home.serve();
    let attached = bin_run(&home, &bin, "read_token", &[]);
    // FLYTE_ADMIN_ENDPOINT is honoured: that server (its inject token is picked up, as it is
    // the one the data directory advertises), and an address with nothing behind it fails.
    let configured = bin_run(&home, &bin, "read_token", &[("FLYTE_ADMIN_ENDPOINT", &url)]);
    let nowhere = bin_run(
        &home,
        &bin,
        "read_token",
        &[("FLYTE_ADMIN_ENDPOINT", "http://127.0.0.1:9")],
    );
    let _ = serve.kill();
    let _ = serve.wait();
    assert_read(&attached);
    assert_read(&configured);
    let (stdout, stderr) = texts(&nowhere);
    assert_ne!(nowhere.status.code(), Some(0));
    assert!(!stdout.contains("VIA_"), "the body ran: {stdout}");
    assert!(stderr.contains("127.0.0.1:9"), "{stderr}");
}
