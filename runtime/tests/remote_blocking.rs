//! The blocking facade, from plain (non-async) tests: before init, after init, with an
//! explicit client, and when called from inside a tokio runtime. One test: the global client
//! is process-wide.

use std::time::Duration;

use flyte::remote::blocking;
use flyte::remote::{Error, SecretType};
use flyte_server::Server;

#[test]
fn blocking_facade_end_to_end() {
    let err = blocking::Secret::get("anything").unwrap_err();
    assert!(matches!(err, Error::NotInitialized), "{err:?}");
    assert!(err.to_string().contains("flyte::init"), "{err}");

    let dir = tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap();
    let server = Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .build()
        .unwrap()
        .start_background()
        .unwrap();
    let config = flyte::Config::builder()
        .no_env()
        .no_file_search()
        .endpoint(server.url())
        .project("p")
        .domain("d")
        .disable_keyring(true)
        .build()
        .unwrap();
    flyte::init(config).unwrap();

    blocking::Secret::create("k", "v").unwrap();
    blocking::Secret::create("b", vec![1u8, 2, 3]).unwrap();
    assert_eq!(
        blocking::Secret::get("k").unwrap().secret_type(),
        SecretType::Regular
    );
    blocking::Secret::update("k", "v2").unwrap();
    let mut names = Vec::new();
    for s in blocking::Secret::listall(1) {
        names.push(s.unwrap().name().to_owned());
    }
    names.sort();
    assert_eq!(names, ["b", "k"]);
    assert!(matches!(
        blocking::Secret::create("k", "v"),
        Err(Error::AlreadyExists { .. })
    ));
    let err = blocking::Secret::create_with("reg", "{}", SecretType::ImagePull).unwrap_err();
    assert!(matches!(err, Error::ImagePullScoped { .. }));
    blocking::Secret::delete("b").unwrap();

    // An explicit blocking client, here reading values through the inject extension.
    let inject = server.inject_token().unwrap().expose().to_owned();
    let client = blocking::Client::new(
        flyte::remote::Client::builder()
            .endpoint(&server.url())
            .project("p")
            .domain("d")
            .api_key(inject)
            .unwrap()
            .timeout(Duration::from_secs(10))
            .build()
            .unwrap(),
    );
    assert_eq!(client.read_value("k").unwrap().expose_str(), Some("v2"));
    let mut it = client.listall(100);
    assert_eq!(it.next().unwrap().unwrap().name(), "k");
    assert!(it.next().is_none());
    assert_eq!(it.pages_fetched(), 1);

    // Several threads at once share the one runtime: each call is answered, none waits for
    // another thread to call again.
    std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|i| {
                let client = client.clone();
                scope.spawn(move || {
                    for _ in 0..20 {
                        assert_eq!(client.get("k").unwrap().name(), "k", "thread {i}");
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
    });

    // From inside a runtime (current-thread, the hardest case): no panic, same answers.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        assert_eq!(blocking::Secret::get("k").unwrap().name(), "k");
        assert_eq!(blocking::Secret::listall(10).count(), 1);
    });

    // One client, used blocking and then from another runtime that the facade's does not
    // drive: the connection kept by the blocking call must not be reused there (its task and
    // socket belong to the facade's runtime; the call would wait for the timeout).
    let shared = flyte::remote::Client::builder()
        .endpoint(&server.url())
        .project("p")
        .domain("d")
        .disable_keyring(true)
        .timeout(Duration::from_secs(5))
        .max_retries(0)
        .build()
        .unwrap();
    assert_eq!(
        blocking::Client::new(shared.clone())
            .get("k")
            .unwrap()
            .name(),
        "k"
    );
    let other = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let got = other.block_on(async { shared.get("k").await });
    assert_eq!(got.unwrap().name(), "k");
    drop(server);
}
