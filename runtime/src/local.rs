//! The local default: with no endpoint configured, a [`Client`](crate::remote::Client) (and so
//! [`Secret::create`](crate::remote::Secret::create), `BIN run`, and the `flyte` CLI) uses the
//! local secret service over the user's data directory.
//!
//! - A `flyte serve` running on that directory advertises itself in its address file; the
//!   client attaches to it.
//! - Else the client starts the service in-process on `127.0.0.1:0` and stops it when the last
//!   clone of the client is dropped. One process holds a data directory at a time: another
//!   one waits for it up to 5 s, then fails with the fix (run `flyte serve` to share it).
//!
//! In open mode (no bearer tokens configured) the service's inject token, a 0600 file in the
//! data directory, is picked up here, so its owner reads values without setup. The same token
//! is used for a configured endpoint whose IP address and port are exactly the advertised
//! `flyte serve`'s, and never sent to an endpoint that SelectCluster routes to.
//!
//! The data directory is `$FLYTE_SERVER_DATA_DIR` ([`ConfigBuilder::local_data_dir`]
//! overrides it), else the user's data directory + `/flyte` (`~/.local/share/flyte` on Linux).
//!
//! [`ConfigBuilder::local_data_dir`]: crate::config::ConfigBuilder::local_data_dir

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use flyte_server::{BackgroundServer, InjectToken, Server, StartError};

use crate::config::Endpoint;

/// How long a process waits for another one to release the data directory.
pub const LOCK_WAIT: Duration = Duration::from_secs(5);

/// The user's default data directory for the local service: the platform's user data
/// directory + `/flyte`.
pub fn default_data_dir() -> Option<PathBuf> {
    dirs::data_dir().map(|d| d.join("flyte"))
}

/// The local secret service a client talks to.
pub struct LocalService {
    data_dir: PathBuf,
    url: String,
    token: Option<InjectToken>,
    running: Running,
}

enum Running {
    /// A `flyte serve` (its pid).
    Attached(u32),
    /// Started by this process; stopped on drop.
    InProcess { _server: BackgroundServer },
}

impl fmt::Debug for LocalService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalService")
            .field("data_dir", &self.data_dir)
            .field("url", &self.url)
            .field("attached_to_pid", &self.attached())
            .finish_non_exhaustive()
    }
}

/// Why the local service cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LocalError {
    /// No data directory configured and the platform has none.
    #[error(
        "no data directory for the local secret service: set FLYTE_SERVER_DATA_DIR, or configure \
         an endpoint (FLYTE_ADMIN_ENDPOINT)"
    )]
    NoDataDir,
    /// Another process holds the data directory without advertising an address.
    #[error(
        "the local secret service's data directory {} is held by another process (waited {:?}); \
         run `flyte serve` to share it between programs, or set FLYTE_SERVER_DATA_DIR to another \
         directory",
        dir.display(), waited
    )]
    InUse {
        /// The data directory.
        dir: PathBuf,
        /// How long this process waited for it before giving up.
        waited: Duration,
    },
    /// The address file is unreadable or malformed.
    #[error("cannot read the local secret service's address file")]
    Address(#[source] std::io::Error),
    /// The advertised server is in open mode, but its inject token cannot be read.
    #[error(
        "cannot read the inject token of the local secret service in {}",
        dir.display()
    )]
    InjectToken {
        /// The data directory the token file is in.
        dir: PathBuf,
        /// Why the token file could not be read.
        #[source]
        source: std::io::Error,
    },
    /// Starting the service in-process failed (key, database, permissions...).
    #[error("cannot start the local secret service in {}", dir.display())]
    Start {
        /// The data directory the service was to use.
        dir: PathBuf,
        /// Why the service did not start.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// The services this process started, by data directory: a second client of the same
/// directory shares the first one's (the directory's lock admits one server).
static IN_PROCESS: Mutex<Vec<(PathBuf, Weak<LocalService>)>> = Mutex::new(Vec::new());

impl LocalService {
    /// Attaches to the `flyte serve` advertised in `data_dir` (default:
    /// [`default_data_dir`]), or shares the service this process already runs there, or
    /// starts it in-process.
    pub fn open(data_dir: Option<&Path>) -> Result<Arc<LocalService>, LocalError> {
        let dir = match data_dir {
            Some(d) => d.to_owned(),
            None => default_data_dir().ok_or(LocalError::NoDataDir)?,
        };
        let key = std::fs::canonicalize(&dir).unwrap_or_else(|_| dir.clone());
        let mut started = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
        started.retain(|(_, weak)| weak.strong_count() > 0);
        if let Some(live) = started
            .iter()
            .find(|(d, _)| *d == key)
            .and_then(|(_, weak)| weak.upgrade())
        {
            return Ok(live);
        }
        let service = Arc::new(Self::attach_or_start(dir)?);
        if service.attached().is_none() {
            let key = std::fs::canonicalize(&service.data_dir).unwrap_or(key);
            started.push((key, Arc::downgrade(&service)));
        }
        Ok(service)
    }

    fn attach_or_start(dir: PathBuf) -> Result<LocalService, LocalError> {
        let deadline = Instant::now() + LOCK_WAIT;
        let mut pause = Duration::from_millis(20);
        loop {
            if let Some(attached) = attach(&dir)? {
                return Ok(attached);
            }
            match start(&dir) {
                Err(StartError::DataDirInUse(_)) if Instant::now() < deadline => {
                    // Another short-lived process holds it; or a `flyte serve` is starting
                    // and about to write its address.
                    tracing::debug!(dir = %dir.display(), "data directory in use; waiting");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(250));
                }
                Err(StartError::DataDirInUse(_)) => {
                    return Err(LocalError::InUse {
                        dir,
                        waited: LOCK_WAIT,
                    });
                }
                Err(e) => {
                    return Err(LocalError::Start {
                        dir,
                        source: Box::new(e),
                    });
                }
                Ok(server) => return Ok(server),
            }
        }
    }

    /// The data directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The pid of the `flyte serve` this attached to; `None` when started in-process.
    pub fn attached(&self) -> Option<u32> {
        match self.running {
            Running::Attached(pid) => Some(pid),
            Running::InProcess { .. } => None,
        }
    }

    /// The inject token, in open mode.
    pub(crate) fn token(&self) -> Option<&InjectToken> {
        self.token.as_ref()
    }
}

