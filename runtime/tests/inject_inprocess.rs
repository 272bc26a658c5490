//! In-process task calls: the typed accessor, isolation between concurrent tasks, missing and
//! undeclared secrets, file secrets' modes and cleanup. Nothing here writes the environment:
//! values come from per-call resolvers.

use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use flyte::sources::{MapSource, Resolver};
use flyte::{Error, Secret, task};

#[task(secrets = "iso-key")]
async fn isolated(rounds: usize) -> String {
    let mut seen = Vec::new();
    for _ in 0..rounds {
        tokio::task::yield_now().await;
        seen.push(
            flyte::secret!("iso-key")
                .unwrap()
                .expose_str()
                .unwrap()
                .to_owned(),
        );
    }
    seen.dedup();
    assert_eq!(seen.len(), 1, "the value changed between polls");
    seen.pop().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_tasks_each_see_only_their_own_value() {
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let resolver =
                Resolver::new().with(MapSource::new().with("iso-key", format!("value-{i}")));
            tokio::spawn(resolver.scope(isolated(5)))
        })
        .collect();
    for (i, h) in handles.into_iter().enumerate() {
        assert_eq!(h.await.unwrap(), format!("value-{i}"));
    }
}

#[task(secrets = ["alpha", Secret(key = "token", group = "gh")])]
fn declares_alpha() -> Result<String, Error> {
    // Through the function API (not the macro), so the undeclared key compiles and is caught
    // at run time.
    flyte::current::secret("beta").map(|_| String::new())
}

#[test]
fn undeclared_secret_names_task_and_key() {
    let resolver = Resolver::new().with(MapSource::new().with("alpha", "a").with("gh/token", "t"));
    let err = resolver.run(declares_alpha).unwrap_err();
    assert!(matches!(err, Error::Undeclared { .. }));
    assert_eq!(
        err.to_string(),
        "task `declares_alpha` did not declare secret `beta`; add it to #[task(secrets = ...)]"
    );
}

#[test]
fn accessor_outside_a_task_is_an_error() {
    let err = flyte::current::secret("alpha").unwrap_err();
    assert!(matches!(err, Error::NoTask { .. }), "{err}");
}

/// A thread the body spawns is not the task: its read fails, and the message says what to do.
#[task(secrets = ["alpha", Secret(key = "token", group = "gh")])]
fn reads_in_a_spawned_thread() -> Result<String, Error> {
    let in_body = flyte::secret!("alpha")?.expose_str().unwrap().to_owned();
    let spawned = std::thread::spawn(|| flyte::current::secret("alpha").map(|_| ()))
        .join()
        .unwrap();
    let err = spawned.unwrap_err();
    assert!(matches!(err, Error::NoTask { .. }), "{err}");
    let shown = err.to_string();
    assert!(
        shown.contains("not to threads or tasks it spawns")
            && shown.contains("move the value into the spawned code"),
        "{shown}"
    );
    Ok(in_body)
}

#[test]
fn a_thread_the_body_spawns_is_told_to_take_the_value_from_the_body() {
    let resolver =
        Resolver::new().with(MapSource::new().with("alpha", "a-1").with("gh/token", "t"));
    assert_eq!(resolver.run(reads_in_a_spawned_thread).unwrap(), "a-1");
}

#[task(secrets = ["one", Secret(key = "two", as_env_var = "TWO_VAR"), Secret(key = "three", mount = "/etc/flyte/secrets")])]
fn needs_three() -> Result<(), Error> {
    panic!("the body must not run when secrets are missing");
}

#[task(secrets = "one")]
fn needs_one_no_result() -> u32 {
    panic!("the body must not run when secrets are missing");
}

#[test]
fn missing_secrets_are_all_listed_with_every_place_looked() {
    let dir = tempfile::tempdir().unwrap();
    let dotenv = dir.path().join("secrets.env");
    std::fs::write(&dotenv, "unrelated=1\n").unwrap();
    let resolver = Resolver::new()
        .with(flyte::sources::ProcessSource::with_mount_dir(
            dir.path().join("mount"),
        ))
        .with(flyte::sources::DotenvSource::new(&dotenv));
    let err = resolver.run(needs_three).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.starts_with("task `needs_three` cannot start: 3 secrets not found"),
        "{msg}"
    );
    for needle in [
        "`one`",
        "env var ONE",
        "`two`",
        "env var TWO_VAR",
        "`three`",
        &format!("file {}", dir.path().join("mount/three").display()),
        &format!("dotenv file {} (entry one or ONE)", dotenv.display()),
        "(entry three or THREE)",
    ] {
        assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
    }
}

