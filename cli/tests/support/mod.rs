//! Shared by the CLI tests: a real `flyte serve` on 127.0.0.1:0 with a temp data dir, the
//! `flyte` binary run with a clean environment (nothing of the real user's: HOME, data dir and
//! config all point into a temp dir), and a way to read stored values back.
#![allow(dead_code)]

pub(crate) mod fake;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// The `flyte` binary under test.
pub(crate) fn flyte_exe() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_flyte"))
}

/// A temp home for one test: `HOME`, `XDG_DATA_HOME`, `XDG_CONFIG_HOME` and the working
/// directory of every command run through it.
pub(crate) struct Home {
    pub dir: tempfile::TempDir,
}

impl Home {
    pub(crate) fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Where the embedded default keeps its data under this home.
    pub(crate) fn default_data_dir(&self) -> PathBuf {
        self.path().join("data").join("flyte")
    }

    /// `flyte ARGS` with only this home's environment (no keyring unless asked).
    pub(crate) fn flyte(&self) -> assert_cmd::Command {
        let mut cmd = assert_cmd::Command::new(flyte_exe());
        self.env(cmd.env_clear());
        cmd.env("FLYTE_ADMIN_DISABLEKEYRING", "true");
        cmd
    }

    /// `flyte serve` on this home's default data directory, on a free loopback port: the
    /// child (kill it when done) and the URL from its ready line.
    pub(crate) fn serve(&self) -> (Child, String) {
        let mut child = self
            .command(flyte_exe())
            .args(["serve", "--listen", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("the ready line names the URL: {line:?}"))
            .to_owned();
        (child, url)
    }

    /// The same environment for a plain `std::process::Command`.
    pub(crate) fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear();
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd.current_dir(self.path());
        cmd.env("FLYTE_ADMIN_DISABLEKEYRING", "true");
        cmd
    }

    fn vars(&self) -> Vec<(&'static str, String)> {
        let home = self.path().display().to_string();
        vec![
            ("HOME", home.clone()),
            ("XDG_DATA_HOME", format!("{home}/data")),
            ("XDG_CONFIG_HOME", format!("{home}/config")),
            ("PATH", std::env::var("PATH").unwrap_or_default()),
        ]
    }

    fn env<'a>(&self, cmd: &'a mut assert_cmd::Command) -> &'a mut assert_cmd::Command {
        for (k, v) in self.vars() {
            cmd.env(k, v);
        }
        cmd.current_dir(self.path())
    }
}

/// A `flyte serve` process, killed when dropped.
pub(crate) struct Serve {
    pub child: Child,
    pub url: String,
    pub data_dir: tempfile::TempDir,
}

impl Serve {
    /// Open (loopback, no tokens) on an ephemeral port.
    pub(crate) fn start() -> Serve {
        Self::start_with(&[])
    }

    /// With extra `flyte serve` arguments (e.g. `--tokens FILE`).
    pub(crate) fn start_with(extra: &[&str]) -> Serve {
        let data_dir = tempfile::Builder::new()
            .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
            .tempdir()
            .unwrap();
        let mut child = Command::new(flyte_exe())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", data_dir.path())
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data_dir.path())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start flyte serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        // `flyte serve: listening on http://127.0.0.1:PORT (...)`, https with --tls-cert.
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://") || w.starts_with("https://"))
            .unwrap_or_else(|| panic!("no address in the readiness line {line:?}"))
            .to_owned();
        Serve {
            child,
            url,
            data_dir,
        }
    }

    /// The port it listens on.
    pub(crate) fn port(&self) -> u16 {
        self.url
            .rsplit(':')
            .next()
            .and_then(|p| p.trim_end_matches('/').parse().ok())
            .unwrap_or_else(|| panic!("no port in {}", self.url))
    }

    /// Reads a stored value back through the server's inject extension, with the inject token
    /// of its data dir: what `flyte run` would inject.
    pub(crate) fn read_value(&self, name: &str, project: &str, domain: &str) -> Option<Vec<u8>> {
        let token = flyte_server::read_inject_token(self.data_dir.path()).unwrap();
        read_value(&self.url, token.expose(), name, project, domain)
    }
}

/// `ReadSecretValue` of `name` at `url`, `None` when not found.
pub(crate) fn read_value(
    url: &str,
    token: &str,
    name: &str,
    project: &str,
    domain: &str,
) -> Option<Vec<u8>> {
    let client = flyte::remote::Client::builder()
        .endpoint(url)
        .project(project)
        .domain(domain)
        .api_key(token)
        .unwrap()
        .build()
        .unwrap();
    match flyte::remote::blocking::Client::new(client).read_value(name) {
        Ok(v) => Some(v.expose().to_vec()),
        Err(flyte::remote::Error::NotFound { .. }) => None,
        Err(e) => panic!("read_value({name}): {e}"),
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// stdout and stderr of a finished command, as text.
pub(crate) fn texts(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Panics if `needle` appears in the command's stdout or stderr.
pub(crate) fn assert_not_shown(out: &std::process::Output, needle: &str) {
    let (o, e) = texts(out);
    assert!(!o.contains(needle), "value leaked on stdout: {o}");
    assert!(!e.contains(needle), "value leaked on stderr: {e}");
}

/// The task binary of `cli/tests/fixtures/task_fixture.rs`, built on demand with the cargo
/// that runs the tests, in the same target dir. (`cargo test` builds examples only when no
/// test target is selected, so the tests cannot count on it being there.)
pub(crate) fn task_fixture() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            // target/debug/deps/<test> -> target/debug
            let exe = std::env::current_exe().unwrap();
            let profile_dir = exe.parent().and_then(Path::parent).unwrap().to_owned();
            let target_dir = profile_dir.parent().unwrap().to_owned();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let mut cmd = Command::new(cargo);
            // Drop what cargo set for this test process, so the nested build sees the
            // environment of the outer one and reuses its artifacts instead of rebuilding
            // build-script crates (whose fingerprints include such variables). The outer
            // build's own settings (CARGO_INCREMENTAL, CARGO_PROFILE_*, ...) stay: without
            // them the workspace's crates would be built again, and incrementally.
            const SET_FOR_TESTS: &[&str] = &[
                "CARGO_MANIFEST_",
                "CARGO_PKG_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
            ];
            for (key, _) in std::env::vars_os() {
                let key = key.to_string_lossy();
                let set_by_cargo = key == "CARGO"
                    || SET_FOR_TESTS.iter().any(|p| key.starts_with(p))
                    || matches!(
                        &*key,
                        "LD_LIBRARY_PATH" | "OUT_DIR" | "RUST_RECURSION_COUNT"
                    );
                if set_by_cargo {
                    cmd.env_remove(&*key);
                }
            }
            let out = cmd
                // `--workspace`: the features `cargo test --workspace` (CI) built with, so
                // its dependencies are reused as they are.
                .args([
                    "build",
                    "--quiet",
                    "--workspace",
                    "--example",
                    "task_fixture",
                ])
                .current_dir(env!("CARGO_MANIFEST_DIR"))
                .env("CARGO_TARGET_DIR", &target_dir)
                .stdin(Stdio::null())
                .output()
                .expect("run cargo to build the task fixture");
            assert!(
                out.status.success(),
                "building the task_fixture example failed:\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let path = profile_dir.join("examples").join("task_fixture");
            assert!(path.exists(), "{} missing after the build", path.display());
            path
        })
        .clone()
}
