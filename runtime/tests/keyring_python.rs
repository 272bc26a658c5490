//! Interoperability with the Python flyte SDK's keyring cache (its own KeyringStore class,
//! through tests/python/keyring_sdk.py) on the same Secret Service: each client finds the
//! other's login, and neither leaves duplicates behind.
#![cfg(target_os = "linux")]

use crate::keyring_common;

use std::path::PathBuf;

use flyte::remote::keyring::{Backend, Credentials, KeyringStore, Lookup, strip_scheme};
use flyte_test_backends::needs;
use keyring_common::{Cleanup, python, run_python, token, unique_endpoint};
use serde_json::{Value, json};

/// Python and the keyring on the D-Bus session (the tests say `#[needs(python, dbus)]`).
fn setup() -> (PathBuf, KeyringStore) {
    (
        python(),
        KeyringStore::builder().backend(Backend::Auto).build(),
    )
}

fn py_json(py: &PathBuf, args: &[&str], stdin: &str) -> Value {
    serde_json::from_str(run_python(py, args, stdin).trim()).unwrap()
}

#[needs(python, dbus)]
#[test]
fn python_login_is_found_by_rust() {
    let (py, ks) = setup();
    let ep = unique_endpoint("py-to-rust");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let (access, refresh) = (token("access"), token("refresh"));
    let stored = py_json(
        &py,
        &["store", &ep],
        &json!({"access_token": access, "refresh_token": refresh}).to_string(),
    );

    let got = ks.retrieve(&ep).expect("Rust finds the Python SDK's login");
    assert_eq!(got.access_token(), access);
    assert_eq!(got.refresh_token(), Some(refresh.as_str()));
    assert_eq!(got.for_endpoint(), strip_scheme(&ep));
    assert_eq!(got.id(), stored["id"], "same md5 id as the Python SDK");
}

#[needs(python, dbus)]
#[test]
fn rust_login_is_found_by_python() {
    let (py, ks) = setup();
    let ep = unique_endpoint("rust-to-py");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let (access, refresh) = (token("access"), token("refresh"));
    let creds = Credentials::new(&ep, access.clone()).with_refresh_token(refresh.clone());
    assert!(ks.store(&creds).is_done());

    let got = py_json(&py, &["retrieve", &ep], "");
    assert_eq!(got["found"], true, "{got}");
    assert_eq!(got["access_token"], access);
    assert_eq!(got["refresh_token"], refresh);
    assert_eq!(got["for_endpoint"], strip_scheme(&ep));
    assert_eq!(got["id"], creds.id());

    // The stored bytes are what the Python SDK itself would have written.
    let raw = py_json(&py, &["raw-get", &strip_scheme(&ep), "tokens"], "");
    let dumped = py_json(
        &py,
        &["dumps"],
        &json!({"access_token": access, "refresh_token": refresh}).to_string(),
    );
    assert_eq!(raw["value"], dumped["json"]);
}

#[needs(python, dbus)]
#[test]
fn refresh_only_logins_cross_both_ways() {
    let (py, ks) = setup();
    let ep = unique_endpoint("py-refresh-only");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    py_json(
        &py,
        &["store", &ep],
        r#"{"access_token": "", "refresh_token": "only-r"}"#,
    );
    let got = ks.retrieve(&ep).expect("a refresh token alone counts");
    assert_eq!(
        (got.access_token(), got.refresh_token()),
        ("", Some("only-r"))
    );

    assert!(
        ks.store(&Credentials::new(&ep, "").with_refresh_token("rust-r"))
            .is_done()
    );
    let got = py_json(&py, &["retrieve", &ep], "");
    assert_eq!(
        (&got["access_token"], &got["refresh_token"]),
        (&json!(""), &json!("rust-r"))
    );
}

/// Logins alternate between the clients: always one item, always the latest tokens.
#[needs(python, dbus)]
#[test]
fn alternating_logins_keep_one_item() {
    let (py, ks) = setup();
    let ep = unique_endpoint("alternate");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let svc = strip_scheme(&ep);
    let count = || {
        py_json(&py, &["count", &svc, "tokens"], "")["count"]
            .as_u64()
            .unwrap()
    };
    for round in 0..2 {
        assert!(
            ks.store(&Credentials::new(&ep, format!("rust-{round}")))
                .is_done()
        );
        assert_eq!(
            py_json(&py, &["retrieve", &ep], "")["access_token"],
            format!("rust-{round}")
        );
        py_json(
            &py,
            &["store", &ep],
            &json!({"access_token": format!("py-{round}")}).to_string(),
        );
        assert_eq!(
            count(),
            1,
            "the Python SDK replaced our item instead of adding one"
        );
        assert_eq!(
            ks.retrieve(&ep).unwrap().access_token(),
            format!("py-{round}")
        );
    }
}

#[needs(python, dbus)]
#[test]
fn deletes_cross_both_ways_including_legacy_items() {
    let (py, ks) = setup();
    let ep = unique_endpoint("py-delete");
    let _cleanup = Cleanup(ks.clone(), ep.clone());
    let svc = strip_scheme(&ep);

    // Python's login plus the per-token items older SDKs wrote; Rust deletes them all.
    py_json(
        &py,
        &["store", &ep],
        r#"{"access_token": "a", "refresh_token": "r"}"#,
    );
    py_json(&py, &["raw-set", &svc, "access_token"], "legacy-a");
    py_json(&py, &["raw-set", &svc, "refresh_token"], "legacy-r");
    assert!(ks.delete(&ep).is_done());
    assert_eq!(py_json(&py, &["retrieve", &ep], "")["found"], false);
    for user in ["tokens", "access_token", "refresh_token"] {
        assert_eq!(
            py_json(&py, &["raw-get", &svc, user], "")["value"],
            Value::Null,
            "{user}"
        );
    }

    // Rust's login; the Python SDK deletes it.
    assert!(ks.store(&Credentials::new(&ep, "rust")).is_done());
    py_json(&py, &["delete", &ep], "");
    assert!(matches!(ks.lookup(&ep), Lookup::Missing));
}

#[needs(python)]
#[test]
fn service_names_match_the_python_sdk() {
    let py = python();
    let endpoints = [
        "dns:///flyte.example.com",
        "dns://authority/x.y",
        "https://flyte.example.com",
        "https://flyte.example.com/path/sub",
        "http://127.0.0.1:8090",
        "http://127.0.0.1:8090/a?b=1#frag",
        "https://h/a;p/b;q",
        "grpc://h/a;q",
        "localhost:8090",
        "flyte.example.com",
        "DNS:///Upper",
        "  https://h\n/p",
        "1x://h/p",
        "",
    ];
    let out = py_json(&py, &[&["strip"][..], &endpoints[..]].concat(), "");
    let python: Vec<String> = serde_json::from_value(out["stripped"].clone()).unwrap();
    let rust: Vec<String> = endpoints.iter().map(|e| strip_scheme(e)).collect();
    assert_eq!(rust, python);
}
