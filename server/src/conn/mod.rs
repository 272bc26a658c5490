//! Accepting and serving connections: HTTP/1.1 and h2 (cleartext, or TLS with ALPN) through
//! hyper-util's `auto` builder, with a cap on connections, handshake, header and idle
//! deadlines, and the peer's uid read at accept in open mode. (axum::serve has none of these
//! knobs.)

mod activity;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use crate::app::Limits;
use activity::Activity;

/// How long a connection told to close (idle) may take to finish writing before it is
/// dropped: a client that does not read its answer must not keep the slot.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Lowers `wanted` so that the connections, plus files for SQLite and the runtime, fit the
/// process's open-files limit (a full fd table also breaks `accept` and SQLite).
pub(crate) fn fit_open_files_limit(wanted: usize) -> usize {
    #[cfg(unix)]
    if let Some(soft) = rustix::process::getrlimit(rustix::process::Resource::Nofile).current {
        let room = usize::try_from(soft.saturating_sub(64)).unwrap_or(usize::MAX);
        return wanted.min(room).max(1);
    }
    wanted
}

/// What every connection task shares.
struct Shared {
    http: auto::Builder<TokioExecutor>,
    routes: crate::http::Routes,
    limits: Limits,
    /// Open mode: read the peer's uid at accept.
    identify_peers: bool,
    tls: Option<tokio_rustls::TlsAcceptor>,
}

/// Serves `listener` until `stop` turns true, then lets connections finish their requests.
pub(crate) async fn serve(
    listener: TcpListener,
    routes: crate::http::Routes,
    limits: Limits,
    identify_peers: bool,
    tls: Option<tokio_rustls::TlsAcceptor>,
    mut stop: watch::Receiver<bool>,
) -> io::Result<()> {
    let mut http = auto::Builder::new(TokioExecutor::new());
    http.http1()
        .timer(TokioTimer::new())
        // [`drive`] enforces the header deadline (see `Activity::idle_limit`).
        .header_read_timeout(None)
        // Headers and the read buffer of each connection: 64 KiB, not hyper's ~400 KiB.
        .max_buf_size(64 << 10);
    http.http2()
        .timer(TokioTimer::new())
        .max_concurrent_streams(32)
        // Bytes a client may have in flight before we read them: small, as for HTTP/1.
        .initial_stream_window_size(64 << 10)
        .initial_connection_window_size(128 << 10)
        .max_header_list_size(64 << 10);
    let shared = Arc::new(Shared {
        http,
        routes,
        limits,
        identify_peers,
        tls,
    });
    let server_addr = listener.local_addr()?;
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut tasks = JoinSet::new();
    loop {
        // Wait for a free slot before accepting: excess connections wait in the backlog.
        let slot = tokio::select! {
            s = Arc::clone(&slots).acquire_owned() => s.expect("never closed"),
            _ = stop.wait_for(|s| *s) => break,
        };
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        let (tcp, remote) = match accepted {
            Ok(pair) => pair,
            Err(e) => {
                // EMFILE and the like: back off instead of spinning.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Unary RPCs are small request/response pairs: Nagle's delay only adds latency.
        let _ = tcp.set_nodelay(true);
        let conn = connection(
            Arc::clone(&shared),
            tcp,
            server_addr,
            remote,
            stop.clone(),
            slot,
        );
        tasks.spawn(conn);
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    while tasks.join_next().await.is_some() {}
    Ok(())
}

async fn connection(
    shared: Arc<Shared>,
    tcp: TcpStream,
    server: SocketAddr,
    remote: SocketAddr,
    mut stop: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    // Once per connection: the kernel's answer does not change while it is open.
    let peer = if shared.identify_peers {
        tokio::task::spawn_blocking(move || crate::auth::identify_peer(server, remote))
            .await
            .ok()
    } else {
        None
    };
    if let Some(p) = peer {
        tracing::debug!(%remote, peer = ?p, "connection");
    }
    match shared.tls.clone() {
        None => drive(&shared, TokioIo::new(tcp), peer, remote, stop).await,
        Some(acceptor) => {
            // The handshake gets the header deadline: a client that never finishes it must
            // not keep the slot.
            let accepted = tokio::select! {
                r = tokio::time::timeout(shared.limits.header_timeout, acceptor.accept(tcp)) => r,
                _ = stop.wait_for(|s| *s) => return,
            };
            match accepted {
                Ok(Ok(stream)) => drive(&shared, TokioIo::new(stream), peer, remote, stop).await,
                Ok(Err(e)) => tracing::debug!(%remote, error = %e, "TLS handshake failed"),
                Err(_) => tracing::debug!(%remote, "TLS handshake timed out"),
            }
        }
    }
}

/// Serves one connection's requests until it ends, closing it when idle or at shutdown.
async fn drive<I>(
    shared: &Shared,
    io: TokioIo<I>,
    peer: Option<crate::auth::Peer>,
    remote: SocketAddr,
    mut stop: watch::Receiver<bool>,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let activity = Arc::new(Activity::new());
    let service = {
        let (routes, activity) = (shared.routes.clone(), Arc::clone(&activity));
        hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
            let busy = activity.begin(req.version());
            // The peer goes with the request as an argument: a task-local around the future
            // was set and reset on every poll.
            let serving = routes.serve(req.map(axum::body::Body::new), peer);
            async move {
                let resp = serving.await;
                drop(busy);
                Ok::<_, std::convert::Infallible>(resp)
            }
        })
    };
    let conn = shared.http.serve_connection(io, service);
    tokio::pin!(conn);
    let (header, idle) = (shared.limits.header_timeout, shared.limits.idle_timeout);
    let mut closing: Option<tokio::time::Instant> = None;
    let mut stopping = false;
    loop {
        let limit = activity.idle_limit(header, idle);
        let check = closing.unwrap_or_else(|| activity.next_check(limit));
        tokio::select! {
            // The connection first: it is what wakes this task, nearly every time; unbiased,
            // select! also draws a random number on every wakeup.
            biased;
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(%remote, error = %e, "connection ended");
                }
                return;
            }
            _ = stop.wait_for(|s| *s), if !stopping => {
                // Server shutdown: finish what is in flight; RunningServer bounds the wait.
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
            _ = tokio::time::sleep_until(check) => {
                if closing.is_some() {
                    tracing::debug!(%remote, "connection dropped: it did not finish closing");
                    return;
                }
                if activity.idle_for() >= activity.idle_limit(header, idle) {
                    tracing::debug!(%remote, "closing an idle connection");
                    conn.as_mut().graceful_shutdown();
                    closing = Some(tokio::time::Instant::now() + CLOSE_GRACE);
                }
            }
        }
    }
}
