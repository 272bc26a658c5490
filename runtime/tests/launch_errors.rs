//! What `Launcher` says about a program that is no task binary, or does not start.

use flyte::Error;
use flyte::launch::Launcher;

#[test]
fn a_missing_binary_is_named_with_the_problem() {
    let err = Launcher::new("./definitely-no-such-binary")
        .describe()
        .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, Error::NotTaskBinary { .. }), "{err:?}");
    assert!(!msg.contains("`*`"), "{msg}");
    assert!(msg.contains("./definitely-no-such-binary"), "{msg}");
    assert!(msg.contains("No such file"), "{msg}");
}

#[test]
fn a_binary_that_prints_no_list_is_named() {
    let err = Launcher::new("/bin/true").describe().unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("/bin/true") && msg.contains("task list"),
        "{msg}"
    );
    assert!(!msg.contains("`*`"), "{msg}");
}

/// A task process that cannot start: the error names the task and the program, and carries
/// the operating system's error as its source (a caller can match its kind).
#[test]
fn a_task_that_cannot_start_carries_the_os_error() {
    let err = Launcher::new("./definitely-no-such-binary")
        .resolver(flyte::sources::Resolver::new())
        .prepare("t", &[])
        .unwrap()
        .spawn()
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "task `t`: cannot start ./definitely-no-such-binary"
    );
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("an io::Error source");
    assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
}
