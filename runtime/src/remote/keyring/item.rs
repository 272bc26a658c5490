//! The keyring item's secret: `{"access_token": ..., "refresh_token": ...}`, byte for byte
//! what Python's `json.dumps` writes (`", "` and `": "` separators, non-ASCII as `\uXXXX`),
//! so an item looks the same whichever client wrote it.

use serde_json::Value;
use zeroize::Zeroizing;

use super::Credentials;
use super::KeyringError;

/// The JSON both clients store.
pub(crate) fn encode(creds: &Credentials) -> Zeroizing<String> {
    #[derive(serde::Serialize)]
    struct Item<'a> {
        access_token: &'a str,
        refresh_token: Option<&'a str>,
    }
    let item = Item {
        access_token: creds.access_token(),
        refresh_token: creds.refresh_token(),
    };
    // Sized up front so the buffer holding tokens is not reallocated (leaving copies).
    let capacity = 64 + 6 * (item.access_token.len() + item.refresh_token.map_or(4, str::len));
    Zeroizing::new(
        flyte_idl::json::python_dumps(&item, capacity).expect("strings always serialize"),
    )
}

/// Reads an item the way the Python SDK does: a missing, null or empty access token with a
/// refresh token gives an access token of `""`; neither token is an error. Anything that is
/// not a JSON object with string (or null) tokens is [`KeyringError::Corrupt`], where Python
/// would raise.
pub(crate) fn decode(endpoint: &str, bytes: &[u8]) -> Result<Credentials, KeyringError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| KeyringError::Corrupt {
        // serde's message can quote the content; say only where and what kind of error.
        reason: format!(
            "{:?} error at line {} column {}",
            e.classify(),
            e.line(),
            e.column()
        ),
    })?;
    let Value::Object(mut map) = value else {
        return Err(KeyringError::Corrupt {
            reason: "not a JSON object".into(),
        });
    };
    let access = take_token(&mut map, "access_token")?;
    let refresh = take_token(&mut map, "refresh_token")?;
    if access.is_empty() && refresh.is_empty() {
        return Err(KeyringError::Corrupt {
            reason: "it holds neither token".into(),
        });
    }
    Ok(Credentials::new(endpoint, access.as_str()).with_refresh_token(refresh.as_str()))
}

/// Moves a token out of the parsed object (no copy left behind); absent or null is `""`.
fn take_token(
    map: &mut serde_json::Map<String, Value>,
    key: &str,
) -> Result<Zeroizing<String>, KeyringError> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(Zeroizing::new(String::new())),
        Some(Value::String(token)) => Ok(Zeroizing::new(token)),
        Some(_) => Err(KeyringError::Corrupt {
            reason: format!("`{key}` is not a string"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::{decode, encode};
    use crate::remote::keyring::{Credentials, KeyringError};

    #[test]
    fn encodes_like_python_json_dumps() {
        let c = Credentials::new("x", "acc1").with_refresh_token("ref1");
        assert_eq!(
            *encode(&c),
            r#"{"access_token": "acc1", "refresh_token": "ref1"}"#
        );
        let c = Credentials::new("x", "a\"b\\c\n\u{7f}é😀");
        assert_eq!(
            *encode(&c),
            r#"{"access_token": "a\"b\\c\n\u007f\u00e9\ud83d\ude00", "refresh_token": null}"#
        );
    }

    #[test]
    fn round_trip() {
        let c = Credentials::new("dns:///h", "a\u{1}é").with_refresh_token("r");
        let back = decode("h", encode(&c).as_bytes()).unwrap();
        assert_eq!(back.access_token(), "a\u{1}é");
        assert_eq!(back.refresh_token(), Some("r"));
        assert_eq!(back.for_endpoint(), "h");
        assert_eq!(back.id(), c.id());
    }

    #[test]
    fn refresh_only_gives_empty_access_token() {
        for json in [
            r#"{"refresh_token": "r"}"#,
            r#"{"access_token": null, "refresh_token": "r"}"#,
            r#"{"access_token": "", "refresh_token": "r", "extra": 1}"#,
        ] {
            let c = decode("h", json.as_bytes()).unwrap();
            assert_eq!(c.access_token(), "", "{json}");
            assert_eq!(c.refresh_token(), Some("r"), "{json}");
            assert_eq!(c.id(), "");
        }
    }

    #[test]
    fn garbage_is_corrupt_and_never_quoted() {
        for bad in [
            &b"not json"[..],
            b"\"sekrit-string\"",
            b"[\"sekrit\"]",
            b"{\"access_token\": 12345678}",
            b"{\"access_token\": \"sekrit",
            b"{}",
            b"{\"access_token\": \"\", \"refresh_token\": null}",
            b"\xff\xfe",
        ] {
            match decode("h", bad) {
                Err(e @ KeyringError::Corrupt { .. }) => {
                    let msg = format!("{e} {e:?}");
                    assert!(
                        !msg.contains("sekrit") && !msg.contains("12345678"),
                        "{msg}"
                    );
                }
                other => panic!("{:?}: {other:?}", String::from_utf8_lossy(bad)),
            }
        }
    }
}
