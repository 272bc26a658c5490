//! One key on every replica: a replica with another key refuses to start, and a rotation
//! (new key first, old after it, `Server::reseal`, then the new key alone) loses nothing.

use flyte_idl::connect::Code;
use flyte_test_backends::needs;

use super::{builder, chain, database, key, leaks, refused_for_its_key, replica, reseal};
use crate::common::{self, PROJ, org_id, pid};

#[needs(postgres)]
#[tokio::test]
async fn a_replica_with_another_key_refuses_to_start() {
    let url = database("pg_other_key").await;
    let first = replica(&url, &key(1)).await;
    first
        .client
        .create_str(pid("db"), "kept-value-c3")
        .await
        .unwrap();

    // From a key file: the message names the file, never the key.
    let dir = common::private_tempdir();
    let key_file = dir.path().join("other.key");
    common::write_private(&key_file, &key(2));
    let err = common::builder(dir.path())
        .store(url.parse().unwrap())
        .key_file(&key_file)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    let text = chain(&err);
    assert!(matches!(err, flyte_server::StartError::Key(_)), "{text}");
    assert!(text.contains(&key_file.display().to_string()), "{text}");
    assert!(text.contains("Postgres database 127.0.0.1:"), "{text}");
    assert_eq!(leaks(&text, &[&key(2), &key(1)]), None, "{text}");

    // From the variable: named too.
    let dir = common::private_tempdir();
    let err = builder(&url, &key(3), dir.path())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    let text = chain(&err);
    assert!(text.contains(flyte_server::KEY_ENV), "{text}");
    assert_eq!(leaks(&text, &[&key(3), &key(1)]), None, "{text}");

    // No key given at all: refused before connecting (no replica may make one up).
    let dir = common::private_tempdir();
    let err = common::builder(dir.path())
        .store(url.parse().unwrap())
        .build()
        .unwrap_err();
    assert!(
        chain(&err).contains("postgres store needs its key given"),
        "{err}"
    );
    assert!(!dir.path().join(flyte_server::KEY_FILE).exists());

    // The first replica is unharmed.
    assert_eq!(first.value(pid("db")).await.unwrap(), "kept-value-c3");
}

#[needs(postgres)]
#[tokio::test]
async fn key_rotation_with_reseal_keeps_every_value() {
    let url = database("pg_rotation").await;
    let (old, new) = (key(10), key(11));
    let values: Vec<(String, String)> = (0..6)
        .map(|i| (format!("s{i}"), format!("rotated-value-{i}-e5")))
        .collect();
    {
        let r = replica(&url, &old).await;
        for (name, value) in &values {
            r.client.create_str(pid(name), value).await.unwrap();
        }
        r.client
            .create_str(org_id("o"), "rotated-org-e5")
            .await
            .unwrap();
    }
    // Stored sealed: no value is in the database as plaintext.
    let admin = super::cluster().admin("pg_rotation").await;
    let sealed: Vec<Vec<u8>> = admin
        .query("SELECT sealed FROM flyte_secrets", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(sealed.len(), 7);
    for s in &sealed {
        assert!(
            !s.windows(10).any(|w| w == b"rotated-va"),
            "a value is stored in the clear"
        );
    }

    // New key first, old after it: everything reads, new writes use the new key.
    let both = format!("{new},{old}");
    let r = replica(&url, &both).await;
    for (name, value) in &values {
        assert_eq!(&r.value(pid(name)).await.unwrap(), value);
    }
    r.client
        .create_str(pid("fresh"), "fresh-value-e5")
        .await
        .unwrap();
    // The new key alone does not open the older values yet: refused.
    refused_for_its_key(&url, &new).await;

    // The reseal, while the replica with both keys keeps serving.
    let done = reseal(&url, &both).await;
    assert_eq!((done.rewritten, done.unchanged), (7, 1));
    let again = reseal(&url, &both).await;
    assert_eq!((again.rewritten, again.unchanged), (0, 8));

    // Now the new key alone reads everything, on the running replica and a new one.
    let only_new = replica(&url, &new).await;
    for c in [&only_new, &r] {
        for (name, value) in &values {
            assert_eq!(&c.value(pid(name)).await.unwrap(), value);
        }
        assert_eq!(c.value(pid("fresh")).await.unwrap(), "fresh-value-e5");
        assert_eq!(c.value(pid("o")).await.unwrap(), "rotated-org-e5");
    }
    assert_eq!(only_new.client.list_all(PROJ, 3).await.len(), 7);
    // And the old key alone is refused.
    refused_for_its_key(&url, &old).await;
    drop(r);
    assert_eq!(
        only_new.client.get(pid("absent")).await.unwrap_err().code(),
        Code::NotFound
    );
}

#[needs(postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reseal_never_overwrites_a_concurrent_update() {
    let url = database("pg_reseal_race").await;
    let (old, new) = (key(20), key(21));
    {
        let r = replica(&url, &old).await;
        for i in 0..40 {
            r.client
                .create_str(pid(&format!("u{i}")), "first")
                .await
                .unwrap();
        }
    }
    let both = format!("{new},{old}");
    let live = replica(&url, &both).await;
    // Updates through a live replica while the reseal runs: the last one acknowledged for
    // each secret is what must remain.
    let client = live.client.clone();
    let updates = tokio::spawn(async move {
        let mut last = vec![String::from("first"); 40];
        for round in 0..3 {
            for (i, slot) in last.iter_mut().enumerate() {
                let value = format!("upd-{round}-{i}");
                client
                    .update_str(pid(&format!("u{i}")), &value)
                    .await
                    .unwrap();
                *slot = value;
            }
        }
        last
    });
    let done = reseal(&url, &both).await;
    assert_eq!(done.rewritten + done.unchanged, 40);
    let last = updates.await.unwrap();
    // Values written by the live replica were under the new key already; any left under the
    // old one were rewritten. The new key alone reads the last update of each.
    let done = reseal(&url, &both).await;
    assert_eq!(done.rewritten, 0);
    let only_new = replica(&url, &new).await;
    for (i, value) in last.iter().enumerate() {
        assert_eq!(&only_new.value(pid(&format!("u{i}"))).await.unwrap(), value);
    }
}

