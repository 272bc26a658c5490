//! The loopback server the browser returns to after a PKCE login: listens on the redirect
//! URI's host and port (port 0: any free port, which RFC 8252 lets native clients choose),
//! answers requests on the redirect path, and hands back the code once one carries the login's
//! `state`; a request with another `state` (or none) gets an error page and the wait goes on.

use std::net::SocketAddr;
use std::time::Duration;

use reqwest::Url;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use zeroize::Zeroizing;

use crate::remote::error::TokenError;

/// The request head a browser sends is small; more is not a browser.
const MAX_HEAD: usize = 16 << 10;
/// Time for one connection to send its request line.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

const DONE: &str = "<!DOCTYPE html><html><head><title>Logged in</title></head><body>\
    <h1>Logged in</h1><p>You can close this window and return to the terminal.</p></body></html>";
const FAILED: &str = "<!DOCTYPE html><html><head><title>Login failed</title></head><body>\
    <h1>Login failed</h1><p>Return to the terminal to see why.</p></body></html>";

const FORGED: &str = "<!DOCTYPE html><html><head><title>Not this login</title></head><body>\
    <h1>Not this login</h1><p>This request does not belong to the login in progress and was \
    ignored.</p></body></html>";

/// Listening for the browser's return.
#[derive(Debug)]
pub(super) struct Callback {
    redirect: Url,
    incoming: mpsc::Receiver<TcpStream>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Drop for Callback {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// What came back on the redirect path.
pub(super) struct Returned {
    pub code: Zeroizing<String>,
}

impl Callback {
    /// Listens on every address the redirect URI's host resolves to, on its port.
    pub(super) async fn bind(redirect_uri: &str) -> Result<Callback, TokenError> {
        let bad = |problem: String| TokenError::Callback { problem };
        let mut redirect = Url::parse(redirect_uri)
            .map_err(|_| bad(format!("the redirect URI `{redirect_uri}` is not a URL")))?;
        if redirect.scheme() != "http" {
            return Err(bad(format!(
                "the redirect URI `{redirect_uri}` must be http:// on this machine (a loopback address)"
            )));
        }
        let host = redirect.host_str().unwrap_or_default().to_owned();
        let port = redirect.port_or_known_default().unwrap_or(80);
        let resolve_err = |source| TokenError::CallbackServer {
            addr: format!("{host}:{port}"),
            source,
        };
        let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.trim_matches(['[', ']']), port))
            .await
            .map_err(resolve_err)?
            .collect();
        if addrs.iter().any(|a| !a.ip().is_loopback()) || addrs.is_empty() {
            return Err(bad(format!(
                "the redirect URI `{redirect_uri}` is not a loopback address; the login can only \
                 return to this machine"
            )));
        }
        let (tx, incoming) = mpsc::channel(4);
        let mut tasks = Vec::new();
        let mut chosen = port;
        let mut first_err = None;
        for addr in addrs {
            let addr = SocketAddr::new(addr.ip(), chosen);
            match TcpListener::bind(addr).await {
                Ok(listener) => {
                    chosen = listener.local_addr().map(|a| a.port()).unwrap_or(chosen);
                    let tx = tx.clone();
                    tasks.push(tokio::spawn(async move {
                        while let Ok((stream, _)) = listener.accept().await {
                            if tx.send(stream).await.is_err() {
                                return;
                            }
                        }
                    }));
                }
                Err(e) => {
                    first_err.get_or_insert(TokenError::CallbackServer {
                        addr: addr.to_string(),
                        source: e,
                    });
                }
            }
        }
        if tasks.is_empty() {
            return Err(first_err.unwrap_or_else(|| bad("nowhere to listen".into())));
        }
        let _ = redirect.set_port(Some(chosen));
        Ok(Callback {
            redirect,
            incoming,
            tasks,
        })
    }

    /// The redirect URI to send, with the port actually listened on.
    pub(super) fn redirect_uri(&self) -> String {
        self.redirect.to_string()
    }

    /// Serves connections until one hits the redirect path with the login's `state`, then
    /// checks what it carries: `error` (refused), `iss` (when the issuer is known), `code`.
    /// Anything on this port can send a request, so one without the right `state` is answered
    /// with an error page and otherwise ignored: it must not end the login.
    pub(super) async fn wait(
        mut self,
        state: &str,
        issuer: Option<&str>,
    ) -> Result<Returned, TokenError> {
        loop {
            let Some(mut stream) = self.incoming.recv().await else {
                return Err(TokenError::Callback {
                    problem: "the callback server stopped".into(),
                });
            };
            let Ok(Some(target)) =
                tokio::time::timeout(READ_TIMEOUT, request_target(&mut stream)).await
            else {
                continue;
            };
            let Ok(url) = self.redirect.join(&target) else {
                respond(&mut stream, "400 Bad Request", FAILED).await;
                continue;
            };
            if url.path() != self.redirect.path() {
                // favicon.ico and the like.
                respond(&mut stream, "404 Not Found", "").await;
                continue;
            }
            let result = check(&url, state, issuer);
            let (status, page) = match &result {
                Ok(_) => ("200 OK", DONE),
                Err(TokenError::StateMismatch) => ("400 Bad Request", FORGED),
                Err(_) => ("400 Bad Request", FAILED),
            };
            respond(&mut stream, status, page).await;
            if matches!(result, Err(TokenError::StateMismatch)) {
                tracing::warn!(
                    "ignored a request to the login callback without this login's `state` \
                     (stale or forged); still waiting for the identity provider's redirect"
                );
                continue;
            }
            return result;
        }
    }
}

