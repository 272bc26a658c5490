//! Files only the server's user may touch: the data directory, the key, the tokens and the
//! inject token must be owned by the server's user and closed to group and world; everything
//! the server creates is 0700 (directory) or 0600 (files).

use std::fs::{File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// A file or directory that other users could read, write or have planted.
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing the {what} {}: it is owned by uid {owner} with mode {mode:03o}, but must be owned \
     by uid {uid} (the user running the server) and not accessible to group or others; fix: {fix}",
    path.display()
)]
pub struct UnsafeFile {
    /// What the path is for, e.g. "data directory".
    pub what: &'static str,
    /// The path.
    pub path: PathBuf,
    /// Its owner.
    pub owner: u32,
    /// Its permission bits.
    pub mode: u32,
    /// The server's effective uid.
    pub uid: u32,
    /// The commands that make it safe.
    pub fix: String,
}

/// A directory given where a file is wanted.
#[derive(Debug, thiserror::Error)]
#[error("refusing the {what} {}: it is a directory; give the path of a file", path.display())]
pub struct NotAFile {
    /// What the path is for, e.g. "tokens file".
    pub what: &'static str,
    /// The path.
    pub path: PathBuf,
}

/// A check that failed: the file could not be inspected or changed, or it is unsafe.
#[derive(Debug)]
pub(crate) enum PrivateError {
    Io {
        what: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    Unsafe(UnsafeFile),
    NotAFile(NotAFile),
}

impl From<UnsafeFile> for PrivateError {
    fn from(e: UnsafeFile) -> Self {
        PrivateError::Unsafe(e)
    }
}

/// The effective uid of the server process. Read once: the server never changes it, and the
/// open mode asks on every request (a system call each time otherwise).
#[cfg(unix)]
pub(crate) fn server_uid() -> u32 {
    static UID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    *UID.get_or_init(|| rustix::process::geteuid().as_raw())
}

impl From<NotAFile> for PrivateError {
    fn from(e: NotAFile) -> Self {
        PrivateError::NotAFile(e)
    }
}

fn inspect(path: &Path) -> Result<std::fs::Metadata, PrivateError> {
    std::fs::metadata(path).map_err(|source| PrivateError::Io {
        what: "cannot inspect",
        path: path.to_owned(),
        source,
    })
}

/// Checks that the directory `path` (followed through symlinks) belongs to the server's
/// user and has no group or world permission bits.
pub(crate) fn check_dir(path: &Path, what: &'static str) -> Result<(), PrivateError> {
    Ok(check_meta(path, &inspect(path)?, what)?)
}

/// [`check_dir`] for a file: a directory is refused as such first, since its owner and
/// mode say nothing about the file that was meant.
pub(crate) fn check_file(path: &Path, what: &'static str) -> Result<(), PrivateError> {
    let meta = inspect(path)?;
    not_a_dir(path, &meta, what)?;
    Ok(check_meta(path, &meta, what)?)
}

/// Refuses a directory given for the file `what`.
pub(crate) fn not_a_dir(
    path: &Path,
    meta: &std::fs::Metadata,
    what: &'static str,
) -> Result<(), NotAFile> {
    if meta.is_dir() {
        return Err(NotAFile {
            what,
            path: path.to_owned(),
        });
    }
    Ok(())
}

/// Refuses a directory at `path` given for the file `what`, when one is there (a missing file
/// is left to the read, which names it). For files that need not be private, e.g. certificates.
pub(crate) fn refuse_dir(path: &Path, what: &'static str) -> Result<(), NotAFile> {
    match std::fs::metadata(path) {
        Ok(meta) => not_a_dir(path, &meta, what),
        Err(_) => Ok(()),
    }
}

/// [`check`] on metadata already read.
pub(crate) fn check_meta(
    path: &Path,
    meta: &std::fs::Metadata,
    what: &'static str,
) -> Result<(), UnsafeFile> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let (owner, mode, uid) = (meta.uid(), meta.mode() & 0o7777, server_uid());
        if owner == uid && mode & 0o077 == 0 {
            return Ok(());
        }
        let shown = path.display();
        let private = if meta.is_dir() { "700" } else { "600" };
        // World-writable and sticky is a shared directory like /tmp: closing it would break
        // every other user of it, and removing it worse.
        let fix = if meta.is_dir() && mode & 0o1002 == 0o1002 {
            format!(
                "leave it as it is (a shared directory, world-writable with the sticky bit) and \
                 use a private directory inside it: `mkdir -m 700 {}`",
                path.join("flyte-data").display()
            )
        } else if owner != uid && meta.is_dir() {
            // Never advice to remove a directory: it may be a system one (`/etc`).
            format!(
                "use a directory of your own instead (`mkdir -m 700 DIR`), or if it is yours \
                 `chown {uid} {shown} && chmod {private} {shown}`"
            )
        } else if owner != uid {
            format!(
                "remove it (another user may have planted it: `rm {shown}`), or if it is \
                 yours `chown {uid} {shown} && chmod {private} {shown}`"
            )
        } else {
            format!("`chmod {private} {shown}`")
        };
        Err(UnsafeFile {
            what,
            path: path.to_owned(),
            owner,
            mode,
            uid,
            fix,
        })
    }
    #[cfg(not(unix))]
    {
        let _ = (path, meta, what);
        Ok(())
    }
}

/// Options that create a file with mode 0600 (the process umask can only remove bits).
pub(crate) fn options() -> OpenOptions {
    let mut opts = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    opts
}

/// Creates `path` 0600 if it does not exist (never truncates), so that SQLite, which gives
/// `-wal` and `-shm` the mode of the database file, creates those 0600 too.
pub(crate) fn touch(path: &Path) -> io::Result<File> {
    options().read(true).write(true).create(true).open(path)
}

/// Creates the directory (and missing parents) with mode 0700.
pub(crate) fn create_dir(dir: &Path) -> io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir)
}

/// For files the server itself creates in its own (already checked) directory: refuses one
/// owned by another user, and closes group and world bits left by older versions (which
/// created the database 0644 under the usual umask).
pub(crate) fn tighten(path: &Path, what: &'static str) -> Result<(), PrivateError> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(source) => {
            return Err(PrivateError::Io {
                what: "cannot inspect",
                path: path.to_owned(),
                source,
            });
        }
    };
    match check_meta(path, &meta, what) {
        Ok(()) => Ok(()),
        #[cfg(unix)]
        Err(e) if e.owner == e.uid => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(e.mode & 0o700))
                .map_err(|source| PrivateError::Io {
                    what: "cannot chmod 600",
                    path: path.to_owned(),
                    source,
                })?;
            tracing::info!(path = %path.display(), "closed group and world access");
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
