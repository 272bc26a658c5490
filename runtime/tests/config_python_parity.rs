//! The same config file read by the Python SDK (flyte 2.12.1) and by us gives the same values,
//! including the org the SDK derives from the endpoint. Needs the Python SDK
//! (`FLYTE_TEST_PYTHON`): ignored without it, a failure under `CI=true`.

use std::process::Command;

use flyte::Config;
use flyte::config::Endpoint;
use flyte_test_backends::needs;

const PY: &str = r#"
import json, sys
from flyte.config import auto
from flyte._utils import org_from_endpoint, sanitize_endpoint
c = auto(sys.argv[1])
print(json.dumps({
    "endpoint": c.platform.endpoint,
    "insecure": c.platform.insecure,
    "insecure_skip_verify": c.platform.insecure_skip_verify,
    "ca_cert_file_path": c.platform.ca_cert_file_path,
    "disable_keyring": c.platform.disable_keyring,
    "project": c.task.project,
    "domain": c.task.domain,
    "org": c.task.org or org_from_endpoint(sanitize_endpoint(c.platform.endpoint)),
}))
"#;

const FILES: [&str; 4] = [
    "admin:\n  endpoint: dns:///127.0.0.1:8090\n  insecure: true\ntask:\n  project: flytesnacks\n  domain: development\n",
    "admin:\n  endpoint: https://acme.cloud.example.com\n  insecureSkipVerify: true\n  caCertFilePath: /etc/ca.pem\n  disableKeyring: true\nimage:\n  builder: local\n",
    "admin:\n  endpoint: localhost:30080\n  insecure: false\ntask:\n  org: myorg\n  project: p\n",
    "task:\n  project: only-a-project\n",
];

#[needs(python)]
#[test]
fn same_file_same_values_as_python() {
    let python = std::env::var("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]");
    let dir = tempfile::tempdir().unwrap();
    for (i, text) in FILES.iter().enumerate() {
        let path = dir.path().join(format!("config{i}.yaml"));
        std::fs::write(&path, text).unwrap();
        // Python reads FLYTE_* from its own environment: give it an empty one for these keys.
        let out = Command::new(&python)
            .args(["-c", PY])
            .arg(&path)
            .env_clear()
            .env("HOME", dir.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "python failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let py: serde_json::Value = serde_json::from_slice(
            out.stdout
                .rsplit(|b| *b == b'\n')
                .find(|l| !l.is_empty())
                .unwrap(),
        )
        .unwrap();

        let ours = Config::builder().no_env().file(&path).build().unwrap();
        // Same address: Python keeps the raw string, we keep it parsed.
        let py_endpoint = py["endpoint"].as_str().map(|e| Endpoint::parse(e).unwrap());
        assert_eq!(py_endpoint.as_ref(), ours.endpoint(), "{text}");
        assert_eq!(py["insecure"].as_bool(), Some(ours.insecure()), "{text}");
        assert_eq!(
            py["insecure_skip_verify"].as_bool(),
            Some(ours.insecure_skip_verify()),
            "{text}"
        );
        assert_eq!(
            py["ca_cert_file_path"].as_str(),
            ours.ca_cert_file_path().and_then(|p| p.to_str()),
            "{text}"
        );
        assert_eq!(
            py["disable_keyring"].as_bool(),
            Some(ours.disable_keyring()),
            "{text}"
        );
        assert_eq!(py["project"].as_str(), ours.project(), "{text}");
        assert_eq!(py["domain"].as_str(), ours.domain(), "{text}");
        assert_eq!(py["org"].as_str(), ours.org(), "{text}");
    }
}
