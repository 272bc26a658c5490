//! JSON that keeps key order, as Python's `json.load` does, written by the shared Python
//! formatter (`flyte_idl::json::PythonFormatter`), so a dockerconfigjson built here is
//! byte-for-byte the one the Python CLI builds from the same Docker config.
//! Its own type rather than `serde_json`'s `preserve_order` feature: that feature would change
//! `serde_json::Value` for every crate in the build, and this type zeroes what it holds.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use zeroize::{Zeroize, Zeroizing};

/// A JSON value whose objects keep the order of the file, as Python's `json.load` does.
/// A Docker config holds registry credentials (`auth`), so its strings are zeroed on drop and
/// `Debug` shows only their length.
#[derive(Clone, PartialEq)]
pub(super) enum Json {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(String, Json)>),
}

impl Json {
    /// The member `key` of an object (`None` for other values).
    pub(super) fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// Python truthiness: `null`, `false`, `0`, `""`, `[]` and `{}` are false.
    pub(super) fn truthy(&self) -> bool {
        match self {
            Json::Null => false,
            Json::Bool(b) => *b,
            Json::Number(n) => n.as_f64() != Some(0.0),
            Json::String(s) => !s.is_empty(),
            Json::Array(a) => !a.is_empty(),
            Json::Object(o) => !o.is_empty(),
        }
    }

    /// `json.dumps(value)` with Python's defaults, in a buffer sized up front so that the
    /// credentials in it are not left behind by a reallocation.
    pub(super) fn dumps(&self) -> Zeroizing<String> {
        Zeroizing::new(
            flyte_idl::json::python_dumps(self, self.dumped_len_bound())
                .expect("a Json value always serializes"),
        )
    }

    /// At least the length of [`Json::dumps`]: a string's byte is at most 6 bytes written
    /// (`\u00XX`; a 4-byte character takes 12), and every value or member at most 4 more
    /// (quotes, `, `, `: `).
    fn dumped_len_bound(&self) -> usize {
        let text = |s: &str| 6 * s.len() + 4;
        match self {
            Json::Null | Json::Bool(_) => 8,
            Json::Number(n) => n.to_string().len() + 4,
            Json::String(s) => text(s),
            Json::Array(items) => 4 + items.iter().map(Json::dumped_len_bound).sum::<usize>(),
            Json::Object(members) => {
                4 + members
                    .iter()
                    .map(|(k, v)| text(k) + v.dumped_len_bound())
                    .sum::<usize>()
            }
        }
    }
}

impl Drop for Json {
    fn drop(&mut self) {
        if let Json::String(s) = self {
            s.zeroize();
        }
    }
}

impl fmt::Debug for Json {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Json::Null => f.write_str("Null"),
            Json::Bool(b) => write!(f, "Bool({b})"),
            Json::Number(n) => write!(f, "Number({n})"),
            Json::String(s) => write!(f, "String([{} bytes])", s.len()),
            Json::Array(items) => f.debug_list().entries(items).finish(),
            Json::Object(members) => f
                .debug_map()
                .entries(members.iter().map(|(k, v)| (k, v)))
                .finish(),
        }
    }
}

impl serde::Serialize for Json {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Json::Null => s.serialize_unit(),
            Json::Bool(b) => s.serialize_bool(*b),
            Json::Number(n) => n.serialize(s),
            Json::String(v) => s.serialize_str(v),
            Json::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Json::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

/// An object from ordered members.
pub(super) fn object(members: Vec<(String, Json)>) -> Json {
    Json::Object(members)
}

impl<'de> Deserialize<'de> for Json {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Json, E> {
        Ok(Json::Number(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Json, E> {
        serde_json::Number::from_f64(v)
            .map(Json::Number)
            .ok_or_else(|| E::custom("a non-finite number"))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut members: Vec<(String, Json)> = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Json>()? {
            // A repeated key keeps its first position and takes the last value, as a dict.
            match members.iter_mut().find(|(existing, _)| *existing == k) {
                Some(slot) => slot.1 = v,
                None => members.push((k, v)),
            }
        }
        Ok(Json::Object(members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_like_python() {
        let v: Json = serde_json::from_str(
            r#"{"b": {"auth": "x"}, "a": [1, true, null, "é\n"], "b": {"auth": "y"}}"#,
        )
        .unwrap();
        // json.dumps(json.loads(...)) in Python 3.11:
        assert_eq!(
            *v.dumps(),
            r#"{"b": {"auth": "y"}, "a": [1, true, null, "\u00e9\n"]}"#
        );
        let emoji = Json::String("🦀".into());
        assert_eq!(*emoji.dumps(), r#""\ud83e\udd80""#);
    }

    #[test]
    fn the_buffer_is_never_reallocated() {
        // The worst cases of the formatter: control characters (6 bytes each), 4-byte
        // characters (12), empty strings and nesting.
        let v: Json = serde_json::from_str(
            r#"{"\u0001\u0001": ["🦀🦀", "", {}, [], null, 1.5e300, {"": {"auth": "\u0000"}}]}"#,
        )
        .unwrap();
        let out = v.dumps();
        assert!(out.len() <= v.dumped_len_bound(), "{} > bound", out.len());
        assert_eq!(out.capacity(), v.dumped_len_bound(), "the buffer grew");
    }

    #[test]
    fn debug_shows_no_string_value() {
        let v: Json =
            serde_json::from_str(r#"{"auths": {"reg.example": {"auth": "dXNlcjpodW50ZXIy"}}}"#)
                .unwrap();
        let shown = format!("{v:?}");
        assert!(!shown.contains("dXNlcjpodW50ZXIy"), "{shown}");
        assert!(
            shown.contains("reg.example") && shown.contains("[16 bytes]"),
            "{shown}"
        );
    }

    #[test]
    fn truthiness() {
        for falsy in [
            Json::Null,
            Json::String(String::new()),
            Json::Object(vec![]),
            Json::Bool(false),
        ] {
            assert!(!falsy.truthy(), "{falsy:?}");
        }
        assert!(Json::String("x".into()).truthy());
    }
}
