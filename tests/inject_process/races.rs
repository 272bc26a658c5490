//! Launcher runs at once in the standard dir, each replaying a race that once lost a task
//! its secrets.

use std::path::Path;

use flyte_test_backends::needs;

use super::trust::{STANDARD, standard_dir_mode, standard_run};

/// Two runs at once want one file name: the one that loses the race has listed the name in
/// its record before its create fails, and uses a private directory. While it lives, the
/// winner's task must still take the file as its own. Before, it skipped it as another
/// run's and did not start (a few in fifty concurrent runs of one task failed so).
#[needs(root)]
#[test]
fn a_run_that_lost_the_race_for_a_name_does_not_take_the_winners_file() {
    standard_dir_mode();
    let _one = super::standard_dir_lock();
    let records = Path::new(STANDARD).join(".flyte-runs");
    std::fs::create_dir_all(&records).unwrap();
    // The loser, alive (its record locked), listing the name without the file.
    let loser = records.join(format!("{}-r{:016x}", std::process::id(), 0x105e));
    std::fs::write(&loser, "fixture-file\n").unwrap();
    let lock = std::fs::File::open(&loser).unwrap();
    lock.lock().unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let dotenv = tmp.path().join("secrets.env");
    std::fs::write(&dotenv, "fixture-file=the-winners-v4lue\ngrp/cfg=g\n").unwrap();
    let out = standard_run("file_task", &dotenv).output().unwrap();
    drop(lock);
    let _ = std::fs::remove_file(&loser);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{STANDARD}/fixture-file|400|"))
            && stdout.contains("|the-winners-v4lue"),
        "{stdout}"
    );
}

/// Two runs at once, each with its own value for one file secret (two checkouts, two dotenv
/// files): the second cannot have the standard path, where its task would read the first
/// run's value. It does not start, and says why; the first run's value is not shown.
#[needs(root)]
#[test]
fn a_second_run_with_another_value_for_a_held_file_does_not_start() {
    standard_dir_mode();
    let _one = super::standard_dir_lock();
    let records = Path::new(STANDARD).join(".flyte-runs");
    std::fs::create_dir_all(&records).unwrap();
    // The first run, alive (its record locked), holding the file with its value.
    let first = records.join(format!("{}-r{:016x}", std::process::id(), 0xf1257));
    std::fs::write(&first, "fixture-file\n").unwrap();
    let lock = std::fs::File::open(&first).unwrap();
    lock.lock_shared().unwrap();
    let held = Path::new(STANDARD).join("fixture-file");
    std::fs::write(&held, "the-first-runs-v4lue").unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let dotenv = tmp.path().join("secrets.env");
    std::fs::write(&dotenv, "fixture-file=the-second-runs-v4lue\ngrp/cfg=g\n").unwrap();
    let out = standard_run("file_task", &dotenv).output().unwrap();
    // The same value is no conflict: that run falls back to private files and starts.
    std::fs::write(&dotenv, "fixture-file=the-first-runs-v4lue\ngrp/cfg=g\n").unwrap();
    let same = standard_run("file_task", &dotenv).output().unwrap();
    let _ = std::fs::remove_file(&held);
    drop(lock);
    let _ = std::fs::remove_file(&first);

    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(3), "{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "the body ran: {stdout}");
    assert!(
        stderr.contains(&format!("{STANDARD}/fixture-file holds another value"))
            && stderr.contains("FLYTE_SECRETS_ROOT"),
        "{stderr}"
    );
    assert!(!stderr.contains("v4lue"), "a value leaked: {stderr}");
    assert!(
        same.status.success(),
        "{}",
        String::from_utf8_lossy(&same.stderr)
    );
}
