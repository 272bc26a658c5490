//! `flyte serve --store openbao+http://...` as a real process, on a real `bao server -dev`:
//! the flags, no key made, and neither values nor the OpenBao token in its output at trace
//! level; and the plain-HTTP refusal for a non-loopback host.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use flyte_idl::*;
use flyte_test_backends::needs;

fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap()
}

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
/// guard drops or the test binary ends.
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
    DevBao { child, port }
}

fn flyte_serve(data_dir: &Path, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flyte"));
    cmd.arg("serve").arg("--data-dir").arg(data_dir).args(extra);
    for var in [
        "FLYTE_SERVER_TOKENS",
        "FLYTE_SERVER_KEY",
        "FLYTE_SERVER_TOKENS_FILE",
        "FLYTE_SERVER_DATA_DIR",
        "FLYTE_SERVER_STORE",
        "FLYTE_SERVER_STORE_TOKEN_FILE",
        "FLYTE_SERVER_STORE_CA_FILE",
        "BAO_TOKEN",
        "VAULT_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("RUST_LOG", "trace");
    cmd
}

fn post(
    http: &reqwest::blocking::Client,
    url: &str,
    path: &str,
    body: Vec<u8>,
    token: Option<&str>,
) -> reqwest::blocking::Response {
    let mut req = http
        .post(format!("{url}{path}"))
        .header("content-type", "application/proto")
        .body(body);
    if let Some(t) = token {
        req = req.header("authorization", format!("Bearer {t}"));
    }
    req.send().unwrap()
}

fn sid(name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: "127".into(),
        project: "p".into(),
        domain: "d".into(),
    }
}

fn spec(value: &str) -> SecretSpec {
    SecretSpec {
        value: Some(secret_spec::Value::StringValue(value.into())),
        r#type: 0,
    }
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
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
    )
    .unwrap();
    let data = private_dir();
    let store = format!("openbao+http://127.0.0.1:{}/secret", bao.port);
    let mut child = flyte_serve(
        data.path(),
        &[
            "--listen",
            "127.0.0.1:0",
            "--store",
            &store,
            "--store-token-file",
            token_file.to_str().unwrap(),
        ],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
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
        .unwrap()
        .to_owned();

    let http = reqwest::blocking::Client::new();
    let values = ["BAOCANARY-create-1c7e", "BAOCANARY-update-52af"];
    let create = CreateSecretRequest {
        id: Some(sid("v")),
        secret_spec: Some(spec(values[0])),
    };
    let r = post(
        &http,
        &url,
        paths::CREATE_SECRET,
        create.encode_to_vec(),
        None,
    );
    assert_eq!(r.status(), 200);
    let r = post(
        &http,
        &url,
        paths::CREATE_SECRET,
        create.encode_to_vec(),
        None,
    );
    assert_eq!(r.status(), 409, "already_exists");
    let update = UpdateSecretRequest {
        id: Some(sid("v")),
        secret_spec: Some(spec(values[1])),
    };
    let r = post(
        &http,
        &url,
        paths::UPDATE_SECRET,
        update.encode_to_vec(),
        None,
    );
    assert_eq!(r.status(), 200);
    let inject = std::fs::read_to_string(data.path().join("inject-token")).unwrap();
    let read = ReadSecretValueRequest { id: Some(sid("v")) };
    let r = post(
        &http,
        &url,
        paths::READ_SECRET_VALUE,
        read.encode_to_vec(),
        Some(inject.trim()),
    );
    assert_eq!(r.status(), 200);
    let got = ReadSecretValueResponse::decode(r.bytes().unwrap()).unwrap();
    assert_eq!(
        got.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue(values[1].into()))
    );
    assert!(
        !data.path().join("server.key").exists(),
        "no key for a store that encrypts itself"
    );

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "flyte serve did not exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success());
    let stderr = erx.recv_timeout(Duration::from_secs(10)).unwrap();
    assert!(stderr.contains("TRACE"), "trace logging was on");
    for v in values {
        assert!(
            !stderr.contains(v) && !ready.contains(v),
            "value {v} in the output"
        );
    }
    assert!(
        !stderr.contains(&token),
        "the OpenBao token is in the output"
    );
}

#[test]
fn plain_http_to_a_non_loopback_openbao_is_refused() {
    let data = private_dir();
    let out = flyte_serve(
        data.path(),
        &["--store", "openbao+http://192.0.2.10:8200/secret"],
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
