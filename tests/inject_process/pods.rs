//! A task binary started with the exact environment of a Flyte 2 pod, under each secret
//! injector of Flyte's admission webhook: the env vars and files as the webhook lays them out,
//! with the mount dir redirected through `FLYTE_SECRETS_DEFAULT_DIR` to a temp dir (a pod gets
//! it set to `/etc/flyte/secrets`). The task must find every secret through the accessor and,
//! as a process, through `std::env::var` of the declared name.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{EXIT_NOT_STARTED, fixtures};

const MY_SECRET: &str = "pod-my-secret-5d1e";
const TOKEN: &str = "pod-github-token-8a2c";
const API_KEY: &str = "pod-api-key-3f9b";
const OPEN_AI: &str = "pod-open-ai-key-c47d";
const CONFIG: &str = "pod-config-file-0e6a";
const CERT: &str = "pod-cert-file-b218";

fn md5_hex(s: &str) -> String {
    // The K8s injector's name for a missing group, computed by the `md5sum` tool so the
    // test does not share the code it checks.
    let out = Command::new("md5sum")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(s.as_bytes())?;
            c.wait_with_output()
        })
        .expect("md5sum runs");
    String::from_utf8(out.stdout).unwrap()[..32].to_owned()
}

/// One pod: the injected env vars and the files (relative to the mount dir).
struct Pod {
    env: Vec<(String, String)>,
    files: Vec<(String, &'static str)>,
    /// Whether to set `FLYTE_SECRETS_ROOT`, which no real pod has, so that files a launch
    /// wrote would land in the test's temp dir.
    secrets_root: bool,
}

impl Pod {
    fn new() -> Self {
        Pod {
            env: Vec::new(),
            files: Vec::new(),
            secrets_root: true,
        }
    }

    /// Exactly a pod's variables: no `FLYTE_SECRETS_ROOT`.
    fn without_secrets_root(mut self) -> Self {
        self.secrets_root = false;
        self
    }

    fn env(mut self, name: impl Into<String>, value: &str) -> Self {
        self.env.push((name.into(), value.to_owned()));
        self
    }

    fn file(mut self, relative: impl Into<String>, value: &'static str) -> Self {
        self.files.push((relative.into(), value));
        self
    }

    /// Runs `BIN run TASK` as the pod's container would: a clean environment with what the
    /// webhook adds (and the other variables a task pod gets), nothing else.
    fn run(&self, task: &str) -> (Output, PathBuf, tempfile::TempDir) {
        let tmp = tempfile::tempdir().unwrap();
        let mount = tmp.path().join("etc-flyte-secrets");
        std::fs::create_dir(&mount).unwrap();
        for (relative, value) in &self.files {
            let path = mount.join(relative);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, value).unwrap();
        }
        let mut cmd = Command::new(fixtures());
        cmd.args(["run", task])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", tmp.path())
            .current_dir(tmp.path())
            .env("FLYTE_SECRETS_ENV_PREFIX", "_UNION_")
            .env("FLYTE_SECRETS_DEFAULT_DIR", &mount)
            .env("FLYTE_SECRETS_FILE_PREFIX", "")
            .env("FLYTE_INTERNAL_EXECUTION_ID", "r0")
            .env("FLYTE_INTERNAL_EXECUTION_PROJECT", "p")
            .env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development")
            .env("FLYTE_INTERNAL_TASK_NAME", task)
            .env("_U_ORG_NAME", "o")
            // These tests check the values the body saw, also when `BIN run` relaunches.
            .env(flyte::launch::NO_MASKING_ENV, "1");
        if self.secrets_root {
            cmd.env("FLYTE_SECRETS_ROOT", tmp.path().join("private"));
        }
        for (name, value) in &self.env {
            cmd.env(name, value);
        }
        (cmd.output().unwrap(), mount, tmp)
    }
}

/// What the body printed: `env NAME` and `secret KEY` lines, value and path.
fn seen(out: &Output) -> BTreeMap<String, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {stdout}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn assert_env(seen: &BTreeMap<String, String>, expected: &[(&str, &str)]) {
    for (name, value) in expected {
        assert_eq!(
            seen.get(&format!("env {name}")).map(String::as_str),
            Some(*value),
            "std::env::var({name}) in the body; saw {seen:#?}"
        );
    }
}

/// The accessor's value and real path for `key`.
fn assert_secret(seen: &BTreeMap<String, String>, key: &str, value: &str, path: Option<&Path>) {
    let expected = format!(
        "{value}|{}",
        path.map(|p| p.display().to_string()).unwrap_or_default()
    );
    assert_eq!(
        seen.get(&format!("secret {key}")),
        Some(&expected),
        "accessor for {key}; saw {seen:#?}"
    );
}