/// The compare-and-swap itself, made to matter: the reseal has read a value under the old
/// key and waits on the row (our transaction locks it) while another write replaces it; the
/// reseal must then keep that write, not store its re-encryption of the older value.
#[needs(postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reseal_keeps_a_write_made_between_its_read_and_its_swap() {
    let db = "pg_reseal_cas";
    let url = database(db).await;
    let (old, new) = (key(30), key(31));
    let both = format!("{new},{old}");
    let admin = super::cluster().admin(db).await;
    // `cas` sealed under the old key (S1), then its update under the new key (S2).
    let s1 = {
        let r = replica(&url, &old).await;
        r.client
            .create_str(pid("cas"), "cas-value-one")
            .await
            .unwrap();
        sealed_of(&admin, "cas").await
    };
    let s2 = {
        let r = replica(&url, &both).await;
        r.client
            .update_str(pid("cas"), "cas-value-two")
            .await
            .unwrap();
        sealed_of(&admin, "cas").await
    };
    // Back to S1, and the row locked by a transaction of ours.
    admin
        .execute(
            "UPDATE flyte_secrets SET sealed = $1 WHERE name = 'cas'",
            &[&s1],
        )
        .await
        .unwrap();
    let mut locker = super::cluster().admin(db).await;
    let tx = locker.transaction().await.unwrap();
    tx.execute(
        "SELECT 1 FROM flyte_secrets WHERE name = 'cas' FOR UPDATE",
        &[],
    )
    .await
    .unwrap();

    let dir = common::private_tempdir();
    let server = builder(&url, &both, dir.path()).build().unwrap();
    let reseal = tokio::spawn(server.reseal());
    // Until the reseal has read S1 and waits for the row lock to swap it.
    loop {
        let waiting: i64 = admin
            .query_one(
                "SELECT count(*) FROM pg_stat_activity
                 WHERE datname = $1 AND wait_event_type = 'Lock' AND query LIKE 'UPDATE flyte_secrets%'",
                &[&db],
            )
            .await
            .unwrap()
            .get(0);
        assert!(!reseal.is_finished(), "the reseal did not wait for the row");
        if waiting > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    // The concurrent write: S2, committed while the reseal waits.
    tx.execute(
        "UPDATE flyte_secrets SET sealed = $1 WHERE name = 'cas'",
        &[&s2],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let done = reseal.await.unwrap().unwrap();
    assert_eq!(
        (done.rewritten, done.unchanged),
        (0, 1),
        "S2 is under the new key already"
    );
    assert_eq!(
        sealed_of(&admin, "cas").await,
        s2,
        "the concurrent write was overwritten"
    );
    let only_new = replica(&url, &new).await;
    assert_eq!(only_new.value(pid("cas")).await.unwrap(), "cas-value-two");
}

/// The sealed bytes of the secret `name` as the database holds them.
async fn sealed_of(admin: &tokio_postgres::Client, name: &str) -> Vec<u8> {
    admin
        .query_one("SELECT sealed FROM flyte_secrets WHERE name = $1", &[&name])
        .await
        .unwrap()
        .get(0)
}
