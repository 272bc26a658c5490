//! [`RpcError`]: a failed call as a Connect code and message, and its HTTP response.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use flyte_idl::connect::{Code, ErrorBody};

/// An RPC failure: a Connect code and a message for the client. Messages name inputs and
/// rules, never secret values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RpcError {
    pub(crate) code: Code,
    pub(crate) message: String,
}

impl RpcError {
    pub(crate) fn new(code: Code, message: impl Into<String>) -> Self {
        RpcError {
            code,
            message: message.into(),
        }
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidArgument, message)
    }

    /// An internal failure: logged with its cause, reported without it.
    pub(crate) fn internal(context: &str, cause: &dyn std::error::Error) -> Self {
        tracing::error!(error = %cause, source = ?cause.source().map(|s| s.to_string()), "{context}");
        Self::new(Code::Internal, format!("{context} (see the server log)"))
    }
}

impl IntoResponse for RpcError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.code.http_status())
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&ErrorBody::new(self.code, self.message))
            .unwrap_or_else(|_| br#"{"code":"internal"}"#.to_vec());
        let mut resp = (status, body).into_response();
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        resp
    }
}