fn pod_task_env(seen: &BTreeMap<String, String>) {
    assert_env(
        seen,
        &[
            ("MY_SECRET", MY_SECRET),
            ("GITHUB_TOKEN", TOKEN),
            ("OPENAI_API_KEY", API_KEY),
        ],
    );
    assert_secret(seen, "my-secret", MY_SECRET, None);
    assert_secret(seen, "token", TOKEN, None);
    assert_secret(seen, "API-Key", API_KEY, None);
}

#[test]
fn embedded_injector_with_registered_env_names() {
    let pod = Pod::new()
        .env("MY_SECRET", MY_SECRET)
        .env("GITHUB_TOKEN", TOKEN)
        .env("OPENAI_API_KEY", API_KEY)
        .file("config", CONFIG)
        .file("Cert", CERT);
    let (out, mount, _tmp) = pod.run("pod_task");
    let seen = seen(&out);
    pod_task_env(&seen);
    assert_secret(&seen, "config", CONFIG, Some(&mount.join("config")));
    assert_secret(&seen, "Cert", CERT, Some(&mount.join("Cert")));
}

#[test]
fn embedded_injector_without_env_names_is_relaunched_with_the_declared_names() {
    // A task registered without `envVar` gets `<prefix>UPPER(key)`, `-` kept.
    let pod = Pod::new()
        .env("_UNION_MY-SECRET", MY_SECRET)
        .env("_UNION_TOKEN", TOKEN)
        .env("_UNION_API-KEY", API_KEY)
        .file("config", CONFIG)
        .file("Cert", CERT);
    let (out, mount, _tmp) = pod.run("pod_task");
    let seen = seen(&out);
    pod_task_env(&seen);
    // Relaunched, the child finds the files where the pod has them.
    assert_secret(&seen, "config", CONFIG, Some(&mount.join("config")));
    assert_secret(&seen, "Cert", CERT, Some(&mount.join("Cert")));
}

#[test]
fn k8s_injector_prefixed_grouped_names_and_lowercased_group_dirs() {
    let no_group = |key: &str| format!("_UNION_{}_{}", md5_hex(key), key).to_uppercase();
    let pod = Pod::new()
        .env(no_group("my-secret"), MY_SECRET)
        .env("MY_SECRET", MY_SECRET)
        .env("_UNION_GITHUB_TOKEN", TOKEN)
        .env("GITHUB_TOKEN", TOKEN)
        .env(no_group("API-Key"), API_KEY)
        .env("OPENAI_API_KEY", API_KEY)
        .file(format!("{}/config", md5_hex("config")), CONFIG)
        .file("tls/cert", CERT);
    let (out, mount, _tmp) = pod.run("pod_task");
    let seen = seen(&out);
    pod_task_env(&seen);
    let config = mount.join(md5_hex("config")).join("config");
    assert_secret(&seen, "config", CONFIG, Some(&config));
    assert_secret(&seen, "Cert", CERT, Some(&mount.join("tls/cert")));
}

#[test]
fn global_injector_only_prefixed_names_reach_the_declared_ones() {
    let pod = Pod::new()
        .env("_UNION_GITHUB_TOKEN", TOKEN)
        .env("_UNION_OPEN-AI_API-KEY", OPEN_AI)
        .env("AWS_REGION", "us-east-1")
        .env("LD_LIBRARY_PATH", "/opt/lib");
    let (out, _mount, _tmp) = pod.run("pod_grouped_env_task");
    let seen = seen(&out);
    // Relaunched with the declared names, and with the rest of the pod's environment.
    assert_env(
        &seen,
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("OPEN_AI_API_KEY", OPEN_AI),
            ("AWS_REGION", "us-east-1"),
            ("LD_LIBRARY_PATH", "/opt/lib"),
        ],
    );
    assert_secret(&seen, "token", TOKEN, None);
    assert_secret(&seen, "Api-Key", OPEN_AI, None);
}

/// A relaunch in a pod (an env secret only under its prefixed name) adds the declared name
/// and nothing else: the child has the pod's `FLYTE_SECRETS_*` variables and finds the file
/// secret where the pod has it, and no copy was written to the standard dir.
fn assert_relaunched_with_the_pods_files(pod: Pod, prefix: &str, file: &str) {
    let (out, mount, _tmp) = pod.without_secrets_root().run("pod_relaunch_task");
    let seen = seen(&out);
    let dir = mount.display().to_string();
    assert_env(
        &seen,
        &[
            ("GITHUB_TOKEN", TOKEN),
            ("FLYTE_SECRETS_DEFAULT_DIR", &dir),
            ("FLYTE_SECRETS_ENV_PREFIX", prefix),
            ("FLYTE_SECRETS_FILE_PREFIX", ""),
        ],
    );
    assert_secret(&seen, "Relaunch-Cfg", CONFIG, Some(&mount.join(file)));
    // Seen by the body: a launch's files are removed when the task ends.
    for name in ["Relaunch-Cfg", "relaunch-team", "Relaunch-Team"] {
        assert_eq!(
            seen.get(&format!("standard {name}")).map(String::as_str),
            Some("false"),
            "the relaunch wrote /etc/flyte/secrets/{name}; saw {seen:#?}"
        );
        let standard = Path::new("/etc/flyte/secrets").join(name);
        assert!(!standard.exists(), "{} left behind", standard.display());
    }
}

