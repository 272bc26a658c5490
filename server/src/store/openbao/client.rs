//! The HTTP side: one request to the OpenBao API, with the token in `X-Vault-Token` (marked
//! sensitive), and every failure that is not an answer turned into a [`StoreError`] naming
//! the address: unreachable, sealed or otherwise not serving is [`StoreError::Unavailable`]
//! (clients may retry); a refused token is a [`Failure::Denied`], or `unavailable` saying it
//! expired once its expiry time ([`Client::set_expiry`]) has passed.

use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use reqwest::header::{CONTENT_TYPE, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use zeroize::Zeroizing;

use super::address::OpenBaoAddress;
use super::token::Token;
use crate::error::StartError;
use crate::store::StoreError;

/// Longest wait for a connection; then the call is `unavailable`.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Longest wait for a whole request.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(15);
/// How early before the expiry time known here a refusal counts as the token's expiry.
const EXPIRY_SLACK: Duration = Duration::from_secs(1);

/// What OpenBao answered that the store reports as a failure of its own (not `unavailable`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Failure {
    #[error(
        "{server} refused the token ({what}: permission denied): it is invalid or expired, or \
         its policy does not allow this on mount `{mount}`"
    )]
    Denied {
        server: String,
        mount: String,
        what: &'static str,
    },
    #[error("{server} answered HTTP {status} to {what}: {errors}")]
    Status {
        server: String,
        status: u16,
        what: &'static str,
        errors: String,
    },
    #[error("{server}: {reason}")]
    Mount { server: String, reason: String },
    /// Not transient: retrying will not help until the certificate or the CA file changes.
    #[error(
        "TLS with {server} failed: {reason}; if its certificate is from a private CA, pass that \
         CA with --store-ca-file PEM"
    )]
    Tls { server: String, reason: String },
    #[error("{server} sent an unexpected answer to {what}: {reason}")]
    Answer {
        server: String,
        what: &'static str,
        reason: String,
    },
}

impl From<Failure> for StoreError {
    fn from(f: Failure) -> Self {
        StoreError::Backend(Box::new(f))
    }
}

/// An answer the caller interprets (200, 204, 400, 404); its body may hold a value, so it is
/// wiped on drop.
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) body: Zeroizing<Vec<u8>>,
}

impl Reply {
    /// The body as JSON (`null` when empty).
    pub(crate) fn json(&self, client: &Client, what: &'static str) -> Result<Value, StoreError> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            client
                .answer(what, format!("not JSON ({})", e.classify_name()))
                .into()
        })
    }

    /// The `errors` OpenBao sent, joined.
    pub(crate) fn errors(&self) -> String {
        errors_of(&self.body)
    }
}

fn errors_of(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    };
    let list: Vec<&str> = v["errors"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    list.join("; ")
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "cut short",
        }
    }
}

/// The API client of one mount.
#[derive(Debug)]
pub(crate) struct Client {
    http: reqwest::Client,
    base: String,
    mount: String,
    token: Token,
    /// `OpenBao at https://host:8200`, for messages.
    server: String,
    /// When the token expires, if it does and that is known ([`super::renewal`]).
    expiry: Mutex<Option<SystemTime>>,
}

impl Client {
    pub(crate) fn new(
        address: &OpenBaoAddress,
        token: Token,
        ca_file: Option<&Path>,
    ) -> Result<Client, StartError> {
        let mut builder = reqwest::Client::builder()
            .use_rustls_tls()
            .https_only(address.is_https())
            // A redirect (e.g. from a standby) would carry the token to another address.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT);
        if let Some(path) = ca_file {
            crate::private::refuse_dir(path, "store CA file")?;
            let tls_err = |reason: String| StartError::Tls {
                path: path.to_owned(),
                reason,
            };
            let pem = std::fs::read(path).map_err(|e| tls_err(format!("cannot read it ({e})")))?;
            let certs = reqwest::Certificate::from_pem_bundle(&pem)
                .map_err(|e| tls_err(format!("not PEM certificates ({e})")))?;
            if certs.is_empty() {
                return Err(tls_err("no certificate in it".into()));
            }
            for cert in certs {
                builder = builder.add_root_certificate(cert);
            }
        }
        let http = builder.build().map_err(|e| StartError::Store {
            store: format!("OpenBao at {}", address.base_url()),
            source: Box::new(e),
        })?;
        Ok(Client {
            http,
            base: address.base_url(),
            mount: address.mount().to_owned(),
            token,
            server: format!("OpenBao at {}", address.base_url()),
            expiry: Mutex::new(None),
        })
    }

    pub(crate) fn server(&self) -> &str {
        &self.server
    }

    pub(crate) fn mount(&self) -> &str {
        &self.mount
    }

    pub(crate) fn answer(&self, what: &'static str, reason: String) -> Failure {
        Failure::Answer {
            server: self.server.clone(),
            what,
            reason,
        }
    }

