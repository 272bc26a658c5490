//! `flyte serve` as a real process: readiness line, kill -9 durability, SIGTERM, the
//! non-loopback refusal, tokens, and no secret values in its output.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use flyte_idl::*;

struct Serve {
    child: Child,
    url: String,
    ready: String,
    stderr: mpsc::Receiver<String>,
}

#[path = "serve_process/stores.rs"]
mod stores;

/// The variables `flyte serve` reads, cleared so that the tests see only what they pass.
const CLEARED_ENV: [&str; 7] = [
    "FLYTE_SERVER_TOKENS",
    "FLYTE_SERVER_KEY",
    "FLYTE_SERVER_KEY_FILE",
    "FLYTE_SERVER_STORE",
    "FLYTE_SERVER_TOKENS_FILE",
    "FLYTE_SERVER_DATA_DIR",
    "RUST_LOG",
];

fn flyte_serve(data_dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flyte"));
    cmd.arg("serve").arg("--data-dir").arg(data_dir).args(extra);
    for var in CLEARED_ENV {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn spawn(data_dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> Serve {
    let mut child = flyte_serve(data_dir, extra, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let _ = tx.send(line.unwrap_or_default());
        }
    });
    let mut stderr = child.stderr.take().unwrap();
    let (etx, erx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut all = String::new();
        let _ = stderr.read_to_string(&mut all);
        let _ = etx.send(all);
    });
    let ready = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("no readiness line");
    let url = ready
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {ready:?}"))
        .to_owned();
    Serve {
        child,
        url,
        ready,
        stderr: erx,
    }
}

fn sigterm(child: &Child) {
    let ok = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(ok.success());
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(Instant::now() < deadline, "flyte serve did not exit");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn sid(name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: "127".into(),
        project: "p".into(),
        domain: "d".into(),
    }
}

fn post(
    http: &reqwest::blocking::Client,
    url: &str,
    path: &str,
    body: Vec<u8>,
    token: Option<&str>,
) -> reqwest::Result<reqwest::blocking::Response> {
    let mut req = http
        .post(format!("{url}{path}"))
        .header("content-type", "application/proto")
        .body(body);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.send()
}

fn create(
    http: &reqwest::blocking::Client,
    url: &str,
    name: &str,
    value: &str,
) -> reqwest::Result<u16> {
    let req = CreateSecretRequest {
        id: Some(sid(name)),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::StringValue(value.into())),
            r#type: 0,
        }),
    };
    post(http, url, paths::CREATE_SECRET, req.encode_to_vec(), None).map(|r| r.status().as_u16())
}

fn get_status(http: &reqwest::blocking::Client, url: &str, name: &str) -> u16 {
    let req = GetSecretRequest {
        id: Some(sid(name)),
        include_system_secrets: false,
    };
    post(http, url, paths::GET_SECRET, req.encode_to_vec(), None)
        .unwrap()
        .status()
        .as_u16()
}

#[test]
fn readiness_line_and_graceful_sigterm() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let mut s = spawn(dir.path(), &["--listen", "127.0.0.1:0"], &[]);
    assert!(
        s.ready
            .starts_with("flyte serve: listening on http://127.0.0.1:"),
        "{}",
        s.ready
    );
    assert!(s.ready.ends_with("(loopback only, no auth)"), "{}", s.ready);
    let http = reqwest::blocking::Client::new();
    assert_eq!(create(&http, &s.url, "k", "v").unwrap(), 200);
    sigterm(&s.child);
    assert!(wait_exit(&mut s.child).success());
    let stderr = s.stderr.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(stderr.contains("shutting down"), "{stderr}");
}

#[test]
fn kill_9_loses_no_acknowledged_create() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let mut s = spawn(dir.path(), &["--listen", "127.0.0.1:0"], &[]);
    let url = s.url.clone();
    let (acked_tx, acked_rx) = mpsc::channel::<String>();
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let url = url.clone();
            let acked_tx = acked_tx.clone();
            std::thread::spawn(move || {
                let http = reqwest::blocking::Client::new();
                for i in 0.. {
                    let name = format!("w{w}-{i:06}");
                    match create(&http, &url, &name, "durable") {
                        Ok(200) => acked_tx.send(name).unwrap(),
                        Ok(other) => panic!("create answered {other}"),
                        Err(_) => return, // the server is gone
                    }
                }
            })
        })
        .collect();
    drop(acked_tx);
    // Let the writers get going, then kill the server mid-stream.
    let start = Instant::now();
    let mut acked = Vec::new();
    while acked.len() < 200 && start.elapsed() < Duration::from_secs(30) {
        if let Ok(n) = acked_rx.recv_timeout(Duration::from_millis(100)) {
            acked.push(n);
        }
    }
    s.child.kill().unwrap(); // SIGKILL
    s.child.wait().unwrap();
    for w in writers {
        w.join().unwrap();
    }
    acked.extend(acked_rx.try_iter());
    assert!(
        acked.len() >= 50,
        "only {} creates acknowledged",
        acked.len()
    );

    let mut s2 = spawn(dir.path(), &["--listen", "127.0.0.1:0"], &[]);
    let http = reqwest::blocking::Client::new();
    let missing: Vec<_> = acked
        .iter()
        .filter(|n| get_status(&http, &s2.url, n) != 200)
        .collect();
    assert!(
        missing.is_empty(),
        "{} of {} acknowledged creates lost: {:?}",
        missing.len(),
        acked.len(),
        &missing[..missing.len().min(5)]
    );
    sigterm(&s2.child);
    assert!(wait_exit(&mut s2.child).success());
}

