//! The local service's inject token reads every value stored there, so it goes to that one
//! service only: not to an endpoint SelectCluster names, and not to another socket on the
//! same port (another loopback address may belong to another user). Each test replays the
//! attack with a real listener that records what it is sent.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

use flyte::remote::Client;

/// A listener that answers every request with an empty `200` and keeps each request's header
/// lines.
struct Capture {
    addr: SocketAddr,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Capture {
    fn bind(addr: &str) -> Option<Capture> {
        let listener = TcpListener::bind(addr).ok()?;
        let addr = listener.local_addr().unwrap();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let seen = Arc::clone(&seen);
                std::thread::spawn(move || serve(conn, &seen));
            }
        });
        Some(Capture { addr, requests })
    }

    fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(conn: std::net::TcpStream, seen: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(conn.try_clone().unwrap());
    let mut conn = conn;
    loop {
        let mut head = String::new();
        let mut length = 0usize;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        if std::io::Read::read_exact(&mut reader, &mut body).is_err() {
            return;
        }
        seen.lock().unwrap().push(head);
        let reply =
            "HTTP/1.1 200 OK\r\ncontent-type: application/proto\r\ncontent-length: 0\r\n\r\n";
        if conn.write_all(reply.as_bytes()).is_err() {
            return;
        }
    }
}

fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(<std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o700))
        .tempdir()
        .unwrap()
}

async fn advertised(dir: &std::path::Path, cluster: Option<String>) -> flyte_server::RunningServer {
    let mut b = flyte_server::Server::builder()
        .data_dir(dir)
        .listen("127.0.0.1:0".parse().unwrap())
        .advertise(true);
    if let Some(c) = cluster {
        b = b.cluster_endpoint(c);
    }
    b.build().unwrap().start().await.unwrap()
}

/// A client of `endpoint` whose local data dir is `dir` (where it finds the inject token).
fn configured(endpoint: &str, dir: &std::path::Path) -> Client {
    Client::builder()
        .endpoint(endpoint)
        .disable_keyring(true)
        .local_data_dir(dir)
        .project("p")
        .domain("d")
        .build()
        .unwrap()
}

fn assert_no_token(capture: &Capture, token: &str, what: &str) {
    let requests = capture.requests();
    assert!(!requests.is_empty(), "{what}: the listener got no request");
    for head in &requests {
        // Shown without the token: a failing test must not print it either.
        let shown = head.replace(token, "<the inject token>");
        assert!(
            !head.contains(token),
            "{what} got the inject token:\n{shown}"
        );
        assert!(
            !head.to_ascii_lowercase().contains("authorization:"),
            "{what} got credentials:\n{shown}"
        );
    }
}

#[tokio::test]
async fn the_inject_token_is_not_sent_to_a_routed_cluster_endpoint() {
    let capture = Capture::bind("127.0.0.1:0").unwrap();
    let dir = private_dir();
    let server = advertised(dir.path(), Some(format!("dns:///{}", capture.addr))).await;
    let token = flyte_server::read_inject_token(dir.path()).unwrap();
    // No endpoint: the client attaches to the advertised server and takes its token.
    let client = Client::builder()
        .local_data_dir(dir.path())
        .project("p")
        .domain("d")
        .build()
        .unwrap();
    assert_eq!(client.endpoint(), server.url());
    let _ = client.create("routed-key", "routed-value").await;
    assert_no_token(&capture, token.expose(), "the routed endpoint");
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_inject_token_is_not_sent_to_another_address_on_the_same_port() {
    let dir = private_dir();
    let server = advertised(dir.path(), None).await;
    let token = flyte_server::read_inject_token(dir.path()).unwrap();
    let port = server.addr().port();
    // Another user may listen on another loopback address with the same port.
    let mut others = vec![format!("127.0.0.2:{port}")];
    if TcpListener::bind("[::1]:0").is_ok() {
        others.push(format!("[::1]:{port}"));
    }
    for other in others {
        let capture = Capture::bind(&other).unwrap();
        let client = configured(&format!("http://{other}"), dir.path());
        let _ = client.create("elsewhere-key", "elsewhere-value").await;
        assert_no_token(&capture, token.expose(), &other);
    }
    // The advertised address itself still gets it: values can be read.
    let client = configured(&server.url(), dir.path());
    client.create("home-key", "home-value").await.unwrap();
    assert_eq!(
        client.read_value("home-key").await.unwrap().expose(),
        b"home-value"
    );
    server.shutdown().await.unwrap();
}