    pub(crate) fn mount_failure(&self, reason: String) -> Failure {
        Failure::Mount {
            server: self.server.clone(),
            reason,
        }
    }

    /// A failure for an answer the caller did not expect.
    pub(crate) fn unexpected(&self, what: &'static str, reply: &Reply) -> StoreError {
        Failure::Status {
            server: self.server.clone(),
            status: reply.status.as_u16(),
            what,
            errors: reply.errors(),
        }
        .into()
    }

    /// `METHOD /v1/{path}` (the path already escaped, see [`super::paths`]); `what` names the
    /// operation in messages. Answers 2xx, 400 and 404 are the caller's to interpret.
    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Zeroizing<Vec<u8>>)>,
        what: &'static str,
    ) -> Result<Reply, StoreError> {
        let reply = self.call_raw(method, path, body, what).await?;
        if reply.status == StatusCode::FORBIDDEN {
            return Err(self.denied(what));
        }
        Ok(reply)
    }

    /// When the token expires (`None`: it does not, or that is not known).
    pub(crate) fn expiry(&self) -> Option<SystemTime> {
        *self.expiry.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn set_expiry(&self, at: Option<SystemTime>) {
        *self.expiry.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    /// The token refused: `unavailable` saying it expired once its expiry time has passed
    /// (give the server a new one), else [`Failure::Denied`].
    pub(crate) fn denied(&self, what: &'static str) -> StoreError {
        // A second early: the expiry is reckoned from when its answer arrived.
        if let Some(at) = self.expiry()
            && SystemTime::now() + EXPIRY_SLACK >= at
        {
            return StoreError::Unavailable(format!(
                "{} refused the token ({what}): it expired at {}; give flyte serve a new token \
                 (--store-token-file FILE, BAO_TOKEN or VAULT_TOKEN) and restart it",
                self.server,
                super::token::at(at)
            ));
        }
        Failure::Denied {
            server: self.server.clone(),
            mount: self.mount.clone(),
            what,
        }
        .into()
    }

    /// [`Client::call`], also leaving 403 to the caller.
    pub(crate) async fn call_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<(&'static str, Zeroizing<Vec<u8>>)>,
        what: &'static str,
    ) -> Result<Reply, StoreError> {
        let mut token = HeaderValue::from_str(self.token.expose())
            .map_err(|_| self.answer(what, "the token is not a valid header value".into()))?;
        token.set_sensitive(true);
        let mut req = self
            .http
            .request(method, format!("{}/v1/{path}", self.base))
            .header("X-Vault-Token", token);
        if let Some((content_type, bytes)) = body {
            // `bytes` is wiped when it drops; the copy handed to reqwest is, like hyper's
            // buffers, outside our control.
            req = req.header(CONTENT_TYPE, content_type).body(bytes.to_vec());
        }
        let resp = req.send().await.map_err(|e| self.unreachable(&e))?;
        let status = resp.status();
        let body = Zeroizing::new(
            resp.bytes()
                .await
                .map_err(|e| self.unreachable(&e))?
                .to_vec(),
        );
        let reply = Reply { status, body };
        match status.as_u16() {
            200..=299 | 400 | 403 | 404 => Ok(reply),
            503 if reply.errors().contains("sealed") => Err(StoreError::Unavailable(format!(
                "{} is sealed; calls work again once it is unsealed",
                self.server
            ))),
            // Not serving: sealed or standby (429, 472, 473), a proxy in front failing (502,
            // 504), or 503 while it starts.
            429 | 472 | 473 | 502 | 503 | 504 => Err(StoreError::Unavailable(format!(
                "{} is not serving (HTTP {}: {})",
                self.server,
                status.as_u16(),
                reply.errors()
            ))),
            _ => Err(self.unexpected(what, &reply)),
        }
    }

    /// `unavailable`, naming the address and the innermost cause (never the token: it is
    /// only in a header).
    fn unreachable(&self, e: &reqwest::Error) -> StoreError {
        let mut cause: &dyn std::error::Error = e;
        while let Some(inner) = cause.source() {
            cause = inner;
        }
        if let Some(tls) = tls_failure(e) {
            return Failure::Tls {
                server: self.server.clone(),
                reason: tls.to_string(),
            }
            .into();
        }
        let kind = if e.is_timeout() {
            "timed out".to_owned()
        } else {
            cause.to_string()
        };
        StoreError::Unavailable(format!("cannot reach {}: {kind}", self.server))
    }
}

/// The rustls error in `e`'s causes, if the failure is the TLS handshake's (an untrusted or
/// mismatched certificate). hyper nests it in `io::Error`s, whose `source` skips it.
fn tls_failure(e: &reqwest::Error) -> Option<&rustls::Error> {
    fn inside<'e>(e: &'e (dyn std::error::Error + 'static)) -> Option<&'e rustls::Error> {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        e.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inside(inner))
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if let Some(tls) = inside(c) {
            return Some(tls);
        }
        cause = c.source();
    }
    None
}