fn check(url: &Url, state: &str, issuer: Option<&str>) -> Result<Returned, TokenError> {
    let mut code = None;
    let (mut got_state, mut error, mut description, mut iss) = (None, None, None, None);
    for (k, v) in url.query_pairs() {
        match &*k {
            "code" => code = Some(Zeroizing::new(v.into_owned())),
            "state" => got_state = Some(Zeroizing::new(v.into_owned())),
            "error" => error = Some(v.chars().take(100).collect::<String>()),
            "error_description" => description = Some(v.chars().take(200).collect::<String>()),
            "iss" => iss = Some(v.into_owned()),
            _ => {}
        }
    }
    // The state first: an error page forged by someone else must not end a login either.
    if got_state.as_deref().map(|s| s.as_str()) != Some(state) {
        return Err(TokenError::StateMismatch);
    }
    if let Some(error) = error {
        return Err(TokenError::Denied { error, description });
    }
    if let (Some(want), Some(got)) = (issuer, iss)
        && want.trim_end_matches('/') != got.trim_end_matches('/')
    {
        return Err(TokenError::IssuerMismatch {
            want: want.to_owned(),
            got,
        });
    }
    match code {
        Some(code) if !code.is_empty() => Ok(Returned { code }),
        _ => Err(TokenError::Callback {
            problem: "the identity provider sent the browser back without a code".into(),
        }),
    }
}

/// The target of the request line (`GET /callback?code=... HTTP/1.1`), zeroed buffer.
async fn request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Zeroizing::new(Vec::with_capacity(2048));
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = buf.windows(2).position(|w| w == b"\r\n") {
            let line = std::str::from_utf8(&buf[..end]).ok()?;
            let mut parts = line.split(' ');
            let (method, target) = (parts.next()?, parts.next()?);
            return (method == "GET").then(|| target.to_owned());
        }
        if buf.len() >= MAX_HEAD {
            return None;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

async fn respond(stream: &mut TcpStream, status: &str, body: &str) {
    let head = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\n\
         cache-control: no-store\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes()).await;
    let _ = stream.write_all(body.as_bytes()).await;
    let _ = stream.shutdown().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(q: &str) -> Url {
        Url::parse(&format!("http://127.0.0.1:1/callback?{q}")).unwrap()
    }

    #[test]
    fn the_state_is_checked_before_anything_else() {
        assert!(matches!(
            check(&url("code=c&state=other"), "s", None),
            Err(TokenError::StateMismatch)
        ));
        assert!(matches!(
            check(&url("error=access_denied"), "s", None),
            Err(TokenError::StateMismatch)
        ));
        assert!(matches!(
            check(&url("error=access_denied&state=s"), "s", None),
            Err(TokenError::Denied { .. })
        ));
        assert!(matches!(
            check(
                &url("code=c&state=s&iss=https://evil"),
                "s",
                Some("https://idp")
            ),
            Err(TokenError::IssuerMismatch { .. })
        ));
        assert!(matches!(
            check(&url("state=s"), "s", None),
            Err(TokenError::Callback { .. })
        ));
        let ok = check(
            &url("code=c1&state=s&iss=https://idp/"),
            "s",
            Some("https://idp"),
        )
        .unwrap();
        assert_eq!(ok.code.as_str(), "c1");
    }

    #[tokio::test]
    async fn a_request_without_the_state_is_answered_and_the_wait_goes_on() {
        let cb = Callback::bind("http://127.0.0.1:0/callback").await.unwrap();
        let uri = cb.redirect_uri();
        let waiting = tokio::spawn(async move { cb.wait("s", None).await });
        for forged in [
            "code=x&state=WRONG",
            "code=x",
            "error=access_denied&state=WRONG",
        ] {
            let resp = reqwest::get(format!("{uri}?{forged}")).await.unwrap();
            assert_eq!(resp.status(), 400, "{forged}");
            assert!(resp.text().await.unwrap().contains("ignored"), "{forged}");
        }
        assert!(
            !waiting.is_finished(),
            "still listening after forged requests"
        );
        let resp = reqwest::get(format!("{uri}?code=real&state=s"))
            .await
            .unwrap();
        assert_eq!(resp.status(), 200);
        assert_eq!(waiting.await.unwrap().unwrap().code.as_str(), "real");
    }

    #[tokio::test]
    async fn port_zero_listens_on_a_free_port_and_non_loopback_is_refused() {
        let cb = Callback::bind("http://127.0.0.1:0/callback").await.unwrap();
        assert!(!cb.redirect_uri().contains(":0/"), "{}", cb.redirect_uri());
        let err = Callback::bind("http://192.0.2.1:8080/cb")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("loopback"), "{err}");
        let err = Callback::bind("https://127.0.0.1:1/cb").await.unwrap_err();
        assert!(err.to_string().contains("http://"), "{err}");
    }
}
