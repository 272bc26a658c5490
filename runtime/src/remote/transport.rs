//! Sending one RPC: auth header, per-attempt timeout, retries, one token refresh, and reading
//! the Connect answer.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use http::header::HeaderName;

use super::codec;
use super::error::{Call, Code, DecodeError, Error, TokenError};
use super::exchange::{self, Failure, Http};
use super::request::{self, AuthHeader, RequestTemplate, Response, Rpc};
use super::retry::{FailureKind, RetryPolicy};
use super::token::{AccessToken, TokenSource};

/// What every call of one client shares.
#[derive(Debug)]
pub(crate) struct Transport {
    pub http: Http,
    pub template: RequestTemplate,
    /// How the endpoint is named in errors: the base URL.
    pub endpoint: String,
    pub timeout: Duration,
    /// For the whole call, attempts and backoff included.
    pub call_timeout: Duration,
    pub retry: RetryPolicy,
    pub tokens: Option<Arc<dyn TokenSource>>,
    pub auth_header: Arc<HeaderChoice>,
}

/// The header that carries the token: the configured one (`admin.authorizationHeader`), else
/// the one the service named at discovery (`authorization_metadata_key`), else
/// `authorization`.
#[derive(Debug)]
pub(crate) struct HeaderChoice {
    configured: Option<HeaderName>,
    discovered: std::sync::OnceLock<HeaderName>,
}

impl HeaderChoice {
    pub(crate) fn new(configured: Option<HeaderName>) -> Self {
        HeaderChoice {
            configured,
            discovered: std::sync::OnceLock::new(),
        }
    }

    pub(crate) fn get(&self) -> &HeaderName {
        static DEFAULT: HeaderName = http::header::AUTHORIZATION;
        self.configured
            .as_ref()
            .or(self.discovered.get())
            .unwrap_or(&DEFAULT)
    }

    /// What the service named; ignored when unusable or when one is configured.
    pub(crate) fn learn(&self, name: &str) {
        if let Ok(h) = HeaderName::from_bytes(name.trim().as_bytes()) {
            let _ = self.discovered.set(h);
        }
    }
}

impl Failure {
    fn kind(&self) -> FailureKind {
        match self {
            Failure::Status {
                code: Code::Unavailable,
                ..
            } => FailureKind::Unavailable,
            Failure::Status { .. } | Failure::Decode(_) => FailureKind::Final,
            Failure::Timeout => FailureKind::Timeout,
            Failure::Http { kind, .. } => *kind,
        }
    }

    /// The error of the last attempt; `value_len` is the size of the value the request
    /// carried.
    fn into_error(self, call: Call, attempts: u32, timeout: Duration, value_len: usize) -> Error {
        match self {
            Failure::Http { source, .. }
                if value_len > LARGE_VALUE && closed_by_peer(source.as_ref()) =>
            {
                Error::ClosedWhileSending {
                    call,
                    value_len,
                    source,
                }
            }
            Failure::Status { code, message } => Error::from_code(call, code, message, attempts),
            Failure::Timeout => Error::Timeout {
                call,
                after: timeout,
                attempts,
            },
            Failure::Http { source, .. } => Error::Transport {
                call,
                attempts,
                source,
            },
            Failure::Decode(source) => Error::Decode { call, source },
        }
    }
}

/// What marks a [`Call::endpoint`] that SelectCluster named.
const ROUTED: &str = " (cluster endpoint from SelectCluster)";

/// The endpoint's URL when a [`Call::endpoint`] is one SelectCluster named (so no
/// configuration set it), else `None`.
pub fn routed_endpoint(call_endpoint: &str) -> Option<&str> {
    call_endpoint.strip_suffix(ROUTED)
}

/// Above this, a connection the service closed while sending is most likely its size limit
/// (1 MiB on the local service and in a Kubernetes Secret).
const LARGE_VALUE: usize = 1024 * 1024;

/// Whether the peer reset or closed the connection (the cause of a failed send).
fn closed_by_peer(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(c) = cause {
        if let Some(io) = c.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::BrokenPipe
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
            )
        {
            return true;
        }
        if c.downcast_ref::<hyper::Error>()
            .is_some_and(|h| h.is_incomplete_message() || h.is_body_write_aborted())
        {
            return true;
        }
        cause = c.source();
    }
    false
}

impl Transport {
    /// The same auth header, timeouts, retries and codec against another base URL (a cluster
    /// endpoint from SelectCluster), with its own HTTP client and `tokens`.
    pub(crate) fn rebased(
        &self,
        http: Http,
        base_url: String,
        tokens: Option<Arc<dyn TokenSource>>,
    ) -> Transport {
        Transport {
            http,
            // Errors say where the endpoint came from: it is in no configuration.
            endpoint: format!("{base_url}{ROUTED}"),
            template: self.template.rebased(base_url),
            timeout: self.timeout,
            call_timeout: self.call_timeout,
            retry: self.retry,
            tokens,
            auth_header: self.auth_header.clone(),
        }
    }

