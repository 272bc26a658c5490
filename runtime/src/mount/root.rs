//! Choosing the directory file secrets go under.

use std::fs::{DirBuilder, Permissions};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use crate::Error;

/// The env var that sets the override root.
pub(crate) const ROOT_ENV: &str = flyte_spec::SECRETS_ROOT_VAR;

/// The override root, created 0700 if needed and checked to be ours and private: a shared
/// directory such as `/dev/shm` lets anyone pre-create the path, so a root owned by someone
/// else, or open to group or others, is refused rather than used.
pub(super) fn override_root() -> Result<PathBuf, Error> {
    let uid = rustix::process::getuid().as_raw();
    let root = match std::env::var_os(ROOT_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => default_root(uid),
    };
    ensure_private_dir(&root, uid)?;
    Ok(root)
}

fn default_root(uid: u32) -> PathBuf {
    if let Some(run) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        return PathBuf::from(run).join("flyte-secrets");
    }
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        return shm.join(format!("flyte-secrets-{uid}"));
    }
    std::env::temp_dir().join(format!("flyte-secrets-{uid}"))
}

pub(crate) fn ensure_private_dir(dir: &Path, uid: u32) -> Result<(), Error> {
    let io = |action, source| Error::Io {
        action,
        path: dir.to_owned(),
        source,
    };
    match DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) => return Err(io("cannot create secrets directory", e)),
    }
    let meta =
        std::fs::symlink_metadata(dir).map_err(|e| io("cannot inspect secrets directory", e))?;
    if !meta.is_dir() || meta.uid() != uid {
        return Err(io(
            "refusing secrets directory not owned by this user (or not a directory)",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        ));
    }
    if meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, Permissions::from_mode(0o700))
            .map_err(|e| io("cannot make secrets directory private", e))?;
    }
    Ok(())
}

/// Whether the standard `/etc/flyte/secrets` exists or can be created, and is writable.
pub fn standard_dir_writable() -> bool {
    let dir = Path::new(flyte_spec::MOUNT_PATH);
    create_standard_dir(dir).is_ok()
        && rustix::fs::access(dir, rustix::fs::Access::WRITE_OK).is_ok()
}

/// Creates the standard dir 0700 (its parents 0755) if missing. An existing one is left as
/// it is: never loosened, and not tightened either, since the platform may have set it up.
pub(crate) fn create_standard_dir(dir: &Path) -> std::io::Result<()> {
    if dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        DirBuilder::new()
            .recursive(true)
            .mode(0o755)
            .create(parent)?;
    }
    match DirBuilder::new().mode(0o700).create(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && dir.is_dir() => Ok(()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o777
    }

    #[test]
    fn a_fresh_standard_dir_is_0700_and_an_existing_one_is_not_loosened() {
        let tmp = tempfile::tempdir().unwrap();
        let fresh = tmp.path().join("etc/flyte/secrets");
        create_standard_dir(&fresh).unwrap();
        assert_eq!(mode(&fresh), 0o700);
        assert_eq!(mode(fresh.parent().unwrap()), 0o755);
        let tight = tmp.path().join("tight");
        DirBuilder::new().mode(0o500).create(&tight).unwrap();
        create_standard_dir(&tight).unwrap();
        assert_eq!(mode(&tight), 0o500, "left as it was");
    }
}
