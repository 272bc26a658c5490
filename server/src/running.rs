//! Running servers: in the caller's runtime ([`RunningServer`]) or on a thread with its own
//! runtime ([`BackgroundServer`]).

use std::io;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;

use crate::Server;
use crate::address::AddressFile;
use crate::auth::{Auth, InjectToken};
use crate::error::StartError;

/// How long a graceful shutdown waits for in-flight requests before dropping connections.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// A server serving on the runtime that started it.
#[derive(Debug)]
pub struct RunningServer {
    addr: SocketAddr,
    data_dir: PathBuf,
    mode: String,
    tls: bool,
    inject_token: Option<InjectToken>,
    /// Removed when the server stops, before in-flight requests drain.
    address: Option<AddressFile>,
    stop: Option<watch::Sender<bool>>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl Server {
    /// Binds the listen address and starts serving on the current tokio runtime.
    pub async fn start(self) -> Result<RunningServer, StartError> {
        let bind_err = |source| StartError::Bind {
            addr: self.listen,
            source,
        };
        self.prepare_store().await?;
        if let Auth::Oidc { oidc, policy, .. } = &self.app.auth {
            oidc.prepare().await.map_err(|reason| StartError::Oidc {
                issuer: oidc.config().issuer.clone(),
                reason,
            })?;
            if policy.is_none() {
                tracing::warn!(
                    issuer = %oidc.issuer(),
                    "no --policy: every valid token of the identity provider may use every RPC \
                     in every scope"
                );
            }
        }
        let listener = TcpListener::bind(self.listen).await.map_err(bind_err)?;
        let addr = listener.local_addr().map_err(bind_err)?;
        let mode = match &self.app.auth {
            Auth::Open { .. } => "loopback only, no auth".to_owned(),
            Auth::Tokens(set) => format!("bearer tokens required, {} configured", set.len()),
            Auth::Oidc {
                oidc,
                policy,
                tokens,
            } => format!(
                "tokens from {} for audience {}, {}{}",
                oidc.issuer(),
                oidc.config().audience,
                match policy {
                    Some(p) if p.len() == 1 => "policy of 1 entry".to_owned(),
                    Some(p) => format!("policy of {} entries", p.len()),
                    None => "no policy: every valid token may do everything".to_owned(),
                },
                match tokens {
                    Some(t) if t.len() == 1 => ", and 1 static token".to_owned(),
                    Some(t) => format!(", and {} static tokens", t.len()),
                    None => String::new(),
                }
            ),
        };
        let tls = self.tls.is_some();
        let limits = self.app.limits;
        let open = matches!(self.app.auth, Auth::Open { .. });
        let address = if self.advertise {
            Some(
                AddressFile::write(&self.data_dir, addr, open, tls).map_err(|source| {
                    StartError::Io {
                        what: "cannot write the address file",
                        path: self.data_dir.join(crate::ADDRESS_FILE),
                        source,
                    }
                })?,
            )
        } else {
            None
        };
        let routes = crate::http::routes(self.app);
        let (stop, stopped) = watch::channel(false);
        let acceptor = self.tls.map(tokio_rustls::TlsAcceptor::from);
        let task = tokio::spawn(crate::conn::serve(
            listener, routes, limits, open, acceptor, stopped,
        ));
        tracing::info!(%addr, data_dir = %self.data_dir.display(), "flyte secret service started");
        Ok(RunningServer {
            addr,
            data_dir: self.data_dir,
            mode,
            tls,
            inject_token: self.inject_token,
            address,
            stop: Some(stop),
            task: Some(task),
        })
    }

    /// Starts the server on a new thread with its own tokio runtime, for synchronous callers
    /// (the example program, blocking tests). Returns once the address is bound.
    pub fn start_background(self) -> Result<BackgroundServer, StartError> {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop_tx, stop_rx) = oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("flyte-server".into())
            .spawn(move || {
                let rt = match tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("flyte-server-worker")
                    .enable_all()
                    .build()
                {
                    Ok(rt) => rt,
                    Err(e) => {
                        let _ = ready_tx.send(Err(StartError::Background(e)));
                        return;
                    }
                };
                rt.block_on(async move {
                    match self.start().await {
                        Ok(running) => {
                            let info = running.info();
                            if ready_tx.send(Ok(info)).is_err() {
                                return;
                            }
                            let _ = stop_rx.await;
                            if let Err(e) = running.shutdown().await {
                                tracing::warn!(error = %e, "server stopped with an error");
                            }
                        }
                        Err(e) => {
                            let _ = ready_tx.send(Err(e));
                        }
                    }
                });
            })
            .map_err(StartError::Background)?;
        let info = ready_rx
            .recv()
            .map_err(|_| StartError::Background(io::Error::other("the server thread exited")))??;
        Ok(BackgroundServer {
            info,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }
}

/// Facts about a started server, shared by both running forms.
#[derive(Debug, Clone)]
struct Info {
    addr: SocketAddr,
    data_dir: PathBuf,
    mode: String,
    tls: bool,
    inject_token: Option<InjectToken>,
}

impl Info {
    fn url(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://{}", self.addr)
    }

    fn ready_line(&self) -> String {
        format!("flyte serve: listening on {} ({})", self.url(), self.mode)
    }
}

impl RunningServer {
    fn info(&self) -> Info {
        Info {
            addr: self.addr,
            data_dir: self.data_dir.clone(),
            mode: self.mode.clone(),
            tls: self.tls,
            inject_token: self.inject_token.clone(),
        }
    }

    /// The bound address (with the real port when listening on port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, or `https://ADDR` with TLS.
    pub fn url(&self) -> String {
        self.info().url()
    }

    /// The data directory in use.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The inject token (open mode only; with configured tokens use one with `inject`).
    pub fn inject_token(&self) -> Option<&InjectToken> {
        self.inject_token.as_ref()
    }

    /// The readiness line `flyte serve` prints, e.g.
    /// `flyte serve: listening on http://127.0.0.1:8090 (loopback only, no auth)`.
    pub fn ready_line(&self) -> String {
        self.info().ready_line()
    }

    /// Stops accepting connections, lets in-flight requests finish (up to
    /// [`SHUTDOWN_GRACE`]), then returns.
    pub async fn shutdown(mut self) -> io::Result<()> {
        drop(self.address.take());
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
        let Some(mut task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, &mut task).await {
            Ok(Ok(result)) => result,
            Ok(Err(join)) => Err(io::Error::other(join)),
            Err(_) => {
                task.abort();
                tracing::warn!("requests still running after the grace period were dropped");
                Ok(())
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(true);
        }
    }
}

/// A server on its own thread and runtime. Dropping it shuts it down and waits.
#[derive(Debug)]
pub struct BackgroundServer {
    info: Info,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl BackgroundServer {
    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.info.addr
    }

    /// `http://ADDR`, or `https://ADDR` with TLS.
    pub fn url(&self) -> String {
        self.info.url()
    }

    /// The data directory in use.
    pub fn data_dir(&self) -> &Path {
        &self.info.data_dir
    }

    /// The inject token (open mode only).
    pub fn inject_token(&self) -> Option<&InjectToken> {
        self.info.inject_token.as_ref()
    }

    /// The readiness line `flyte serve` prints.
    pub fn ready_line(&self) -> String {
        self.info.ready_line()
    }

    /// Shuts down gracefully and joins the thread.
    pub fn shutdown(mut self) {
        self.stop_and_join();
    }

    fn stop_and_join(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        self.stop_and_join();
    }
}
