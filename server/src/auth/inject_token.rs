//! The inject token of the open (no tokens) mode: random, created once in the data directory
//! with mode 0600, so only the user running the server can read secret values through the
//! inject extension.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::path::Path;

use base64::Engine as _;
use chacha20poly1305::aead::{OsRng, rand_core::RngCore};
use zeroize::Zeroizing;

/// Name of the inject token file in the data directory.
pub const INJECT_TOKEN_FILE: &str = "inject-token";

/// The bearer token for the inject extension in open mode. `Debug` redacts it.
#[derive(Clone, PartialEq, Eq)]
pub struct InjectToken(Zeroizing<String>);

impl InjectToken {
    /// The token, for an `authorization: Bearer` header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for InjectToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("InjectToken(<redacted>)")
    }
}

/// Reads the inject token a server created in `data_dir` (for the local task launcher).
pub fn read_inject_token(data_dir: &Path) -> io::Result<InjectToken> {
    let mut text = Zeroizing::new(String::new());
    fs::File::open(data_dir.join(INJECT_TOKEN_FILE))?.read_to_string(&mut text)?;
    let token = text.trim();
    if token.is_empty() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "the inject token file is empty",
        ));
    }
    Ok(InjectToken(Zeroizing::new(token.to_owned())))
}

/// Reads the inject token, creating it (exclusively, 0600) on first start.
pub(crate) fn load_or_create_inject_token(data_dir: &Path) -> io::Result<InjectToken> {
    let path = data_dir.join(INJECT_TOKEN_FILE);
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(&path) {
        Ok(mut f) => {
            let mut raw = Zeroizing::new([0u8; 32]);
            OsRng.fill_bytes(raw.as_mut());
            let token = Zeroizing::new(
                base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw.as_ref()),
            );
            f.write_all(token.as_bytes())?;
            f.write_all(b"\n")?;
            f.sync_all()?;
            crate::crypto::sync_dir(&path);
            Ok(InjectToken(token))
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            // A concurrent first start may still be writing it.
            for _ in 0..50 {
                match read_inject_token(data_dir) {
                    Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                        std::thread::sleep(std::time::Duration::from_millis(20))
                    }
                    other => return other,
                }
            }
            read_inject_token(data_dir)
        }
        Err(e) => Err(e),
    }
}
