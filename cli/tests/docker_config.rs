//! Image pull secrets: the dockerconfigjson `flyte create secret --type image_pull` stores,
//! compared byte for byte with what the Python CLI's builder makes of the same inputs (when
//! FLYTE_TEST_PYTHON names the venv's interpreter), and with the expected text.

use crate::support;

use std::process::Stdio;

use base64::Engine as _;
use flyte_test_backends::needs;
use support::{Home, Serve, assert_not_shown, texts};

fn b64(s: &str) -> String {
    base64::engine::general_purpose::STANDARD.encode(s)
}

/// A Docker credential helper speaking Docker's protocol (registry on stdin, JSON out); it
/// knows every registry except `unknown.io`.
fn install_helper(home: &Home, name: &str) -> String {
    let bin = home.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let path = bin.join(format!("docker-credential-{name}"));
    std::fs::write(
        &path,
        "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread -r reg || true\n\
         [ \"$reg\" = unknown.io ] && { echo 'credentials not found in native keychain' >&2; exit 1; }\n\
         printf '{\"ServerURL\":\"%s\",\"Username\":\"user-%s\",\"Secret\":\"helper-s3cret-%s\"}\\n' \"$reg\" \"$reg\" \"$reg\"\n",
    )
    .unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

const CONFIG: &str = r#"{
  "auths": {
    "https://index.docker.io/v1/": {"auth": "ZGlyZWN0LXVzZXI6ZGlyZWN0LXB3"},
    "ghcr.io": {},
    "quay.io": {"auth": ""},
    "unknown.io": {}
  },
  "credHelpers": {"ghcr.io": "clitest"},
  "credsStore": "clitest"
}"#;

/// The Python interpreter for the `_matches_python` tests (`FLYTE_TEST_PYTHON`, which
/// `#[needs(python)]` checked).
fn python() -> String {
    std::env::var("FLYTE_TEST_PYTHON").expect("checked by #[needs(python)]")
}

/// What the Python CLI's builder gives.
fn python_build(python: &str, home: &Home, path_var: &str, args: &[&str], stdin: &str) -> String {
    let script = r#"
import sys
from flyte._utils.docker_credentials import create_dockerconfigjson_from_config as cfg, create_dockerconfigjson_from_credentials as creds
mode = sys.argv[1]
if mode == "config":
    regs = [r.strip() for r in sys.argv[3].split(",")] if sys.argv[3] else None
    sys.stdout.write(cfg(registries=regs, docker_config_path=sys.argv[2] or None))
else:
    sys.stdout.write(creds(sys.argv[2], sys.argv[3], sys.stdin.readline().rstrip("\n")))
"#;
    let mut cmd = home.command(python);
    cmd.env("PATH", path_var)
        .arg("-c")
        .arg(script)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "python: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn stored(serve: &Serve, name: &str) -> String {
    String::from_utf8(serve.read_value(name, "", "").expect("stored")).unwrap()
}

#[test]
fn from_docker_config() {
    from_docker_config_case(None);
}

/// The same, each stored value also compared with the Python CLI's.
#[needs(python)]
#[test]
fn from_docker_config_matches_python() {
    from_docker_config_case(Some(&python()));
}

