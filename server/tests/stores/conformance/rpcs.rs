//! Every SecretService RPC and the inject extension on every store: round trips, error codes,
//! concurrency, values of every kind and size, restarts and replicas.

use flyte_idl::connect::Code;
use flyte_idl::*;

use crate::common::*;
use crate::stores::harness::{StoreUnderTest, injector};

fn assert_fails(r: Result<impl std::fmt::Debug, Failure>, code: Code, status: u16, needle: &str) {
    let f = r.expect_err("expected a failure");
    assert_eq!(f.code(), code, "{f:?}");
    assert_eq!(f.status, status);
    assert!(
        f.body.message.contains(needle),
        "message {:?} lacks {needle:?}",
        f.body.message
    );
}

fn value_of(read: ReadSecretValueResponse) -> secret_spec::Value {
    read.secret_spec.unwrap().value.unwrap()
}

/// Create, get, read, update, list and delete, checking what each leaves behind.
pub(crate) async fn every_rpc_round_trips(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = injector(&server);
    c.create_str(pid("api"), "first-value").await.unwrap();
    let got = c.get(pid("api")).await.unwrap();
    assert_eq!(got.id.as_ref().unwrap(), &pid("api"));
    let md = got.secret_metadata.unwrap();
    assert_eq!(md.r#type(), SecretType::Generic);
    let created = md.created_time.expect("created_time");
    assert!(created.seconds > 1_700_000_000, "{created:?}");
    assert_eq!(
        md.secret_status.unwrap().overall_status(),
        OverallStatus::FullyPresent
    );
    let read = c.read_value(pid("api")).await.unwrap();
    assert_eq!(read.id.as_ref(), Some(&pid("api")));
    assert_eq!(
        value_of(read),
        secret_spec::Value::StringValue("first-value".into())
    );

    // Update replaces value and type, keeps the creation time.
    let req = UpdateSecretRequest {
        id: Some(pid("api")),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::BinaryValue(b"second".to_vec())),
            r#type: SecretType::Generic.into(),
        }),
    };
    c.call::<_, UpdateSecretResponse>(paths::UPDATE_SECRET, &req)
        .await
        .unwrap();
    assert_eq!(
        value_of(c.read_value(pid("api")).await.unwrap()),
        secret_spec::Value::BinaryValue(b"second".to_vec())
    );
    let md = c.get(pid("api")).await.unwrap().secret_metadata.unwrap();
    assert_eq!(
        md.created_time,
        Some(created),
        "an update keeps created_time"
    );
    assert_eq!(c.list_all(PROJ, 0).await, ["api"]);

    c.delete(pid("api")).await.unwrap();
    assert_fails(c.get(pid("api")).await, Code::NotFound, 404, "api");
    assert_fails(c.read_value(pid("api")).await, Code::NotFound, 404, "api");
    assert!(c.list_all(PROJ, 0).await.is_empty());
    // The name is free again.
    c.create_str(pid("api"), "third").await.unwrap();
    assert_eq!(
        value_of(c.read_value(pid("api")).await.unwrap()),
        secret_spec::Value::StringValue("third".into())
    );
    server.shutdown().await.unwrap();
}

/// Binary values of every byte (not UTF-8), and strings beyond ASCII, come back as given.
pub(crate) async fn binary_and_unicode_values_round_trip(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = injector(&server);
    let bytes: Vec<u8> = (0..=255u8).chain([0xff, 0xfe, 0x00, 0x80]).collect();
    let cases = [
        ("bin", secret_spec::Value::BinaryValue(bytes)),
        ("empty-bin", secret_spec::Value::BinaryValue(Vec::new())),
        (
            "text",
            secret_spec::Value::StringValue("pässwörd ✓ 秘密 \u{0} \"quoted\" {}".into()),
        ),
    ];
    for (name, value) in &cases {
        c.create(pid(name), value.clone(), SecretType::Generic)
            .await
            .unwrap();
    }
    for (name, value) in &cases {
        assert_eq!(
            &value_of(c.read_value(pid(name)).await.unwrap()),
            value,
            "{name}"
        );
    }
    server.shutdown().await.unwrap();
}

