//! Run records: which files of the standard dir each launcher run wrote, and whether that run
//! is still alive.
//!
//! A run is named `<pid>-r<16 hex>` (random, so a reused PID never names an old run) and
//! holds an advisory lock (`flock`) on its record, or on its private directory, for as long
//! as it lives: the kernel drops the lock when the process dies, however it dies (PID 1 of a
//! restarted container included). A free lock means a dead run; a held one, a live run.
//! Owners take the lock *shared*, and the launched task joins it ([`join_run`]) when it
//! starts, so a task whose launcher was killed keeps its files until it ends too; a sweeper
//! asks for it *exclusive*, which it only gets once every holder is gone.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use rustix::fs::{FlockOperation, flock};
use zeroize::Zeroizing;

use crate::Error;

/// Where runs that write into the standard dir record their files.
pub(crate) const RECORDS_DIR: &str = ".flyte-runs";

/// The env var that tells a launched task the id of the run that wrote its files, so it
/// reads those files while skipping every other run's (see [`crate::sources::ProcessSource`]).
pub(crate) const RUN_ID_ENV: &str = flyte_spec::RUN_ID_VAR;

/// A fresh run id, `<pid>-r<16 hex>`.
pub(crate) fn new_run_id() -> String {
    format!("{}-r{:016x}", std::process::id(), rand::random::<u64>())
}

/// The name a record or private directory has until its lock is taken. A sweeper that saw
/// the run's own name unlocked would take the run for dead and remove it, so the run takes
/// the lock under this name and only then renames it into place. It is no run id of the
/// locked scheme: a sweeper judges it by its PID, alive while its creator lives.
pub(crate) fn unlocked_name(name: &str) -> String {
    format!("{name}.new")
}

/// Whether `name` is a run id of this scheme (older records are `<pid>-<seq>`).
pub(crate) fn is_locked_scheme(name: &str) -> bool {
    name.rsplit_once('-')
        .is_some_and(|(_, tail)| tail.len() == 17 && tail.starts_with('r'))
}

/// Takes the lock a live run holds on `file` (its record or its private directory).
pub(crate) fn lock(file: &File, path: &Path) -> Result<(), Error> {
    flock(file, FlockOperation::NonBlockingLockShared).map_err(|e| Error::Io {
        action: "cannot lock run record",
        path: path.to_owned(),
        source: e.into(),
    })
}

/// If the run owning `path` is dead, its lock, held while cleaning up; `None` while it lives
/// (or if it cleaned up itself: the path is gone or unlinked).
pub(crate) fn lock_if_dead(path: &Path) -> Option<File> {
    let file = File::open(path).ok()?;
    flock(&file, FlockOperation::NonBlockingLockExclusive).ok()?;
    // Unlinked after we opened it: the owner removed its files itself before exiting.
    (file.metadata().ok()?.nlink() > 0).then_some(file)
}

/// Called by a launched task as it starts: holds the lock of the run that wrote its files
/// (its record in the standard dir, named in [`RUN_ID_ENV`], or its private directory, named
/// in `FLYTE_SECRETS_DEFAULT_DIR`) until this process exits. Best effort.
pub(crate) fn join_run(default_dir: Option<std::ffi::OsString>) {
    static HELD: std::sync::OnceLock<Vec<File>> = std::sync::OnceLock::new();
    HELD.get_or_init(|| {
        let mut held = Vec::new();
        let mut try_lock = |path: PathBuf| {
            if let Ok(file) = File::open(&path)
                && flock(&file, FlockOperation::NonBlockingLockShared).is_ok()
            {
                held.push(file);
            }
        };
        if let Some(id) = std::env::var_os(RUN_ID_ENV).filter(|v| !v.is_empty()) {
            try_lock(Path::new(flyte_spec::MOUNT_PATH).join(RECORDS_DIR).join(id));
        }
        if let Some(dir) = default_dir {
            let dir = PathBuf::from(dir);
            if dir
                .file_name()
                .and_then(OsStr::to_str)
                .is_some_and(is_locked_scheme)
            {
                try_lock(dir);
            }
        }
        held
    });
}

/// One run's record in `<standard dir>/.flyte-runs/<run id>`, locked while the run lives.
#[derive(Debug)]
pub(crate) struct RunRecord {
    pub(crate) id: String,
    path: PathBuf,
    file: File,
}