    pub(crate) fn call_info(&self, op: super::error::Op, secret: Option<&str>) -> Call {
        Call {
            op,
            secret: secret.map(str::to_owned),
            endpoint: self.endpoint.clone(),
        }
    }

    fn auth(&self, token: Option<&AccessToken>) -> Option<AuthHeader> {
        token.and_then(|t| AuthHeader::bearer(self.auth_header.get(), t.expose()))
    }

    /// Sends `msg`, retrying as the [`RetryPolicy`] allows and refreshing the token once after
    /// `unauthenticated`.
    pub(crate) async fn call<R: Rpc>(
        &self,
        msg: &R,
        secret: Option<&str>,
    ) -> Result<Response<R>, Error> {
        let call = || self.call_info(R::OP, secret);
        let token_err = |source: TokenError| Error::Token {
            call: call(),
            source: Box::new(source),
        };
        let mut token = match &self.tokens {
            Some(t) => t.token().await.map_err(token_err)?,
            None => None,
        };
        // One clock read per attempt: the VM's clock is slow enough to show in a round trip.
        let mut now = Instant::now();
        let deadline = now + self.call_timeout;
        let mut refreshed = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let left = deadline.saturating_duration_since(now);
            let limit = self.timeout.min(left);
            let failure = match self.attempt(msg, token.as_ref(), now + limit).await {
                Ok(resp) => return Ok(resp),
                Err(f) => f,
            };
            // Whichever limit ran out is the one the error names.
            let spent = if limit < self.timeout {
                self.call_timeout
            } else {
                self.timeout
            };
            if let (
                Failure::Status {
                    code: Code::Unauthenticated,
                    ..
                },
                Some(tokens),
                false,
            ) = (&failure, &self.tokens, refreshed)
            {
                refreshed = true;
                tracing::debug!("{}: unauthenticated; refreshing the token once", call());
                match tokens.refresh(token.as_ref()).await.map_err(token_err)? {
                    Some(fresh) => {
                        token = Some(fresh);
                        attempt -= 1;
                        now = Instant::now();
                        continue;
                    }
                    None => {
                        return Err(failure.into_error(call(), attempt, spent, msg.value_len()));
                    }
                }
            }
            let wait = self.retry.backoff(attempt);
            now = Instant::now();
            let in_time = now + wait < deadline;
            if in_time && self.retry.should_retry(R::OP, failure.kind(), attempt) {
                tracing::debug!(
                    "{}: attempt {attempt} failed ({:?}); retrying in {wait:?}",
                    call(),
                    failure.kind()
                );
                tokio::time::sleep(wait).await;
                now = Instant::now();
                continue;
            }
            return Err(failure.into_error(call(), attempt, spent, msg.value_len()));
        }
    }

    async fn attempt<R: Rpc>(
        &self,
        msg: &R,
        token: Option<&AccessToken>,
        until: Instant,
    ) -> Result<Response<R>, Failure> {
        let auth = self.auth(token);
        // The template was validated when the client was built, so this cannot fail; map it
        // anyway rather than panic.
        let req = request::build(&self.template, msg, auth.as_ref())
            .map_err(|_| Failure::Decode(DecodeError::Missing("a valid request URL")))?;
        let answer = match tokio::time::timeout_at(until, exchange::send(&self.http, req)).await {
            Ok(answer) => answer?,
            Err(_) => return Err(Failure::Timeout),
        };
        let content_type = answer.content_type.as_ref().and_then(|v| v.to_str().ok());
        if (200..300).contains(&answer.status) {
            return codec::decode(content_type, &answer.body).map_err(Failure::Decode);
        }
        Err(error_from(answer.status, content_type, &answer.body))
    }
}

/// A Connect error: the JSON body's code and message, else the code the HTTP status implies.
fn error_from(status: u16, content_type: Option<&str>, body: &[u8]) -> Failure {
    let json = codec::codec_of(content_type) == Some(crate::config::Codec::Json);
    if json && let Ok(err) = serde_json::from_slice::<flyte_idl::connect::ErrorBody>(body) {
        return Failure::Status {
            code: err.code,
            message: shorten(err.message),
        };
    }
    Failure::Status {
        code: Code::from_http_status(status),
        message: super::error::not_connect_message(status),
    }
}

/// The longest server message kept in an error, so a misbehaving server cannot flood logs.
const MAX_MESSAGE: usize = 512;

fn shorten(mut message: String) -> String {
    if message.len() > MAX_MESSAGE {
        let mut cut = MAX_MESSAGE;
        while !message.is_char_boundary(cut) {
            cut -= 1;
        }
        message.truncate(cut);
        message.push_str("...");
    }
    message
}
