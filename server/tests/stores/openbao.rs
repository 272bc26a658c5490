//! OpenBao: the conformance suite on a fresh KV v2 mount per test, then the tests only
//! OpenBao has (what other Vault users see, the path layout, the mount check, the token,
//! HTTPS, a sealed server).
//!
//! One `bao server -dev` serves the whole test binary (a free loopback port, a root token
//! made here); each test enables its own fresh KV v2 mount on it. Every `bao` runs under a
//! small `sh` that kills it when the test binary ends ([`start_bao`]), so none outlives it.
//! The raft test runs its own server.
//! Their output goes to a log file in a temporary directory, never to the test output (it
//! holds tokens).

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_server::{RunningServer, ServerBuilder, StartError};
use flyte_test_backends::needs;
use serde_json::{Value, json};

use crate::common::*;
use crate::conformance::conformance_suite;
use crate::harness::StoreUnderTest;

/// The store of one conformance test: a fresh KV v2 mount on the dev server, shared by every
/// server the test starts (replicas included), the token in `BAO_TOKEN`.
pub(crate) async fn setup() -> StoreUnderTest {
    let bao = dev().await;
    let mount = bao.mount("kv-v2").await;
    let store = bao.store(&mount);
    let token = bao.token.clone();
    let configure = move |builder: ServerBuilder| {
        let token = token.clone();
        builder
            .store(store.clone())
            .env(move |k| (k == "BAO_TOKEN").then(|| token.clone()))
    };
    StoreUnderTest::new("openbao", true, configure, mount)
}

