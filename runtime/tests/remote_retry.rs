//! Retries against a server that is down and then comes up on the same port.

use crate::remote_support;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flyte::config::Codec;
use flyte::remote::Error;

/// A free loopback port: bound, noted, released.
fn free_addr() -> SocketAddr {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap()
}

#[tokio::test]
async fn idempotent_and_never_sent_calls_ride_out_a_server_that_comes_up_late() {
    let addr = free_addr();
    let url = format!("http://{addr}");
    let late = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(700)).await;
        remote_support::start_on(addr, None).await
    });
    let c = remote_support::builder(&url)
        .project("p")
        .domain("d")
        .codec(Codec::Json)
        .max_retries(10)
        .base_backoff(Duration::from_millis(50))
        .max_backoff(Duration::from_millis(400))
        .build()
        .unwrap();
    let start = Instant::now();
    // Connection refused: nothing was sent, so even create is retried until the server is up.
    c.create("late", "v").await.unwrap();
    assert!(
        start.elapsed() >= Duration::from_millis(600),
        "it did wait: {:?}",
        start.elapsed()
    );
    assert_eq!(c.get("late").await.unwrap().name(), "late");
    let _server = late.await.unwrap();
}

#[tokio::test]
async fn a_server_that_never_comes_up_fails_after_the_bounded_attempts() {
    let url = format!("http://{}", free_addr());
    let c = remote_support::builder(&url)
        .max_retries(3)
        .base_backoff(Duration::from_millis(20))
        .max_backoff(Duration::from_millis(40))
        .build()
        .unwrap();
    let start = Instant::now();
    let err = c.get("x").await.unwrap_err();
    assert!(
        matches!(
            remote_support::unrouted(&err),
            Error::Transport { attempts: 4, .. }
        ),
        "{err:?}"
    );
    // Three backoffs of at least half their nominal length: 10 + 20 + 20 ms.
    assert!(
        start.elapsed() >= Duration::from_millis(50),
        "{:?}",
        start.elapsed()
    );
}
