//! `flyte serve --store openbao+http://...` on a real `bao server -dev`: the flags, no key
//! made, and neither values nor the OpenBao token in its output at trace level; and the
//! plain-HTTP refusal for a non-loopback host.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use flyte_test_backends::needs;

use super::*;

fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap()
}

/// The `bao` binary: `FLYTE_TEST_BAO`, else the first on PATH.
fn bao_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("FLYTE_TEST_BAO").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("bao"))
        .find(|p| p.is_file())
        .expect("#[needs(openbao)] found `bao` on PATH")
}

/// `bao server -dev` under `sh`, which kills it when its stdin (held here) closes: when this
/// guard drops or the test binary ends. Its output (which holds the token) goes to `log`.
struct DevBao {
    child: Child,
    port: u16,
}

impl Drop for DevBao {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

fn dev_bao(token: &str, log: &Path) -> DevBao {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = std::fs::File::create(log).unwrap();
    let child = Command::new("sh")
        .arg("-c")
        .arg(r#""$0" server "$@" </dev/null & pid=$!; read -r line; kill -9 "$pid""#)
        .arg(bao_binary())
        .args([
            "-dev",
            &format!("-dev-root-token-id={token}"),
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            "-dev-no-store-token",
        ])
        .stdin(Stdio::piped())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .unwrap();
    let bao = DevBao { child, port };
    let http = reqwest::blocking::Client::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !http
        .get(format!("http://127.0.0.1:{port}/v1/sys/health"))
        .send()
        .is_ok_and(|r| r.status() == 200)
    {
        assert!(
            Instant::now() < deadline,
            "bao did not come up; log {}",
            log.display()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    bao
}

#[needs(openbao)]
#[test]
fn serve_on_openbao_with_a_token_file_keeps_values_and_token_out_of_the_output() {
    let tmp = private_dir();
    let token = format!("cli-bao-root-{}", std::process::id());
    let bao = dev_bao(&token, &tmp.path().join("bao.log"));
    let token_file = tmp.path().join("bao-token");
    std::fs::write(&token_file, format!("{token}\n")).unwrap();
    std::fs::set_permissions(
        &token_file,
        std::os::unix::fs::PermissionsExt::from_mode(0o600),
    )
    .unwrap();
    let data = private_dir();
    let store = format!("openbao+http://127.0.0.1:{}/secret", bao.port);
    let mut s = spawn(
        data.path(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--store",
            &store,
            "--store-token-file",
            token_file.to_str().unwrap(),
        ],
        &[("RUST_LOG", "trace")],
    );

    let http = reqwest::blocking::Client::new();
    let values = ["BAOCANARY-create-1c7e", "BAOCANARY-update-52af"];
    assert_eq!(create(&http, &s.url, "v", values[0]).unwrap(), 200);
    assert_eq!(
        create(&http, &s.url, "v", values[0]).unwrap(),
        409,
        "already_exists"
    );
    let update = UpdateSecretRequest {
        id: Some(sid("v")),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::StringValue(values[1].into())),
            r#type: 0,
        }),
    };
    let r = post(
        &http,
        &s.url,
        paths::UPDATE_SECRET,
        update.encode_to_vec(),
        None,
    )
    .unwrap();
    assert_eq!(r.status(), 200);
    let inject = std::fs::read_to_string(data.path().join("inject-token")).unwrap();
    let read = ReadSecretValueRequest { id: Some(sid("v")) };
    let r = post(
        &http,
        &s.url,
        paths::READ_SECRET_VALUE,
        read.encode_to_vec(),
        Some(inject.trim()),
    )
    .unwrap();
    assert_eq!(r.status(), 200);
    let got = ReadSecretValueResponse::decode(r.bytes().unwrap()).unwrap();
    assert_eq!(
        got.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue(values[1].into()))
    );
    assert!(
        !data.path().join(flyte_server::KEY_FILE).exists(),
        "no key for a store that encrypts itself"
    );

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
    assert!(
        !stderr.contains(&token) && !s.ready.contains(&token),
        "the OpenBao token is in the output"
    );
}

#[test]
fn plain_http_to_a_non_loopback_openbao_is_refused() {
    let data = private_dir();
    let out = flyte_serve(
        data.path(),
        &["--store", "openbao+http://192.0.2.10:8200/secret"],
        &[],
    )
    .output()
    .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("would send the token in the clear")
            && err.contains("openbao://192.0.2.10:8200/secret"),
        "{err}"
    );
}

