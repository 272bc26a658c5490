//! The 32-byte key: from `FLYTE_SERVER_KEY` (base64) or a key file created on first start.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use zeroize::Zeroizing;

/// Environment variable holding the key as base64 (32 bytes). Overrides the key file.
pub const KEY_ENV: &str = "FLYTE_SERVER_KEY";
/// Name of the key file in the data directory (base64 text, mode 0600).
pub const KEY_FILE: &str = "server.key";

/// A key that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The variable or file does not hold base64 of exactly 32 bytes. Never shows the content.
    #[error("the key in {origin} must be base64 of exactly 32 bytes")]
    Malformed {
        /// `FLYTE_SERVER_KEY` or the key file path.
        origin: String,
    },
    /// The key file is owned by another user or accessible to group or others.
    #[error(transparent)]
    Unsafe(#[from] crate::private::UnsafeFile),
    /// The key does not decrypt this database (a different key file or variable).
    #[error(
        "the key from {origin} does not match the database in {}: it was created with another key",
        data_dir.display()
    )]
    Mismatch {
        /// `FLYTE_SERVER_KEY` or the key file path.
        origin: String,
        /// The data directory.
        data_dir: PathBuf,
    },
    /// A database exists but neither the variable nor the key file does: creating a new key
    /// would make every stored value unreadable.
    #[error(
        "{} holds a database but no key: restore {KEY_FILE} there or set {KEY_ENV}",
        data_dir.display()
    )]
    Missing {
        /// The data directory.
        data_dir: PathBuf,
    },
    /// Reading or creating the key file failed.
    #[error("cannot {what} the key file {}", path.display())]
    Io {
        /// "read" or "create".
        what: &'static str,
        /// The key file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
}

/// The key and where it came from (for messages).
pub(crate) struct LoadedKey {
    pub(crate) bytes: Zeroizing<[u8; 32]>,
    pub(crate) origin: String,
}

impl std::fmt::Debug for LoadedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "LoadedKey {{ origin: {:?}, bytes: <redacted> }}",
            self.origin
        )
    }
}

fn decode(text: &str, origin: &str) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let malformed = || KeyError::Malformed {
        origin: origin.to_owned(),
    };
    let raw = Zeroizing::new(
        base64::engine::general_purpose::STANDARD
            .decode(text.trim())
            .map_err(|_| malformed())?,
    );
    let mut key = Zeroizing::new([0u8; 32]);
    if raw.len() != 32 {
        return Err(malformed());
    }
    key.copy_from_slice(&raw);
    Ok(key)
}

/// Reads the key from `env(KEY_ENV)`, else from `<data_dir>/server.key`, creating that file
/// (exclusively, mode 0600) with a random key when it does not exist.
pub(crate) fn load_or_create_key(
    data_dir: &Path,
    database: &Path,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LoadedKey, KeyError> {
    if let Some(text) = env(KEY_ENV).map(Zeroizing::new) {
        return Ok(LoadedKey {
            bytes: decode(&text, KEY_ENV)?,
            origin: KEY_ENV.to_owned(),
        });
    }
    let path = data_dir.join(KEY_FILE);
    let origin = path.display().to_string();
    if !path.exists() && database.exists() {
        return Err(KeyError::Missing {
            data_dir: data_dir.to_owned(),
        });
    }
    match create_new(&path) {
        Ok(key) => return Ok(LoadedKey { bytes: key, origin }),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(source) => {
            return Err(KeyError::Io {
                what: "create",
                path,
                source,
            });
        }
    }
    check_permissions(&path)?;
    // Another server may have created the file a moment ago and still be writing it.
    for attempt in 0..50 {
        let mut text = Zeroizing::new(String::new());
        fs::File::open(&path)
            .and_then(|mut f| f.read_to_string(&mut text))
            .map_err(|source| KeyError::Io {
                what: "read",
                path: path.clone(),
                source,
            })?;
        if !text.trim().is_empty() || attempt == 49 {
            return Ok(LoadedKey {
                bytes: decode(&text, &origin)?,
                origin,
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    unreachable!("the loop returns on its last attempt")
}

fn create_new(path: &Path) -> io::Result<Zeroizing<[u8; 32]>> {
    let mut file = crate::private::options()
        .write(true)
        .create_new(true)
        .open(path)?;
    let mut key = Zeroizing::new([0u8; 32]);
    OsRng.fill_bytes(key.as_mut());
    let mut text = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(key.as_ref()));
    text.push('\n');
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    sync_dir(path);
    Ok(key)
}

/// Makes a newly created file's directory entry durable.
pub(crate) fn sync_dir(path: &Path) {
    #[cfg(unix)]
    if let Some(dir) = path.parent() {
        let _ = fs::File::open(dir).and_then(|d| d.sync_all());
    }
}

fn check_permissions(path: &Path) -> Result<(), KeyError> {
    let meta = fs::metadata(path).map_err(|source| KeyError::Io {
        what: "read",
        path: path.to_owned(),
        source,
    })?;
    Ok(crate::private::check_meta(path, &meta, "key file")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    const DB: &str = "secrets.db";

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn creates_once_then_reads_the_same_key() {
        let dir = tempfile::tempdir().unwrap();
        let a = load_or_create_key(dir.path(), &dir.path().join(DB), &no_env).unwrap();
        let b = load_or_create_key(dir.path(), &dir.path().join(DB), &no_env).unwrap();
        assert_eq!(*a.bytes, *b.bytes);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(dir.path().join(KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn env_key_wins_and_is_validated() {
        let dir = tempfile::tempdir().unwrap();
        let k = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
        let env = move |n: &str| (n == KEY_ENV).then(|| k.clone());
        assert_eq!(
            *load_or_create_key(dir.path(), &dir.path().join(DB), &env)
                .unwrap()
                .bytes,
            [7u8; 32]
        );
        assert!(!dir.path().join(KEY_FILE).exists());
        let short = |n: &str| (n == KEY_ENV).then(|| "c2hvcnQ=".to_owned());
        let err = load_or_create_key(dir.path(), &dir.path().join(DB), &short).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }));
        assert!(
            err.to_string().contains("FLYTE_SERVER_KEY") && !err.to_string().contains("c2hvcnQ")
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_world_readable_key_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        load_or_create_key(dir.path(), &dir.path().join(DB), &no_env).unwrap();
        let path = dir.path().join(KEY_FILE);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create_key(dir.path(), &dir.path().join(DB), &no_env).unwrap_err();
        assert!(err.to_string().contains("chmod 600"), "{err}");
        assert!(err.to_string().contains("mode 644"), "{err}");
    }

    #[test]
    fn malformed_file_is_refused_without_echoing_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(KEY_FILE);
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&path)
            .unwrap()
            .write_all(b"not-a-key-zzz\n")
            .unwrap();
        let err = load_or_create_key(dir.path(), &dir.path().join(DB), &no_env).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }), "{err}");
        assert!(!err.to_string().contains("not-a-key-zzz"));
    }
}
