//! Config loading: file vs env vs builder, the file search order, boolean parsing, org
//! derivation, and that nothing prints the API key. No test writes the process environment:
//! env vars come from a lookup closure, cwd and home from temp dirs.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use flyte::config::{Codec, Config, ConfigBuilder, ConfigError};

/// A sandbox: an empty home, a cwd inside a git work tree, and an env map.
struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    home: PathBuf,
    cwd: PathBuf,
    env: HashMap<String, String>,
}

impl Sandbox {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let home = dir.path().join("home");
        let cwd = root.join("sub").join("dir");
        fs::create_dir_all(&cwd).unwrap();
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        Sandbox {
            _dir: dir,
            root,
            home,
            cwd,
            env: HashMap::new(),
        }
    }

    fn env(mut self, k: &str, v: &str) -> Self {
        self.env.insert(k.into(), v.into());
        self
    }

    fn write(&self, path: &Path, project: &str) -> PathBuf {
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, format!("admin:\n  endpoint: dns:///{project}.example.com:443\ntask:\n  project: {project}\n"))
            .unwrap();
        path.to_owned()
    }

    fn builder(&self) -> ConfigBuilder {
        let env = self.env.clone();
        Config::builder()
            .env_lookup(move |k| env.get(k).cloned())
            .cwd(&self.cwd)
            .home(&self.home)
    }

    fn load(&self) -> Result<Config, ConfigError> {
        self.builder().build()
    }
}

#[test]
fn python_yaml_shape_is_read() {
    let sb = Sandbox::new();
    let path = sb.cwd.join(".flyte/config.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(
        &path,
        "admin:\n  endpoint: dns:///localhost:8090\n  insecure: true\n  insecureSkipVerify: false\n  caCertFilePath: /tmp/ca.pem\n  disableKeyring: true\nimage:\n  builder: local\ntask:\n  org: testorg\n  domain: development\n  project: flytesnacks\nsecrets:\n  file: /tmp/dev-secrets.env\n",
    )
    .unwrap();
    let c = sb.load().unwrap();
    assert_eq!(c.source(), Some(path.as_path()));
    assert_eq!(c.endpoint().unwrap().to_string(), "dns:///localhost:8090");
    assert!(c.insecure());
    assert!(!c.insecure_skip_verify());
    assert_eq!(c.ca_cert_file_path(), Some(Path::new("/tmp/ca.pem")));
    assert!(c.disable_keyring());
    assert_eq!(c.org(), Some("testorg"));
    assert_eq!(c.project(), Some("flytesnacks"));
    assert_eq!(c.domain(), Some("development"));
    assert_eq!(c.secrets_file(), Path::new("/tmp/dev-secrets.env"));
}

#[test]
fn env_overrides_file_and_builder_overrides_env() {
    let sb = Sandbox::new()
        .env("FLYTE_TASK_PROJECT", "from-env")
        .env("FLYTE_ADMIN_ENDPOINT", "http://127.0.0.1:9000")
        .env("FLYTE_ADMIN_CODEC", "json");
    sb.write(&sb.cwd.join(".flyte/config.yaml"), "fromfile");
    let c = sb.load().unwrap();
    assert_eq!(c.project(), Some("from-env"));
    assert_eq!(c.endpoint().unwrap().to_string(), "http://127.0.0.1:9000");
    assert_eq!(c.codec(), Codec::Json);
    assert!(c.source().is_some(), "the file was still read");

    let c = sb
        .builder()
        .project("from-builder")
        .endpoint("dns:///b.example.com")
        .codec(Codec::Proto)
        .build()
        .unwrap();
    assert_eq!(c.project(), Some("from-builder"));
    assert_eq!(c.endpoint().unwrap().to_string(), "dns:///b.example.com");
    assert_eq!(c.codec(), Codec::Proto);
}

#[test]
fn env_is_read_when_no_file_is_found() {
    let sb = Sandbox::new()
        .env("FLYTE_ADMIN_ENDPOINT", "localhost:8090")
        .env("FLYTE_ADMIN_INSECURE", "true")
        .env("FLYTE_TASK_DOMAIN", "development");
    let c = sb.load().unwrap();
    assert_eq!(c.source(), None);
    assert_eq!(
        c.endpoint().unwrap().base_url(c.insecure()),
        "http://localhost:8090"
    );
    assert_eq!(c.domain(), Some("development"));
}

