//! Removing secret files left by runs that were killed before they could clean up.

use std::path::Path;
use std::sync::Once;

use super::root::override_root;

/// Where runs that write into the standard dir record their files.
pub(crate) const RECORDS_DIR: &str = ".flyte-runs";

static SWEPT: Once = Once::new();

/// Sweeps once per process: private directories `<kind>-<pid>-<seq>` under the override root,
/// and recorded files in the standard dir, whose process is gone. Best effort: a failure
/// here never stops a task.
pub fn sweep_stale() {
    SWEPT.call_once(|| {
        if let Ok(root) = override_root() {
            sweep_private(&root);
        }
        sweep_standard(&Path::new(flyte_spec::MOUNT_PATH).join(RECORDS_DIR));
    });
}

fn owner_gone(name: &str) -> bool {
    // `<kind>-<pid>-<seq>` or `<pid>-<seq>`
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

pub(crate) fn sweep_private(root: &Path) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if owner_gone(name) {
            tracing::debug!(dir = %entry.path().display(), "removing stale secrets directory");
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn sweep_standard(records: &Path) {
    let Ok(entries) = std::fs::read_dir(records) else {
        return;
    };
    let mount = records.parent().unwrap_or(records);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !owner_gone(name) {
            continue;
        }
        if let Ok(list) = std::fs::read_to_string(entry.path()) {
            for relative in list.lines().filter(|l| !l.is_empty() && !l.contains("..")) {
                tracing::debug!(file = %mount.join(relative).display(), "removing stale secret file");
                let _ = std::fs::remove_file(mount.join(relative));
            }
        }
        let _ = std::fs::remove_file(entry.path());
    }
}
