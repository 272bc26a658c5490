//! Deadlines and caps against slow or greedy clients, with short settings: idle, half-sent
//! header and half-sent body connections are closed while a well-behaved client is served;
//! request bodies share a byte budget; early errors close HTTP/1 connections cleanly.

use crate::common;

use std::time::{Duration, Instant};

use common::*;
use flyte_idl::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const LIST: &str = r#"{"organization":"127","project":"p","domain":"d"}"#;

fn request(addr: std::net::SocketAddr, path: &str, extra: &str, body: &str) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n{extra}\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Reads until the server closes; `None` if it is still open after `within`.
async fn read_to_close(tcp: &mut TcpStream, within: Duration) -> Option<String> {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    let end = Instant::now() + within;
    loop {
        let left = end.checked_duration_since(Instant::now())?;
        match tokio::time::timeout(left, tcp.read(&mut buf)).await {
            Err(_) => return None,
            Ok(Ok(0)) | Ok(Err(_)) => return Some(String::from_utf8_lossy(&all).into_owned()),
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
        }
    }
}

#[tokio::test]
async fn slow_clients_are_closed_while_others_are_served() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .header_timeout(Duration::from_millis(400))
        .idle_timeout(Duration::from_millis(600))
        .body_timeout(Duration::from_millis(500))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let addr = server.addr();
    let started = Instant::now();
    let mut idle = TcpStream::connect(addr).await.unwrap();
    let mut half_header = TcpStream::connect(addr).await.unwrap();
    half_header
        .write_all(format!("POST {} HTTP/1.1\r\nhost: {addr}\r\n", paths::LIST_SECRETS).as_bytes())
        .await
        .unwrap();
    let mut half_body = TcpStream::connect(addr).await.unwrap();
    let full = request(addr, paths::LIST_SECRETS, "", LIST);
    half_body
        .write_all(&full.as_bytes()[..full.len() - 10])
        .await
        .unwrap();
    let mut kept_alive = TcpStream::connect(addr).await.unwrap();
    kept_alive.write_all(full.as_bytes()).await.unwrap();

    let good = tokio::spawn(async move {
        let c = Client::new(addr).json();
        let mut served = 0;
        while started.elapsed() < Duration::from_millis(1500) {
            c.list_page(("127", "p", "d"), 10, "").await.unwrap();
            served += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        served
    });

    let within = Duration::from_secs(3);
    let text = read_to_close(&mut idle, within).await.expect("idle closed");
    assert!(text.is_empty(), "{text}");
    read_to_close(&mut half_header, within)
        .await
        .expect("half-sent header closed");
    let text = read_to_close(&mut half_body, within)
        .await
        .expect("half-sent body closed");
    assert!(
        text.starts_with("HTTP/1.1 504") && text.contains("connection: close"),
        "{text}"
    );
    assert!(text.contains("did not arrive within 500 ms"), "{text}");
    let text = read_to_close(&mut kept_alive, within)
        .await
        .expect("kept-alive connection closed when idle");
    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(
        good.await.unwrap() >= 10,
        "the well-behaved client was served"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn request_bodies_share_a_byte_budget() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .max_body_bytes(64 << 10)
        .body_budget_bytes(64 << 10)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let addr = server.addr();
    // Holds 40 KiB of an unfinished 60 KiB upload: the whole budget once grown.
    let mut holder = TcpStream::connect(addr).await.unwrap();
    let big = "x".repeat(60 << 10);
    let head = request(addr, paths::LIST_SECRETS, "", &big);
    holder
        .write_all(&head.as_bytes()[..head.len() - (20 << 10)])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let c = Client::new(addr).json();
    let body = format!(
        r#"{{"organization":"127","project":"{}"}}"#,
        "p".repeat(40_000)
    );
    let (status, _, text) = c
        .raw(
            paths::LIST_SECRETS,
            "application/json",
            body.into_bytes(),
            &[],
        )
        .await;
    let text = String::from_utf8_lossy(&text);
    assert_eq!(status, 429, "{text}");
    assert!(
        text.contains("resource_exhausted") && text.contains("retry later"),
        "{text}"
    );
    drop(holder);
    tokio::time::sleep(Duration::from_millis(200)).await;
    c.list_page(("127", "p", "d"), 10, "").await.unwrap();
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn connections_past_the_cap_wait_for_a_slot() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .max_connections(2)
        .idle_timeout(Duration::from_millis(500))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let addr = server.addr();
    let _a = TcpStream::connect(addr).await.unwrap();
    let _b = TcpStream::connect(addr).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    Client::new(addr)
        .json()
        .list_page(("127", "p", "d"), 10, "")
        .await
        .unwrap();
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
        "served once an idle connection was closed: {waited:?}"
    );
    server.shutdown().await.unwrap();
}

/// An error answered before the body is read, then a second request on the same connection:
/// a clean first answer, then `connection: close` (or a served second request).
#[tokio::test]
async fn early_errors_close_the_connection_cleanly() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let addr = server.addr();
    let mut tcp = TcpStream::connect(addr).await.unwrap();
    let refused = request(addr, paths::LIST_SECRETS, "content-encoding: br\r\n", LIST);
    let second = request(addr, paths::LIST_SECRETS, "", LIST);
    tcp.write_all(format!("{refused}{second}").as_bytes())
        .await
        .unwrap();
    let text = read_to_close(&mut tcp, Duration::from_secs(5))
        .await
        .expect("closed after the answer");
    let (head, rest) = text.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 501"), "{text}");
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(rest.len() >= length, "the whole answer arrived: {text}");
    assert!(rest[..length].contains("unimplemented"), "{text}");
    let served_second = rest[length..].starts_with("HTTP/1.1 200");
    assert!(
        head.contains("connection: close") || served_second,
        "{text}"
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn gzip_members_are_all_read_and_trailing_garbage_is_refused() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    let c = Client::new(server.addr()).json();
    c.create_str(id("two", "p", "d"), "v").await.unwrap();
    let (first, second) = LIST.split_at(20);
    let mut two = gzip(first.as_bytes());
    two.extend(gzip(second.as_bytes()));
    let enc = [("content-encoding", "gzip")];
    let (status, _, body) = c
        .raw(paths::LIST_SECRETS, "application/json", two, &enc)
        .await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("\"two\""), "{text}");

    let mut garbage = gzip(LIST.as_bytes());
    garbage.extend_from_slice(b"trailing garbage");
    let (status, _, body) = c
        .raw(paths::LIST_SECRETS, "application/json", garbage, &enc)
        .await;
    let text = String::from_utf8_lossy(&body);
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("not valid gzip"), "{text}");
    server.shutdown().await.unwrap();
}
