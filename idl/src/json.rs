//! Helpers for the proto3 JSON mapping, used through `#[serde(with = ...)]` attributes.
//!
//! They follow the mapping's reading rules: `null` means the default value, enums come as
//! names or numbers, 32-bit integers as numbers or strings, 64-bit integers as strings
//! (numbers accepted), bytes as standard or URL-safe base64 with or without padding.

use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serializer};

/// A protobuf enum with its proto names, for JSON (names on output, names or numbers on input).
pub trait ProtoEnum: Sized + Copy + Into<i32> + TryFrom<i32> {
    /// The proto name of a known value, e.g. `SECRET_TYPE_GENERIC`.
    fn as_str_name(&self) -> &'static str;
    /// The value with this proto name, if any.
    fn from_str_name(name: &str) -> Option<Self>;
}

/// Reads a field whose `null` stands for its default value.
pub fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// `skip_serializing_if` for numeric fields.
pub fn is_zero(v: &i32) -> bool {
    *v == 0
}

/// `skip_serializing_if` for bool fields.
pub fn is_false(v: &bool) -> bool {
    !*v
}

/// Writes an enum field as its name, or as its number when the value is unknown.
pub fn serialize_enum<E: ProtoEnum, S: Serializer>(v: &i32, s: S) -> Result<S::Ok, S::Error> {
    match E::try_from(*v) {
        Ok(e) => s.serialize_str(e.as_str_name()),
        Err(_) => s.serialize_i32(*v),
    }
}

/// Reads an enum field given as a name, a number, or `null`.
pub fn deserialize_enum<'de, E: ProtoEnum, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    struct V<E>(PhantomData<E>);
    impl<'de, E: ProtoEnum> Visitor<'de> for V<E> {
        type Value = i32;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enum name or number")
        }
        fn visit_str<Er: de::Error>(self, v: &str) -> Result<i32, Er> {
            E::from_str_name(v)
                .map(Into::into)
                .ok_or_else(|| Er::custom(format_args!("unknown enum value name `{v}`")))
        }
        fn visit_i64<Er: de::Error>(self, v: i64) -> Result<i32, Er> {
            i32::try_from(v).map_err(|_| Er::custom(format_args!("enum number {v} out of range")))
        }
        fn visit_u64<Er: de::Error>(self, v: u64) -> Result<i32, Er> {
            i32::try_from(v).map_err(|_| Er::custom(format_args!("enum number {v} out of range")))
        }
        fn visit_unit<Er: de::Error>(self) -> Result<i32, Er> {
            Ok(0)
        }
        fn visit_none<Er: de::Error>(self) -> Result<i32, Er> {
            Ok(0)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<i32, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V::<E>(PhantomData))
}

/// Reads an `int32` given as a number, a decimal string, or `null`.
pub fn deserialize_i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
    let v = deserialize_i64(d)?;
    i32::try_from(v).map_err(|_| de::Error::custom(format_args!("{v} is out of range for int32")))
}

/// Reads an `int64` given as a decimal string, a number, or `null`.
pub fn deserialize_i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = i64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer or a decimal string")
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
            Ok(v)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
            i64::try_from(v).map_err(|_| E::custom(format_args!("{v} is out of range")))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<i64, E> {
            // The mapping allows `1e3` and `5.0` for integers as long as they are integral.
            if v.fract() == 0.0 && v >= i64::MIN as f64 && v < i64::MAX as f64 {
                Ok(v as i64)
            } else {
                Err(E::custom(format_args!("{v} is not an integer")))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
            v.parse::<i64>()
                .map_err(|_| E::custom(format_args!("`{v}` is not an integer")))
        }
        fn visit_unit<E: de::Error>(self) -> Result<i64, E> {
            Ok(0)
        }
        fn visit_none<E: de::Error>(self) -> Result<i64, E> {
            Ok(0)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<i64, D2::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V)
}

/// Writes an `int64` as a decimal string, as the mapping requires.
pub fn serialize_i64<S: Serializer>(v: &i64, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Encodes bytes as standard base64 with padding (the mapping's output form).
pub fn encode_bytes(v: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(v)
}

/// Decodes base64 in any of the forms the mapping accepts: standard or URL-safe alphabet,
/// padded or not.
pub fn decode_bytes(s: &str) -> Result<Vec<u8>, base64::DecodeError> {
    use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
    const CFG: GeneralPurposeConfig =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    const STD: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::STANDARD, CFG);
    const URL: GeneralPurpose = GeneralPurpose::new(&base64::alphabet::URL_SAFE, CFG);
    if s.contains(['-', '_']) {
        URL.decode(s)
    } else {
        STD.decode(s)
    }
}

/// Writes bytes as base64.
pub fn serialize_bytes<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&encode_bytes(v))
}