#[test]
fn file_search_order() {
    let sb = Sandbox::new();
    let home_flyte = sb.write(&sb.home.join(".flyte/config.yaml"), "homeflyte");
    assert_eq!(sb.load().unwrap().project(), Some("homeflyte"));

    let home_union = sb.write(&sb.home.join(".union/config.yaml"), "homeunion");
    assert_eq!(sb.load().unwrap().project(), Some("homeunion"));

    let flytectl = sb.write(&sb.root.join("elsewhere/flytectl.yaml"), "flytectl");
    let sb = sb.env("FLYTECTL_CONFIG", flytectl.to_str().unwrap());
    assert_eq!(sb.load().unwrap().project(), Some("flytectl"));

    let uctl = sb.write(&sb.root.join("elsewhere/uctl.yaml"), "uctl");
    let sb = sb.env("UCTL_CONFIG", uctl.to_str().unwrap());
    assert_eq!(sb.load().unwrap().project(), Some("uctl"));

    let git_root = sb.write(&sb.root.join(".flyte/config.yaml"), "gitroot");
    assert_eq!(sb.load().unwrap().source(), Some(git_root.as_path()));

    let local = sb.write(&sb.cwd.join(".flyte/config.yaml"), "local");
    assert_eq!(sb.load().unwrap().source(), Some(local.as_path()));

    let explicit = sb.write(&sb.root.join("explicit.yaml"), "explicit");
    let c = sb.builder().file(&explicit).build().unwrap();
    assert_eq!(c.project(), Some("explicit"));

    // Outside the git work tree the root's file is not seen.
    let sb2 = Sandbox::new();
    sb2.write(&sb2.root.join(".flyte/config.yaml"), "gitroot");
    fs::remove_dir(sb2.root.join(".git")).unwrap();
    assert_eq!(sb2.load().unwrap().source(), None);
    let _ = (home_flyte, home_union);
}

#[test]
fn named_files_that_do_not_exist_are_errors() {
    let sb = Sandbox::new().env("UCTL_CONFIG", "/nonexistent/uctl.yaml");
    let err = sb.load().unwrap_err().to_string();
    assert!(
        err.contains("/nonexistent/uctl.yaml") && err.contains("$UCTL_CONFIG"),
        "{err}"
    );

    let sb = Sandbox::new();
    let err = sb
        .builder()
        .file("/nonexistent/explicit.yaml")
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("/nonexistent/explicit.yaml") && err.contains("explicit"),
        "{err}"
    );
}

#[test]
fn broken_yaml_and_wrong_shapes_are_errors_naming_the_file_and_key() {
    let sb = Sandbox::new();
    let path = sb.cwd.join(".flyte/config.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, "admin: [unclosed\n").unwrap();
    let err = sb.load().unwrap_err();
    assert!(matches!(err, ConfigError::Parse { .. }), "{err:?}");
    assert!(err.to_string().contains(path.to_str().unwrap()), "{err}");

    fs::write(&path, "admin:\n  endpoint:\n    nested: 1\n").unwrap();
    let err = sb.load().unwrap_err().to_string();
    assert!(
        err.contains("admin.endpoint") && err.contains(path.to_str().unwrap()),
        "{err}"
    );
}

#[test]
fn booleans_are_parsed_properly() {
    // The Python SDK treats FLYTE_ADMIN_INSECURE=false as true; we do not.
    for (value, expected) in [
        ("false", false),
        ("False", false),
        ("0", false),
        ("true", true),
        ("1", true),
        ("yes", true),
    ] {
        let sb = Sandbox::new()
            .env("FLYTE_ADMIN_INSECURE", value)
            .env("FLYTE_ADMIN_DISABLEKEYRING", value);
        let c = sb.load().unwrap();
        assert_eq!(c.disable_keyring(), expected, "{value}");
        assert_eq!(c.insecure(), expected, "{value}");
    }
    let err = Sandbox::new()
        .env("FLYTE_ADMIN_INSECURESKIPVERIFY", "maybe")
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("FLYTE_ADMIN_INSECURESKIPVERIFY")
            && err.contains("maybe")
            && err.contains("boolean"),
        "{err}"
    );

    // Empty counts as unset, and a YAML string bool is parsed too.
    let sb = Sandbox::new().env("FLYTE_ADMIN_INSECURE", "");
    let path = sb.cwd.join(".flyte/config.yaml");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, "admin:\n  insecure: \"True\"\n").unwrap();
    assert!(sb.load().unwrap().insecure());
}

