//! The SQLite store (the default): the conformance suite, nothing to set up but a data dir.

use crate::stores::conformance::conformance_suite;
use crate::stores::harness::StoreUnderTest;

pub(crate) async fn setup() -> StoreUnderTest {
    StoreUnderTest::new("sqlite", false, |builder| builder, ())
}

conformance_suite!(setup);

mod rotation {
    use base64::Engine as _;
    use flyte_idl::secret_spec::Value;
    use flyte_server::{KeyError, Server, StartError};

    use crate::common::*;
    use crate::stores::harness::injector;

    fn keys(bytes: &[u8]) -> String {
        let b64 = |b: &u8| base64::engine::general_purpose::STANDARD.encode([*b; 32]);
        bytes.iter().map(b64).collect::<Vec<_>>().join(",")
    }

    fn with_keys(dir: &std::path::Path, ring: &[u8]) -> flyte_server::ServerBuilder {
        let ring = keys(ring);
        Server::builder()
            .data_dir(dir)
            .listen("127.0.0.1:0".parse().unwrap())
            .env(move |k| (k == flyte_server::KEY_ENV).then(|| ring.clone()))
    }

    async fn read(dir: &std::path::Path, ring: &[u8], name: &str) -> Result<Value, String> {
        let server = with_keys(dir, ring)
            .build()
            .unwrap()
            .start()
            .await
            .map_err(|e| e.to_string())?;
        let got = injector(&server).read_value(pid(name)).await;
        server.shutdown().await.unwrap();
        got.map(|r| r.secret_spec.unwrap().value.unwrap())
            .map_err(|f| format!("{:?}: {}", f.code(), f.body.message))
    }

    /// Key 1 made the database; [2, 1] reads it and seals new values under 2; a reseal moves
    /// the rest to 2, after which 2 alone reads everything and 1 alone is refused.
    #[tokio::test]
    async fn a_new_key_first_then_reseal_then_the_old_key_can_go() {
        let dir = private_tempdir();
        let server = with_keys(dir.path(), &[1])
            .build()
            .unwrap()
            .start()
            .await
            .unwrap();
        let c = injector(&server);
        for name in ["a", "b", "c"] {
            c.create_str(pid(name), &format!("old-{name}"))
                .await
                .unwrap();
        }
        server.shutdown().await.unwrap();

        let server = with_keys(dir.path(), &[2, 1])
            .build()
            .unwrap()
            .start()
            .await
            .unwrap();
        let c = injector(&server);
        c.create_str(pid("d"), "new-d").await.unwrap();
        server.shutdown().await.unwrap();
        assert_eq!(
            read(dir.path(), &[2, 1], "a").await,
            Ok(Value::StringValue("old-a".into()))
        );

        let done = with_keys(dir.path(), &[2, 1])
            .build()
            .unwrap()
            .reseal()
            .await
            .unwrap();
        assert_eq!((done.rewritten, done.unchanged), (3, 1));
        let again = with_keys(dir.path(), &[2, 1])
            .build()
            .unwrap()
            .reseal()
            .await
            .unwrap();
        assert_eq!(
            (again.rewritten, again.unchanged),
            (0, 4),
            "a reseal is idempotent"
        );

        for name in ["a", "b", "c"] {
            assert_eq!(
                read(dir.path(), &[2], name).await,
                Ok(Value::StringValue(format!("old-{name}")))
            );
        }
        assert_eq!(
            read(dir.path(), &[2], "d").await,
            Ok(Value::StringValue("new-d".into()))
        );
        let err = with_keys(dir.path(), &[1])
            .build()
            .unwrap()
            .start()
            .await
            .unwrap_err();
        assert!(
            matches!(err, StartError::Key(KeyError::Mismatch { .. })),
            "{err}"
        );
        let text = err.to_string();
        assert!(
            text.contains("FLYTE_SERVER_KEY") && text.contains("secrets.db"),
            "{text}"
        );
        assert!(
            !text.contains(&keys(&[1])) && !text.contains(&keys(&[2])),
            "{text}"
        );
    }

    /// A reseal that meets a value no key of the ring opens stops, names it, and changes
    /// nothing.
    #[tokio::test]
    async fn a_reseal_that_cannot_open_a_value_changes_nothing() {
        let dir = private_tempdir();
        let server = with_keys(dir.path(), &[1])
            .build()
            .unwrap()
            .start()
            .await
            .unwrap();
        injector(&server)
            .create_str(pid("x"), "under-1")
            .await
            .unwrap();
        server.shutdown().await.unwrap();
        let server = with_keys(dir.path(), &[2, 1])
            .build()
            .unwrap()
            .start()
            .await
            .unwrap();
        injector(&server)
            .create_str(pid("y"), "under-2")
            .await
            .unwrap();
        server.shutdown().await.unwrap();

        // Key 1 alone opens the key check and `x`, not `y`.
        let err = with_keys(dir.path(), &[1])
            .build()
            .unwrap()
            .reseal()
            .await
            .unwrap_err();
        let text = format!("{err}: {}", std::error::Error::source(&err).unwrap());
        assert!(
            text.contains("secret `y`") && text.contains("nothing was changed"),
            "{text}"
        );
        assert!(!text.contains("under-"), "{text}");
        // Nothing moved: [2, 1] reads both, 2 alone still cannot read `x`.
        assert_eq!(
            read(dir.path(), &[2, 1], "x").await,
            Ok(Value::StringValue("under-1".into()))
        );
        assert_eq!(
            read(dir.path(), &[2, 1], "y").await,
            Ok(Value::StringValue("under-2".into()))
        );
        let x = read(dir.path(), &[2], "x").await;
        assert!(x.is_err(), "{x:?}");
    }
}