impl fmt::Display for LocalService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.running {
            Running::Attached(pid) => write!(
                f,
                "the local secret service in {} (flyte serve, pid {pid}, at {})",
                self.data_dir.display(),
                self.url
            ),
            Running::InProcess { .. } => write!(
                f,
                "the local secret service in {} (started in-process)",
                self.data_dir.display()
            ),
        }
    }
}

fn attach(dir: &Path) -> Result<Option<LocalService>, LocalError> {
    let Some(address) = flyte_server::read_address(dir).map_err(LocalError::Address)? else {
        return Ok(None);
    };
    let token = if address.open {
        Some(
            flyte_server::read_inject_token(dir).map_err(|source| LocalError::InjectToken {
                dir: dir.to_owned(),
                source,
            })?,
        )
    } else {
        None
    };
    tracing::debug!(dir = %dir.display(), url = address.url, pid = address.pid, "attached to flyte serve");
    Ok(Some(LocalService {
        data_dir: dir.to_owned(),
        url: address.url,
        token,
        running: Running::Attached(address.pid),
    }))
}

fn start(dir: &Path) -> Result<LocalService, StartError> {
    // Open mode always: only this process and its owner talk to it. The key variable is
    // honoured as by `flyte serve`.
    let server = Server::builder()
        .listen(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .data_dir(dir)
        .env(|name| {
            if name == flyte_server::TOKENS_ENV {
                None
            } else {
                std::env::var(name).ok()
            }
        })
        .build()?
        .start_background()?;
    let token = server.inject_token().cloned();
    tracing::debug!(url = server.url(), dir = %dir.display(), "local secret service started in-process");
    Ok(LocalService {
        data_dir: dir.to_owned(),
        url: server.url(),
        token,
        running: Running::InProcess { _server: server },
    })
}

/// For a configured loopback endpoint: the inject token of the `flyte serve` advertised in
/// the data directory, when that server is the one at `endpoint` (same port) and open.
/// Never sends the token to another service on this machine.
pub(crate) fn token_for(endpoint: &Endpoint, data_dir: Option<&Path>) -> Option<InjectToken> {
    if !endpoint.is_loopback() {
        return None;
    }
    let dir = data_dir.map(Path::to_owned).or_else(default_data_dir)?;
    let address = flyte_server::read_address(&dir).ok()??;
    let advertised = Endpoint::parse(&address.url).ok()?;
    // The very address it listens on: another loopback address or `localhost` (which may
    // resolve to `::1`) can be a socket of another user on the same port.
    if !address.open || !advertised.is_loopback() || !same_address(&advertised, endpoint) {
        return None;
    }
    let token = flyte_server::read_inject_token(&dir).ok()?;
    tracing::debug!(dir = %dir.display(), "using the local service's inject token");
    Some(token)
}

/// Whether two endpoints name the same IP address and port (`127.0.0.1` and `127.000.000.001`
/// alike); a host name never matches, since what it resolves to is not known here.
fn same_address(a: &Endpoint, b: &Endpoint) -> bool {
    let ip = |e: &Endpoint| {
        e.host()
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .ok()
    };
    a.port().is_some() && a.port() == b.port() && ip(a).is_some() && ip(a) == ip(b)
}