#[test]
fn timeouts_retries_and_header_are_configurable() {
    let sb = Sandbox::new()
        .env("FLYTE_ADMIN_PERRETRYTIMEOUT", "1m30s")
        .env("FLYTE_ADMIN_CONNECTTIMEOUT", "250ms")
        .env("FLYTE_ADMIN_MAXRETRIES", "7")
        .env("FLYTE_ADMIN_AUTHORIZATIONHEADER", "flyte-authorization");
    let c = sb.load().unwrap();
    assert_eq!(c.timeout(), Duration::from_secs(90));
    assert_eq!(c.connect_timeout(), Duration::from_millis(250));
    assert_eq!(c.max_retries(), 7);
    assert_eq!(c.auth_header(), "flyte-authorization");
    let err = Sandbox::new()
        .env("FLYTE_ADMIN_MAXRETRIES", "-1")
        .load()
        .unwrap_err()
        .to_string();
    assert!(err.contains("FLYTE_ADMIN_MAXRETRIES"), "{err}");
    let err = Sandbox::new()
        .env("FLYTE_ADMIN_CODEC", "xml")
        .load()
        .unwrap_err()
        .to_string();
    assert!(err.contains("admin.codec") && err.contains("xml"), "{err}");
}

#[test]
fn defaults() {
    let c = Sandbox::new().load().unwrap();
    assert!(c.endpoint().is_none() && c.org().is_none() && c.project().is_none());
    assert_eq!(c.codec(), Codec::Proto);
    assert_eq!(c.secrets_file(), Path::new(".flyte/secrets.env"));
    assert_eq!(c.auth_header(), "authorization");
    assert_eq!(c.max_retries(), 3);
    let c = Sandbox::new()
        .env("FLYTE_SECRETS_FILE", "/run/dev.env")
        .load()
        .unwrap();
    assert_eq!(c.secrets_file(), Path::new("/run/dev.env"));
}

#[test]
fn org_is_configured_or_derived_like_python() {
    let org = |endpoint: &str| {
        Sandbox::new()
            .env("FLYTE_ADMIN_ENDPOINT", endpoint)
            .load()
            .unwrap()
            .org()
            .map(String::from)
    };
    assert_eq!(org("dns:///127.0.0.1:8090").as_deref(), Some("127"));
    assert_eq!(
        org("https://acme.cloud.example.com").as_deref(),
        Some("acme")
    );
    assert_eq!(org("localhost:8090"), None);
    let c = Sandbox::new()
        .env("FLYTE_ADMIN_ENDPOINT", "dns:///127.0.0.1:8090")
        .env("FLYTE_TASK_ORG", "mine")
        .load()
        .unwrap();
    assert_eq!(c.org(), Some("mine"));
}

#[test]
fn api_key_is_read_from_env_and_never_printed() {
    use base64::Engine as _;
    let plain = "tok-5ecret-plain";
    let c = Sandbox::new().env("FLYTE_API_KEY", plain).load().unwrap();
    assert_eq!(c.api_key().unwrap().expose(), plain);
    let shown = format!("{c:?}");
    assert!(!shown.contains(plain), "{shown}");

    // The Python SDK's app-credentials form supplies the endpoint and the org; an env
    // endpoint still wins over it, and it wins over a config file.
    let encoded = base64::engine::general_purpose::STANDARD
        .encode("dns:///acme.example.com:443:app:cl1ent-5ecret:acme");
    let sb = Sandbox::new().env("FLYTE_API_KEY", &encoded);
    sb.write(&sb.cwd.join(".flyte/config.yaml"), "fromfile");
    let c = sb.load().unwrap();
    assert_eq!(
        c.endpoint().unwrap().to_string(),
        "dns:///acme.example.com:443"
    );
    assert_eq!(c.org(), Some("acme"));
    let shown = format!("{c:?} {:?}", c.api_key().unwrap().app_credentials());
    assert!(
        !shown.contains("cl1ent-5ecret") && !shown.contains(&encoded),
        "{shown}"
    );
    let c = sb
        .env("FLYTE_ADMIN_ENDPOINT", "http://127.0.0.1:1")
        .load()
        .unwrap();
    assert_eq!(c.endpoint().unwrap().to_string(), "http://127.0.0.1:1");
}

#[test]
fn bad_endpoint_names_the_input() {
    let err = Sandbox::new()
        .env("FLYTE_ADMIN_ENDPOINT", "ftp://x")
        .load()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`ftp://x`") && err.contains("dns:///"),
        "{err}"
    );
}

