//! A kept connection that the server closed while the blocking facade's runtime was not
//! running (so nothing saw the close): a create, never retried once sent, still goes through,
//! on a new connection.

use std::time::Duration;

use flyte::remote::{Client, blocking};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Answers every request with an empty proto 200; closes a connection idle for 100 ms.
async fn serve(listener: tokio::net::TcpListener) {
    while let Ok((mut sock, _)) = listener.accept().await {
        tokio::spawn(async move {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            loop {
                let read = tokio::time::timeout(Duration::from_millis(100), sock.read(&mut chunk));
                match read.await {
                    Ok(Ok(n)) if n > 0 => buf.extend_from_slice(&chunk[..n]),
                    _ => return,
                }
                while let Some(len) = complete(&buf) {
                    buf.drain(..len);
                    let answer = "HTTP/1.1 200 OK\r\ncontent-type: application/proto\r\n\
                                  content-length: 0\r\n\r\n";
                    if sock.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

/// The length of the first complete request in `buf`, if there is one.
fn complete(buf: &[u8]) -> Option<usize> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap_or(0));
    (buf.len() >= end + len).then_some(end + len)
}

#[test]
fn a_create_after_the_server_closed_the_idle_connection_goes_through() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    rt.spawn(serve(listener));
    let c = blocking::Client::new(
        Client::builder()
            .endpoint(&format!("http://{addr}"))
            .max_retries(0)
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap(),
    );
    c.create("first", "v").unwrap();
    // Past the server's idle close, and past the pool's check for a stale connection.
    std::thread::sleep(Duration::from_millis(500));
    c.create("second", "v").unwrap();
}
