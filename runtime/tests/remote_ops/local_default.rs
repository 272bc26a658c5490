//! The local default: with no endpoint configured the client uses the local secret service,
//! attaching to the `flyte serve` its data directory advertises, or starting it in-process.

use flyte::local::{LocalError, LocalService};
use flyte::remote::{Client, Error};
use flyte::sources::SecretSource;

fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap()
}

#[tokio::test]
async fn no_endpoint_starts_the_service_in_process_and_reads_values() {
    let dir = private_dir();
    let client = Client::builder()
        .local_data_dir(dir.path())
        .project("p")
        .domain("d")
        .build()
        .unwrap();
    let local = client.local_service().expect("the local default");
    assert_eq!(local.attached(), None);
    assert_eq!(local.data_dir(), dir.path());
    assert!(
        client.endpoint().starts_with("http://127.0.0.1:"),
        "{}",
        client.endpoint()
    );
    // The organization is derived from the loopback endpoint, as for the CLI.
    assert_eq!(client.org(), "127");

    client
        .create("local-default-key", "local-default-value")
        .await
        .unwrap();
    // A second client in this process shares the running service (one per directory).
    let again = Client::builder()
        .local_data_dir(dir.path())
        .project("p")
        .domain("d")
        .build()
        .unwrap();
    assert_eq!(again.endpoint(), client.endpoint());
    // The inject token was picked up: values can be read.
    let value = again.read_value("local-default-key").await.unwrap();
    assert_eq!(value.expose(), b"local-default-value");
    assert!(!format!("{client:?} {local:?}").contains("local-default-value"));
    drop((client, again));

    // The last client gone, the service stopped and released the directory: a server can
    // take it (it would get DataDirInUse otherwise).
    let server = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .build()
        .expect("the directory is free again");
    drop(server);
}

#[tokio::test]
async fn an_advertised_server_is_attached_to_and_a_stale_address_is_ignored() {
    let dir = private_dir();
    let server = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .advertise(true)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let address = flyte_server::read_address(dir.path()).unwrap().unwrap();
    assert_eq!(address.url, server.url());
    let client = Client::builder()
        .local_data_dir(dir.path())
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), server.url());
    assert_eq!(
        client.local_service().unwrap().attached(),
        Some(std::process::id())
    );
    client
        .create("attached-key", "attached-value")
        .await
        .unwrap();
    assert_eq!(
        client.read_value("attached-key").await.unwrap().expose(),
        b"attached-value"
    );

    // A configured endpoint that is the advertised server gets its inject token too.
    let configured = Client::builder()
        .endpoint(&server.url())
        .disable_keyring(true)
        .local_data_dir(dir.path())
        .build()
        .unwrap();
    assert!(configured.local_service().is_none());
    assert_eq!(
        configured
            .read_value("attached-key")
            .await
            .unwrap()
            .expose(),
        b"attached-value"
    );
    // Another loopback port is not that server: no token is sent to it.
    let other = Client::builder()
        .endpoint("http://127.0.0.1:9")
        .disable_keyring(true)
        .local_data_dir(dir.path())
        .build()
        .unwrap();
    assert!(!format!("{other:?}").contains("auth: true"), "{other:?}");
    drop((client, configured));

    // Shut down: the file is gone.
    server.shutdown().await.unwrap();
    assert!(!dir.path().join(flyte_server::ADDRESS_FILE).exists());

    // A file left by a killed server (dead pid) is stale: the client starts its own.
    std::fs::write(
        dir.path().join(flyte_server::ADDRESS_FILE),
        format!(
            r#"{{"url":"{}","pid":{},"open":true}}"#,
            address.url,
            i32::MAX
        ),
    )
    .unwrap();
    let client = Client::builder()
        .local_data_dir(dir.path())
        .build()
        .unwrap();
    assert_eq!(client.local_service().unwrap().attached(), None);
    assert_ne!(client.endpoint(), address.url);
    assert_eq!(
        client.read_value("attached-key").await.unwrap().expose(),
        b"attached-value"
    );
}

#[test]
fn a_directory_held_by_another_process_is_an_error_with_the_way_out() {
    let dir = private_dir();
    // Held without an address file, as by another program's in-process service.
    let _holder = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = LocalService::open(Some(dir.path())).unwrap_err();
    assert!(started.elapsed() >= flyte::local::LOCK_WAIT, "it waited");
    assert!(matches!(err, LocalError::InUse { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains(&dir.path().display().to_string()) && text.contains("flyte serve"),
        "{text}"
    );
}

#[test]
fn an_unusable_data_dir_is_an_error_naming_it() {
    let dir = private_dir();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"").unwrap();
    let err = Client::builder().local_data_dir(&file).build().unwrap_err();
    assert!(
        matches!(err, Error::Local(LocalError::Start { .. })),
        "{err:?}"
    );
    let mut text = err.to_string();
    let mut cause = std::error::Error::source(&err);
    while let Some(c) = cause {
        text.push_str(&format!(": {c}"));
        cause = c.source();
    }
    assert!(text.contains(&file.display().to_string()), "{text}");
}

#[test]
fn the_service_source_reads_through_the_local_default() {
    let dir = private_dir();
    let client = Client::builder()
        .local_data_dir(dir.path())
        .build()
        .unwrap();
    flyte::remote::blocking::Client(client.clone())
        .create("source-key", "source-value")
        .unwrap();
    let source = flyte::sources::remote::ServiceSource::new(client);
    let def = flyte::secret::SecretDef::env("source-key", None, "SOURCE_KEY");
    let found = source.fetch(&def).unwrap().expect("found");
    assert_eq!(found.value().expose(), b"source-value");
}