#[test]
fn non_loopback_without_tokens_is_refused() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let out = flyte_serve(dir.path(), &["--listen", "0.0.0.0:0"], &[])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no readiness line");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to listen on 0.0.0.0:0") && err.contains("--tokens"),
        "{err}"
    );
    let out = flyte_serve(dir.path(), &["--listen", "not-an-address"], &[])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid --listen"));
}

#[test]
fn tokens_file_enables_auth_and_a_wildcard_address() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let tokens = dir.path().join("tokens.txt");
    std::fs::write(&tokens, "cli-test-token-0123456789 127/*/* read,write\n").unwrap();
    std::fs::set_permissions(&tokens, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
    let data = dir.path().join("data");
    let mut s = spawn(
        &data,
        &[
            "--listen",
            "0.0.0.0:0",
            "--tokens",
            tokens.to_str().unwrap(),
            "--allow-plaintext",
        ],
        &[],
    );
    assert!(
        s.ready.contains("bearer tokens required, 1 configured"),
        "{}",
        s.ready
    );
    let local = s.url.replace("0.0.0.0", "127.0.0.1");
    let http = reqwest::blocking::Client::new();
    let body = GetSecretRequest {
        id: Some(sid("x")),
        include_system_secrets: false,
    }
    .encode_to_vec();
    assert_eq!(
        post(&http, &local, paths::GET_SECRET, body.clone(), None)
            .unwrap()
            .status(),
        401
    );
    assert_eq!(
        post(
            &http,
            &local,
            paths::GET_SECRET,
            body,
            Some("cli-test-token-0123456789")
        )
        .unwrap()
        .status(),
        404
    );
    sigterm(&s.child);
    assert!(wait_exit(&mut s.child).success());
    let stderr = s.stderr.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(!stderr.contains("cli-test-token-0123456789"));
}

#[test]
fn secret_values_never_reach_the_output_even_at_trace_level() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let mut s = spawn(
        dir.path(),
        &["--listen", "127.0.0.1:0"],
        &[("RUST_LOG", "trace")],
    );
    let http = reqwest::blocking::Client::new();
    let values = [
        "LOGCANARY-create-93f1",
        "LOGCANARY-dup-5d20",
        "LOGCANARY-update-77ab",
    ];
    assert_eq!(create(&http, &s.url, "v1", values[0]).unwrap(), 200);
    assert_eq!(create(&http, &s.url, "v1", values[1]).unwrap(), 409);
    let upd = UpdateSecretRequest {
        id: Some(sid("v1")),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::StringValue(values[2].into())),
            r#type: 0,
        }),
    };
    assert_eq!(
        post(
            &http,
            &s.url,
            paths::UPDATE_SECRET,
            upd.encode_to_vec(),
            None
        )
        .unwrap()
        .status(),
        200
    );
    let token = std::fs::read_to_string(dir.path().join("inject-token")).unwrap();
    let read = ReadSecretValueRequest {
        id: Some(sid("v1")),
    };
    let resp = post(
        &http,
        &s.url,
        paths::READ_SECRET_VALUE,
        read.encode_to_vec(),
        Some(token.trim()),
    )
    .unwrap();
    assert_eq!(resp.status(), 200);
    let got = ReadSecretValueResponse::decode(resp.bytes().unwrap()).unwrap();
    assert_eq!(
        got.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue(values[2].into()))
    );
    // A malformed JSON create carrying a value.
    let bad = format!(
        r#"{{"id":{{"name":"v2"}},"secretSpec":{{"stringValue":"{}","type":"NOPE"}}}}"#,
        values[0]
    );
    let r = http
        .post(format!("{}{}", s.url, paths::CREATE_SECRET))
        .header("content-type", "application/json")
        .body(bad)
        .send()
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(!r.text().unwrap().contains("LOGCANARY"));

    sigterm(&s.child);
    assert!(wait_exit(&mut s.child).success());
    let stderr = s.stderr.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(stderr.contains("TRACE"), "trace logging was on");
    for v in values {
        assert!(
            !stderr.contains(v) && !s.ready.contains(v),
            "value {v} in the output"
        );
    }
    assert!(!stderr.contains(token.trim()), "inject token in the output");
}

#[test]
fn cluster_endpoint_flag_routes_secret_calls_in_select_cluster() {
    let dir = tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap();
    let mut s = spawn(
        dir.path(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--cluster-endpoint",
            "dns:///127.0.0.1:9",
        ],
        &[],
    );
    let http = reqwest::blocking::Client::new();
    let select = |operation: select_cluster_request::Operation| {
        let req = SelectClusterRequest {
            resource: Some(select_cluster_request::Resource::OrgId(OrgIdentifier {
                name: "127".into(),
            })),
            operation: operation.into(),
        };
        let resp = post(
            &http,
            &s.url,
            paths::SELECT_CLUSTER,
            req.encode_to_vec(),
            None,
        )
        .unwrap();
        assert_eq!(resp.status(), 200);
        SelectClusterResponse::decode(resp.bytes().unwrap()).unwrap()
    };
    let routed = select(select_cluster_request::Operation::UseSecrets);
    assert_eq!(routed.cluster_endpoint, "dns:///127.0.0.1:9");
    assert_eq!(routed.cluster, flyte_server::ROUTED_CLUSTER);
    let other = select(select_cluster_request::Operation::GetImage);
    assert_eq!(
        other,
        SelectClusterResponse::default(),
        "only secrets are routed"
    );
    sigterm(&s.child);
    assert!(wait_exit(&mut s.child).success());
}