/// A value just under the request limit is kept whole; one over it is refused and nothing
/// is stored.
pub(crate) async fn values_up_to_the_size_limit_are_kept_whole(store: &StoreUnderTest) {
    let server = store
        .builder()
        .max_body_bytes(256 * 1024)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = injector(&server);
    let big: Vec<u8> = (0..250 * 1024).map(|i| (i * 7 % 251) as u8).collect();
    c.create(
        pid("big"),
        secret_spec::Value::BinaryValue(big.clone()),
        SecretType::Generic,
    )
    .await
    .unwrap();
    assert_eq!(
        value_of(c.read_value(pid("big")).await.unwrap()),
        secret_spec::Value::BinaryValue(big)
    );
    let too_big = vec![1u8; 257 * 1024];
    assert_fails(
        c.create(
            pid("too-big"),
            secret_spec::Value::BinaryValue(too_big),
            SecretType::Generic,
        )
        .await,
        Code::ResourceExhausted,
        429,
        "limit",
    );
    assert_fails(c.get(pid("too-big")).await, Code::NotFound, 404, "too-big");
    server.shutdown().await.unwrap();
}

/// A read falls back as a cluster's injector looks a secret up: the project+domain scope,
/// then the domain, then organization-wide; the narrowest that has it wins.
pub(crate) async fn injection_falls_back_to_the_organization(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = injector(&server);
    let domain_id = |name: &str| id(name, "", "dev");
    c.create_str(org_id("shared"), "org-wide").await.unwrap();
    let read = c.read_value(pid("shared")).await.unwrap();
    assert_eq!(read.id.as_ref(), Some(&org_id("shared")));
    assert_eq!(
        value_of(read),
        secret_spec::Value::StringValue("org-wide".into())
    );
    // The domain's comes before the organization's, for a project in it and for the domain.
    c.create_str(domain_id("shared"), "domain").await.unwrap();
    for asked in [pid("shared"), domain_id("shared")] {
        let read = c.read_value(asked.clone()).await.unwrap();
        assert_eq!(read.id.as_ref(), Some(&domain_id("shared")), "{asked:?}");
        assert_eq!(
            value_of(read),
            secret_spec::Value::StringValue("domain".into())
        );
    }
    // Another domain's is not in the way.
    let read = c.read_value(id("shared", "", "prod")).await.unwrap();
    assert_eq!(read.id.as_ref(), Some(&org_id("shared")));
    c.create_str(pid("shared"), "project").await.unwrap();
    let read = c.read_value(pid("shared")).await.unwrap();
    assert_eq!(read.id.as_ref(), Some(&pid("shared")));
    assert_fails(
        c.read_value(pid("nowhere")).await,
        Code::NotFound,
        404,
        "nowhere",
    );
    server.shutdown().await.unwrap();
}

/// What one server wrote, the next one on the same store reads.
pub(crate) async fn secrets_outlive_the_server(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = injector(&server);
    c.create_str(pid("kept"), "kept-value").await.unwrap();
    c.create_str(pid("gone"), "v").await.unwrap();
    c.delete(pid("gone")).await.unwrap();
    server.shutdown().await.unwrap();

    let server = store.start().await;
    let c = injector(&server);
    assert_eq!(
        value_of(c.read_value(pid("kept")).await.unwrap()),
        secret_spec::Value::StringValue("kept-value".into())
    );
    assert_eq!(c.list_all(PROJ, 0).await, ["kept"]);
    server.shutdown().await.unwrap();
}

