//! What `Launcher::describe` says about a program that is no task binary.

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
