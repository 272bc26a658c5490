//! A value as KV v2 data, in a form other Vault users can read: a string as
//! `{"value": "<the string>"}`, binary as `{"binary": "<standard base64>"}`. The server hands
//! the store its plaintext form (a kind byte, then the bytes: see
//! [`take_spec`](crate::service::validate::take_spec)); this is that form's translation.
//! Our type goes in the secret's `custom_metadata` as `flyte_type` (the `SecretType` number).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use zeroize::Zeroizing;

use crate::store::StoredValue;
use crate::store::{KIND_BINARY, KIND_STRING};

/// Key of our type in `custom_metadata`.
pub(crate) const TYPE_KEY: &str = "flyte_type";

/// The KV data of a plaintext value, serialised into a wiped buffer with the `options` of
/// the write (`cas`).
pub(crate) fn write_body(value: &StoredValue, cas: u64) -> Result<Zeroizing<Vec<u8>>, String> {
    let plain = &value.0;
    let data = match plain.split_first() {
        Some((&KIND_STRING, rest)) => {
            let s = std::str::from_utf8(rest).map_err(|_| "a string value is not UTF-8")?;
            json!({ "value": s })
        }
        Some((&KIND_BINARY, rest)) => json!({ "binary": STANDARD.encode(rest) }),
        _ => return Err("the value has no known kind".into()),
    };
    let body = json!({ "options": { "cas": cas }, "data": data });
    let out = Zeroizing::new(serde_json::to_vec(&body).map_err(|e| e.to_string())?);
    wipe_json(body);
    Ok(out)
}

/// The plaintext form of KV data read back; `None` when it holds neither `value` (a string)
/// nor `binary` (base64), e.g. written by another tool.
pub(crate) fn from_data(data: &Map<String, Value>) -> Option<StoredValue> {
    let mut plain = Vec::new();
    match (data.get("value"), data.get("binary")) {
        (Some(Value::String(s)), _) => {
            plain.push(KIND_STRING);
            plain.extend_from_slice(s.as_bytes());
        }
        (None, Some(Value::String(b))) => {
            plain.push(KIND_BINARY);
            let bytes = Zeroizing::new(STANDARD.decode(b).ok()?);
            plain.extend_from_slice(&bytes);
        }
        _ => return None,
    }
    Some(StoredValue::new(plain))
}

/// Our type from `custom_metadata`; generic (0) when absent, e.g. for a secret written by
/// another Vault user.
pub(crate) fn secret_type(custom: Option<&Value>) -> i32 {
    custom
        .and_then(|c| c.get(TYPE_KEY))
        .and_then(Value::as_str)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

/// Zeroes the strings of a JSON value (values and base64) before it is freed.
pub(crate) fn wipe_json(v: Value) {
    use zeroize::Zeroize;
    match v {
        Value::String(mut s) => s.zeroize(),
        Value::Array(a) => a.into_iter().for_each(wipe_json),
        Value::Object(m) => m.into_iter().for_each(|(_, v)| wipe_json(v)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(plain: &[u8]) -> Vec<u8> {
        let body = write_body(&StoredValue::new(plain.to_vec()), 3).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["options"]["cas"], 3);
        from_data(v["data"].as_object().unwrap())
            .unwrap()
            .0
            .to_vec()
    }

    #[test]
    fn readable_forms_round_trip() {
        let body = write_body(&StoredValue::new(b"\x01hunter2".to_vec()), 0).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["data"], json!({"value": "hunter2"}));
        let body = write_body(&StoredValue::new(b"\x02\x00\xff".to_vec()), 0).unwrap();
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v["data"], json!({"binary": "AP8="}));
        for plain in [&b"\x01"[..], b"\x01h\xc3\xa9", b"\x02", b"\x02\x00\x01\xfe"] {
            assert_eq!(round(plain), plain);
        }
        assert!(from_data(json!({"other": 1}).as_object().unwrap()).is_none());
        assert!(write_body(&StoredValue::new(vec![]), 0).is_err());
    }

    #[test]
    fn types() {
        assert_eq!(secret_type(Some(&json!({"flyte_type": "1"}))), 1);
        assert_eq!(secret_type(Some(&json!({}))), 0);
        assert_eq!(secret_type(None), 0);
    }
}
