//! A loopback HTTP/1.1 server that answers every request from a closure: for fault injection
//! only (a hostile or foreign endpoint), where a real `flyte serve` cannot misbehave.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::Arc;

/// One canned answer: status, content type, body.
pub(crate) struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Reply {
    /// A Connect error in the JSON form, as a Connect server sends it.
    pub(crate) fn connect_error(status: u16, code: &str, message: &str) -> Reply {
        let body = serde_json::json!({ "code": code, "message": message });
        Reply {
            status,
            content_type: "application/json",
            body: body.to_string().into_bytes(),
        }
    }

    /// 404, which a client reads as `unimplemented` (e.g. no SelectCluster routing).
    pub(crate) fn not_found() -> Reply {
        Reply {
            status: 404,
            content_type: "text/plain",
            body: b"404 page not found".to_vec(),
        }
    }
}

/// The server; its thread lives as long as the test process.
pub(crate) struct Fake {
    pub url: String,
}

impl Fake {
    /// Answers each request (by its path) with `answer(path)`, one request per connection.
    pub(crate) fn start(answer: impl Fn(&str) -> Reply + Send + Sync + 'static) -> Fake {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let answer = Arc::new(answer);
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let answer = Arc::clone(&answer);
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(conn);
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        return;
                    }
                    let path = request_line.split(' ').nth(1).unwrap_or("/").to_owned();
                    let mut length = 0usize;
                    loop {
                        let mut header = String::new();
                        if reader.read_line(&mut header).unwrap_or(0) == 0 {
                            return;
                        }
                        if header == "\r\n" {
                            break;
                        }
                        if let Some((name, value)) = header.split_once(':')
                            && name.eq_ignore_ascii_case("content-length")
                        {
                            length = value.trim().parse().unwrap_or(0);
                        }
                    }
                    // Read the whole body, so that closing does not reset the connection.
                    let mut body = vec![0; length];
                    let _ = reader.read_exact(&mut body);
                    let reply = answer(&path);
                    let mut conn = reader.into_inner();
                    let head = format!(
                        "HTTP/1.1 {} X\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                        reply.status,
                        reply.content_type,
                        reply.body.len()
                    );
                    let _ = conn.write_all(head.as_bytes());
                    let _ = conn.write_all(&reply.body);
                });
            }
        });
        Fake { url }
    }
}