fn from_docker_config_case(python: Option<&str>) {
    let (home, serve) = (Home::new(), Serve::start());
    let path_var = install_helper(&home, "clitest");
    let config = home.path().join("docker-config.json");
    std::fs::write(&config, CONFIG).unwrap();
    let create = |name: &str, extra: &[&str]| {
        let mut cmd = home.flyte();
        cmd.env("PATH", &path_var)
            .args([
                "--endpoint",
                &serve.url,
                "create",
                "secret",
                name,
                "--type",
                "image_pull",
                "--from-docker-config",
            ])
            .args(extra);
        cmd.output().unwrap()
    };
    let cfg = config.to_str().unwrap();

    // All registries, in file order; unknown.io has no credentials: skipped with a warning.
    let out = create("all", &["--docker-config-path", cfg]);
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "helper-s3cret");
    assert!(
        texts(&out).1.contains("unknown.io"),
        "a warning names the skipped registry"
    );
    let expected = format!(
        r#"{{"auths": {{"https://index.docker.io/v1/": {{"auth": "ZGlyZWN0LXVzZXI6ZGlyZWN0LXB3"}}, "ghcr.io": {{"auth": "{}"}}, "quay.io": {{"auth": "{}"}}}}}}"#,
        b64("user-ghcr.io:helper-s3cret-ghcr.io"),
        b64("user-quay.io:helper-s3cret-quay.io"),
    );
    assert_eq!(stored(&serve, "all"), expected);
    if let Some(python) = python {
        let py = python_build(python, &home, &path_var, &["config", cfg, ""], "");
        assert_eq!(stored(&serve, "all"), py, "same bytes as the Python CLI");
    }

    // Some registries, with spaces around the commas, found through $DOCKER_CONFIG.
    let docker_dir = home.path().join("docker-dir");
    std::fs::create_dir_all(&docker_dir).unwrap();
    std::fs::copy(&config, docker_dir.join("config.json")).unwrap();
    let out = home
        .flyte()
        .env("PATH", &path_var)
        .env("DOCKER_CONFIG", &docker_dir)
        .args([
            "--endpoint",
            &serve.url,
            "create",
            "secret",
            "some",
            "--type",
            "image_pull",
            "--from-docker-config",
        ])
        .args(["--registries", "quay.io, https://index.docker.io/v1/"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    let expected = format!(
        r#"{{"auths": {{"quay.io": {{"auth": "{}"}}, "https://index.docker.io/v1/": {{"auth": "ZGlyZWN0LXVzZXI6ZGlyZWN0LXB3"}}}}}}"#,
        b64("user-quay.io:helper-s3cret-quay.io")
    );
    assert_eq!(stored(&serve, "some"), expected);
    if let Some(python) = python {
        let py = python_build(
            python,
            &home,
            &path_var,
            &["config", cfg, "quay.io, https://index.docker.io/v1/"],
            "",
        );
        assert_eq!(stored(&serve, "some"), py);
    }

    // The default location: ~/.docker/config.json.
    std::fs::create_dir_all(home.path().join(".docker")).unwrap();
    std::fs::copy(&config, home.path().join(".docker/config.json")).unwrap();
    let out = create("home", &["--registries", "ghcr.io"]);
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(
        stored(&serve, "home"),
        format!(
            r#"{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}"#,
            b64("user-ghcr.io:helper-s3cret-ghcr.io")
        )
    );
}

#[test]
fn from_docker_config_errors_create_nothing() {
    let (home, serve) = (Home::new(), Serve::start());
    let path_var = install_helper(&home, "clitest");
    let config = home.path().join("c.json");
    std::fs::write(&config, CONFIG).unwrap();
    let run = |name: &str, extra: &[&str]| {
        home.flyte()
            .env("PATH", &path_var)
            .args([
                "--endpoint",
                &serve.url,
                "create",
                "secret",
                name,
                "--type",
                "image_pull",
                "--from-docker-config",
            ])
            .args(extra)
            .output()
            .unwrap()
    };
    // The helper has nothing for unknown.io.
    let out = run(
        "none",
        &[
            "--docker-config-path",
            config.to_str().unwrap(),
            "--registries",
            "unknown.io",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(
        err.contains("No credentials could be extracted for registries: unknown.io"),
        "{err}"
    );
    assert!(
        err.contains("Failed to create dockerconfigjson from Docker config"),
        "{err}"
    );
    assert!(
        err.contains("credentials not found in native keychain"),
        "the helper's own words are logged: {err}"
    );
    assert_eq!(serve.read_value("none", "", ""), None);

    // No auth entry and no helper at all.
    let bare = home.path().join("bare.json");
    std::fs::write(&bare, r#"{"auths": {"a.io": {}}}"#).unwrap();
    let out = run(
        "bare",
        &[
            "--docker-config-path",
            bare.to_str().unwrap(),
            "--registries",
            "a.io,b.io",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(
        err.contains("No credentials found for a.io")
            && err.contains("No credentials found for b.io"),
        "{err}"
    );
    assert!(
        err.contains("No credentials could be extracted for registries: a.io, b.io"),
        "{err}"
    );
    assert_eq!(serve.read_value("bare", "", ""), None);

    // No ~/.docker/config.json at all.
    let out = run("nofile", &[]);
    assert_eq!(out.status.code(), Some(1));
    let (_, err) = texts(&out);
    assert!(err.contains(".docker/config.json"), "{err}");

    let empty = home.path().join("empty.json");
    std::fs::write(&empty, r#"{"auths": {}}"#).unwrap();
    let out = run("empty", &["--docker-config-path", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        texts(&out)
            .1
            .contains("No registries found in Docker config and none specified")
    );
}

#[test]
fn registry_and_username_with_password_from_stdin() {
    registry_and_username_with_password_from_stdin_case(None);
}

/// The same, the stored value also compared with the Python CLI's.
#[needs(python)]
#[test]
fn registry_and_username_with_password_from_stdin_matches_python() {
    registry_and_username_with_password_from_stdin_case(Some(&python()));
}

fn registry_and_username_with_password_from_stdin_case(python: Option<&str>) {
    let (home, serve) = (Home::new(), Serve::start());
    let out = home
        .flyte()
        .args([
            "--endpoint",
            &serve.url,
            "create",
            "secret",
            "explicit",
            "--type",
            "image_pull",
        ])
        .args(["--registry", "ghcr.io", "--username", "octo cat"])
        .write_stdin("p@ss:w0rd-piped\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "p@ss:w0rd-piped");
    let expected = format!(
        r#"{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}"#,
        b64("octo cat:p@ss:w0rd-piped")
    );
    assert_eq!(stored(&serve, "explicit"), expected);
    if let Some(python) = python {
        let py = python_build(
            python,
            &home,
            &std::env::var("PATH").unwrap_or_default(),
            &["creds", "ghcr.io", "octo cat"],
            "p@ss:w0rd-piped\n",
        );
        assert_eq!(stored(&serve, "explicit"), py);
    }
    let listed = home
        .flyte()
        .args([
            "--endpoint",
            &serve.url,
            "get",
            "secret",
            "explicit",
            "-o",
            "table-simple",
        ])
        .output()
        .unwrap();
    assert!(texts(&listed).0.contains("image_pull"));

    // Username missing too: read from stdin first, then the password.
    let out = home
        .flyte()
        .args([
            "--endpoint",
            &serve.url,
            "create",
            "secret",
            "both",
            "--type",
            "image_pull",
            "--registry",
            "r.io",
        ])
        .write_stdin("piped-user\npiped-pw\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_eq!(
        stored(&serve, "both"),
        format!(
            r#"{{"auths": {{"r.io": {{"auth": "{}"}}}}}}"#,
            b64("piped-user:piped-pw")
        )
    );
}

/// `--password`, as the Python CLI's: stored, never shown, and only with --registry.
#[test]
fn registry_username_and_password_flags() {
    let (home, serve) = (Home::new(), Serve::start());
    let create = |name: &str| {
        let mut cmd = home.flyte();
        cmd.args(["--endpoint", &serve.url, "create", "secret", name])
            .args(["--type", "image_pull"]);
        cmd
    };
    let out = create("flags")
        .args(["--registry", "ghcr.io", "--username", "octo"])
        .args(["--password", "fl4g-pa55word"])
        .write_stdin("")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "fl4g-pa55word");
    let expected = format!(
        r#"{{"auths": {{"ghcr.io": {{"auth": "{}"}}}}}}"#,
        b64("octo:fl4g-pa55word")
    );
    assert_eq!(stored(&serve, "flags"), expected);

    let out = create("nope")
        .args(["--password", "fl4g-pa55word"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{:?}", texts(&out));
    assert_not_shown(&out, "fl4g-pa55word");
    assert!(texts(&out).1.contains("--registry"), "{:?}", texts(&out));
}

/// Stdin ended before the password: the hint names what works for an image pull secret, not
/// --value or --from-file, which do not go with --registry.
#[test]
fn no_password_on_stdin_says_how_to_give_one() {
    let (home, serve) = (Home::new(), Serve::start());
    let out = home
        .flyte()
        .args(["--endpoint", &serve.url, "create", "secret", "ip3"])
        .args([
            "--type",
            "image_pull",
            "--registry",
            "ghcr.io",
            "--username",
            "u",
        ])
        .write_stdin("")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{:?}", texts(&out));
    let stderr = texts(&out).1;
    assert!(
        stderr.contains("error: no value for secret `ip3`: stdin is not a terminal and ended before the password")
            && stderr.contains("hint: pipe the password on stdin, or pass --password")
            && !stderr.contains("--value")
            && !stderr.contains("--from-file"),
        "{stderr:?}"
    );
}
