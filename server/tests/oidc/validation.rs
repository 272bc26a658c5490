//! Bearer JWTs: the provider's real tokens pass; every kind of bad token is `unauthenticated`
//! with a message saying why and never the token; key rotation; the provider going down.

use flyte_idl::connect::Code;
use flyte_server::StartError;
use flyte_test_backends::needs;
use serde_json::json;

use super::common::*;
use super::oidc_harness::{Idp, IdpOptions};
use super::{oidc_builder, private_dir};

fn sid(name: &str) -> flyte_idl::SecretIdentifier {
    flyte_idl::SecretIdentifier {
        name: name.into(),
        organization: ORG.into(),
        ..Default::default()
    }
}

/// Flips one character of the signature: same header and claims, bad signature.
fn tamper(jwt: &str) -> String {
    let mut s = jwt.to_owned();
    let i = s.len() - 5;
    let c = if &s[i..i + 1] == "A" { "B" } else { "A" };
    s.replace_range(i..i + 1, c);
    s
}

fn unsigned(claims: &serde_json::Value) -> String {
    use base64::Engine as _;
    let b = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    format!(
        "{}.{}.",
        b(&json!({"alg": "none", "typ": "JWT"})),
        b(claims)
    )
}

/// An HMAC token: the classic trick of signing with the public key as a shared secret.
fn hs256(claims: &serde_json::Value) -> String {
    use base64::Engine as _;
    let b = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let header = serde_json::to_vec(&json!({"alg": "HS256", "typ": "JWT"})).unwrap();
    format!(
        "{}.{}.{}",
        b(&header),
        b(&serde_json::to_vec(claims).unwrap()),
        b(b"not-really-a-mac")
    )
}

#[needs(idp)]
#[tokio::test]
async fn real_tokens_pass_and_bad_ones_say_why() {
    let idp = Idp::start(IdpOptions::default());
    let dir = private_dir();
    let server = oidc_builder(dir.path(), &idp)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(
        server.ready_line().contains(&idp.issuer) && server.ready_line().contains("no policy"),
        "{}",
        server.ready_line()
    );
    let good = idp.client_credentials_token().await;
    let client = Client::new(server.addr()).token(&good);
    client.create_str(sid("k"), "v").await.unwrap();
    assert_eq!(client.get(sid("k")).await.unwrap().id.unwrap().name, "k");

    let now = idp.claims("x")["iat"].as_u64().unwrap();
    let with = |patch: serde_json::Value| {
        let mut c = idp.claims("mallory");
        for (k, v) in patch.as_object().unwrap() {
            if v.is_null() {
                c.as_object_mut().unwrap().remove(k);
            } else {
                c[k] = v.clone();
            }
        }
        c
    };
    let mut cases: Vec<(String, &str)> = Vec::new();
    for (patch, want) in [
        (json!({"iss": "https://evil.example"}), "not issued by"),
        (json!({"aud": "https://other.example"}), "not for audience"),
        (json!({"exp": now - 3600}), "expired"),
        (json!({"nbf": now + 3600}), "not valid yet"),
        (json!({"exp": null}), "no `exp` claim"),
    ] {
        cases.push((idp.sign(with(patch), json!({}), false).await, want));
    }
    cases.push((
        idp.sign(idp.claims("mallory"), json!({}), true).await,
        "unknown key id",
    ));
    cases.push((tamper(&good), "signature does not verify"));
    cases.push((unsigned(&idp.claims("mallory")), "alg: none"));
    cases.push((hs256(&idp.claims("mallory")), "symmetric"));
    cases.push(("not-a-jwt-at-all-0123456789".to_owned(), "not a signed JWT"));
    for (token, want) in &cases {
        for c in [
            Client::new(server.addr()),
            Client::new(server.addr()).json(),
        ] {
            let err = c.token(token).get(sid("k")).await.unwrap_err();
            assert_eq!(err.code(), Code::Unauthenticated, "{want}: {:?}", err.body);
            assert!(
                err.body.message.contains(want),
                "{want}: {}",
                err.body.message
            );
            assert!(
                !err.body.message.contains(token.as_str()),
                "the token is not echoed"
            );
        }
    }
    let err = Client::new(server.addr()).get(sid("k")).await.unwrap_err();
    assert_eq!(err.code(), Code::Unauthenticated);
    assert!(
        err.body.message.contains("flyte auth login"),
        "{:?}",
        err.body
    );
    server.shutdown().await.unwrap();
}