/// Reads base64 bytes (or `null` as empty).
pub fn deserialize_bytes<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    match Option::<std::borrow::Cow<'de, str>>::deserialize(d)? {
        None => Ok(Vec::new()),
        // The base64 error names the offending byte, which may be part of a secret value.
        Some(s) => {
            decode_bytes(&s).map_err(|_| de::Error::custom("invalid base64 in a bytes field"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_all_forms() {
        let want = vec![0xfb, 0xff, 0xfe, 0x01];
        for s in ["+//+AQ==", "+//+AQ", "-__-AQ==", "-__-AQ"] {
            assert_eq!(decode_bytes(s).unwrap(), want, "{s}");
        }
        assert_eq!(encode_bytes(&want), "+//+AQ==");
        assert!(decode_bytes("not base64!").is_err());
    }

    #[test]
    fn int_forms() {
        let d = |s: &str| deserialize_i64(&mut serde_json::Deserializer::from_str(s));
        assert_eq!(d("\"-12\"").unwrap(), -12);
        assert_eq!(d("12").unwrap(), 12);
        assert_eq!(d("1e3").unwrap(), 1000);
        assert_eq!(d("null").unwrap(), 0);
        assert!(d("1.5").is_err());
        assert!(d("\"x\"").is_err());
        let d32 = |s: &str| deserialize_i32(&mut serde_json::Deserializer::from_str(s));
        assert_eq!(d32("\"7\"").unwrap(), 7);
        assert!(d32("4294967296").is_err());
    }
}

/// Writes JSON byte for byte as Python's `json.dumps` does with its defaults: `", "` and
/// `": "` separators, and `ensure_ascii` (every character outside printable ASCII as
/// `\uXXXX`, UTF-16 surrogate pairs beyond the BMP). For items the Python SDK and CLI read or
/// compare: the keyring token item, a dockerconfigjson.
///
/// ```
/// use serde::Serialize;
/// let mut out = Vec::new();
/// let mut ser = serde_json::Serializer::with_formatter(&mut out, flyte_idl::json::PythonFormatter);
/// serde_json::json!({"a": ["é", 1]}).serialize(&mut ser).unwrap();
/// assert_eq!(out, br#"{"a": ["\u00e9", 1]}"#);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PythonFormatter;

impl serde_json::ser::Formatter for PythonFormatter {
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }

    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        // serde_json has escaped `"`, `\` and the control characters already.
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if matches!(c, ' '..='~') {
                continue;
            }
            w.write_all(&fragment.as_bytes()[start..i])?;
            let mut units = [0u16; 2];
            for unit in c.encode_utf16(&mut units) {
                write!(w, "\\u{unit:04x}")?;
            }
            start = i + c.len_utf8();
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// `json.dumps(value)` as Python writes it ([`PythonFormatter`]), into a buffer of `capacity`
/// bytes: when that is enough, the buffer is never reallocated, so a caller that wraps the
/// text in `Zeroizing` leaves no copy of the credentials in it behind.
pub fn python_dumps<T: serde::Serialize + ?Sized>(
    value: &T,
    capacity: usize,
) -> Result<String, serde_json::Error> {
    let mut out = Vec::with_capacity(capacity);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, PythonFormatter);
    value.serialize(&mut ser)?;
    // The formatter writes ASCII only.
    Ok(String::from_utf8(out).expect("ASCII"))
}

#[cfg(test)]
mod python_tests {
    use super::*;

    #[test]
    fn dumps_like_python() {
        // json.dumps({"b": "é\n\u007f\"\\", "a": [1, True, None, "🦀"]}) in Python 3.11:
        let v = serde_json::json!({"b": "é\n\u{7f}\"\\\u{1}", "a": [1, true, null, "🦀"]});
        assert_eq!(
            python_dumps(&v, 0).unwrap(),
            r#"{"a": [1, true, null, "\ud83e\udd80"], "b": "\u00e9\n\u007f\"\\\u0001"}"#
        );
    }
}
