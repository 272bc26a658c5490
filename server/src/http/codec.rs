//! The two codecs: binary protobuf (`application/proto`) and proto3 JSON (`application/json`).

use axum::http::{HeaderMap, header};
use serde::de::DeserializeOwned;

use crate::rpc_error::RpcError;
use crate::service::Reply;

/// A request's codec, from its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Codec {
    Proto,
    Json,
}

impl Codec {
    /// The codec named by `content-type`, or `None` (answered with HTTP 415).
    pub(super) fn from_headers(headers: &HeaderMap) -> Option<Codec> {
        let value = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
        let essence = value.split(';').next()?.trim();
        if essence.eq_ignore_ascii_case("application/proto") {
            Some(Codec::Proto)
        } else if essence.eq_ignore_ascii_case("application/json") {
            Some(Codec::Json)
        } else {
            None
        }
    }

    pub(super) fn content_type(self) -> &'static str {
        match self {
            Codec::Proto => flyte_idl::paths::CONTENT_TYPE_PROTO,
            Codec::Json => flyte_idl::paths::CONTENT_TYPE_JSON,
        }
    }

    /// Decodes a request. With `sensitive`, JSON errors give only the position, because
    /// serde's messages can quote the offending input.
    pub(super) fn decode<M>(
        self,
        bytes: &[u8],
        method: &str,
        sensitive: bool,
    ) -> Result<M, RpcError>
    where
        M: prost::Message + Default + DeserializeOwned,
    {
        match self {
            Codec::Proto => M::decode(bytes).map_err(|e| {
                RpcError::invalid(format!("invalid {method} request (application/proto): {e}"))
            }),
            Codec::Json => {
                // The mapping has an object at the top; serde would also take an array.
                if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
                    return Err(RpcError::invalid(format!(
                        "invalid {method} request (application/json): expected a JSON object"
                    )));
                }
                serde_json::from_slice(bytes).map_err(|e| {
                    let detail = if sensitive {
                        format!("malformed at line {} column {}", e.line(), e.column())
                    } else {
                        e.to_string()
                    };
                    RpcError::invalid(format!(
                        "invalid {method} request (application/json): {detail}"
                    ))
                })
            }
        }
    }

    pub(super) fn encode(self, reply: &impl Reply) -> Vec<u8> {
        match self {
            Codec::Proto => reply.to_proto(),
            Codec::Json => reply.to_json(),
        }
    }
}
