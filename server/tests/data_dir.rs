//! The data directory and the files in it: private modes, and planted or shared directories
//! refused before anything in them is used.

use crate::common;

use std::os::unix::fs::MetadataExt;

use common::*;
use flyte_test_backends::needs;

#[tokio::test]
async fn every_file_of_a_fresh_data_dir_is_private() {
    let parent = private_tempdir();
    let dir = parent.path().join("data");
    let server = start(&dir).await;
    let c = Client::new(server.addr());
    c.create_str(pid("a"), "alpha").await.unwrap();
    // While running: the WAL and shared-memory files exist now.
    let mut seen = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        assert_eq!(mode_of(&path), 0o600, "{}", path.display());
        seen.push(path.file_name().unwrap().to_string_lossy().into_owned());
    }
    seen.sort();
    assert_eq!(
        seen,
        [
            "inject-token",
            "lock",
            "secrets.db",
            "secrets.db-shm",
            "secrets.db-wal",
            "server.key"
        ]
    );
    assert_eq!(mode_of(&dir), 0o700);
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_world_accessible_data_dir_is_refused() {
    let parent = private_tempdir();
    let dir = parent.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    chmod(&dir, 0o777);
    let err = builder(&dir).build().unwrap_err().to_string();
    let uid = rustix::process::geteuid().as_raw();
    assert!(
        err.contains(&format!("data directory {}", dir.display()))
            && err.contains(&format!("owned by uid {uid} with mode 777"))
            && err.contains(&format!("chmod 700 {}", dir.display())),
        "{err}"
    );
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing created"
    );
}

#[tokio::test]
async fn a_shared_tokens_file_is_refused() {
    let dir = private_tempdir();
    let file = dir.path().join("tokens");
    std::fs::write(&file, "secret-token-123456789 127/*/* read\n").unwrap();
    chmod(&file, 0o640);
    let err = builder(&dir.path().join("data"))
        .tokens_file(&file)
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("tokens file") && err.contains("mode 640") && err.contains("chmod 600"),
        "{err}"
    );
    assert!(!err.contains("secret-token"), "{err}");
}

#[tokio::test]
async fn a_directory_given_for_a_file_is_refused_as_a_directory() {
    let dir = private_tempdir();
    // World-writable and sticky, like /tmp: the owner and mode checks would advise a chmod.
    let shared = dir.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    chmod(&shared, 0o1777);
    let data = dir.path().join("data");
    for (what, b) in [
        ("tokens file", builder(&data).tokens_file(&shared)),
        ("policy file", builder(&data).policy_file(&shared)),
        ("key file", builder(&data).key_file(&shared)),
        (
            "TLS certificate file",
            builder(&data).tls(&shared, dir.path().join("no-key.pem")),
        ),
        (
            "store CA file",
            builder(&data)
                .store("openbao://127.0.0.1:1/kv".parse().unwrap())
                .env(|k| (k == "BAO_TOKEN").then(|| "t".to_owned()))
                .store_ca_file(&shared),
        ),
    ] {
        let err = match b.build() {
            Ok(server) => server.start().await.unwrap_err().to_string(),
            Err(e) => e.to_string(),
        };
        assert_eq!(
            err,
            format!(
                "refusing the {what} {}: it is a directory; give the path of a file",
                shared.display()
            )
        );
    }
}

#[tokio::test]
async fn a_shared_sticky_data_dir_is_refused_without_advising_a_chmod() {
    let parent = private_tempdir();
    let dir = parent.path().join("shared");
    std::fs::create_dir(&dir).unwrap();
    chmod(&dir, 0o1777);
    let err = builder(&dir).build().unwrap_err().to_string();
    assert!(
        err.contains(&format!("data directory {}", dir.display()))
            && err.contains("mode 1777")
            && err.contains(&format!("`mkdir -m 700 {}/flyte-data`", dir.display())),
        "{err}"
    );
    assert!(!err.contains("chmod") && !err.contains("rm -r"), "{err}");
    assert_eq!(mode_of(&dir), 0o1777);
}

/// The attack: `nobody` pre-creates root's data dir with a known inject token and key, so
/// that it can read back whatever root stores. The server must refuse the directory.
#[needs(root)]
#[tokio::test]
async fn a_data_dir_planted_by_another_user_is_refused() {
    let parent = private_tempdir();
    chmod(parent.path(), 0o755);
    let dir = parent.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    chmod(&dir, 0o700);
    let key = base64_key();
    for (name, text) in [
        ("inject-token", "planted-token-0123456789\n"),
        ("server.key", &key),
    ] {
        let p = dir.join(name);
        write_private(&p, text);
        std::os::unix::fs::chown(&p, Some(65534), Some(65534)).unwrap();
    }
    std::os::unix::fs::chown(&dir, Some(65534), Some(65534)).unwrap();
    assert_eq!(std::fs::metadata(&dir).unwrap().uid(), 65534);

    let err = builder(&dir).build().unwrap_err().to_string();
    assert!(
        err.contains(&format!("data directory {}", dir.display()))
            && err.contains("owned by uid 65534 with mode 700")
            && err.contains("must be owned by uid 0")
            && err.contains("use a directory of your own instead (`mkdir -m 700 DIR`)"),
        "{err}"
    );
    // A directory of another user may be a system one: never the advice to remove it.
    assert!(!err.contains("rm "), "{err}");
    assert!(!dir.join("secrets.db").exists(), "nothing was stored");

    // The same directory given to root but with nobody's planted files inside.
    std::os::unix::fs::chown(&dir, Some(0), Some(0)).unwrap();
    let err = builder(&dir).build().unwrap_err().to_string();
    assert!(
        err.contains("owned by uid 65534") && err.contains("server.key"),
        "{err}"
    );
}

fn base64_key() -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode([7u8; 32]) + "\n"
}