conformance_suite!(setup, #[needs(openbao)]);

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

fn free_port() -> u16 {
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
fn start_bao(args: &[&str], log: &Path) -> Child {
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
    fn http(&self) -> reqwest::Client {
        // One per call: tests run on runtimes of their own, and a pooled connection is tied
        // to the runtime that opened it.
        reqwest::Client::new()
    }

    fn url(&self, path: &str) -> String {
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

fn inject(server: &RunningServer) -> Client {
    Client::new(server.addr()).token(server.inject_token().unwrap().expose())
}

fn sid(org: &str, project: &str, domain: &str, name: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: org.into(),
        domain: domain.into(),
        project: project.into(),
    }
}

/// The error chain of a start failure, on one line.
fn chain(e: &StartError) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(c) = src {
        s.push_str(&format!(": {c}"));
        src = c.source();
    }
    s
}

#[needs(openbao)]
#[tokio::test]
async fn values_are_plain_kv_v2_that_other_vault_users_read() {
    let (bao, mount, server, dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    c.create_str(pid("db-password"), "s3cr3t-string-value")
        .await
        .unwrap();
    c.create(
        org_id("pull"),
        secret_spec::Value::BinaryValue(vec![0, 1, 0xfe, 0xff]),
        SecretType::ImagePullSecret,
    )
    .await
    .unwrap();

    let (status, v) = bao
        .api(
            "GET",
            &format!("{mount}/data/flyte/127/proj/dev/db-password"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(v["data"]["data"], json!({"value": "s3cr3t-string-value"}));
    let (_, v) = bao
        .api("GET", &format!("{mount}/data/flyte/127/~/~/pull"), None)
        .await;
    assert_eq!(v["data"]["data"], json!({"binary": "AAH+/w=="}));
    let (_, meta) = bao
        .api("GET", &format!("{mount}/metadata/flyte/127/~/~/pull"), None)
        .await;
    assert_eq!(meta["data"]["custom_metadata"], json!({"flyte_type": "1"}));

    // created_time is the KV metadata's, and stays through an update.
    let got = c.get(org_id("pull")).await.unwrap();
    let md = got.secret_metadata.unwrap();
    assert_eq!(md.r#type, SecretType::ImagePullSecret as i32);
    let kv_created: Timestamp = meta["data"]["created_time"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(md.created_time, Some(kv_created));
    c.update_str(pid("db-password"), "second-value")
        .await
        .unwrap();
    let (_, v) = bao
        .api(
            "GET",
            &format!("{mount}/metadata/flyte/127/proj/dev/db-password"),
            None,
        )
        .await;
    assert_eq!(v["data"]["current_version"], 2);
    assert_eq!(v["data"]["custom_metadata"], json!({"flyte_type": "0"}));

    // A secret another Vault user wrote in the layout is served.
    let (status, _) = bao
        .api(
            "POST",
            &format!("{mount}/data/flyte/127/proj/dev/from-vault"),
            Some(json!({"data": {"value": "written-by-bao-cli"}})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(c.list_all(PROJ, 0).await, ["db-password", "from-vault"]);
    let read = inject(&server).read_value(pid("from-vault")).await.unwrap();
    assert_eq!(
        read.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue("written-by-bao-cli".into()))
    );

    // Delete removes every version (the metadata too).
    c.delete(pid("db-password")).await.unwrap();
    let (status, _) = bao
        .api(
            "GET",
            &format!("{mount}/metadata/flyte/127/proj/dev/db-password"),
            None,
        )
        .await;
    assert_eq!(status, 404);

    // We do not encrypt on top: no key was loaded or made.
    assert!(!dir.path().join(flyte_server::KEY_FILE).exists());
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn scope_parts_cannot_traverse_or_collide() {
    let (bao, mount, server, _dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    // Each would land on another scope's path, or outside flyte/, if parts were joined raw.
    let attempts = [
        ("127", "proj", "dev"),
        ("127/proj", "dev", ""),
        ("127", "proj/dev", ""),
        ("127", "", "proj/dev"),
        ("127/proj/dev", "", ""),
        ("..", "..", ".."),
        ("../..", "", ""),
        ("127/../../x", "..", "."),
        ("127", "~", "~"),
        ("127", "", ""),
        ("127", "~2F", ""),
        ("%2e%2e", "%2F", "d"),
    ];
    for (i, (o, p, d)) in attempts.iter().enumerate() {
        c.create_str(sid(o, p, d, "same"), &format!("value-{i}"))
            .await
            .unwrap_or_else(|e| panic!("{o:?}/{p:?}/{d:?}: {:?}", e.body));
    }
    let inj = inject(&server);
    for (i, (o, p, d)) in attempts.iter().enumerate() {
        let read = inj.read_value(sid(o, p, d, "same")).await.unwrap();
        assert_eq!(
            read.secret_spec.unwrap().value,
            Some(secret_spec::Value::StringValue(format!("value-{i}"))),
            "{o:?}/{p:?}/{d:?} reads its own value"
        );
        assert_eq!(
            c.list_all((o, p, d), 0).await,
            ["same"],
            "{o:?}/{p:?}/{d:?}"
        );
    }
    // Nothing outside flyte/ in the mount, and one escaped segment per organization.
    let (_, root) = bao
        .api("GET", &format!("{mount}/metadata/?list=true"), None)
        .await;
    assert_eq!(root["data"]["keys"], json!(["flyte/"]));
    let (_, orgs) = bao
        .api("GET", &format!("{mount}/metadata/flyte/?list=true"), None)
        .await;
    let mut orgs: Vec<&str> = orgs["data"]["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    orgs.sort();
    assert_eq!(
        orgs,
        [
            "127/",
            "127~2F.~2E~2F.~2E~2Fx/",
            "127~2Fproj/",
            "127~2Fproj~2Fdev/",
            "~252e~252e/",
            "~2E~2E/",
            "~2E~2E~2F.~2E/"
        ]
    );
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn the_mount_and_token_are_checked_at_start() {
    let bao = dev().await;
    let dir = private_tempdir();
    let start = |b: ServerBuilder| async move { b.build()?.start().await };

    let kv2 = bao.mount("kv-v2").await;
    let token = "wrong-token-value-1234";
    let bad = builder(dir.path())
        .store(bao.store(&kv2))
        .env(move |k| (k == "VAULT_TOKEN").then(|| token.to_owned()));
    let e = chain(&start(bad).await.unwrap_err());
    assert!(e.contains("refused the token"), "{e}");
    assert!(e.contains(&bao.addr.to_string()), "names the address: {e}");
    assert!(!e.contains(token), "the token is not in the error");

    let kv1 = bao.mount("kv").await;
    let e = chain(&start(bao.builder(dir.path(), &kv1)).await.unwrap_err());
    assert!(e.contains("not KV version 2") && e.contains("kv-v2"), "{e}");

    let e = chain(
        &start(bao.builder(dir.path(), "no-such-mount"))
            .await
            .unwrap_err(),
    );
    assert!(
        e.contains("no secrets engine is mounted at `no-such-mount`"),
        "{e}"
    );

    let e = chain(
        &start(bao.builder(dir.path(), &format!("{kv2}/inner")))
            .await
            .unwrap_err(),
    );
    assert!(e.contains("inside the mount"), "{e}");

    let none = builder(dir.path()).store(bao.store(&kv2));
    let e = chain(&none.build().unwrap_err());
    assert!(
        e.contains("BAO_TOKEN") && e.contains("--store-token-file"),
        "{e}"
    );

    // The token file: must be private; then it is used (and wins over the environment).
    let file = dir.path().join("bao-token");
    std::fs::write(&file, format!("{}\n", bao.token)).unwrap();
    chmod(&file, 0o644);
    let from_file = || {
        builder(dir.path())
            .store(bao.store(&kv2))
            .store_token_file(&file)
            .env(|k| (k == "BAO_TOKEN").then(|| "wrong-token-value-1234".to_owned()))
    };
    let e = chain(&from_file().build().unwrap_err());
    assert!(
        e.contains("OpenBao token file") && e.contains("chmod 600"),
        "{e}"
    );
    chmod(&file, 0o600);
    let server = start(from_file()).await.unwrap();
    Client::new(server.addr())
        .create_str(pid("via-file"), "v")
        .await
        .unwrap();
    server.shutdown().await.unwrap();

    // reseal: the store encrypts itself.
    let e = chain(
        &bao.builder(dir.path(), &kv2)
            .build()
            .unwrap()
            .reseal()
            .await
            .unwrap_err(),
    );
    assert!(e.contains("nothing to reseal"), "{e}");
}

#[needs(openbao)]
#[tokio::test]
async fn an_unreachable_openbao_gives_unavailable_naming_it() {
    // A port nothing listens on: the server starts, and calls say why they fail.
    let port = free_port();
    let dir = private_tempdir();
    let server = builder(dir.path())
        .store(
            format!("openbao+http://127.0.0.1:{port}/secret")
                .parse()
                .unwrap(),
        )
        .env(|k| (k == "BAO_TOKEN").then(|| "unused-token".to_owned()))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    let e = c.get(pid("a")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable);
    assert!(
        e.body.message.contains(&format!("127.0.0.1:{port}")),
        "{}",
        e.body.message
    );
    assert!(
        e.body.message.contains("cannot reach"),
        "{}",
        e.body.message
    );
    let e = c.create_str(pid("a"), "v").await.unwrap_err();
    assert_eq!(e.code(), Code::Unavailable);
    assert_eq!(
        c.list_page(PROJ, 0, "").await.unwrap_err().code(),
        Code::Unavailable
    );
    server.shutdown().await.unwrap();
}

/// A raft-backed OpenBao of its own (init with one key share, unseal over the API), killed
/// at the end of the test.
struct RaftBao {
    bao: Bao,
    unseal_key: String,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for RaftBao {
    fn drop(&mut self) {
        // Closing its stdin makes `sh` kill bao.
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

impl RaftBao {
    async fn start() -> RaftBao {
        let dir = tempfile::tempdir().unwrap();
        let (port, cluster) = (free_port(), free_port());
        std::fs::create_dir(dir.path().join("raft")).unwrap();
        let config = format!(
            r#"
storage "raft" {{
  path = "{raft}"
  node_id = "n1"
}}
listener "tcp" {{
  address = "127.0.0.1:{port}"
  cluster_address = "127.0.0.1:{cluster}"
  tls_disable = true
}}
api_addr = "http://127.0.0.1:{port}"
cluster_addr = "https://127.0.0.1:{cluster}"
disable_mlock = true
"#,
            raft = dir.path().join("raft").display()
        );
        let config_file = dir.path().join("bao.hcl");
        std::fs::write(&config_file, config).unwrap();
        let log = dir.path().join("bao.log");
        let mut child = start_bao(&[&format!("-config={}", config_file.display())], &log);
        let mut bao = Bao {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            token: String::new(),
        };
        // Up (uninitialised: health answers 501).
        let mut up = false;
        for _ in 0..600 {
            if let Some(status) = child.try_wait().unwrap() {
                panic!("bao exited with {status}; its log: {}", log.display());
            }
            if bao.http().get(bao.url("sys/health")).send().await.is_ok() {
                up = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(up, "bao did not listen; its log: {}", log.display());
        let (status, init) = bao
            .api(
                "PUT",
                "sys/init",
                Some(json!({"secret_shares": 1, "secret_threshold": 1})),
            )
            .await;
        assert_eq!(status, 200, "init");
        bao.token = init["root_token"].as_str().unwrap().to_owned();
        let unseal_key = init["keys_base64"][0].as_str().unwrap().to_owned();
        let raft = RaftBao {
            bao,
            unseal_key,
            child,
            _dir: dir,
        };
        raft.unseal().await;
        raft
    }

    async fn unseal(&self) {
        let (status, v) = self
            .bao
            .api("PUT", "sys/unseal", Some(json!({"key": self.unseal_key})))
            .await;
        assert_eq!(status, 200, "unseal");
        assert_eq!(v["sealed"], false);
        // Then raft elects this node leader: wait until it serves as the active node.
        for _ in 0..600 {
            if let Ok(r) = self.bao.http().get(self.bao.url("sys/health")).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("bao did not become active after the unseal");
    }

    async fn seal(&self) {
        let (status, _) = self.bao.api("PUT", "sys/seal", None).await;
        assert_eq!(status, 204, "seal");
    }
}

#[needs(openbao)]
#[tokio::test]
async fn sealed_mid_run_gives_unavailable_then_serves_again_after_unseal() {
    let raft = RaftBao::start().await;
    let bao = &raft.bao;
    let mount = bao.mount("kv-v2").await;
    let dir = private_tempdir();
    let server = bao
        .builder(dir.path(), &mount)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    let inj = inject(&server);
    c.create_str(pid("before"), "value-before-seal")
        .await
        .unwrap();
    c.update_str(pid("before"), "value-before-seal-2")
        .await
        .unwrap();
    assert_eq!(c.list_all(PROJ, 0).await, ["before"]);

    raft.seal().await;
    let sealed = |e: &Failure| {
        assert_eq!(e.code(), Code::Unavailable, "{:?}", e.body);
        let m = &e.body.message;
        assert!(
            m.contains("sealed") && m.contains(&bao.addr.to_string()),
            "{m}"
        );
    };
    sealed(&c.get(pid("before")).await.unwrap_err());
    sealed(
        &c.create_str(pid("during"), "value-during-seal")
            .await
            .unwrap_err(),
    );
    sealed(
        &c.update_str(pid("before"), "value-during-seal")
            .await
            .unwrap_err(),
    );
    sealed(&c.delete(pid("before")).await.unwrap_err());
    sealed(&c.list_page(PROJ, 0, "").await.unwrap_err());
    sealed(&inj.read_value(pid("before")).await.unwrap_err());

    // A server started while OpenBao is sealed starts, and serves once it is unsealed.
    let dir2 = private_tempdir();
    let second = bao
        .builder(dir2.path(), &mount)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    sealed(
        &Client::new(second.addr())
            .get(pid("before"))
            .await
            .unwrap_err(),
    );

    raft.unseal().await;
    let read = inj.read_value(pid("before")).await.unwrap();
    assert_eq!(
        read.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue(
            "value-before-seal-2".into()
        ))
    );
    c.create_str(pid("after"), "value-after-unseal")
        .await
        .unwrap();
    let c2 = Client::new(second.addr());
    assert_eq!(c2.list_all(PROJ, 0).await, ["after", "before"]);
    c2.delete(pid("before")).await.unwrap();
    assert_eq!(
        c.get(pid("before")).await.unwrap_err().code(),
        Code::NotFound
    );
    second.shutdown().await.unwrap();
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn check_and_set_decides_races_and_deletes_stay_deleted() {
    let (_bao, _mount, server, _dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    // Concurrent creates of one name: exactly one wins.
    let tries = (0..12).map(|i| {
        let c = c.clone();
        tokio::spawn(async move { c.create_str(pid("race"), &format!("create-{i}")).await })
    });
    let mut won = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(e) => assert_eq!(e.code(), Code::AlreadyExists, "{:?}", e.body),
        }
    }
    assert_eq!(won, 1);

    // Concurrent updates of one name all get through (lost check-and-set races are retried),
    // and one of them is the value.
    let updates = (0..24).map(|i| {
        let c = c.clone();
        tokio::spawn(async move { c.update_str(pid("race"), &format!("update-{i}")).await })
    });
    for u in updates {
        u.await.unwrap().unwrap_or_else(|e| panic!("{:?}", e.body));
    }
    let read = inject(&server).read_value(pid("race")).await.unwrap();
    let Some(secret_spec::Value::StringValue(last)) = read.secret_spec.unwrap().value else {
        panic!("a string value");
    };
    assert!(last.starts_with("update-"));

    // An update racing a delete never brings the secret back.
    for round in 0..8 {
        let name = format!("gone-{round}");
        c.create_str(pid(&name), "first").await.unwrap();
        let (u, d) = tokio::join!(c.update_str(pid(&name), "updated"), c.delete(pid(&name)));
        d.unwrap();
        if let Err(e) = u {
            assert_eq!(e.code(), Code::NotFound, "{:?}", e.body);
        }
        assert_eq!(
            c.get(pid(&name)).await.unwrap_err().code(),
            Code::NotFound,
            "round {round}: deleted stays deleted"
        );
    }

    // Pages in byte order, across page boundaries.
    for name in ["b", "B", "a_", "a-", "A", "a"] {
        c.create_str(id(name, "pages", "dev"), "v").await.unwrap();
    }
    let all = c.list_all((ORG, "pages", "dev"), 2).await;
    assert_eq!(all, ["A", "B", "a", "a-", "a_", "b"]);
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn the_policy_in_the_readme_is_enough() {
    let bao = dev().await;
    let mount = bao.mount("kv-v2").await;
    let policy = format!(
        r#"
path "{mount}/data/flyte/*"     {{ capabilities = ["create", "read", "update"] }}
path "{mount}/metadata/flyte/*" {{ capabilities = ["read", "patch", "delete", "list"] }}
path "{mount}/metadata/flyte/"  {{ capabilities = ["list"] }}
"#
    );
    let (status, v) = bao
        .api(
            "PUT",
            &format!("sys/policies/acl/flyte-{mount}"),
            Some(json!({ "policy": policy })),
        )
        .await;
    assert_eq!(status, 204, "{v}");
    let (status, v) = bao
        .api(
            "POST",
            "auth/token/create",
            Some(json!({"policies": [format!("flyte-{mount}")], "no_default_policy": true})),
        )
        .await;
    assert_eq!(status, 200, "token create");
    let token = v["auth"]["client_token"].as_str().unwrap().to_owned();
    let dir = private_tempdir();
    let server = builder(dir.path())
        .store(bao.store(&mount))
        .env(move |k| (k == "BAO_TOKEN").then(|| token.clone()))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    c.create_str(pid("p"), "policy-value").await.unwrap();
    c.create(
        org_id("img"),
        secret_spec::Value::StringValue("{}".into()),
        SecretType::ImagePullSecret,
    )
    .await
    .unwrap();
    c.update_str(pid("p"), "policy-value-2").await.unwrap();
    assert_eq!(c.list_all(PROJ, 1).await, ["p"]);
    assert_eq!(
        c.get(org_id("img"))
            .await
            .unwrap()
            .secret_metadata
            .unwrap()
            .r#type,
        SecretType::ImagePullSecret as i32
    );
    inject(&server).read_value(pid("p")).await.unwrap();
    c.delete(pid("p")).await.unwrap();
    assert_eq!(c.get(pid("p")).await.unwrap_err().code(), Code::NotFound);
    server.shutdown().await.unwrap();
}

/// `bao server -dev -dev-tls` of its own (a CA and certificate for 127.0.0.1 made in `dir`),
/// killed at the end of the test.
struct TlsBao {
    bao: Bao,
    ca: PathBuf,
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for TlsBao {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}

#[needs(openbao)]
#[tokio::test]
async fn https_with_the_ca_file_and_a_clear_refusal_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let token = format!("tls-root-{}", std::process::id());
    let child = start_bao(
        &[
            "-dev",
            "-dev-tls",
            &format!("-dev-tls-cert-dir={}", dir.path().display()),
            &format!("-dev-root-token-id={token}"),
            &format!("-dev-listen-address=127.0.0.1:{port}"),
            "-dev-no-store-token",
        ],
        &dir.path().join("bao.log"),
    );
    let tls = TlsBao {
        bao: Bao {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            token,
        },
        ca: dir.path().join("vault-ca.pem"),
        child,
        _dir: dir,
    };
    // Up once the CA is written and the TLS listener answers.
    let mut up = false;
    for _ in 0..600 {
        if let Ok(pem) = std::fs::read(&tls.ca)
            && let Ok(ca) = reqwest::Certificate::from_pem(&pem)
            && let Ok(http) = reqwest::Client::builder().add_root_certificate(ca).build()
            && let Ok(r) = http
                .get(format!("https://127.0.0.1:{port}/v1/sys/health"))
                .send()
                .await
            && r.status() == 200
        {
            up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(up, "bao -dev-tls did not come up");
    let store: flyte_server::StoreConfig = format!("openbao://127.0.0.1:{port}/secret")
        .parse()
        .unwrap();
    let token = tls.bao.token.clone();
    let env = move |k: &str| (k == "BAO_TOKEN").then(|| token.clone());

    let data = private_tempdir();
    let e = builder(data.path())
        .store(store.clone())
        .env(env.clone())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    let e = chain(&e);
    assert!(
        e.contains("TLS with OpenBao at https://127.0.0.1") && e.contains("--store-ca-file"),
        "{e}"
    );

    let server = builder(data.path())
        .store(store)
        .env(env)
        .store_ca_file(&tls.ca)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(server.addr());
    c.create_str(pid("over-tls"), "tls-value").await.unwrap();
    assert_eq!(c.list_all(PROJ, 0).await, ["over-tls"]);
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn keys_that_are_not_names_are_skipped_across_list_batches() {
    let (bao, mount, server, _dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    // More keys that are not secret names (another tool's) than one LIST batch asks for,
    // sorting before the real names, plus folders and a metadata-only key among them.
    for i in 0..40 {
        let (status, _) = bao
            .api(
                "POST",
                &format!("{mount}/data/flyte/127/proj/dev/a.{i:02}"),
                Some(json!({"data": {"value": "other-tool"}})),
            )
            .await;
        assert_eq!(status, 200);
    }
    let (status, _) = bao
        .api(
            "POST",
            &format!("{mount}/data/flyte/127/proj/dev/b/nested"),
            Some(json!({"data": {"value": "other-tool"}})),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = bao
        .api(
            "POST",
            &format!("{mount}/metadata/flyte/127/proj/dev/c-metadata-only"),
            Some(json!({"custom_metadata": {"flyte_type": "0"}})),
        )
        .await;
    assert!((200..300).contains(&status));
    let names: Vec<String> = (0..5).map(|i| format!("k{i:02}")).collect();
    for n in &names {
        c.create_str(pid(n), "v").await.unwrap();
    }
    assert_eq!(c.list_all(PROJ, 2).await, names);
    assert_eq!(c.list_all(PROJ, 0).await, names);
    assert_eq!(
        c.get(pid("c-metadata-only")).await.unwrap_err().code(),
        Code::NotFound
    );
    // A create over metadata without a version takes the name.
    c.create_str(pid("c-metadata-only"), "v").await.unwrap();
    server.shutdown().await.unwrap();
}

#[needs(openbao)]
#[tokio::test]
async fn versions_deleted_later_or_by_other_tools() {
    let (bao, mount, server, _dir) = start_on_fresh_mount().await;
    // A mount that deletes versions an hour after they are written: they exist until then.
    let (status, v) = bao
        .api(
            "POST",
            &format!("{mount}/config"),
            Some(json!({"delete_version_after": "1h"})),
        )
        .await;
    assert!((200..300).contains(&status), "{v}");
    let c = Client::new(server.addr());
    c.create_str(pid("later"), "v").await.unwrap();
    c.get(pid("later")).await.unwrap();
    assert_eq!(c.list_all(PROJ, 0).await, ["later"]);
    c.update_str(pid("later"), "v2").await.unwrap();

    // Another tool soft-deletes the current version: the secret is absent, and can be made
    // again.
    let (status, _) = bao
        .api(
            "DELETE",
            &format!("{mount}/data/flyte/127/proj/dev/later"),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        c.get(pid("later")).await.unwrap_err().code(),
        Code::NotFound
    );
    assert!(c.list_all(PROJ, 0).await.is_empty());
    let e = c.update_str(pid("later"), "v3").await.unwrap_err();
    assert_eq!(e.code(), Code::NotFound);
    assert_eq!(
        inject(&server)
            .read_value(pid("later"))
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
    c.create_str(pid("later"), "v4").await.unwrap();
    let read = inject(&server).read_value(pid("later")).await.unwrap();
    assert_eq!(
        read.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue("v4".into()))
    );
    server.shutdown().await.unwrap();
}
