//! [`MountDir`]: one task run's secret files, removed on drop.

use std::fs::{DirBuilder, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::root::override_root;
use super::sweep::{RECORDS_DIR, sweep_stale};
use crate::Error;
use crate::secret::SecretValue;

static SEQ: AtomicU64 = AtomicU64::new(0);

/// The files of one task run. Dropping it removes them (and the directory when it is a
/// private one).
#[derive(Debug)]
pub struct MountDir {
    dir: PathBuf,
    /// A private directory we created and remove whole; else the standard dir, where only
    /// our own files (listed in `record`) are removed.
    private: bool,
    record: Option<PathBuf>,
    files: Vec<PathBuf>,
    subdirs: Vec<PathBuf>,
}

impl MountDir {
    /// A new private directory `<override root>/<kind>-<pid>-<seq>`.
    pub fn private(kind: &str) -> Result<MountDir, Error> {
        sweep_stale();
        Self::private_under(&override_root()?, kind)
    }

    /// A new private directory under `root` (which must exist and be private).
    pub fn private_under(root: &Path, kind: &str) -> Result<MountDir, Error> {
        let name = format!(
            "{kind}-{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        );
        let dir = root.join(name);
        DirBuilder::new()
            .mode(0o700)
            .create(&dir)
            .map_err(|source| Error::Io {
                action: "cannot create secrets directory",
                path: dir.clone(),
                source,
            })?;
        Ok(MountDir {
            dir,
            private: true,
            record: None,
            files: Vec::new(),
            subdirs: Vec::new(),
        })
    }

    /// The standard `/etc/flyte/secrets` itself (caller checked it is writable). A record of
    /// the files written lets a later sweep remove them if this process is killed.
    pub fn standard() -> Result<MountDir, Error> {
        sweep_stale();
        let dir = PathBuf::from(flyte_spec::MOUNT_PATH);
        let records = dir.join(RECORDS_DIR);
        DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&records)
            .map_err(|source| Error::Io {
                action: "cannot create run records in",
                path: records.clone(),
                source,
            })?;
        let record = records.join(format!(
            "{}-{}",
            std::process::id(),
            SEQ.fetch_add(1, Ordering::Relaxed)
        ));
        Ok(MountDir {
            dir,
            private: false,
            record: Some(record),
            files: Vec::new(),
            subdirs: Vec::new(),
        })
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
        if let Some(record) = &self.record {
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .mode(0o600)
                .open(record)
                .map_err(|source| Error::Io {
                    action: "cannot write run record",
                    path: record.clone(),
                    source,
                })?;
            writeln!(f, "{relative}").map_err(|source| Error::Io {
                action: "cannot write run record",
                path: record.clone(),
                source,
            })?;
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
        if let Some(record) = &self.record {
            let _ = std::fs::remove_file(record);
        }
        if self.private {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
