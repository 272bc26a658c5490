//! A raft-backed OpenBao of its own, sealed while a server uses it and unsealed again.

use std::net::SocketAddr;
use std::process::Child;
use std::time::Duration;

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_test_backends::needs;
use serde_json::json;

use super::bao::{Bao, free_port, start_bao};
use super::inject;
use crate::common::*;

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
