//! Restart persistence, keys, encryption at rest (no plaintext anywhere in the data dir),
//! and tamper detection.

use crate::common;

use base64::Engine as _;
use common::*;
use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_server::{KeyError, StartError};

fn env_key(byte: u8) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
    let k = base64::engine::general_purpose::STANDARD.encode([byte; 32]);
    move |name| (name == flyte_server::KEY_ENV).then(|| k.clone())
}

async fn inject_client(server: &flyte_server::RunningServer) -> Client {
    Client::new(server.addr()).token(server.inject_token().unwrap().expose())
}

#[tokio::test]
async fn secrets_survive_a_restart() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    c.create_str(pid("a"), "alpha").await.unwrap();
    c.create(
        org_id("b"),
        secret_spec::Value::BinaryValue(vec![9, 8, 7]),
        SecretType::ImagePullSecret,
    )
    .await
    .unwrap();
    c.create_str(pid("gone"), "x").await.unwrap();
    c.delete(pid("gone")).await.unwrap();
    c.update_str(pid("a"), "alpha-2").await.unwrap();
    let before = c.get(pid("a")).await.unwrap();
    server.shutdown().await.unwrap();

    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    assert_eq!(
        c.get(pid("a")).await.unwrap(),
        before,
        "metadata incl. created_time unchanged"
    );
    assert_eq!(c.list_all(PROJ, 0).await, ["a"]);
    assert_eq!(c.list_all((ORG, "", ""), 0).await, ["b"]);
    let inj = inject_client(&server).await;
    let a = inj.read_value(pid("a")).await.unwrap().secret_spec.unwrap();
    assert_eq!(
        a.value,
        Some(secret_spec::Value::StringValue("alpha-2".into()))
    );
    let b = inj
        .read_value(org_id("b"))
        .await
        .unwrap()
        .secret_spec
        .unwrap();
    assert_eq!(
        b.value,
        Some(secret_spec::Value::BinaryValue(vec![9, 8, 7]))
    );
    assert_eq!(b.r#type(), SecretType::ImagePullSecret);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn no_plaintext_value_in_any_file_of_the_data_dir() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    let values: Vec<Vec<u8>> = vec![
        b"PLAINTEXT-canary-string-7f3a9".to_vec(),
        b"PLAINTEXT-canary-updated-51c2".to_vec(),
        b"PLAINTEXT-canary-deleted-8e44".to_vec(),
        vec![
            0xde, 0xad, 0xbe, 0xef, 0x13, 0x37, 0xca, 0xfe, 0xba, 0xbe, 0x42, 0x99,
        ],
        format!("PLAINTEXT-big-{}", "Q".repeat(200_000)).into_bytes(),
    ];
    c.create_str(pid("s"), std::str::from_utf8(&values[0]).unwrap())
        .await
        .unwrap();
    c.create_str(pid("u"), "first").await.unwrap();
    c.update_str(pid("u"), std::str::from_utf8(&values[1]).unwrap())
        .await
        .unwrap();
    c.create_str(pid("d"), std::str::from_utf8(&values[2]).unwrap())
        .await
        .unwrap();
    c.delete(pid("d")).await.unwrap();
    c.create(
        pid("b"),
        secret_spec::Value::BinaryValue(values[3].clone()),
        SecretType::Generic,
    )
    .await
    .unwrap();
    c.create_str(pid("big"), std::str::from_utf8(&values[4]).unwrap())
        .await
        .unwrap();
    let mut jc = c.clone().json();
    jc.gzip_request = true;
    jc.create_str(pid("j"), "PLAINTEXT-json-gzip-0c1d")
        .await
        .unwrap();
    inject_client(&server)
        .await
        .read_value(pid("s"))
        .await
        .unwrap();

    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert!(
        files.iter().any(|f| f.to_string_lossy().ends_with("-wal")),
        "WAL present: {files:?}"
    );
    let mut needles: Vec<Vec<u8>> = values.clone();
    needles.push(b"PLAINTEXT-json-gzip-0c1d".to_vec());
    needles.push(b"QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ".to_vec());
    for n in &needles {
        assert!(
            files_containing(dir.path(), n).is_empty(),
            "plaintext found while running"
        );
    }
    server.shutdown().await.unwrap();
    for n in &needles {
        assert!(
            files_containing(dir.path(), n).is_empty(),
            "plaintext found after shutdown"
        );
    }
    // The canary is findable in principle: the names are stored in clear.
    assert!(!files_containing(dir.path(), b"big").is_empty());
}

#[tokio::test]
async fn the_key_must_match_the_database() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .env(env_key(1))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    Client::new(server.addr())
        .create_str(pid("k"), "v")
        .await
        .unwrap();
    server.shutdown().await.unwrap();
    assert!(
        !dir.path().join(flyte_server::KEY_FILE).exists(),
        "the env key is not written"
    );

    let err = builder(dir.path())
        .env(env_key(2))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    assert!(
        matches!(err, StartError::Key(KeyError::Mismatch { .. })),
        "{err}"
    );
    assert!(
        err.to_string().contains("FLYTE_SERVER_KEY") && err.to_string().contains("another key")
    );
    // Without the variable, no fresh key file is made up for an existing database.
    let err = builder(dir.path()).build().unwrap_err();
    assert!(
        matches!(err, StartError::Key(KeyError::Missing { .. })),
        "{err}"
    );
    assert!(!dir.path().join(flyte_server::KEY_FILE).exists());
    // The right key still works.
    let server = builder(dir.path())
        .env(env_key(1))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    Client::new(server.addr()).get(pid("k")).await.unwrap();
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn swapped_or_corrupted_ciphertexts_are_detected() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr());
    c.create_str(pid("one"), "value-one").await.unwrap();
    c.create_str(pid("two"), "value-two").await.unwrap();
    {
        // Move one's ciphertext onto two, as an attacker with write access to the file could.
        let db = rusqlite::Connection::open(dir.path().join(flyte_server::DATABASE_FILE)).unwrap();
        db.execute(
            "UPDATE secrets SET sealed = (SELECT sealed FROM secrets WHERE name = 'one') WHERE name = 'two'",
            [],
        )
        .unwrap();
    }
    let inj = inject_client(&server).await;
    assert_eq!(
        inj.read_value(pid("one"))
            .await
            .unwrap()
            .secret_spec
            .unwrap()
            .value,
        Some(secret_spec::Value::StringValue("value-one".into()))
    );
    let e = inj.read_value(pid("two")).await.unwrap_err();
    assert_eq!(e.code(), Code::DataLoss);
    assert!(e.body.message.contains("cannot be decrypted") && !e.body.message.contains("value-"));
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn one_server_per_data_dir() {
    let dir = private_tempdir();
    let first = start(dir.path()).await;
    let err = builder(dir.path()).build().unwrap_err();
    assert!(matches!(err, StartError::DataDirInUse(_)), "{err}");
    assert!(err.to_string().contains("in use by another flyte serve"));
    first.shutdown().await.unwrap();
    // Released on shutdown.
    start(dir.path()).await.shutdown().await.unwrap();
}
