//! The checks at start (the mount, the token, the token file), and an OpenBao that cannot be
//! reached: the server starts and answers `unavailable` naming it.

use flyte_idl::connect::Code;
use flyte_server::ServerBuilder;
use flyte_test_backends::needs;

use super::bao::{dev, free_port};
use super::chain;
use crate::common::*;

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