#[test]
fn k8s_injector_relaunch_keeps_the_pods_secrets_dir_and_writes_no_files() {
    let pod = Pod::new()
        .env("_UNION_GITHUB_TOKEN", TOKEN)
        .file("relaunch-team/relaunch-cfg", CONFIG);
    assert_relaunched_with_the_pods_files(pod, "_UNION_", "relaunch-team/relaunch-cfg");
}

#[test]
fn vault_injector_relaunch_keeps_the_pods_secrets_dir_and_prefix() {
    // Vault mounts the file; the env secret comes from the Global injector, here under a
    // webhook configured with another prefix, which the child must keep too.
    let pod = Pod::new()
        .env("FLYTE_SECRETS_ENV_PREFIX", "_FSEC_")
        .env("_FSEC_GITHUB_TOKEN", TOKEN)
        .file("Relaunch-Team/Relaunch-Cfg", CONFIG);
    assert_relaunched_with_the_pods_files(pod, "_FSEC_", "Relaunch-Team/Relaunch-Cfg");
}

#[test]
fn vault_injector_group_dirs_as_written() {
    let pod = Pod::new().file("config", CONFIG).file("TLS/Cert", CERT);
    let (out, mount, _tmp) = pod.run("pod_file_task");
    let seen = seen(&out);
    assert_secret(&seen, "config", CONFIG, Some(&mount.join("config")));
    assert_secret(&seen, "Cert", CERT, Some(&mount.join("TLS/Cert")));
}

#[test]
fn cloud_injectors_lowercased_group_and_key() {
    let pod = Pod::new().file("config", CONFIG).file("tls/cert", CERT);
    let (out, mount, _tmp) = pod.run("pod_file_task");
    let seen = seen(&out);
    assert_secret(&seen, "Cert", CERT, Some(&mount.join("tls/cert")));
    assert_secret(&seen, "config", CONFIG, Some(&mount.join("config")));
}

#[test]
fn a_secret_missing_under_an_injector_is_reported_with_every_place_looked() {
    // K8s layout with the grouped file missing and an env secret missing.
    let pod = Pod::new()
        .env("MY_SECRET", MY_SECRET)
        .env("_UNION_GITHUB_TOKEN", TOKEN)
        .file(format!("{}/config", md5_hex("config")), CONFIG);
    let (out, mount, tmp) = pod.run("pod_task");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(EXIT_NOT_STARTED), "{stderr}");
    assert!(stdout.is_empty(), "the body must not run: {stdout}");
    // No endpoint in the pod: no local service was set up in its home to be asked.
    assert!(
        !tmp.path().join(".local/share/flyte").exists(),
        "a local service was started in the pod"
    );
    let m = mount.display();
    for needle in [
        "task `pod_task` cannot start: 2 secrets not found".to_owned(),
        "none configured in this task pod".to_owned(),
        "`API-Key`, looked in: env var OPENAI_API_KEY or _UNION_API-KEY or _UNION_".to_owned(),
        format!("`TLS/Cert`, looked in: file {m}/Cert or {m}/tls/cert or {m}/TLS/Cert"),
        "fix: store each under its key on the secret service (`flyte create secret KEY`".to_owned(),
    ] {
        assert!(stderr.contains(&needle), "missing {needle:?} in {stderr}");
    }
    for value in [MY_SECRET, TOKEN, CONFIG] {
        assert!(
            !stderr.contains(value) && !stdout.contains(value),
            "value leaked: {stderr}"
        );
    }
}

#[test]
fn a_fallback_name_that_is_another_secrets_own_env_var_is_not_read() {
    // `_UNION_TOKEN` is `token`'s Embedded fallback and `x`'s declared env var: x's value.
    let x = "pod-x-value-4e81";
    let (out, _mount, _tmp) = Pod::new()
        .env("_UNION_TOKEN", x)
        .run("pod_shadowed_fallback_task");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(EXIT_NOT_STARTED),
        "{stdout}{stderr}"
    );
    assert!(stdout.is_empty(), "the body must not run: {stdout}");
    assert!(
        stderr.contains("1 secret not found")
            && stderr.contains("`token`, looked in: env var MY_TOKEN or _UNION_"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("MY_TOKEN or _UNION_TOKEN"),
        "listed as looked at: {stderr}"
    );
    // With its own env var set, each secret gets its own value.
    let (out, _mount, _tmp) = Pod::new()
        .env("MY_TOKEN", TOKEN)
        .env("_UNION_TOKEN", x)
        .run("pod_shadowed_fallback_task");
    let seen = seen(&out);
    assert_env(&seen, &[("MY_TOKEN", TOKEN), ("_UNION_TOKEN", x)]);
    assert_secret(&seen, "token", TOKEN, None);
    assert_secret(&seen, "x", x, None);
}
