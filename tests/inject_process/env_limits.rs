//! Values an env var cannot carry (a NUL byte, more than Linux passes in one variable) are
//! refused by the secret's name with the fix, before the task starts, and show no value.

use std::process::Stdio;

use super::fixtures;
use flyte::launch::Launcher;
use flyte::sources::{MapSource, Resolver};

/// A value with a NUL byte cannot be an env var: the error names the secret and the fix,
/// not only the OS's "nul byte found", and shows no value.
#[test]
fn an_env_secret_with_a_nul_byte_is_refused_by_name() {
    let root = tempfile::tempdir().unwrap();
    let l = Launcher::new(fixtures())
        .resolver(Resolver::new().with(MapSource::new().with("fixture-secret", "bin\0ary-v4lue")))
        .mount_root(root.path());
    let list = l.describe().unwrap();
    let info = list.tasks.iter().find(|t| t.name == "env_task").unwrap();
    let err = l
        .prepare(&info.name, &info.secret_defs())
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("secret `fixture-secret` holds a NUL byte")
            && err.contains("FIXTURE_SECRET")
            && err.contains("`mount`"),
        "{err}"
    );
    assert!(!err.contains("v4lue"), "{err}");
}

/// A value longer than an env var can carry: the error names the secret, its size and the
/// fix, instead of the OS's "Argument list too long"; one byte less starts the task.
#[test]
fn an_env_secret_too_long_for_an_env_var_is_refused_by_name() {
    let root = tempfile::tempdir().unwrap();
    // `FIXTURE_SECRET=` and the NUL take 16 of the 128 KiB.
    let fits = "v".repeat(128 * 1024 - 16);
    let too_long = format!("{fits}w");
    for (value, ok) in [(&fits, true), (&too_long, false)] {
        let l = Launcher::new(fixtures())
            .resolver(Resolver::new().with(MapSource::new().with("fixture-secret", value.as_str())))
            .mount_root(root.path());
        let list = l.describe().unwrap();
        let info = list.tasks.iter().find(|t| t.name == "env_task").unwrap();
        let result = l.prepare(&info.name, &info.secret_defs());
        if ok {
            let mut prepared = result.unwrap();
            let status = prepared.command.stdout(Stdio::null()).status().unwrap();
            assert!(status.success(), "{status}");
            continue;
        }
        let err = result.unwrap_err().to_string();
        assert!(
            err.contains("secret `fixture-secret` is 131057 bytes")
                && err.contains("FIXTURE_SECRET")
                && err.contains("`mount`"),
            "{err}"
        );
        assert!(!err.contains("vvvvvv"), "{err}");
    }
}
