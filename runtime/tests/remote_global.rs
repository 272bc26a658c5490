//! The free functions (`Secret::create`, ...) on the client set by `flyte::init`. One test:
//! the global client is process-wide.

mod remote_support;

use flyte::remote::{Error, Secret, SecretType, StoredSecret};

#[tokio::test]
async fn free_functions_need_init_then_use_the_global_client() {
    let err = Secret::create("database-password", "super-secret-string")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NotInitialized), "{err:?}");
    let listed: Vec<_> = Secret::listall(20).collect_errors().await;
    assert!(
        matches!(listed.as_slice(), [Err(Error::NotInitialized)]),
        "{listed:?}"
    );

    // A config with no endpoint: the local default, started on first use.
    let dir = tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap();
    flyte::init(
        flyte::Config::builder()
            .no_env()
            .no_file_search()
            .local_data_dir(dir.path())
            .build()
            .unwrap(),
    )
    .unwrap();
    Secret::create("local-only", "v").await.unwrap();
    assert_eq!(
        Secret::get("local-only").await.unwrap().name(),
        "local-only"
    );
    let err = Secret::get("x").await.unwrap_err();
    assert!(matches!(err, Error::NotFound { .. }), "{err:?}");
    assert!(
        flyte::remote::client()
            .unwrap()
            .local_service()
            .is_some_and(|l| l.data_dir() == dir.path())
    );

    let local = remote_support::start().await;
    let config = flyte::Config::builder()
        .no_env()
        .no_file_search()
        .endpoint(local.url())
        .project("flytesnacks")
        .domain("development")
        .disable_keyring(true)
        .build()
        .unwrap();
    flyte::init(config).unwrap();
    assert_eq!(
        flyte::remote::config().unwrap().project(),
        Some("flytesnacks")
    );

    Secret::create("database-password", "super-secret-string")
        .await
        .unwrap();
    Secret::create_with("registry-creds", "{}", SecretType::ImagePull)
        .await
        .unwrap_err();
    let s = Secret::get("database-password").await.unwrap();
    assert_eq!(
        (s.name(), s.project(), s.domain()),
        (
            "database-password",
            Some("flytesnacks"),
            Some("development")
        )
    );
    let all: Vec<StoredSecret> = Secret::listall(20).try_collect().await.unwrap();
    assert_eq!(all.len(), 1);
    Secret::update("database-password", "rotated")
        .await
        .unwrap();
    Secret::delete("database-password").await.unwrap();
    assert!(matches!(
        Secret::get("database-password").await,
        Err(Error::NotFound { .. })
    ));
}

trait CollectAll {
    async fn collect_errors(self) -> Vec<Result<StoredSecret, Error>>;
}

impl CollectAll for flyte::remote::SecretList {
    async fn collect_errors(self) -> Vec<Result<StoredSecret, Error>> {
        futures::StreamExt::collect(self).await
    }
}
