//! Every operation against the real local server, with both codecs; the image-pull rule;
//! pagination; SelectCluster routing between two real servers.

use crate::remote_support;

#[path = "remote_ops/inject_token.rs"]
mod inject_token;
#[path = "remote_ops/local_default.rs"]
mod local_default;

use std::collections::HashSet;
use std::time::{Duration, SystemTime};

use flyte::config::Codec;
use flyte::remote::{Error, SecretStatus, SecretType};
use futures::{StreamExt, TryStreamExt};

const CODECS: [Codec; 2] = [Codec::Proto, Codec::Json];

#[tokio::test]
async fn every_operation_with_both_codecs() {
    let local = remote_support::start().await;
    for codec in CODECS {
        let c = local.client(codec).build().unwrap();
        let reader = local
            .client(codec)
            .api_key(local.inject_token())
            .unwrap()
            .build()
            .unwrap();
        let text = format!("text-{codec:?}");
        let bytes = format!("bytes-{codec:?}");
        let before = SystemTime::now() - Duration::from_secs(5);

        c.create(&text, "s3cr3t-text-value").await.unwrap();
        c.create(&bytes, vec![0u8, 159, 146, 150, 255])
            .await
            .unwrap();

        let s = c.get(&text).await.unwrap();
        assert_eq!(s.name(), text);
        assert_eq!((s.project(), s.domain()), (Some("p"), Some("d")));
        assert_eq!(s.organization(), Some("127"), "org derived from 127.0.0.1");
        assert_eq!(s.secret_type(), SecretType::Regular);
        let created = s.created_time().unwrap();
        assert!(created.as_system_time() > before);
        let shown = created.to_string();
        assert!(
            shown.ends_with('Z') && shown.as_bytes()[10] == b'T',
            "RFC 3339: {shown}"
        );
        assert_ne!(s.status(), SecretStatus::Unrecognized(0));

        assert_eq!(
            reader.read_value(&text).await.unwrap().expose(),
            b"s3cr3t-text-value"
        );
        assert_eq!(
            reader.read_value(&bytes).await.unwrap().expose(),
            [0u8, 159, 146, 150, 255]
        );

        c.update(&text, String::from("r0tated-value"))
            .await
            .unwrap();
        assert_eq!(
            reader.read_value(&text).await.unwrap().expose_str(),
            Some("r0tated-value")
        );

        let names: HashSet<String> = c
            .listall(10)
            .map_ok(|s| s.name().to_owned())
            .try_collect()
            .await
            .unwrap();
        assert!(names.contains(&text) && names.contains(&bytes), "{names:?}");

        c.delete(&text).await.unwrap();
        c.delete(&bytes).await.unwrap();
        assert!(matches!(c.get(&text).await, Err(Error::NotFound { .. })));
        let left: Vec<_> = c.listall(10).try_collect().await.unwrap();
        assert!(left.is_empty(), "{left:?}");
    }
}

#[tokio::test]
async fn large_values_travel_gzipped_with_both_codecs() {
    let local = remote_support::start().await;
    for codec in CODECS {
        let c = local.client(codec).build().unwrap();
        let reader = local
            .client(codec)
            .api_key(local.inject_token())
            .unwrap()
            .build()
            .unwrap();
        let big = "x".repeat(200_000);
        let name = format!("big-{codec:?}");
        c.create(&name, big.as_str()).await.unwrap();
        assert_eq!(reader.read_value(&name).await.unwrap().len(), big.len());
    }
}