impl RunRecord {
    pub(crate) fn create(records: &Path) -> Result<RunRecord, Error> {
        let id = new_run_id();
        let path = records.join(&id);
        let io = |action, source| Error::Io {
            action,
            path: path.clone(),
            source,
        };
        let fresh = records.join(unlocked_name(&id));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .mode(0o600)
            .open(&fresh)
            .map_err(|e| io("cannot create run record", e))?;
        let named = lock(&file, &fresh).and_then(|()| {
            std::fs::rename(&fresh, &path).map_err(|e| io("cannot name run record", e))
        });
        if let Err(e) = named {
            let _ = std::fs::remove_file(&fresh);
            return Err(e);
        }
        Ok(RunRecord { id, path, file })
    }

    /// Adds `relative` before its file is created, so a kill between the two leaves a trace.
    pub(crate) fn add(&mut self, relative: &str) -> Result<(), Error> {
        writeln!(self.file, "{relative}")
            .and_then(|()| self.file.sync_data())
            .map_err(|source| Error::Io {
                action: "cannot write run record",
                path: self.path.clone(),
                source,
            })
    }
}

impl Drop for RunRecord {
    fn drop(&mut self) {
        // Unlinked while still locked: a sweeper that opened it meanwhile sees it gone.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The files (relative to the mount dir) that the records in `records` list, except those of
/// run `except`.
pub(crate) fn recorded_files(records: &Path, except: Option<&OsStr>) -> HashSet<String> {
    let Ok(entries) = std::fs::read_dir(records) else {
        return HashSet::new();
    };
    entries
        .flatten()
        .filter(|e| Some(e.file_name().as_os_str()) != except)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|list| {
            list.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The files that runs other than `own` list and `own` does not: written by another run.
pub(crate) fn others_files(records: &Path, own: Option<&OsStr>) -> HashSet<String> {
    let mut others = recorded_files(records, own);
    if let Some(list) = own.and_then(|own| std::fs::read_to_string(records.join(own)).ok()) {
        for relative in list.lines() {
            others.remove(relative);
        }
    }
    others
}

/// The first of `files` that another live run holds in the standard dir with a value other
/// than this run's: a task reading it at the standard path would read that run's secret.
pub(crate) fn held_with_another_value(files: &[(&str, &[u8])]) -> Option<PathBuf> {
    let dir = Path::new(flyte_spec::MOUNT_PATH);
    let others = recorded_files(&dir.join(RECORDS_DIR), None);
    files.iter().find_map(|(relative, value)| {
        let path = dir.join(relative);
        let held = others.contains(*relative)
            && std::fs::read(&path).is_ok_and(|v| *Zeroizing::new(v) != *value);
        held.then_some(path)
    })
}

/// Whether `relative` is safe to join to the mount dir: no absolute path, `..`, or NUL.
pub(crate) fn stays_inside(relative: &str) -> bool {
    !relative.is_empty()
        && !relative.starts_with('/')
        && !relative.contains('\0')
        && relative
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    use super::*;
    use crate::mount::MountDir;
    use crate::mount::sweep::{sweep_private, sweep_standard};

    /// A sweeper at work while runs start never takes a starting run for a dead one. A run
    /// once created its record (or private directory) and only then locked it: a sweep in
    /// between removed a live run's record, so the files it wrote next were nobody's and
    /// another run took them for a platform's. A race: on that code this failed within some
    /// hundreds of rounds, not on every run.
    #[test]
    fn a_sweep_never_removes_a_run_being_created() {
        let root = tempfile::tempdir().unwrap();
        let records = root.path().join(RECORDS_DIR);
        std::fs::create_dir(&records).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let sweeper = {
            let (stop, records, root) = (stop.clone(), records.clone(), root.path().to_owned());
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    sweep_standard(&records);
                    sweep_private(&root);
                }
            })
        };
        for round in 0..2000 {
            let record = RunRecord::create(&records).unwrap_or_else(|e| panic!("{round}: {e}"));
            assert!(record.path.exists(), "round {round}: record swept");
            let mount = MountDir::private_under(root.path(), "t")
                .unwrap_or_else(|e| panic!("{round}: {e}"));
            assert!(mount.path().exists(), "round {round}: directory swept");
        }
        stop.store(true, Ordering::Relaxed);
        sweeper.join().unwrap();
    }
}
