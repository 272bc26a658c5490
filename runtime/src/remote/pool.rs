//! Kept HTTP/1.1 connections to one plaintext endpoint, each a hyper `SendRequest`. Lighter
//! than hyper-util's pooled client (no pool key hashing, no connect future raced against each
//! checkout), which is a measurable part of a round trip on a kept local connection.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http::header::HOST;
use http::uri::{Authority, Uri};
use http::{HeaderValue, Request, Response};
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper_util::rt::TokioIo;
use tokio::runtime::Id as RuntimeId;

use super::retry::FailureKind;

/// Connections unused this long are closed, as reqwest's pool does.
const IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// A connection idle this long may have been closed by the server while nothing drove its
/// runtime (the blocking facade's, between calls): the close is only seen once the reactor
/// runs, and a request written first would fail after it was sent.
const STALE_AFTER: Duration = Duration::from_millis(100);
/// Idle connections kept at most; more (after a burst of concurrent calls) are closed.
const MAX_IDLE: usize = 64;

/// The pool of one endpoint; clones share it.
#[derive(Clone)]
pub(crate) struct Pool(Arc<Inner>);

struct Inner {
    authority: Authority,
    host: HeaderValue,
    connect_timeout: Duration,
    idle: Mutex<Vec<Idle>>,
}

/// A connection's task runs on the runtime that made it, and its socket is registered with
/// that runtime's reactor: used from another runtime (the blocking facade's, while nothing
/// drives it) it would stall. So connections are only reused on their own runtime.
struct Idle {
    send: SendRequest<Full<Bytes>>,
    runtime: RuntimeId,
    since: Instant,
}

impl fmt::Debug for Pool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pool")
            .field("authority", &self.0.authority)
            .finish_non_exhaustive()
    }
}

/// A connection that could not be made.
#[derive(Debug, thiserror::Error)]
#[error("could not connect to {authority}")]
pub(crate) struct ConnectError {
    authority: Authority,
    #[source]
    source: std::io::Error,
}

/// A checked-out connection: back to the pool with [`Conn::release`] once its answer was read
/// whole; dropped (closed) otherwise.
pub(crate) struct Conn {
    send: SendRequest<Full<Bytes>>,
    runtime: RuntimeId,
    pool: Pool,
}

impl Conn {
    pub(crate) fn release(self) {
        if self.send.is_closed() {
            return;
        }
        let mut idle = self.pool.0.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_IDLE {
            idle.push(Idle {
                send: self.send,
                runtime: self.runtime,
                since: Instant::now(),
            });
        }
    }
}

impl Pool {
    /// For `uri`'s authority (`http://host[:port]`); `None` without one.
    pub(crate) fn new(uri: &Uri, connect_timeout: Duration) -> Option<Pool> {
        let authority = uri.authority()?.clone();
        let host = HeaderValue::from_str(authority.as_str()).ok()?;
        Some(Pool(Arc::new(Inner {
            authority,
            host,
            connect_timeout,
            idle: Mutex::default(),
        })))
    }

    /// Sends `req` (its URI in origin form, a `Host` header added) on a kept connection,
    /// else a new one. A request that a kept connection closed before taking is sent again
    /// on another: it never reached the server.
    pub(crate) async fn send(
        &self,
        mut req: Request<Full<Bytes>>,
    ) -> Result<(Response<Incoming>, Conn), (FailureKind, Box<dyn std::error::Error + Send + Sync>)>
    {
        if let Some(pq) = req.uri().path_and_query() {
            *req.uri_mut() = Uri::from(pq.clone());
        }
        req.headers_mut().insert(HOST, self.0.host.clone());
        let runtime = tokio::runtime::Handle::current().id();
        loop {
            let (mut send, kept) = match self.checkout(runtime) {
                Some((send, idle)) => {
                    if idle >= STALE_AFTER {
                        // Lets the reactor report a close, and the connection's task act on it.
                        tokio::task::yield_now().await;
                    }
                    (send, true)
                }
                None => (self.connect().await?, false),
            };
            // A kept connection takes the next request once hyper has finished the last
            // answer; an error means the server closed it meanwhile.
            if kept && (send.is_closed() || send.ready().await.is_err()) {
                continue;
            }
            match send.try_send_request(req).await {
                Ok(resp) => {
                    let conn = Conn {
                        send,
                        runtime,
                        pool: self.clone(),
                    };
                    return Ok((resp, conn));
                }
                Err(mut e) => match e.take_message() {
                    Some(back) if kept => req = back,
                    _ => return Err((FailureKind::Broken, Box::new(e.into_error()))),
                },
            }
        }
    }

    /// The most recently used idle connection of `runtime` and how long it was idle, closing
    /// closed and expired ones.
    fn checkout(&self, runtime: RuntimeId) -> Option<(SendRequest<Full<Bytes>>, Duration)> {
        let now = Instant::now();
        let mut idle = self.0.idle.lock().unwrap_or_else(|e| e.into_inner());
        idle.retain(|c| !c.send.is_closed() && now.duration_since(c.since) < IDLE_TIMEOUT);
        let i = idle.iter().rposition(|c| c.runtime == runtime)?;
        let c = idle.remove(i);
        Some((c.send, now.duration_since(c.since)))
    }

    async fn connect(
        &self,
    ) -> Result<SendRequest<Full<Bytes>>, (FailureKind, Box<dyn std::error::Error + Send + Sync>)>
    {
        let a = &self.0.authority;
        let host = a.host().trim_start_matches('[').trim_end_matches(']');
        let port = a.port_u16().unwrap_or(80);
        let failed = |source| {
            let e = ConnectError {
                authority: a.clone(),
                source,
            };
            (FailureKind::Connect, Box::new(e) as Box<_>)
        };
        let tcp = tokio::time::timeout(
            self.0.connect_timeout,
            tokio::net::TcpStream::connect((host, port)),
        )
        .await
        .map_err(|_| failed(std::io::ErrorKind::TimedOut.into()))?
        .map_err(failed)?;
        tcp.set_nodelay(true).map_err(failed)?;
        // The handshake only sets up hyper's state: nothing is sent yet, so a failure here
        // is still a connection failure.
        let (send, conn) = http1::handshake(TokioIo::new(tcp))
            .await
            .map_err(|e| (FailureKind::Connect, Box::new(e) as Box<_>))?;
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!("connection closed: {e}");
            }
        });
        Ok(send)
    }
}
