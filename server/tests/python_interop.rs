//! The stock Python `flyte` SDK against this server: tests/python/secrets_interop.py.
//! Needs FLYTE_TEST_PYTHON to name an interpreter with `flyte` installed: ignored without it,
//! a failure under `CI=true`.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::*;
use flyte_idl::connect::Code;
use flyte_idl::secret_spec::Value;
use flyte_test_backends::needs;
use serde_json::Value as Json;

#[needs(python)]
#[tokio::test(flavor = "multi_thread")]
async fn python_sdk_creates_gets_lists_and_deletes() {
    let python = std::env::var_os("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]");
    let dir = private_tempdir();
    let home = private_tempdir();
    let server = start(dir.path()).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/python/secrets_interop.py");
    let str_value = "py-string-value-\u{e9}-4d1f";
    let bytes_value = [0u8, 255, 1, 254, 0x80];
    let hex: String = bytes_value.iter().map(|b| format!("{b:02x}")).collect();

    let mut cmd = Command::new(python);
    // A clean environment and an empty HOME/cwd, so no user config or FLYTE_* variable leaks in.
    cmd.env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("INTEROP_STR_VALUE", str_value)
        .env("INTEROP_BYTES_VALUE_HEX", &hex)
        .current_dir(home.path())
        .arg(&script)
        .args([&server.addr().port().to_string(), "proj", "dev", "py"]);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "script failed:\n{stdout}\n{stderr}");
    for text in [&stdout, &stderr] {
        assert!(!text.contains(str_value), "the SDK run printed the value");
    }

    let steps: Vec<Json> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("no {name}: {stdout}"))
    };
    let get = step("get");
    assert_eq!(get["name"], "py-str");
    assert_eq!(get["type"], "regular");
    assert_eq!(get["org"], "127", "the SDK derives the org from 127.0.0.1");
    assert_eq!(
        (get["project"].as_str(), get["domain"].as_str()),
        (Some("proj"), Some("dev"))
    );
    assert_eq!(get["status"], 2, "FULLY_PRESENT");
    assert_eq!(get["clusters"], serde_json::json!(["local"]));
    assert!(get["created"].as_str().unwrap().ends_with('Z'));
    // listall(limit=2) follows tokens over three pages.
    assert_eq!(
        step("listall")["names"],
        serde_json::json!(["py-bytes", "py-page-0", "py-page-1", "py-page-2", "py-str"])
    );
    assert_eq!(step("duplicate")["error"]["code"], "already_exists");
    assert_eq!(step("get_deleted")["error"]["code"], "not_found");
    assert!(steps.last().unwrap()["step"] == "done");

    // The server's state: values as the SDK sent them (str as string, bytes as binary).
    let inj = Client::new(server.addr()).token(server.inject_token().unwrap().expose());
    let s = inj
        .read_value(pid("py-str"))
        .await
        .unwrap()
        .secret_spec
        .unwrap();
    assert_eq!(s.value, Some(Value::StringValue(str_value.into())));
    let b = inj
        .read_value(pid("py-bytes"))
        .await
        .unwrap()
        .secret_spec
        .unwrap();
    assert_eq!(b.value, Some(Value::BinaryValue(bytes_value.to_vec())));
    let c = Client::new(server.addr());
    assert_eq!(
        c.get(pid("py-page-0")).await.unwrap_err().code(),
        Code::NotFound
    );
    assert_eq!(
        c.list_all(PROJ, 0).await,
        ["py-bytes", "py-page-1", "py-page-2", "py-str"]
    );
    server.shutdown().await.unwrap();
}
