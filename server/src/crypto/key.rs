//! The keys: 32 bytes each, base64, from `FLYTE_SERVER_KEY`, a key file the server is given,
//! or a key file created in the data directory on first start. A variable or file may hold
//! several keys (separated by whitespace or commas): the first encrypts, all decrypt, which is
//! how a key is rotated (see [`KeyRing`](super::KeyRing)).

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use base64::Engine as _;
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use zeroize::Zeroizing;

/// Environment variable holding the key as base64 (32 bytes), or several keys separated by
/// whitespace or commas, the current one first. Overrides the key file.
pub const KEY_ENV: &str = "FLYTE_SERVER_KEY";
/// Name of the key file in the data directory (base64 text, mode 0600).
pub const KEY_FILE: &str = "server.key";

/// A key that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The variable or file does not hold base64 of exactly 32 bytes (one or more keys,
    /// separated by whitespace or commas). Never shows the content.
    #[error(
        "the key in {origin} must be base64 of exactly 32 bytes (several keys: separated by \
         whitespace or commas, the current one first)"
    )]
    Malformed {
        /// `FLYTE_SERVER_KEY` or the key file path.
        origin: String,
    },
    /// A store shared by several servers needs the same key on each: it must be given, not
    /// made up by one of them.
    #[error(
        "the {store} store needs its key given: set {KEY_ENV} or pass a key file \
         (the same on every server of that store)"
    )]
    Required {
        /// The kind of store, e.g. `postgres`.
        store: &'static str,
    },
    /// The key file is owned by another user or accessible to group or others.
    #[error(transparent)]
    Unsafe(#[from] crate::private::UnsafeFile),
    /// The key file given is a directory.
    #[error(transparent)]
    NotAFile(#[from] crate::private::NotAFile),
    /// No key given opens this store's key check (a different key file or variable).
    #[error(
        "the key from {origin} does not match {store}: its values were sealed with another key \
         (during a key rotation, list the new key first and keep the old one after it)"
    )]
    Mismatch {
        /// `FLYTE_SERVER_KEY` or the key file path.
        origin: String,
        /// The store, e.g. `the SQLite database /data/secrets.db`.
        store: String,
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

/// The keys (the current one first) and where they came from (for messages).
pub(crate) struct LoadedKey {
    pub(crate) keys: Vec<Zeroizing<[u8; 32]>>,
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

fn decode(text: &str, origin: &str) -> Result<Vec<Zeroizing<[u8; 32]>>, KeyError> {
    let malformed = || KeyError::Malformed {
        origin: origin.to_owned(),
    };
    let mut keys = Vec::new();
    for word in text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
    {
        let raw = Zeroizing::new(
            base64::engine::general_purpose::STANDARD
                .decode(word)
                .map_err(|_| malformed())?,
        );
        if raw.len() != 32 {
            return Err(malformed());
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(&raw);
        keys.push(key);
    }
    if keys.is_empty() {
        return Err(malformed());
    }
    Ok(keys)
}

/// The keys given explicitly: `env(KEY_ENV)`, else the file `key_file` (which must exist and
/// be private). `None` when neither is given.
pub(crate) fn load_given_key(
    key_file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<LoadedKey>, KeyError> {
    if let Some(text) = env(KEY_ENV).map(Zeroizing::new) {
        return Ok(Some(LoadedKey {
            keys: decode(&text, KEY_ENV)?,
            origin: KEY_ENV.to_owned(),
        }));
    }
    let Some(path) = key_file else {
        return Ok(None);
    };
    check_permissions(path)?;
    let mut text = Zeroizing::new(String::new());
    fs::File::open(path)
        .and_then(|mut f| f.read_to_string(&mut text))
        .map_err(|source| KeyError::Io {
            what: "read",
            path: path.to_owned(),
            source,
        })?;
    let origin = path.display().to_string();
    Ok(Some(LoadedKey {
        keys: decode(&text, &origin)?,
        origin,
    }))
}

/// Reads the keys given ([`load_given_key`]), else from `<data_dir>/server.key`, creating that
/// file (exclusively, mode 0600) with a random key when it does not exist.
pub(crate) fn load_or_create_key(
    data_dir: &Path,
    database: &Path,
    key_file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<LoadedKey, KeyError> {
    if let Some(given) = load_given_key(key_file, env)? {
        return Ok(given);
    }
    let path = data_dir.join(KEY_FILE);
    let origin = path.display().to_string();
    if !path.exists() && database.exists() {
        return Err(KeyError::Missing {
            data_dir: data_dir.to_owned(),
        });
    }
    match create_new(&path) {
        Ok(key) => {
            return Ok(LoadedKey {
                keys: vec![key],
                origin,
            });
        }
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
                keys: decode(&text, &origin)?,
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
    crate::private::not_a_dir(path, &meta, "key file")?;
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
        let a = load_or_create_key(dir.path(), &dir.path().join(DB), None, &no_env).unwrap();
        let b = load_or_create_key(dir.path(), &dir.path().join(DB), None, &no_env).unwrap();
        assert_eq!(a.keys.len(), 1);
        assert_eq!(*a.keys[0], *b.keys[0]);
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
            *load_or_create_key(dir.path(), &dir.path().join(DB), None, &env)
                .unwrap()
                .keys[0],
            [7u8; 32]
        );
        assert!(!dir.path().join(KEY_FILE).exists());
        let short = |n: &str| (n == KEY_ENV).then(|| "c2hvcnQ=".to_owned());
        let err = load_or_create_key(dir.path(), &dir.path().join(DB), None, &short).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }));
        assert!(
            err.to_string().contains("FLYTE_SERVER_KEY") && !err.to_string().contains("c2hvcnQ")
        );
    }

    #[test]
    fn several_keys_the_current_one_first() {
        let b64 = |b: u8| base64::engine::general_purpose::STANDARD.encode([b; 32]);
        let text = format!("{}, {}\n{}\n", b64(3), b64(2), b64(1));
        let env = move |n: &str| (n == KEY_ENV).then(|| text.clone());
        let loaded = load_given_key(None, &env).unwrap().unwrap();
        let firsts: Vec<u8> = loaded.keys.iter().map(|k| k[0]).collect();
        assert_eq!(firsts, [3, 2, 1]);
        // One bad word spoils the whole list, and is not echoed.
        let bad = format!("{} zzzz", b64(3));
        let env = move |n: &str| (n == KEY_ENV).then(|| bad.clone());
        let err = load_given_key(None, &env).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }) && !err.to_string().contains("zzzz"));
        let env = |n: &str| (n == KEY_ENV).then(|| " , ".to_owned());
        assert!(matches!(
            load_given_key(None, &env).unwrap_err(),
            KeyError::Malformed { .. }
        ));
    }

    #[test]
    fn a_given_key_file_is_read_never_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.key");
        let err = load_given_key(Some(&path), &no_env).unwrap_err();
        assert!(matches!(err, KeyError::Io { .. }), "{err}");
        assert!(!path.exists());
        let mut opts = fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        let key = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
        opts.open(&path).unwrap().write_all(key.as_bytes()).unwrap();
        let loaded = load_given_key(Some(&path), &no_env).unwrap().unwrap();
        assert_eq!(*loaded.keys[0], [9u8; 32]);
        assert_eq!(
            load_given_key(None, &no_env).unwrap().map(|k| k.origin),
            None
        );
    }

    #[cfg(unix)]
    #[test]
    fn refuses_a_world_readable_key_file() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        load_or_create_key(dir.path(), &dir.path().join(DB), None, &no_env).unwrap();
        let path = dir.path().join(KEY_FILE);
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let err = load_or_create_key(dir.path(), &dir.path().join(DB), None, &no_env).unwrap_err();
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
        let err = load_or_create_key(dir.path(), &dir.path().join(DB), None, &no_env).unwrap_err();
        assert!(matches!(err, KeyError::Malformed { .. }), "{err}");
        assert!(!err.to_string().contains("not-a-key-zzz"));
    }
}