#[needs(idp)]
#[tokio::test]
async fn a_rotated_key_is_fetched_when_a_token_names_it() {
    let idp = Idp::start(IdpOptions::default());
    let dir = private_dir();
    let server = oidc_builder(dir.path(), &idp)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let before = idp.client_credentials_token().await;
    Client::new(server.addr())
        .token(&before)
        .get(sid("k"))
        .await
        .unwrap_err();
    let kid = idp.rotate().await;
    let after = idp.client_credentials_token().await;
    assert_ne!(before, after);
    // NotFound, not Unauthenticated: the token passed with the newly fetched key.
    let err = Client::new(server.addr())
        .token(&after)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "kid {kid}: {:?}", err.body);
    // The old key is still published, so its tokens still pass.
    let err = Client::new(server.addr())
        .token(&before)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{:?}", err.body);
    server.shutdown().await.unwrap();
}

#[needs(idp)]
#[tokio::test]
async fn the_provider_going_down_keeps_known_keys_working() {
    let mut idp = Idp::start(IdpOptions::default());
    let dir = private_dir();
    let server = oidc_builder(dir.path(), &idp)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let known = idp.client_credentials_token().await;
    let unknown_key = idp.sign(idp.claims("x"), json!({}), true).await;
    idp.stop();
    // Keys fetched at start keep validating.
    let err = Client::new(server.addr())
        .token(&known)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{:?}", err.body);
    // A key that would need the provider: unavailable (retry later), saying why.
    let err = Client::new(server.addr())
        .token(&unknown_key)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.code(), Code::Unavailable | Code::Unauthenticated),
        "{:?}",
        err.body
    );
    assert!(err.body.message.contains("key"), "{}", err.body.message);
    // AuthMetadataService still answers from what was fetched.
    let meta: flyte_idl::GetOAuth2MetadataResponse = Client::new(server.addr())
        .call(
            flyte_idl::paths::GET_OAUTH2_METADATA,
            &flyte_idl::GetOAuth2MetadataRequest {},
        )
        .await
        .unwrap();
    assert_eq!(meta.issuer, idp.issuer);
    server.shutdown().await.unwrap();

    // Started while the provider is down: it starts, and says so on each request.
    let dir = private_dir();
    let server = oidc_builder(dir.path(), &idp)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let err = Client::new(server.addr())
        .token(&known)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::Unavailable, "{:?}", err.body);
    assert!(
        err.body.message.contains(&idp.issuer),
        "{}",
        err.body.message
    );
    server.shutdown().await.unwrap();
}

#[needs(idp)]
#[tokio::test]
async fn an_issuer_whose_metadata_names_another_refuses_to_start() {
    let idp = Idp::start(IdpOptions::default());
    // The same provider under another name: its metadata names 127.0.0.1.
    let alias = idp.issuer.replace("127.0.0.1", "localhost");
    let dir = private_dir();
    let err = builder(dir.path())
        .oidc(flyte_server::OidcConfig::new(&alias, &idp.audience))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap_err();
    assert!(matches!(err, StartError::Oidc { .. }), "{err}");
    let text = err.to_string();
    assert!(
        text.contains(&alias) && text.contains("names issuer"),
        "{text}"
    );
}

#[needs(idp)]
#[tokio::test]
async fn an_issuer_given_with_a_trailing_slash_checks_the_one_its_metadata_names() {
    let idp = Idp::start(IdpOptions::default());
    let slashed = format!("{}/", idp.issuer);
    let dir = private_dir();
    let server = builder(dir.path())
        .oidc(flyte_server::OidcConfig::new(&slashed, &idp.audience))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(
        server
            .ready_line()
            .contains(&format!("from {} for", idp.issuer)),
        "{}",
        server.ready_line()
    );
    let good = idp.client_credentials_token().await;
    let err = Client::new(server.addr())
        .token(&good)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Code::NotFound, "{:?}", err.body);
    // Exactly the metadata's issuer: the flag's spelling in `iss` is not it.
    let mut claims = idp.claims("mallory");
    claims["iss"] = json!(slashed);
    let token = idp.sign(claims, json!({}), false).await;
    let err = Client::new(server.addr())
        .token(&token)
        .get(sid("k"))
        .await
        .unwrap_err();
    assert_eq!(
        err.body.message,
        format!("the token was not issued by {}", idp.issuer)
    );
    server.shutdown().await.unwrap();
}

#[test]
fn a_policy_without_an_identity_provider_is_refused() {
    let dir = private_dir();
    let err = builder(dir.path())
        .policy(flyte_server::Policy::parse("* */*/* read").unwrap())
        .build()
        .unwrap_err();
    let text = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(text.contains("--oidc-issuer"), "{text}");
}
