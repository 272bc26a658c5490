//! One Connect unary call: headers, auth, body, codec, handler, response.

use std::future::Future as _;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, Uri, Version, header};
use axum::response::{IntoResponse, Response};
use flyte_idl::connect::Code;
use zeroize::Zeroizing;

use super::body;
use super::codec::Codec;
use crate::app::App;
use crate::auth::{Caller, Peer};
use crate::headers::Headers;
use crate::rpc_error::RpcError;
use crate::service::Rpc;

/// Serves a call of method `R` on a connection from `peer`.
pub(super) async fn handle<R: Rpc>(
    app: Arc<App>,
    request: Request,
    peer: Option<Peer>,
) -> Response {
    let (parts, body) = request.into_parts();
    if tracing::enabled!(tracing::Level::TRACE) {
        // Protocol headers only: never authorization or anything carrying a credential.
        let h = |n: &str| {
            parts
                .headers
                .get(n)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("-")
                .to_owned()
        };
        tracing::trace!(
            method = R::NAME,
            version = ?parts.version,
            content_type = h("content-type"),
            content_encoding = h("content-encoding"),
            accept_encoding = h("accept-encoding"),
            connect_protocol_version = h("connect-protocol-version"),
            connect_timeout_ms = h("connect-timeout-ms"),
            user_agent = h("user-agent"),
            "request"
        );
    }
    let Some(codec) = Codec::from_headers(&parts.headers) else {
        // Connect: an unsupported content type is plain HTTP 415, not a Connect error.
        let mut response = (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            [("accept-post", "application/proto, application/json")],
        )
            .into_response();
        close_unread(&parts, &mut response);
        return response;
    };
    let headers = Headers::new(&parts.headers);
    let mut body_read = false;
    let result = match timeout(headers) {
        Ok(None) => serve::<R>(app, &parts.uri, headers, body, codec, &mut body_read, peer).await,
        Ok(Some(limit)) => {
            // Boxed: inline, this rarer variant adds a timer to every request's future (which
            // axum boxes once per request; over 1 KiB, glibc leaves its fast path).
            let serving = Box::pin(serve::<R>(
                app,
                &parts.uri,
                headers,
                body,
                codec,
                &mut body_read,
                peer,
            ));
            tokio::time::timeout(limit, serving)
                .await
                .unwrap_or_else(|_| {
                    Err(RpcError::new(
                        Code::DeadlineExceeded,
                        "the connect-timeout-ms deadline passed",
                    ))
                })
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(resp) => resp,
        Err(e) => {
            tracing::debug!(method = R::NAME, code = %e.code, "rpc failed");
            let mut response = e.into_response();
            if !body_read {
                close_unread(&parts, &mut response);
            }
            response
        }
    }
}

/// An answer sent before the request body was read to its end: the rest of the body would
/// be parsed as the next request, so HTTP/1 closes the connection (and says so).
fn close_unread(parts: &Parts, response: &mut Response) {
    if parts.version <= Version::HTTP_11 {
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
}

async fn serve<R: Rpc>(
    app: Arc<App>,
    uri: &Uri,
    headers: Headers<'_>,
    body: Body,
    codec: Codec,
    body_read: &mut bool,
    peer: Option<Peer>,
) -> Result<Response, RpcError> {
    if let Some(v) = headers.connect_protocol_version()
        && v.as_bytes() != flyte_idl::paths::CONNECT_PROTOCOL_VERSION.as_bytes()
    {
        return Err(RpcError::invalid(
            "unsupported connect-protocol-version: this server speaks 1",
        ));
    }
    // Authenticate before reading the body: an unknown caller costs no parsing.
    let caller = if R::PUBLIC {
        Caller::Anonymous
    } else {
        app.auth.authenticate(headers, uri, peer).await?
    };
    let raw = read_body(&app, headers, body).await?;
    *body_read = true;
    let req: R::Request = codec.decode(&raw, R::NAME, R::SENSITIVE)?;
    drop(raw);
    // `app` moves into the call: a clone would be one more write to a count every
    // connection shares.
    let compress_min = app.limits.compress_min;
    let mut resp = R::call(app, caller, req).await?;
    let encoded = codec.encode(&resp);
    R::wipe(&mut resp);

    let mut gzipped = false;
    let payload = if encoded.len() >= compress_min && body::accepts_gzip(headers.map()) {
        gzipped = true;
        let z = body::gzip(&encoded);
        wipe_if::<R>(encoded);
        z
    } else {
        encoded
    };
    let bytes = if R::SENSITIVE {
        // Zeroed when hyper drops the last reference after writing it.
        Bytes::from_owner(Zeroizing::new(payload))
    } else {
        Bytes::from(payload)
    };
    let mut response = Response::new(Body::from(bytes));
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(codec.content_type()),
    );
    if gzipped {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    Ok(response)
}

/// The request body within the size limit and the body deadline.
async fn read_body<'a>(
    app: &'a App,
    headers: Headers<'_>,
    body: Body,
) -> Result<body::Held<'a>, RpcError> {
    let deadline = app.limits.body_timeout;
    let started = tokio::time::Instant::now();
    let mut reading = std::pin::pin!(body::read(
        headers,
        body,
        app.limits.max_body,
        &app.body_budget
    ));
    // Most bodies are in by the first poll: only a body still arriving gets the timer (a
    // runtime-handle clone and a timer entry per request otherwise), with the deadline it
    // would have had from the start.
    let first = std::future::poll_fn(|cx| Poll::Ready(reading.as_mut().poll(cx))).await;
    let arrived = match first {
        Poll::Ready(r) => Ok(r),
        Poll::Pending => match started.checked_add(deadline) {
            Some(at) => tokio::time::timeout_at(at, reading).await,
            // Past what an Instant holds: `timeout` has its own far-future rule.
            None => tokio::time::timeout(deadline, reading).await,
        },
    };
    arrived.map_err(|_| {
        RpcError::new(
            Code::DeadlineExceeded,
            format!(
                "the request body did not arrive within {} ms",
                deadline.as_millis()
            ),
        )
    })?
}

fn wipe_if<R: Rpc>(buf: Vec<u8>) {
    if R::SENSITIVE {
        drop(Zeroizing::new(buf));
    }
}

/// The `connect-timeout-ms` header: at most 10 digits, per the Connect specification.
fn timeout(headers: Headers<'_>) -> Result<Option<Duration>, RpcError> {
    let Some(v) = headers.connect_timeout_ms() else {
        return Ok(None);
    };
    let text = v.to_str().unwrap_or("");
    if text.is_empty() || text.len() > 10 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(RpcError::invalid(
            "connect-timeout-ms must be 1 to 10 decimal digits",
        ));
    }
    Ok(Some(Duration::from_millis(
        text.parse().unwrap_or(u64::MAX),
    )))
}
