//! The embedded default: with no endpoint configured anywhere, a command starts the local
//! secret service in-process on `127.0.0.1:0` with the user's data directory, talks to it
//! through the normal client over loopback (the same wire path as a remote server), and
//! stops it when the command ends.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use flyte_server::{BackgroundServer, InjectToken, Server, StartError};

use crate::error::CliError;

/// Env var naming the local service's data directory (as `flyte serve --data-dir`).
pub const DATA_DIR_ENV: &str = "FLYTE_SERVER_DATA_DIR";

/// The local service's data directory when none is given: `$FLYTE_SERVER_DATA_DIR`, else the
/// server library's default, `$XDG_DATA_HOME/flyte` or `~/.local/share/flyte` (on Linux).
pub fn default_data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        Some(dir) => Some(PathBuf::from(dir)),
        None => dirs::data_dir().map(|d| d.join("flyte")),
    }
}

/// How long a command waits for another one to release the data directory.
const LOCK_WAIT: Duration = Duration::from_secs(5);

/// A local service running for the duration of one command.
#[derive(Debug)]
pub struct Embedded {
    server: BackgroundServer,
    inject_token: InjectToken,
}

impl Embedded {
    /// Starts the service on an ephemeral loopback port. It runs in open mode (no bearer
    /// tokens: `FLYTE_SERVER_TOKENS` is ignored here, since only this process talks to it);
    /// `FLYTE_SERVER_KEY` is honoured as by `flyte serve`.
    pub fn start(data_dir: Option<&Path>) -> Result<Embedded, CliError> {
        let dir = data_dir.map(Path::to_owned).or_else(default_data_dir);
        let attempt = || {
            let mut builder = Server::builder()
                .listen(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .env(|name| {
                    if name == flyte_server::TOKENS_ENV {
                        None
                    } else {
                        std::env::var(name).ok()
                    }
                });
            if let Some(dir) = &dir {
                builder = builder.data_dir(dir);
            }
            builder.build().and_then(Server::start_background)
        };
        // One server per data directory: another `flyte` command holding it for its own few
        // hundred milliseconds is waited for; a long-running `flyte serve` is not.
        let deadline = Instant::now() + LOCK_WAIT;
        let mut pause = Duration::from_millis(20);
        let server = loop {
            match attempt() {
                Err(StartError::DataDirInUse(dir)) if Instant::now() < deadline => {
                    tracing::debug!(dir = %dir.display(), "data directory in use; waiting");
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(Duration::from_millis(250));
                }
                Err(StartError::DataDirInUse(dir)) => {
                    return Err(CliError::DataDirInUse {
                        dir,
                        waited: LOCK_WAIT,
                    });
                }
                Err(e) => return Err(CliError::Embedded(e)),
                Ok(server) => break server,
            }
        };
        let (url, dir) = (server.url(), server.data_dir().display().to_string());
        tracing::debug!(url, dir, "embedded local secret service started");
        // Open mode always has one; without it `flyte run` could not read values.
        let inject_token = server
            .inject_token()
            .cloned()
            .ok_or_else(|| CliError::InjectToken {
                dir: server.data_dir().to_owned(),
                source: std::io::Error::other("the local service started without an inject token"),
            })?;
        Ok(Embedded {
            server,
            inject_token,
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn endpoint(&self) -> String {
        self.server.url()
    }

    pub fn data_dir(&self) -> &Path {
        self.server.data_dir()
    }

    /// The token of the inject extension (open mode always has one).
    pub fn inject_token(&self) -> &InjectToken {
        &self.inject_token
    }
}
