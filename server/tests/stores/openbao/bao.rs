//! The OpenBao servers the tests talk to: the dev server of the test binary ([`dev`]),
//! servers of their own for the tests that need one ([`start_bao`]), and API calls made
//! directly with the root token ([`Bao::api`]), as another Vault user would.

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flyte_server::{RunningServer, ServerBuilder};
use serde_json::{Value, json};

use crate::common::{builder, private_tempdir};

/// The `bao` binary: `FLYTE_TEST_BAO`, else the first on PATH.
pub(crate) fn bao_binary() -> PathBuf {
    if let Some(p) = std::env::var_os("FLYTE_TEST_BAO").filter(|p| !p.is_empty()) {
        return PathBuf::from(p);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|d| d.join("bao"))
        .find(|p| p.is_file())
        .expect("#[needs(openbao)] found `bao` on PATH")
}

pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `bao server ARGS` under `sh`, which kills it (SIGKILL) as soon as its stdin closes. This
/// process holds the other end of that pipe (close-on-exec, so no other child inherits it),
/// so it closes when the test binary ends, however it ends, or when the caller drops it.
/// Output goes to `log`.
pub(crate) fn start_bao(args: &[&str], log: &Path) -> Child {
    let out = std::fs::File::create(log).unwrap();
    Command::new("sh")
        .arg("-c")
        .arg(r#""$0" server "$@" </dev/null & pid=$!; read -r line; kill -9 "$pid""#)
        .arg(bao_binary())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(out.try_clone().unwrap())
        .stderr(out)
        .spawn()
        .expect("cannot start sh")
}

/// An OpenBao server the tests can reach: its API address and a token with every right.
#[derive(Clone)]
pub(crate) struct Bao {
    pub(crate) addr: SocketAddr,
    pub(crate) token: String,
}

impl std::fmt::Debug for Bao {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bao({})", self.addr)
    }
}

/// The dev server of this test binary (`bao server -dev`, in memory), started on first use.
pub(crate) async fn dev() -> Bao {
    static DEV: OnceLock<Bao> = OnceLock::new();
    static STARTING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    let _one = STARTING.lock().await;
    if let Some(b) = DEV.get() {
        return b.clone();
    }
    let dir = tempfile::tempdir().unwrap().keep();
    let port = free_port();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let token = format!("root-{}-{nanos:x}", std::process::id());
    let mut child = start_bao(
        &[
            "-dev",
            &format!("-dev-root-token-id={token}"),
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            "-dev-no-store-token",
        ],
        &dir.join("bao.log"),
    );
    let bao = Bao {
        addr: SocketAddr::from(([127, 0, 0, 1], port)),
        token,
    };
    wait_active(&bao, &mut child, &dir.join("bao.log")).await;
    // Its stdin stays open (leaked) until the binary ends; then `sh` kills it.
    std::mem::forget(child);
    DEV.get_or_init(|| bao).clone()
}

/// Waits until the server answers as an active, unsealed node (bounded: 60 s).
async fn wait_active(bao: &Bao, child: &mut Child, log: &Path) {
    for _ in 0..600 {
        if let Some(status) = child.try_wait().unwrap() {
            panic!("bao exited with {status}; its log: {}", log.display());
        }
        if let Ok(resp) = bao.http().get(bao.url("sys/health")).send().await
            && resp.status() == 200
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("bao did not become active; its log: {}", log.display());
}

impl Bao {
    pub(crate) fn http(&self) -> reqwest::Client {
        // One per call: tests run on runtimes of their own, and a pooled connection is tied
        // to the runtime that opened it.
        reqwest::Client::new()
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("http://{}/v1/{path}", self.addr)
    }

    /// An API call with the token; status and JSON body (`null` when empty).
    pub(crate) async fn api(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut req = self
            .http()
            .request(method.parse().unwrap(), self.url(path))
            .header("X-Vault-Token", &self.token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status().as_u16();
        let bytes = resp.bytes().await.unwrap();
        let v = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap()
        };
        (status, v)
    }

    /// Enables a fresh secrets engine of `kind` (`kv-v2`, `kv`) and returns its mount path.
    pub(crate) async fn mount(&self, kind: &str) -> String {
        static N: AtomicUsize = AtomicUsize::new(0);
        let mount = format!("t{}", N.fetch_add(1, Ordering::Relaxed));
        let body = match kind {
            "kv-v2" => json!({"type": "kv", "options": {"version": "2"}}),
            "kv" => json!({"type": "kv", "options": {"version": "1"}}),
            other => json!({ "type": other }),
        };
        let (status, v) = self
            .api("POST", &format!("sys/mounts/{mount}"), Some(body))
            .await;
        assert!(
            (200..300).contains(&status),
            "enabling {mount}: {status} {v}"
        );
        mount
    }

    /// A child of the root token (with its policies) made with `settings` (`ttl`,
    /// `renewable`, ...).
    pub(crate) async fn child_token(&self, settings: Value) -> String {
        let (status, v) = self.api("POST", "auth/token/create", Some(settings)).await;
        assert_eq!(status, 200, "token create: {}", v["errors"]);
        v["auth"]["client_token"].as_str().unwrap().to_owned()
    }

    /// The `--store` value of `mount` on this server.
    pub(crate) fn store(&self, mount: &str) -> flyte_server::StoreConfig {
        format!("openbao+http://{}/{mount}", self.addr)
            .parse()
            .unwrap()
    }

    /// A server builder on `dir` keeping secrets in `mount`, the token in `BAO_TOKEN`.
    pub(crate) fn builder(&self, dir: &Path, mount: &str) -> ServerBuilder {
        let token = self.token.clone();
        builder(dir)
            .store(self.store(mount))
            .env(move |k| (k == "BAO_TOKEN").then(|| token.clone()))
    }
}

/// A fresh KV v2 mount on the dev server and a flyte server on it; the temporary data
/// directory lives as long as the returned guard.
pub(crate) async fn start_on_fresh_mount() -> (Bao, String, RunningServer, tempfile::TempDir) {
    let bao = dev().await;
    let mount = bao.mount("kv-v2").await;
    let dir = private_tempdir();
    let server = bao
        .builder(dir.path(), &mount)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    (bao, mount, server, dir)
}
