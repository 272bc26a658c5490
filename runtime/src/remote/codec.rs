//! Encoding requests and decoding responses in either codec, with gzip.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::DecodeError;
use crate::config::Codec;

/// Request bodies at least this long are gzip-compressed by default. Below it the gzip header
/// and CPU cost more than they save; a secret-service request is usually far smaller.
pub(crate) const DEFAULT_GZIP_THRESHOLD: usize = 1024;

/// The largest response body accepted, compressed or not (a bound against gzip bombs).
pub(super) const MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// A message either codec can carry.
pub(crate) trait WireMessage:
    prost::Message + Serialize + DeserializeOwned + Default + Send + 'static
{
}

impl<T: prost::Message + Serialize + DeserializeOwned + Default + Send + 'static> WireMessage
    for T
{
}

/// The body of `msg` in `codec`.
pub(super) fn encode<M: WireMessage>(codec: Codec, msg: &M) -> Vec<u8> {
    match codec {
        Codec::Proto => msg.encode_to_vec(),
        // Serializing these plain structs to a Vec cannot fail.
        Codec::Json => serde_json::to_vec(msg).unwrap_or_default(),
    }
}

/// Decodes a response body sent with `content_type`.
pub(super) fn decode<M: WireMessage>(
    content_type: Option<&str>,
    body: &[u8],
) -> Result<M, DecodeError> {
    match codec_of(content_type) {
        Some(Codec::Proto) => Ok(M::decode(body)?),
        Some(Codec::Json) => Ok(serde_json::from_slice(body)?),
        None => Err(DecodeError::ContentType(
            content_type.unwrap_or("(none)").to_owned(),
        )),
    }
}

/// The codec named by a `content-type` header (parameters such as `charset` ignored).
pub(super) fn codec_of(content_type: Option<&str>) -> Option<Codec> {
    let mime = content_type?.split(';').next()?.trim();
    match mime.to_ascii_lowercase().as_str() {
        "application/proto" | "application/protobuf" | "application/x-protobuf" => {
            Some(Codec::Proto)
        }
        "application/json" => Some(Codec::Json),
        _ => None,
    }
}

pub(super) fn gzip(body: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::with_capacity(body.len() / 2 + 32), Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(body);
    enc.finish().unwrap_or_default()
}

/// Inflates a gzip body, refusing more than [`MAX_RESPONSE_BYTES`].
pub(super) fn gunzip(body: &[u8]) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::with_capacity(body.len().saturating_mul(3).min(MAX_RESPONSE_BYTES));
    let mut limited = GzDecoder::new(body).take(MAX_RESPONSE_BYTES as u64 + 1);
    limited.read_to_end(&mut out).map_err(DecodeError::Gzip)?;
    if out.len() > MAX_RESPONSE_BYTES {
        return Err(DecodeError::TooLarge {
            limit: MAX_RESPONSE_BYTES,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flyte_idl::{GetSecretRequest, SecretIdentifier};

    fn sample() -> GetSecretRequest {
        GetSecretRequest {
            id: Some(SecretIdentifier {
                name: "db".into(),
                organization: "127".into(),
                ..Default::default()
            }),
            include_system_secrets: false,
        }
    }

    #[test]
    fn both_codecs_round_trip() {
        for codec in [Codec::Proto, Codec::Json] {
            let body = encode(codec, &sample());
            let back: GetSecretRequest = decode(Some(codec.content_type()), &body).unwrap();
            assert_eq!(back, sample());
        }
        assert_eq!(
            encode(Codec::Json, &sample()),
            br#"{"id":{"name":"db","organization":"127"}}"#
        );
    }

    #[test]
    fn content_type_parameters_are_ignored_and_unknown_types_refused() {
        assert_eq!(
            codec_of(Some("application/json; charset=utf-8")),
            Some(Codec::Json)
        );
        let err = decode::<GetSecretRequest>(Some("text/html"), b"<html>").unwrap_err();
        assert!(err.to_string().contains("text/html"), "{err}");
    }

    #[test]
    fn gzip_round_trip_and_bomb_guard() {
        let data = vec![b'a'; 10_000];
        assert_eq!(gunzip(&gzip(&data)).unwrap(), data);
        assert!(matches!(gunzip(b"not gzip"), Err(DecodeError::Gzip(_))));
        let bomb = gzip(&vec![0u8; MAX_RESPONSE_BYTES + 10]);
        assert!(matches!(gunzip(&bomb), Err(DecodeError::TooLarge { .. })));
    }
}
