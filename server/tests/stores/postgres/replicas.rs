//! Several servers on one database serve the same secrets, at once and consistently.

use flyte_idl::connect::Code;
use flyte_test_backends::needs;

use super::{database, key, replica};
use crate::common::{PROJ, org_id, pid};

#[needs(postgres)]
#[tokio::test]
async fn a_write_on_one_replica_is_seen_on_the_other_at_once() {
    let url = database("pg_seen_at_once").await;
    let k = key(1);
    let (a, b) = (replica(&url, &k).await, replica(&url, &k).await);

    a.client
        .create_str(pid("db"), "value-one-a7")
        .await
        .unwrap();
    let got = b.client.get(pid("db")).await.unwrap();
    assert_eq!(got.id.unwrap().name, "db");
    assert_eq!(b.value(pid("db")).await.unwrap(), "value-one-a7");
    assert_eq!(b.client.list_all(PROJ, 10).await, ["db"]);

    b.client
        .update_str(pid("db"), "value-two-a7")
        .await
        .unwrap();
    assert_eq!(a.value(pid("db")).await.unwrap(), "value-two-a7");

    // Organization-wide, seen from the project through the inject fallback.
    b.client
        .create_str(org_id("shared"), "value-org-a7")
        .await
        .unwrap();
    assert_eq!(a.value(pid("shared")).await.unwrap(), "value-org-a7");

    a.client.delete(pid("db")).await.unwrap();
    assert_eq!(
        b.client.get(pid("db")).await.unwrap_err().code(),
        Code::NotFound
    );
    assert_eq!(
        b.client.delete(pid("db")).await.unwrap_err().code(),
        Code::NotFound
    );
    assert_eq!(
        b.client
            .update_str(pid("db"), "x")
            .await
            .unwrap_err()
            .code(),
        Code::NotFound
    );
}

#[needs(postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_of_one_name_across_replicas_exactly_one_wins() {
    let url = database("pg_create_race").await;
    let k = key(1);
    let replicas = [
        replica(&url, &k).await,
        replica(&url, &k).await,
        replica(&url, &k).await,
    ];
    for round in 0..5 {
        let name = format!("race-{round}");
        let mut calls = Vec::new();
        for i in 0..24 {
            let client = replicas[i % replicas.len()].client.clone();
            let name = name.clone();
            calls.push(tokio::spawn(async move {
                let value = format!("racer-{i}");
                (client.create_str(pid(&name), &value).await, value)
            }));
        }
        let mut winners = Vec::new();
        for call in calls {
            match call.await.unwrap() {
                (Ok(()), value) => winners.push(value),
                (Err(f), _) => assert_eq!(f.code(), Code::AlreadyExists, "{:?}", f.body),
            }
        }
        assert_eq!(
            winners.len(),
            1,
            "exactly one create of {name} wins: {winners:?}"
        );
        for r in &replicas {
            assert_eq!(r.value(pid(&name)).await.unwrap(), winners[0]);
        }
    }
}

#[needs(postgres)]
#[tokio::test]
async fn pagination_is_byte_ordered_and_stable_across_replicas() {
    // The database collates en-US (ICU), where `a` < `B`; names must list in byte order.
    let url = database("pg_pagination").await;
    let k = key(1);
    let (a, b) = (replica(&url, &k).await, replica(&url, &k).await);
    let mut names: Vec<String> = Vec::new();
    for (i, stem) in [
        "a", "B", "b", "A", "_x", "-y", "z9", "Z0", "a-b", "a_b", "ab", "0",
    ]
    .iter()
    .enumerate()
    {
        for n in 0..3 {
            let name = format!("{stem}{n}");
            let r = if (i + n) % 2 == 0 { &a } else { &b };
            r.client.create_str(pid(&name), "v").await.unwrap();
            names.push(name);
        }
    }
    names.sort(); // byte order
    assert_eq!(a.client.list_all(PROJ, 1000).await, names);
    assert_eq!(b.client.list_all(PROJ, 1000).await, names);

    // Pages alternate between the replicas; a write before the cursor changes nothing after it.
    let mut listed = Vec::new();
    let mut token = String::new();
    let mut page_no = 0;
    loop {
        let r = if page_no % 2 == 0 { &a } else { &b };
        let page = r.client.list_page(PROJ, 5, &token).await.unwrap();
        if page_no == 2 {
            // Sorts before everything listed so far: not in the rest of the listing.
            b.client.create_str(pid("-"), "v").await.unwrap();
        }
        listed.extend(page.secrets.into_iter().map(|s| s.id.unwrap().name));
        page_no += 1;
        if page.token.is_empty() {
            break;
        }
        token = page.token;
    }
    assert_eq!(listed, names);
    assert!(page_no > 2);
}

#[needs(postgres)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_starting_at_once_migrate_once() {
    let url = database("pg_migrate_at_once").await;
    let k = key(1);
    let started = futures::future::join_all((0..6).map(|_| replica(&url, &k))).await;
    started[0]
        .client
        .create_str(pid("after"), "v")
        .await
        .unwrap();
    for r in &started {
        assert_eq!(r.client.list_all(PROJ, 10).await, ["after"]);
    }
    let admin = super::cluster().admin("pg_migrate_at_once").await;
    let version: i32 = admin
        .query_one("SELECT version FROM flyte_schema", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(version, 1);
    let checks: i64 = admin
        .query_one(
            "SELECT count(*) FROM flyte_meta WHERE key = 'key_check'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(checks, 1);
}

#[needs(postgres)]
#[tokio::test]
async fn a_schema_newer_than_the_server_is_refused() {
    let url = database("pg_newer_schema").await;
    drop(replica(&url, &key(1)).await);
    let admin = super::cluster().admin("pg_newer_schema").await;
    admin
        .execute("UPDATE flyte_schema SET version = 99", &[])
        .await
        .unwrap();
    let dir = crate::common::private_tempdir();
    let err = super::builder(&url, &key(1), dir.path())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    let text = super::chain(&err);
    assert!(text.contains("schema version 99 is newer"), "{text}");
    assert!(text.contains("127.0.0.1:"), "{text}");
    assert_eq!(super::leaks(&text, &[]), None, "{text}");
}

#[needs(postgres)]
#[tokio::test]
async fn a_wrong_password_or_no_database_server_stops_the_start_without_the_password() {
    let url = database("pg_refused").await;
    let wrong = "wrong-pw-9c2f";
    let cases = [
        (
            url.replace(super::cluster::PASSWORD, wrong),
            "password authentication failed",
        ),
        // Nothing listens there (the port of a socket just closed).
        (
            format!(
                "postgres://flyte:{wrong}@127.0.0.1:{}/pg_refused",
                std::net::TcpListener::bind("127.0.0.1:0")
                    .unwrap()
                    .local_addr()
                    .unwrap()
                    .port()
            ),
            "cannot reach the Postgres database 127.0.0.1:",
        ),
    ];
    for (url, expected) in cases {
        let dir = crate::common::private_tempdir();
        let err = super::builder(&url, &key(1), dir.path())
            .build()
            .unwrap()
            .start()
            .await
            .unwrap_err();
        let text = super::chain(&err);
        assert!(text.contains(expected), "{text}");
        assert!(text.contains("/pg_refused"), "{text}");
        assert_eq!(super::leaks(&text, &[wrong]), None, "{text}");
        assert_eq!(super::leaks(&format!("{err:?}"), &[wrong]), None);
    }
}
