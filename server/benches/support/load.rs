//! The load generator of the server benches: keep-alive HTTP/1.1 connections, each sending
//! a fixed number of requests back to back; latencies per request, client side.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, header};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// The servers a load is spread over: connection `c` goes to server `c % n`.
pub(crate) struct Addrs(pub(crate) Vec<SocketAddr>);

impl From<SocketAddr> for Addrs {
    fn from(a: SocketAddr) -> Self {
        Addrs(vec![a])
    }
}

impl From<&[SocketAddr]> for Addrs {
    fn from(a: &[SocketAddr]) -> Self {
        Addrs(a.to_vec())
    }
}

/// One measured run: total wall time and every request's latency.
pub(crate) struct Run {
    pub(crate) requests: usize,
    pub(crate) wall: Duration,
    pub(crate) latencies: Vec<Duration>,
}

impl Run {
    pub(crate) fn rps(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }
    pub(crate) fn pct(&self, p: f64) -> Duration {
        let mut l = self.latencies.clone();
        l.sort();
        l[((l.len() as f64 * p).ceil() as usize).clamp(1, l.len()) - 1]
    }
}

/// Sends `per_conn` requests on each of `conns` keep-alive connections; `body(conn, i)` makes
/// each request body.
pub(crate) async fn load(
    addr: impl Into<Addrs>,
    path: &'static str,
    conns: usize,
    per_conn: usize,
    body: Arc<dyn Fn(usize, usize) -> Bytes + Send + Sync>,
) -> Run {
    let addrs = addr.into().0;
    let mut tasks = Vec::new();
    let start = Instant::now();
    for c in 0..conns {
        let body = body.clone();
        let addr = addrs[c % addrs.len()];
        tasks.push(tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            stream.set_nodelay(true).unwrap();
            let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .unwrap();
            tokio::spawn(conn);
            let mut lat = Vec::with_capacity(per_conn);
            for i in 0..per_conn {
                let req = Request::post(path)
                    .header(header::HOST, "127.0.0.1")
                    .header(header::CONTENT_TYPE, "application/proto")
                    .body(Full::new(body(c, i)))
                    .unwrap();
                let t = Instant::now();
                let resp = send.send_request(req).await.unwrap();
                let status = resp.status();
                let _ = resp.into_body().collect().await.unwrap();
                lat.push(t.elapsed());
                assert_eq!(status, 200, "{path}");
            }
            lat
        }));
    }
    let mut latencies = Vec::new();
    for t in tasks {
        latencies.extend(t.await.unwrap());
    }
    Run {
        requests: conns * per_conn,
        wall: start.elapsed(),
        latencies,
    }
}

/// `n` times, on one kept connection to `addr`: each of `calls(i)` (path and body) in turn;
/// the rate of whole rounds per second.
#[allow(dead_code)] // not every bench uses it
pub(crate) async fn rounds(
    addr: SocketAddr,
    n: usize,
    calls: impl Fn(usize) -> Vec<(&'static str, Bytes)>,
) -> f64 {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    let start = Instant::now();
    for i in 0..n {
        for (path, body) in calls(i) {
            let req = Request::post(path)
                .header(header::HOST, "127.0.0.1")
                .header(header::CONTENT_TYPE, "application/proto")
                .body(Full::new(body))
                .unwrap();
            send.ready().await.unwrap();
            let resp = send.send_request(req).await.unwrap();
            let status = resp.status();
            let _ = resp.into_body().collect().await.unwrap();
            assert_eq!(status, 200, "{path}");
        }
    }
    n as f64 / start.elapsed().as_secs_f64()
}