#[test]
fn a_task_without_a_result_type_panics_with_the_message() {
    let resolver = Resolver::new();
    let panic = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        resolver.run(needs_one_no_result)
    }))
    .unwrap_err();
    let msg = panic.downcast_ref::<String>().cloned().unwrap_or_default();
    assert!(
        msg.contains("task `needs_one_no_result` cannot start: 1 secret not found"),
        "{msg}"
    );
    assert!(msg.contains("`one`"), "{msg}");
}

#[derive(Debug)]
enum BodyOutcome {
    Ok,
    Fail,
    Panic,
}

#[task(secrets = [Secret(key = "cert", mount = "/etc/flyte/secrets"), Secret(key = "key", group = "tls", mount = "/etc/flyte/secrets")])]
fn file_task(outcome: BodyOutcome, seen: &std::sync::Mutex<Vec<PathBuf>>) -> Result<(), Error> {
    for s in flyte::current::secrets()? {
        let path = s.path().unwrap().to_owned();
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(
            meta.permissions().mode() & 0o777,
            0o400,
            "file mode of {}",
            path.display()
        );
        let dir_mode = std::fs::metadata(path.parent().unwrap())
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(dir_mode, 0o700, "dir mode of {}", path.display());
        assert_eq!(std::fs::read(&path).unwrap(), s.expose());
        seen.lock().unwrap().push(path);
    }
    match outcome {
        BodyOutcome::Ok => Ok(()),
        BodyOutcome::Fail => Err(Error::NoTask {
            key: "simulated failure".into(),
        }),
        BodyOutcome::Panic => panic!("simulated panic"),
    }
}

#[test]
fn file_secrets_have_private_modes_and_are_removed_after_success_error_and_panic() {
    let values = MapSource::new()
        .with("cert", "CERT-VALUE")
        .with("tls/key", "KEY-VALUE");
    for outcome in [BodyOutcome::Ok, BodyOutcome::Fail, BodyOutcome::Panic] {
        let label = format!("{outcome:?}");
        let seen = std::sync::Mutex::new(Vec::new());
        let resolver = Resolver::new().with(values.clone());
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            resolver.run(|| file_task(outcome, &seen))
        }));
        let seen = seen.into_inner().unwrap_or_else(|p| p.into_inner());
        assert_eq!(seen.len(), 2, "{label}: the body saw both files");
        assert!(
            seen.iter()
                .any(|p| p.ends_with("key") && !p.ends_with("tls/key")),
            "{label}: grouped file at <dir>/<key>, as on a Flyte 2 cluster: {seen:?}"
        );
        for path in &seen {
            assert!(
                !path.exists(),
                "{label}: {} still exists after the task",
                path.display()
            );
        }
        let run_dir = seen[0].parent().unwrap();
        assert!(
            !run_dir.exists(),
            "{label}: the task's directory {} remains",
            run_dir.display()
        );
        match label.as_str() {
            "Ok" => assert!(matches!(result, Ok(Ok(())))),
            "Fail" => assert!(matches!(result, Ok(Err(_)))),
            _ => assert!(result.is_err()),
        }
    }
}

#[task(secrets = "shown")]
fn debug_task() -> String {
    let s = flyte::secret!("shown").unwrap();
    format!("{s:?} {s:#?} {:?}", flyte::current::secrets().unwrap())
}

#[test]
fn debug_output_never_holds_the_value() {
    let resolver = Resolver::new().with(MapSource::new().with("shown", "VALUE-THAT-MUST-NOT-LEAK"));
    let shown = resolver.run(debug_task);
    assert!(shown.contains("REDACTED"), "{shown}");
    assert!(!shown.contains("VALUE-THAT-MUST-NOT-LEAK"), "{shown}");
}
