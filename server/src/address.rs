//! The address file: a running `flyte serve` writes its URL into its data directory, so the
//! CLI and the library attach to it instead of waiting for the directory's lock.
//!
//! A file left by a killed server is stale: its process is gone, or the data directory's lock
//! is free. Readers ignore a stale file; the next server overwrites it.

use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Name of the address file in the data directory.
pub const ADDRESS_FILE: &str = "address";

/// What a running server advertises in its data directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// `http://127.0.0.1:PORT` (`https://` with TLS): where this machine reaches it.
    pub url: String,
    /// The server's process id.
    pub pid: u32,
    /// Open mode (no bearer tokens): its owner needs no token, and the inject extension takes
    /// the inject token of the data directory.
    pub open: bool,
}

/// The URL a local client uses for a server bound to `addr`: an unspecified address
/// (`0.0.0.0`, `::`) is reached through loopback.
fn local_url(addr: SocketAddr, tls: bool) -> String {
    let ip = addr.ip();
    let ip = match ip {
        std::net::IpAddr::V4(v4) if v4.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(v6) if v6.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        other => other,
    };
    let scheme = if tls { "https" } else { "http" };
    format!("{scheme}://{}", SocketAddr::new(ip, addr.port()))
}

/// The written file; removed on drop if it is still ours.
#[derive(Debug)]
pub(crate) struct AddressFile {
    path: PathBuf,
    pid: u32,
}

impl AddressFile {
    /// Writes the file atomically (temp file, then rename), mode 0600.
    pub(crate) fn write(
        data_dir: &Path,
        addr: SocketAddr,
        open: bool,
        tls: bool,
    ) -> io::Result<AddressFile> {
        let pid = std::process::id();
        let address = Address {
            url: local_url(addr, tls),
            pid,
            open,
        };
        let path = data_dir.join(ADDRESS_FILE);
        let tmp = data_dir.join(format!(".{ADDRESS_FILE}.{pid}"));
        let _ = std::fs::remove_file(&tmp);
        let mut file = crate::private::options()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        let mut text = serde_json::to_vec(&address).map_err(io::Error::other)?;
        text.push(b'\n');
        file.write_all(&text)?;
        file.sync_all()?;
        std::fs::rename(&tmp, &path)?;
        Ok(AddressFile { path, pid })
    }
}

impl Drop for AddressFile {
    fn drop(&mut self) {
        // A server started later on this directory may have replaced it: leave that one.
        if let Ok(Some(current)) = parse(&self.path)
            && current.pid == self.pid
        {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

fn parse(path: &Path) -> io::Result<Option<Address>> {
    let text = match std::fs::read(path) {
        Ok(t) => t,
        // No such file, or no such directory yet: nothing advertised (starting a server
        // there will report what is wrong with the directory).
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    serde_json::from_slice(&text)
        .map(Some)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// The address of the server running on `data_dir`, if one is. `Ok(None)`: no file, or a
/// stale one. An unreadable or malformed file is an error (it names the path).
pub fn read_address(data_dir: &Path) -> io::Result<Option<Address>> {
    let path = data_dir.join(ADDRESS_FILE);
    let Some(address) =
        parse(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?
    else {
        return Ok(None);
    };
    if !process_alive(address.pid) || !dir_locked(data_dir) {
        tracing::debug!(path = %path.display(), pid = address.pid, "stale address file");
        return Ok(None);
    }
    Ok(Some(address))
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Some(pid) = i32::try_from(pid)
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    else {
        return false;
    };
    // EPERM: alive, another user's.
    !matches!(
        rustix::process::test_kill_process(pid),
        Err(rustix::io::Errno::SRCH)
    )
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// Whether some server holds the data directory's lock (a reused pid is not a server).
fn dir_locked(data_dir: &Path) -> bool {
    let Ok(file) = std::fs::File::open(data_dir.join(crate::builder::LOCK_FILE)) else {
        return false;
    };
    match file.try_lock_shared() {
        Ok(()) => false,
        Err(std::fs::TryLockError::WouldBlock) => true,
        // Cannot tell: trust the live pid.
        Err(std::fs::TryLockError::Error(_)) => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_addresses_are_reached_through_loopback() {
        assert_eq!(
            local_url("0.0.0.0:8090".parse().unwrap(), false),
            "http://127.0.0.1:8090"
        );
        assert_eq!(
            local_url("[::]:1".parse().unwrap(), false),
            "http://[::1]:1"
        );
        assert_eq!(
            local_url("127.0.0.2:5".parse().unwrap(), false),
            "http://127.0.0.2:5"
        );
    }

    #[test]
    fn a_file_whose_process_is_gone_is_stale() {
        let dir = tempfile::tempdir().unwrap();
        let lock = std::fs::File::create(dir.path().join(crate::builder::LOCK_FILE)).unwrap();
        lock.lock().unwrap();
        let dead = Address {
            url: "http://127.0.0.1:1".into(),
            pid: i32::MAX as u32,
            open: true,
        };
        std::fs::write(
            dir.path().join(ADDRESS_FILE),
            serde_json::to_vec(&dead).unwrap(),
        )
        .unwrap();
        assert_eq!(read_address(dir.path()).unwrap(), None);
        // Our own pid, lock held: live.
        let live = Address {
            pid: std::process::id(),
            ..dead
        };
        std::fs::write(
            dir.path().join(ADDRESS_FILE),
            serde_json::to_vec(&live).unwrap(),
        )
        .unwrap();
        assert_eq!(read_address(dir.path()).unwrap(), Some(live.clone()));
        // Lock released (the server died, the pid was reused): stale.
        drop(lock);
        assert_eq!(read_address(dir.path()).unwrap(), None);
    }

    #[test]
    fn a_malformed_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(ADDRESS_FILE), b"not json").unwrap();
        let err = read_address(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert!(err.to_string().contains(ADDRESS_FILE), "{err}");
    }
}
