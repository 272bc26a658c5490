//! `--store`, `--key-file` and `flyte serve reseal` as a user runs them.

use std::path::Path;
use std::process::Command;

use base64::Engine as _;

use super::*;

fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap()
}

fn write_keys(path: &Path, keys: &[u8]) {
    let text: Vec<String> = keys
        .iter()
        .map(|b| base64::engine::general_purpose::STANDARD.encode([*b; 32]))
        .collect();
    std::fs::write(path, text.join("\n") + "\n").unwrap();
    std::fs::set_permissions(path, std::os::unix::fs::PermissionsExt::from_mode(0o600)).unwrap();
}

fn reseal(data_dir: &Path, key_file: &Path) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_flyte"));
    cmd.args(["serve", "reseal", "--data-dir"])
        .arg(data_dir)
        .arg("--key-file")
        .arg(key_file);
    for var in CLEARED_ENV {
        cmd.env_remove(var);
    }
    cmd.output().unwrap()
}

/// Rotation from the command line: a new key first in the key file, `flyte serve reseal`,
/// then the old key can go; a running server holds the SQLite store, so a reseal waits for
/// it to stop.
#[test]
fn key_rotation_with_a_key_file_and_reseal() {
    let data = private_dir();
    let keys = private_dir();
    let key_file = keys.path().join("server.keys");
    write_keys(&key_file, &[1]);
    let key_arg = key_file.to_str().unwrap();
    let http = reqwest::blocking::Client::new();

    let mut s = spawn(data.path(), &["--key-file", key_arg], &[]);
    assert_eq!(
        create(&http, &s.url, "old", "value-under-one").unwrap(),
        200
    );
    assert!(
        !data.path().join(flyte_server::KEY_FILE).exists(),
        "no key is made up beside a given key file"
    );
    write_keys(&key_file, &[2, 1]);
    let out = reseal(data.path(), &key_file);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another flyte serve"), "{err}");
    sigterm(&s.child);
    assert!(wait_exit(&mut s.child).success());

    let out = reseal(data.path(), &key_file);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("1 values re-encrypted"), "{err}");
    assert!(!err.contains("value-under-one"), "{err}");

    write_keys(&key_file, &[2]);
    let mut s = spawn(data.path(), &["--key-file", key_arg], &[]);
    assert_eq!(get_status(&http, &s.url, "old"), 200);
    sigterm(&s.child);
    assert!(wait_exit(&mut s.child).success());

    write_keys(&key_file, &[1]);
    let out = flyte_serve(data.path(), &["--key-file", key_arg], &[])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(out.stdout.is_empty(), "no readiness line");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("does not match") && err.contains(key_arg),
        "{err}"
    );
}

#[test]
fn a_bad_store_or_key_file_is_refused_naming_it() {
    let data = private_dir();
    let out = flyte_serve(data.path(), &["--store", "mongodb://h/db"], &[])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("invalid store `mongodb://h/db`") && err.contains("sqlite"),
        "{err}"
    );

    let keys = private_dir();
    let missing = keys.path().join("nope.key");
    let out = flyte_serve(data.path(), &["--key-file", missing.to_str().unwrap()], &[])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("nope.key"), "{err}");

    let loose = keys.path().join("loose.key");
    write_keys(&loose, &[3]);
    std::fs::set_permissions(&loose, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let out = flyte_serve(data.path(), &["--key-file", loose.to_str().unwrap()], &[])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("loose.key") && err.contains("chmod 600"),
        "{err}"
    );
    let key = base64::engine::general_purpose::STANDARD.encode([3u8; 32]);
    assert!(!err.contains(&key), "{err}");
}

#[test]
fn a_postgres_store_password_is_never_shown() {
    let dir = private_dir();
    let pw = "pg-cli-pw-58d1";
    let check = |out: std::process::Output, expected: &str| {
        assert!(!out.status.success());
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains(expected), "{text}");
        assert!(!text.contains(pw), "{text}");
    };
    // Malformed, as a flag and from the variable.
    let bad = format!("postgres://flyte:{pw}@db.internal:notaport/flyte");
    check(
        flyte_serve(dir.path(), &["--store", &bad], &[])
            .output()
            .unwrap(),
        "flyte:***@db.internal:notaport/flyte",
    );
    check(
        flyte_serve(dir.path(), &[], &[("FLYTE_SERVER_STORE", &bad)])
            .output()
            .unwrap(),
        "the port must be a number",
    );
    // Well formed, but no key given: refused before connecting.
    let good = format!("postgres://flyte:{pw}@127.0.0.1:1/flyte");
    check(
        flyte_serve(dir.path(), &["--store", &good], &[])
            .output()
            .unwrap(),
        "postgres store needs its key given",
    );
    // --help shows the variable, not its value.
    let out = flyte_serve(dir.path(), &["--help"], &[("FLYTE_SERVER_STORE", &good)])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("FLYTE_SERVER_STORE") && !help.contains(pw),
        "{help}"
    );
}