/// For stores several servers share: a write on one is seen by the other at once (no cache
/// in between), and a contested create has one winner across both.
pub(crate) async fn replicas_see_each_others_writes_at_once(store: &StoreUnderTest) {
    if !store.shared {
        return;
    }
    let (a, b) = (store.start().await, store.start().await);
    let (ca, cb) = (injector(&a), injector(&b));
    for i in 0..20 {
        let name = format!("r{i:02}");
        let (writer, reader) = if i % 2 == 0 { (&ca, &cb) } else { (&cb, &ca) };
        writer
            .create_str(pid(&name), &format!("v{i}"))
            .await
            .unwrap();
        assert_eq!(
            value_of(reader.read_value(pid(&name)).await.unwrap()),
            secret_spec::Value::StringValue(format!("v{i}"))
        );
        reader.get(pid(&name)).await.unwrap();
    }
    ca.update_str(pid("r00"), "changed").await.unwrap();
    assert_eq!(
        value_of(cb.read_value(pid("r00")).await.unwrap()),
        secret_spec::Value::StringValue("changed".into())
    );
    cb.delete(pid("r01")).await.unwrap();
    assert_fails(ca.get(pid("r01")).await, Code::NotFound, 404, "r01");
    assert_eq!(ca.list_all(PROJ, 3).await, cb.list_all(PROJ, 3).await);
    // Tokens from one replica page on the other.
    let p1 = ca.list_page(PROJ, 5, "").await.unwrap();
    let p2 = cb.list_page(PROJ, 5, &p1.token).await.unwrap();
    let first_of_p2 = &p2.secrets[0].id.as_ref().unwrap().name;
    assert_eq!(first_of_p2, "r06");

    let attempts: Vec<_> = (0..16)
        .map(|i| {
            let c = if i % 2 == 0 { ca.clone() } else { cb.clone() };
            tokio::spawn(async move { c.create_str(pid("contested"), &format!("w{i}")).await })
        })
        .collect();
    let mut wins = 0;
    for t in attempts {
        match t.await.unwrap() {
            Ok(()) => wins += 1,
            Err(f) => assert_eq!(f.code(), Code::AlreadyExists, "{f:?}"),
        }
    }
    assert_eq!(wins, 1);
    a.shutdown().await.unwrap();
    b.shutdown().await.unwrap();
}

pub(crate) async fn not_found_and_already_exists(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    assert_fails(
        c.get(pid("ghost")).await,
        Code::NotFound,
        404,
        "secret `ghost`",
    );
    assert_fails(
        c.update_str(pid("ghost"), "v").await,
        Code::NotFound,
        404,
        "not found",
    );
    assert_fails(
        c.delete(pid("ghost")).await,
        Code::NotFound,
        404,
        "not found",
    );
    c.create_str(pid("dup"), "first").await.unwrap();
    assert_fails(
        c.create_str(pid("dup"), "second").await,
        Code::AlreadyExists,
        409,
        "already exists",
    );
    // The failed create changed nothing; a delete then works once.
    c.delete(pid("dup")).await.unwrap();
    assert_fails(c.delete(pid("dup")).await, Code::NotFound, 404, "dup");
    server.shutdown().await.unwrap();
}

/// Creates of one name arriving together (with SQLite's group commit, likely in one
/// transaction) still give exactly one success; the others are `already_exists`, and the
/// stored value is the winner's.
pub(crate) async fn concurrent_creates_of_one_name_exactly_one_wins(store: &StoreUnderTest) {
    let server = store.start().await;
    let addr = server.addr();
    let attempts: Vec<_> = (0..32)
        .map(|i| {
            tokio::spawn(async move {
                let c = Client::new(addr);
                (
                    i,
                    c.create_str(pid("contested"), &format!("value-{i}")).await,
                )
            })
        })
        .collect();
    let mut winners = Vec::new();
    for a in attempts {
        let (i, r) = a.await.unwrap();
        match r {
            Ok(()) => winners.push(i),
            Err(f) => assert_eq!(f.code(), Code::AlreadyExists, "{f:?}"),
        }
    }
    assert_eq!(winners.len(), 1, "winners: {winners:?}");
    let c = Client::new(addr);
    let token = server.inject_token().unwrap().expose().to_owned();
    let read = c.token(&token).read_value(pid("contested")).await.unwrap();
    assert_eq!(
        read.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue(format!(
            "value-{}",
            winners[0]
        )))
    );
    server.shutdown().await.unwrap();
}