/// A child of the root token `root` made with `settings` (`ttl`, `renewable`, ...).
fn child_token(bao: &DevBao, root: &str, settings: serde_json::Value) -> String {
    let r = reqwest::blocking::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/v1/auth/token/create",
            bao.port
        ))
        .header("X-Vault-Token", root)
        .json(&settings)
        .send()
        .unwrap();
    assert_eq!(r.status(), 200, "token create");
    let v: serde_json::Value = r.json().unwrap();
    v["auth"]["client_token"].as_str().unwrap().to_owned()
}

/// The TTL of the short tokens.
const TTL_SECS: u64 = 3;

#[needs(openbao)]
#[test]
fn serve_on_openbao_renews_a_ttl_token_and_says_when_one_expired() {
    let tmp = private_dir();
    let root = format!("cli-bao-ttl-root-{}", std::process::id());
    let bao = dev_bao(&root, &tmp.path().join("bao.log"));
    let ttl = format!("{TTL_SECS}s");
    let renewable = child_token(
        &bao,
        &root,
        serde_json::json!({"ttl": ttl, "explicit_max_ttl": "10m", "renewable": true}),
    );
    let short = child_token(
        &bao,
        &root,
        serde_json::json!({"ttl": ttl, "renewable": false}),
    );
    let store = format!("openbao+http://127.0.0.1:{}/secret", bao.port);
    let serve = |data: &Path, token: &str| {
        spawn(
            data,
            &["--listen", "127.0.0.1:0", "--store", &store],
            &[("BAO_TOKEN", token), ("RUST_LOG", "trace")],
        )
    };
    let (data_r, data_s) = (private_dir(), private_dir());
    let mut kept = serve(data_r.path(), &renewable);
    let mut expiring = serve(data_s.path(), &short);
    let http = reqwest::blocking::Client::new();
    assert_eq!(
        create(&http, &kept.url, "a", "TTLCANARY-a-4e1d").unwrap(),
        200
    );
    assert_eq!(
        create(&http, &expiring.url, "b", "TTLCANARY-b-90c3").unwrap(),
        200
    );

    std::thread::sleep(Duration::from_secs(4 * TTL_SECS));
    assert_eq!(
        create(&http, &kept.url, "c", "TTLCANARY-c-17f5").unwrap(),
        200,
        "the renewable token works after 4 TTLs"
    );
    assert_eq!(get_status(&http, &kept.url, "a"), 200);
    let req = GetSecretRequest {
        id: Some(sid("b")),
        include_system_secrets: false,
    };
    let r = post(
        &http,
        &expiring.url,
        paths::GET_SECRET,
        req.encode_to_vec(),
        None,
    )
    .unwrap();
    assert_eq!(r.status(), 503, "unavailable once the token expired");
    let answer = r.text().unwrap();
    assert!(
        answer.contains("expired at") && answer.contains("--store-token-file"),
        "{answer}"
    );

    // What each printed: its readiness line and its log.
    let output = |s: &mut Serve| {
        sigterm(&s.child);
        assert!(wait_exit(&mut s.child).success());
        let log = s.stderr.recv_timeout(Duration::from_secs(10)).unwrap();
        format!("{}\n{log}", s.ready)
    };
    let (kept_out, expiring_out) = (output(&mut kept), output(&mut expiring));
    assert!(kept_out.contains("TRACE"), "trace logging was on");
    assert!(
        !kept_out.contains("not renewable") && !kept_out.contains("expired"),
        "no warning for a renewable token: {kept_out}"
    );
    assert!(
        expiring_out.contains("the OpenBao token is not renewable and expires at"),
        "the warning at start"
    );
    assert!(
        expiring_out.contains("it expired at"),
        "the expired token in the log"
    );
    for out in [&kept_out, &expiring_out] {
        for secret in [&root, &renewable, &short] {
            assert!(
                !out.contains(secret.as_str()),
                "an OpenBao token in the output"
            );
        }
        for v in ["TTLCANARY-a-4e1d", "TTLCANARY-b-90c3", "TTLCANARY-c-17f5"] {
            assert!(!out.contains(v), "value {v} in the output");
        }
    }
}