#[test]
fn each_value_records_where_it_came_from() {
    let sb = Sandbox::new()
        .env("FLYTE_TASK_DOMAIN", "development")
        .env("FLYTE_ADMIN_ENDPOINT", "dns:///env.example.com");
    let file = sb.write(&sb.cwd.join(".flyte/config.yaml"), "from-file");
    let c = sb.builder().org("o").build().unwrap();
    use flyte::config::Origin;
    assert_eq!(c.origin("task.project"), Some(&Origin::File(file)));
    assert_eq!(
        c.origin("task.domain"),
        Some(&Origin::Env("FLYTE_TASK_DOMAIN".into()))
    );
    assert_eq!(c.origin("task.org"), Some(&Origin::Builder));
    // The env var wins over the file for the endpoint, and says so.
    assert_eq!(
        c.origin("admin.endpoint"),
        Some(&Origin::Env("FLYTE_ADMIN_ENDPOINT".into()))
    );
    assert_eq!(c.endpoint_origin(), c.origin("admin.endpoint"));
    // Left at its default: no origin.
    assert_eq!(c.origin("admin.insecure"), None);
    assert_eq!(c.origin("secrets.file"), None);
}

/// A Flyte task pod's own variables, as the Python SDK's `init_in_cluster` reads them.
fn pod() -> Sandbox {
    Sandbox::new()
        .env("FLYTE_INTERNAL_EXECUTION_ID", "a1b2c3")
        .env("FLYTE_INTERNAL_EXECUTION_PROJECT", "flytesnacks")
        .env("FLYTE_INTERNAL_EXECUTION_DOMAIN", "development")
        .env("_U_ORG_NAME", "acme")
        .env("_U_EP_OVERRIDE", "dns:///flyte-grpc.flyte:8089")
}

#[test]
fn in_a_task_pod_the_pods_scope_endpoint_and_no_keyring_are_the_defaults() {
    use flyte::config::Origin;
    let sb = pod().env("FLYTE_ADMIN_ENDPOINT", "dns:///user.example.com");
    sb.write(&sb.cwd.join(".flyte/config.yaml"), "fromfile");
    let c = sb.load().unwrap();
    // The platform's endpoint override comes first, as in Python's in-cluster init.
    assert_eq!(
        c.endpoint().unwrap().to_string(),
        "dns:///flyte-grpc.flyte:8089"
    );
    assert_eq!(
        c.endpoint_origin(),
        Some(&Origin::Env("_U_EP_OVERRIDE".into()))
    );
    // What the user configured wins over the pod's scope: the file's project.
    assert_eq!(c.project(), Some("fromfile"));
    assert_eq!(c.domain(), Some("development"));
    assert_eq!(c.org(), Some("acme"));
    assert_eq!(
        c.origin("task.domain"),
        Some(&Origin::Env("FLYTE_INTERNAL_EXECUTION_DOMAIN".into()))
    );
    assert!(c.disable_keyring());

    // With nothing else: the pod's project; the keyring can still be asked for.
    let c = pod()
        .env("FLYTE_ADMIN_DISABLEKEYRING", "false")
        .load()
        .unwrap();
    assert_eq!(c.project(), Some("flytesnacks"));
    assert!(!c.disable_keyring());
}

#[test]
fn outside_a_task_pod_the_pod_variables_are_ignored() {
    let c = pod()
        .env("FLYTE_INTERNAL_EXECUTION_ID", "")
        .env("EAGER_API_KEY", "tok-eager")
        .load()
        .unwrap();
    assert!(c.endpoint().is_none());
    assert_eq!((c.project(), c.domain(), c.org()), (None, None, None));
    assert!(c.api_key().is_none());
    assert!(!c.disable_keyring());
}

#[test]
fn in_a_task_pod_the_injected_api_key_logs_in_unless_another_flow_is_set() {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD
        .encode("dns:///acme.example.com:443:app:cl1ent-5ecret:acme");
    let c = pod().env("_UNION_EAGER_API_KEY", &encoded).load().unwrap();
    assert_eq!(c.api_key().unwrap().expose(), encoded);
    // An API key brings its own endpoint, over the platform's override (Python: the same).
    assert_eq!(
        c.endpoint().unwrap().to_string(),
        "dns:///acme.example.com:443"
    );
    assert!(!format!("{c:?}").contains("cl1ent-5ecret"));
    let c = pod()
        .env("EAGER_API_KEY", &encoded)
        .env("FLYTE_ADMIN_AUTHTYPE", "ExternalCommand")
        .env("FLYTE_ADMIN_COMMAND", "mint-token")
        .load()
        .unwrap();
    assert!(c.api_key().is_none());
    assert_eq!(
        c.endpoint().unwrap().to_string(),
        "dns:///flyte-grpc.flyte:8089"
    );
}
