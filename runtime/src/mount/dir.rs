//! [`MountDir`]: one task run's secret files, removed on drop.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use super::record::{RECORDS_DIR, RunRecord, lock, new_run_id, unlocked_name};
use super::root::{create_standard_dir, override_root};
use super::sweep::sweep_stale;
use crate::Error;
use crate::secret::SecretValue;

/// The files of one task run. Dropping it removes them (and the directory when it is a
/// private one).
#[derive(Debug)]
pub struct MountDir {
    dir: PathBuf,
    /// A private directory we created and remove whole; else the standard dir, where only
    /// our own files (listed in `record`) are removed.
    private: bool,
    record: Option<RunRecord>,
    /// The lock on a private directory, held while the run lives (see [`super::record`]).
    _lock: Option<File>,
    files: Vec<PathBuf>,
    subdirs: Vec<PathBuf>,
}

impl MountDir {
    /// A new private directory `<override root>/<kind>-<run id>`.
    pub fn private(kind: &str) -> Result<MountDir, Error> {
        sweep_stale();
        Self::private_under(&override_root()?, kind)
    }

    /// A new private directory under `root` (which must exist and be private).
    pub fn private_under(root: &Path, kind: &str) -> Result<MountDir, Error> {
        let name = format!("{kind}-{}", new_run_id());
        let dir = root.join(&name);
        let io = |action, source| Error::Io {
            action,
            path: dir.clone(),
            source,
        };
        // Locked under a passing name, then named (see `unlocked_name`).
        let fresh = root.join(unlocked_name(&name));
        DirBuilder::new()
            .mode(0o700)
            .create(&fresh)
            .map_err(|e| io("cannot create secrets directory", e))?;
        let held = File::open(&fresh)
            .map_err(|e| io("cannot open secrets directory", e))
            .and_then(|held| lock(&held, &fresh).map(|()| held))
            .and_then(|held| {
                std::fs::rename(&fresh, &dir)
                    .map(|()| held)
                    .map_err(|e| io("cannot name secrets directory", e))
            });
        let held = match held {
            Ok(held) => held,
            Err(e) => {
                let _ = std::fs::remove_dir(&fresh);
                return Err(e);
            }
        };
        Ok(MountDir {
            dir,
            private: true,
            record: None,
            _lock: Some(held),
            files: Vec::new(),
            subdirs: Vec::new(),
        })
    }

    /// The standard `/etc/flyte/secrets` itself (caller checked it is writable). A locked
    /// record of the files written lets a later sweep remove them if this process is killed.
    pub fn standard() -> Result<MountDir, Error> {
        sweep_stale();
        let dir = PathBuf::from(flyte_spec::MOUNT_PATH);
        let records = dir.join(RECORDS_DIR);
        let io = |action, source| Error::Io {
            action,
            path: records.clone(),
            source,
        };
        create_standard_dir(&dir).map_err(|e| io("cannot create secrets directory", e))?;
        match DirBuilder::new().mode(0o700).create(&records) {
            Err(e) if e.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(io("cannot create run records in", e));
            }
            _ => {}
        }
        Ok(MountDir {
            dir,
            private: false,
            record: Some(RunRecord::create(&records)?),
            _lock: None,
            files: Vec::new(),
            subdirs: Vec::new(),
        })
    }

    /// The run's id when its files are in the standard dir: the launched task is given it
    /// in [`super::RUN_ID_ENV`] to tell its own files from other runs'.
    pub fn run_id(&self) -> Option<&str> {
        self.record.as_ref().map(|r| r.id.as_str())
    }

    /// The directory the files are in.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `value` to `<dir>/<relative>` (`key` or `group/key`): created exclusively, mode
    /// 0400. Returns the file's path.
    pub fn write(&mut self, relative: &str, value: &SecretValue) -> Result<PathBuf, Error> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent().filter(|p| *p != self.dir && !p.is_dir()) {
            DirBuilder::new()
                .mode(0o700)
                .create(parent)
                .map_err(|source| Error::Io {
                    action: "cannot create secrets group directory",
                    path: parent.to_owned(),
                    source,
                })?;
            self.subdirs.push(parent.to_owned());
        }
        // Record before creating, so a kill between the two still leaves a trace to sweep.
        if let Some(record) = &mut self.record {
            record.add(relative)?;
        }
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o400)
            .open(&path)
            .map_err(|source| Error::Io {
                action: "cannot create secret file",
                path: path.clone(),
                source,
            })?;
        self.files.push(path.clone());
        file.write_all(value.expose())
            .and_then(|()| file.sync_data())
            .map_err(|source| Error::Io {
                action: "cannot write secret file",
                path: path.clone(),
                source,
            })?;
        Ok(path)
    }
}

impl Drop for MountDir {
    fn drop(&mut self) {
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
        for dir in self.subdirs.iter().rev() {
            let _ = std::fs::remove_dir(dir);
        }
        // Unlinks the record, still locked; the lock goes with the struct.
        drop(self.record.take());
        if self.private {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
