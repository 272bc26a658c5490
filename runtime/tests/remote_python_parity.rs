//! The stock Python SDK and this client against one real local server: each sees the other's
//! secrets with the same name, scope and type, and the image-pull refusal reads the same.
//! Also: the Python SDK pointed at a control plane stores into the data plane SelectCluster
//! names. Needs the Python SDK (`FLYTE_TEST_PYTHON`): ignored without it, a failure under
//! `CI=true` (see `flyte_test_backends`).

use crate::remote_support;

use std::process::Command;

use flyte::config::Codec;
use flyte::remote::{Error, SecretType};
use flyte_test_backends::needs;
use futures::TryStreamExt;

const PY: &str = r#"
import json, sys
import flyte, flyte.remote as remote
flyte.init(endpoint="dns:///" + sys.argv[1], insecure=True, project="p", domain="d", disable_keyring=True)
remote.Secret.create("from-python", "py-v4lue")
s = remote.Secret.get("from-rust")
try:
    remote.Secret.create("registry", "{}", type="image_pull")
    refusal = None
except ValueError as e:
    refusal = str(e)
names = sorted(x.name for x in remote.Secret.listall(limit=1))
print(json.dumps({"type": s.type, "project": s.pb2.id.project, "org": s.pb2.id.organization,
                  "refusal": refusal, "names": names}))
"#;

/// The Python interpreter (`FLYTE_TEST_PYTHON`, which `#[needs(python)]` checked).
fn python() -> String {
    std::env::var("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]")
}

/// Runs `script` with `args` and returns its last stdout line as JSON.
async fn run_python(python: String, script: &'static str, args: Vec<String>) -> serde_json::Value {
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg("-c")
            .arg(script)
            .args(args)
            .env("FLYTE_ADMIN_DISABLEKEYRING", "true")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    serde_json::from_str(line.lines().last().unwrap()).unwrap()
}

const PY_ROUTED: &str = r#"
import json, sys
import flyte, flyte.remote as remote
flyte.init(endpoint="dns:///" + sys.argv[1], insecure=True, project="p", domain="d", disable_keyring=True)
remote.Secret.create("py-routed", "py-r0uted-value")
s = remote.Secret.get("py-routed")
names = sorted(x.name for x in remote.Secret.listall(limit=10))
print(json.dumps({"name": s.name, "names": names}))
"#;

#[needs(python)]
#[tokio::test]
async fn python_pointed_at_a_control_plane_stores_into_the_data_plane() {
    let python = python();
    let b = remote_support::start().await;
    let selects = remote_support::Selects::default();
    let a = selects
        .control_plane(&format!("dns:///{}", b.server.addr()))
        .await;
    let from_b = b.client(Codec::Proto).build().unwrap();
    from_b.create("rust-on-b", "v").await.unwrap();

    let addr = a.server.addr().to_string();
    let py = run_python(python, PY_ROUTED, vec![addr]).await;
    assert_eq!(py["name"], "py-routed");
    assert_eq!(
        py["names"],
        serde_json::json!(["py-routed", "rust-on-b"]),
        "Python lists B through A"
    );

    let reader = b
        .client(Codec::Proto)
        .api_key(b.inject_token())
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        reader.read_value("py-routed").await.unwrap().expose_str(),
        Some("py-r0uted-value"),
        "stored in B"
    );
    // Not in A: A's own store, asked without routing.
    let on_a = a.client(Codec::Proto).build().unwrap();
    let req = reqwest::Request::try_from(
        on_a.build_request(&flyte::remote::Operation::Get { name: "py-routed" }, None)
            .unwrap(),
    )
    .unwrap();
    let status = reqwest::Client::new().execute(req).await.unwrap().status();
    assert_eq!(status, 404, "not in A");

    use flyte_idl::select_cluster_request::{Operation, Resource};
    let asked = selects.take();
    assert!(!asked.is_empty(), "Python asked SelectCluster");
    for r in &asked {
        assert_eq!(r.operation(), Operation::UseSecrets);
        let Some(Resource::ProjectId(p)) = &r.resource else {
            panic!("{r:?}");
        };
        assert_eq!(
            (p.organization.as_str(), p.domain.as_str(), p.name.as_str()),
            ("127", "d", "p")
        );
    }
}

#[needs(python)]
#[tokio::test]
async fn python_and_rust_see_the_same_secrets() {
    let python = python();
    let local = remote_support::start().await;
    let c = local.client(Codec::Proto).build().unwrap();
    c.create("from-rust", "rust-v4lue").await.unwrap();

    let addr = local.url().trim_start_matches("http://").to_owned();
    let out = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .args(["-c", PY, &addr])
            .env("FLYTE_ADMIN_DISABLEKEYRING", "true")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    let py: serde_json::Value = serde_json::from_str(line.lines().last().unwrap()).unwrap();
    assert_eq!(py["type"], "regular");
    assert_eq!(py["project"], "p");
    assert_eq!(py["org"], "127", "both derive the org from 127.0.0.1");
    assert_eq!(py["names"], serde_json::json!(["from-python", "from-rust"]));

    let err = c
        .create_with("registry", "{}", SecretType::ImagePull)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::ImagePullScoped { .. }));
    assert_eq!(
        py["refusal"].as_str(),
        Some(err.to_string().as_str()),
        "same message as the Python SDK"
    );

    let s = c.get("from-python").await.unwrap();
    assert_eq!(
        (s.project(), s.domain(), s.organization()),
        (Some("p"), Some("d"), Some("127"))
    );
    let reader = local
        .client(Codec::Json)
        .api_key(local.inject_token())
        .unwrap()
        .build()
        .unwrap();
    assert_eq!(
        reader.read_value("from-python").await.unwrap().expose_str(),
        Some("py-v4lue")
    );
    let names: Vec<String> = c
        .listall(1)
        .map_ok(|s| s.name().to_owned())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names.len(), 2);
}
