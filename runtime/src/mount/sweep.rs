//! Removing secret files left by runs that were killed before they could clean up.

use std::fs::File;
use std::path::Path;
use std::sync::Once;

use super::record::{RECORDS_DIR, is_locked_scheme, lock_if_dead, recorded_files, stays_inside};
use super::root::override_root;

static SWEPT: Once = Once::new();

/// Sweeps once per process: private directories under the override root, and recorded files
/// in the standard dir, of runs that are dead (their lock is free). Best effort: a failure
/// here never stops a task.
pub(crate) fn sweep_stale() {
    SWEPT.call_once(|| {
        if let Ok(root) = override_root() {
            sweep_private(&root);
        }
        sweep_standard(&Path::new(flyte_spec::MOUNT_PATH).join(RECORDS_DIR));
    });
}

/// Older runs, named `<kind>-<pid>-<seq>` or `<pid>-<seq>`, hold no lock: judged by their PID;
/// so is a run's record or directory before its lock is taken (`<run>.new`).
fn legacy_owner_gone(name: &str) -> bool {
    let mut parts = name.rsplitn(3, '-');
    let (_seq, pid) = (parts.next(), parts.next());
    match pid
        .and_then(|p| p.parse::<i32>().ok())
        .and_then(rustix::process::Pid::from_raw)
    {
        Some(pid) if pid.as_raw_nonzero().get() as u32 == std::process::id() => false,
        Some(pid) => matches!(
            rustix::process::test_kill_process(pid),
            Err(rustix::io::Errno::SRCH)
        ),
        None => false,
    }
}

/// Whether the run named `name` (its record or directory at `path`) is dead: `Some`, with its
/// lock held while the caller cleans up (none for an older lock-less run); `None` while it lives.
fn dead(name: &str, path: &Path) -> Option<Option<File>> {
    if is_locked_scheme(name) {
        lock_if_dead(path).map(Some)
    } else {
        legacy_owner_gone(name).then_some(None)
    }
}

pub(crate) fn sweep_private(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        let Some(_lock) = dead(name, &path) else {
            continue;
        };
        tracing::debug!(dir = %path.display(), "removing stale secrets directory");
        let _ = std::fs::remove_dir_all(&path);
    }
}

pub(crate) fn sweep_standard(records: &Path) {
    let Ok(entries) = std::fs::read_dir(records) else {
        return;
    };
    let mount = records.parent().unwrap_or(records);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let path = entry.path();
        let Some(_lock) = dead(name, &path) else {
            continue;
        };
        if let Ok(list) = std::fs::read_to_string(&path) {
            // A dead run may have died between recording a name and creating it, and a live
            // run may have created that name since: never remove what a live run lists.
            let live = recorded_files(records, Some(entry.file_name().as_os_str()));
            for relative in list.lines().filter(|l| stays_inside(l)) {
                if live.contains(relative) {
                    continue;
                }
                tracing::debug!(file = %mount.join(relative).display(), "removing stale secret file");
                let _ = std::fs::remove_file(mount.join(relative));
            }
        }
        let _ = std::fs::remove_file(&path);
    }
}