#[tokio::test]
async fn scopes_are_separate() {
    let local = remote_support::start().await;
    let p = local.client(Codec::Proto).build().unwrap();
    let other = local.client(Codec::Proto).project("other").build().unwrap();
    let org = remote_support::builder(&local.url()).build().unwrap();
    p.create("same-name", "a").await.unwrap();
    other.create("same-name", "b").await.unwrap();
    assert!(matches!(
        org.get("same-name").await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(other.listall(0).count().await, 1);
}

#[tokio::test]
async fn image_pull_secrets_must_be_org_scoped() {
    let local = remote_support::start().await;
    let scoped = local.client(Codec::Proto).build().unwrap();
    let err = scoped
        .create_with("registry-creds", r#"{"auths":{}}"#, SecretType::ImagePull)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ImagePullScoped { .. }), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Project `p` or domain `d` should not be set when creating the image pull secret."
    );
    let domain_only = remote_support::builder(&local.url())
        .domain("d")
        .build()
        .unwrap();
    let err = domain_only
        .create_with("registry-creds", "{}", SecretType::ImagePull)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Project `None` or domain `d` should not be set when creating the image pull secret."
    );

    // Nothing was sent: the org-scoped secret does not exist; an org-scoped client may create it.
    let org = remote_support::builder(&local.url()).build().unwrap();
    assert!(matches!(
        org.get("registry-creds").await,
        Err(Error::NotFound { .. })
    ));
    org.create_with("registry-creds", br#"{"auths":{}}"#, SecretType::ImagePull)
        .await
        .unwrap();
    let s = org.get("registry-creds").await.unwrap();
    assert_eq!(s.secret_type(), SecretType::ImagePull);
    assert_eq!((s.project(), s.domain()), (None, None));
    assert_eq!(s.secret_type().to_string(), "image_pull");
}

#[tokio::test]
async fn pagination_follows_tokens_across_pages() {
    let local = remote_support::start().await;
    for codec in CODECS {
        let c = local
            .client(codec)
            .project(format!("pages-{codec:?}"))
            .build()
            .unwrap();
        futures::stream::iter(0..45)
            .map(|i| {
                let c = c.clone();
                async move { c.create(&format!("s{i:02}"), "v").await }
            })
            .buffer_unordered(8)
            .try_collect::<Vec<_>>()
            .await
            .unwrap();
        let mut list = c.listall(20);
        let mut seen = Vec::new();
        while let Some(s) = list.next().await {
            assert!(list.buffered_count() < 20, "holds at most one page");
            seen.push(s.unwrap().name().to_owned());
        }
        assert!(
            (3..=4).contains(&list.pages_fetched()),
            "pages: {}",
            list.pages_fetched()
        );
        let unique: HashSet<_> = seen.iter().cloned().collect();
        assert_eq!((seen.len(), unique.len()), (45, 45));
    }
}

#[tokio::test]
async fn request_building_is_pure_and_matches_what_is_sent() {
    use flyte::remote::Operation;
    let c = remote_support::builder("http://127.0.0.1:9")
        .project("p")
        .domain("d")
        .build()
        .unwrap();
    let value = "v".into();
    let req = c
        .build_request(
            &Operation::Create {
                name: "n",
                value: &value,
                secret_type: SecretType::Regular,
            },
            None,
        )
        .unwrap();
    assert_eq!(
        req.uri(),
        "http://127.0.0.1:9/flyteidl2.secret.SecretService/CreateSecret"
    );
    let msg = <flyte_idl::CreateSecretRequest as flyte_idl::Message>::decode(req.body().as_slice())
        .unwrap();
    let id = msg.id.unwrap();
    assert_eq!(
        (
            id.name.as_str(),
            id.organization.as_str(),
            id.project.as_str(),
            id.domain.as_str()
        ),
        ("n", "127", "p", "d")
    );
    let err = c
        .build_request(
            &Operation::Create {
                name: "n",
                value: &value,
                secret_type: SecretType::ImagePull,
            },
            None,
        )
        .unwrap_err();
    assert!(matches!(err, Error::ImagePullScoped { .. }));
    let err = c
        .build_request(&Operation::Get { name: "" }, None)
        .unwrap_err();
    assert!(err.to_string().contains("empty"), "{err}");
}

/// Sends what `build_request` makes, straight to the client's own endpoint (no routing):
/// the HTTP status and body.
async fn direct(c: &flyte::remote::Client, op: flyte::remote::Operation<'_>) -> (u16, Vec<u8>) {
    let req = reqwest::Request::try_from(c.build_request(&op, None).unwrap()).unwrap();
    let resp = reqwest::Client::new().execute(req).await.unwrap();
    (resp.status().as_u16(), resp.bytes().await.unwrap().to_vec())
}

fn names_of(codec: Codec, page: &[u8]) -> Vec<String> {
    let page: flyte_idl::ListSecretsResponse = match codec {
        Codec::Json => serde_json::from_slice(page).unwrap(),
        _ => flyte_idl::Message::decode(page).unwrap(),
    };
    page.secrets
        .into_iter()
        .map(|s| s.id.unwrap().name)
        .collect()
}

/// What each SelectCluster request asked about: (operation, resource as `kind:parts`).
fn asked(selects: &remote_support::Selects) -> Vec<(i32, String)> {
    use flyte_idl::select_cluster_request::Resource;
    let mut out: Vec<(i32, String)> = selects
        .take()
        .into_iter()
        .map(|r| {
            let what = match r.resource {
                Some(Resource::ProjectId(p)) => {
                    format!("project:{}/{}/{}", p.organization, p.domain, p.name)
                }
                Some(Resource::DomainId(d)) => format!("domain:{}/{}", d.organization, d.name),
                Some(Resource::OrgId(o)) => format!("org:{}", o.name),
                other => format!("{other:?}"),
            };
            (r.operation, what)
        })
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn select_cluster_sends_secret_calls_to_the_data_plane() {
    use flyte::remote::Operation;
    let b = remote_support::start().await;
    let selects = remote_support::Selects::default();
    // The Python SDK's endpoint form; with `insecure` it means plaintext, as for the session.
    let a = selects
        .control_plane(&format!("dns:///{}", b.server.addr()))
        .await;
    for codec in CODECS {
        let project = a.client(codec).insecure(true).build().unwrap();
        let domain = project.with_scope(None, Some("d"));
        let org = project.with_scope(None, None);
        let again = domain.with_scope(Some("p"), Some("d"));
        let name = format!("routed-{codec:?}");
        for c in [&project, &domain, &org] {
            c.create(&name, "r0uted-value").await.unwrap();
            c.update(&name, "r0uted-value-2").await.unwrap();
            assert_eq!(c.get(&name).await.unwrap().name(), name);
            let listed: Vec<String> = c
                .listall(10)
                .map_ok(|s| s.name().to_owned())
                .try_collect()
                .await
                .unwrap();
            assert_eq!(
                listed,
                std::slice::from_ref(&name),
                "{:?}",
                (c.project(), c.domain())
            );
        }
        assert_eq!(again.get(&name).await.unwrap().project(), Some("p"));
        // Once per resource and client family, with the call's own scope.
        let secrets = 8;
        assert_eq!(
            asked(&selects),
            [
                (secrets, "domain:127/d".to_owned()),
                (secrets, "org:127".to_owned()),
                (secrets, "project:127/d/p".to_owned()),
            ]
        );
        let reader = a
            .client(codec)
            .insecure(true)
            .api_key(b.inject_token())
            .unwrap()
            .build()
            .unwrap();
        assert_eq!(
            reader.read_value(&name).await.unwrap().expose_str(),
            Some("r0uted-value-2"),
            "read from B, with B's inject token"
        );

        assert_eq!(
            asked(&selects),
            [(secrets, "project:127/d/p".to_owned())],
            "a separately built client has its own cache"
        );

        // The secrets are in B, each in its scope, and not in A.
        let on_b = b.client(codec).build().unwrap();
        for c in [
            on_b.clone(),
            on_b.with_scope(None, Some("d")),
            on_b.with_scope(None, None),
        ] {
            assert_eq!(c.get(&name).await.unwrap().name(), name);
        }
        let on_a = a.client(codec).insecure(true).build().unwrap();
        for c in [
            on_a.clone(),
            on_a.with_scope(None, Some("d")),
            on_a.with_scope(None, None),
        ] {
            let (status, _) = direct(&c, Operation::Get { name: &name }).await;
            assert_eq!(status, 404, "not in A");
            let (status, page) = direct(
                &c,
                Operation::List {
                    limit: 10,
                    token: "",
                },
            )
            .await;
            assert_eq!(status, 200);
            assert!(names_of(codec, &page).is_empty(), "A lists nothing");
        }
        assert!(selects.take().is_empty(), "direct requests skip routing");

        for c in [&project, &domain, &org] {
            c.delete(&name).await.unwrap();
            assert!(matches!(c.get(&name).await, Err(Error::NotFound { .. })));
        }
        assert!(matches!(on_b.get(&name).await, Err(Error::NotFound { .. })));
        assert!(selects.take().is_empty(), "answers are cached");
    }
}

#[tokio::test]
async fn an_unreachable_cluster_endpoint_is_named_in_the_error() {
    // A port nothing listens on.
    let gone = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let selects = remote_support::Selects::default();
    let a = selects.control_plane(&format!("http://{gone}")).await;
    let c = a.client(Codec::Proto).max_retries(0).build().unwrap();
    let err = c.get("db-password").await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(
        msg.contains(&format!("http://{gone}"))
            && msg.contains("SelectCluster")
            && msg.contains("`db-password`"),
        "{msg}"
    );
    assert!(
        !msg.contains(&a.url()),
        "names the cluster endpoint, not A: {msg}"
    );
    // The answer itself was fine, so it is cached: one SelectCluster for both calls.
    let err = c
        .create("db-password", "v4lue-never-shown")
        .await
        .unwrap_err();
    assert!(!format!("{err} {err:?}").contains("v4lue-never-shown"));
    assert_eq!(asked(&selects).len(), 1);
}

#[tokio::test]
async fn a_failing_select_cluster_fails_the_call_naming_it() {
    // A server with tokens refuses the tokenless SelectCluster: `unauthenticated`.
    let a = remote_support::start_with_tokens("t0ken-for-routing-test 127/*/* read,write").await;
    let c = a.client(Codec::Json).build().unwrap();
    let err = c.get("db-password").await.unwrap_err();
    let Error::SelectCluster {
        call,
        resource,
        source,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(resource, "project `p` in domain `d` of organization `127`");
    assert_eq!(call.secret.as_deref(), Some("db-password"));
    assert!(
        matches!(**source, Error::Unauthenticated { .. }),
        "{source:?}"
    );
    assert_eq!(err.code(), Some(flyte::remote::Code::Unauthenticated));
    let msg = err.to_string();
    assert!(
        msg.contains("SelectCluster") && msg.contains(&a.url()) && msg.contains("project `p`"),
        "{msg}"
    );
    // Not cached: with the token, the same client family's next call routes fine.
    let ok = a
        .client(Codec::Json)
        .api_key("t0ken-for-routing-test")
        .unwrap()
        .build()
        .unwrap();
    ok.create("db-password", "v").await.unwrap();
    assert!(ok.with_scope(None, None).listall(5).next().await.is_none());
}
