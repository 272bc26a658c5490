//! `flyteidl2.secret.SecretSpec` (the value and type of a secret) and `SecretType`.

use std::fmt;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::json::{self, ProtoEnum};

/// `flyteidl2.secret.SecretType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, prost::Enumeration)]
#[repr(i32)]
pub enum SecretType {
    /// A generic secret (the Python SDK's `"regular"`).
    Generic = 0,
    /// A container registry credential (the Python SDK's `"image_pull"`); organization scope only.
    ImagePullSecret = 1,
}

impl ProtoEnum for SecretType {
    fn as_str_name(&self) -> &'static str {
        match self {
            Self::Generic => "SECRET_TYPE_GENERIC",
            Self::ImagePullSecret => "SECRET_TYPE_IMAGE_PULL_SECRET",
        }
    }
    fn from_str_name(name: &str) -> Option<Self> {
        match name {
            "SECRET_TYPE_GENERIC" => Some(Self::Generic),
            "SECRET_TYPE_IMAGE_PULL_SECRET" => Some(Self::ImagePullSecret),
            _ => None,
        }
    }
}

/// `flyteidl2.secret.SecretSpec`: what a create or update request stores.
///
/// `Debug` redacts the value.
#[derive(Clone, PartialEq, Eq, prost::Message)]
#[prost(skip_debug)]
pub struct SecretSpec {
    /// The value (oneof `value`).
    #[prost(oneof = "secret_spec::Value", tags = "1, 2")]
    pub value: Option<secret_spec::Value>,
    /// The secret's type; see [`SecretType`].
    #[prost(enumeration = "SecretType", tag = "3")]
    pub r#type: i32,
}

/// Nested types of [`SecretSpec`].
pub mod secret_spec {
    /// The oneof `value` of a `SecretSpec`. `Debug` redacts the content.
    #[derive(Clone, PartialEq, Eq, prost::Oneof)]
    #[prost(skip_debug)]
    pub enum Value {
        /// A text value (field 1, `string_value`).
        #[prost(string, tag = "1")]
        StringValue(String),
        /// A binary value (field 2, `binary_value`).
        #[prost(bytes = "vec", tag = "2")]
        BinaryValue(Vec<u8>),
    }

    impl Value {
        /// The value's bytes (UTF-8 for a string value).
        pub fn as_bytes(&self) -> &[u8] {
            match self {
                Self::StringValue(s) => s.as_bytes(),
                Self::BinaryValue(b) => b,
            }
        }
    }

    impl std::fmt::Debug for Value {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self {
                Self::StringValue(s) => write!(f, "StringValue(<redacted, {} bytes>)", s.len()),
                Self::BinaryValue(b) => write!(f, "BinaryValue(<redacted, {} bytes>)", b.len()),
            }
        }
    }
}

impl fmt::Debug for SecretSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretSpec")
            .field("value", &self.value)
            .field(
                "type",
                &SecretType::try_from(self.r#type).map_err(|_| self.r#type),
            )
            .finish()
    }
}

impl Serialize for SecretSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        match &self.value {
            Some(secret_spec::Value::StringValue(v)) => m.serialize_entry("stringValue", v)?,
            Some(secret_spec::Value::BinaryValue(v)) => {
                m.serialize_entry("binaryValue", &json::encode_bytes(v))?
            }
            None => {}
        }
        if self.r#type != 0 {
            m.serialize_key("type")?;
            m.serialize_value(&EnumOut::<SecretType>(
                self.r#type,
                std::marker::PhantomData,
            ))?;
        }
        m.end()
    }
}

/// Adapter so an `i32` enum field can go through `serialize_value`.
struct EnumOut<E>(i32, std::marker::PhantomData<E>);
impl<E: ProtoEnum> Serialize for EnumOut<E> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        json::serialize_enum::<E, S>(&self.0, s)
    }
}

/// Adapters for reading one field through a `deserialize_with`-style function.
macro_rules! with_fn {
    ($name:ident, $t:ty, $f:path) => {
        struct $name($t);
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $f(d).map($name)
            }
        }
    };
}
with_fn!(TypeIn, i32, json::deserialize_enum::<SecretType, _>);
with_fn!(BytesIn, Vec<u8>, json::deserialize_bytes);

impl<'de> Deserialize<'de> for SecretSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = SecretSpec;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a flyteidl2.secret.SecretSpec object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<SecretSpec, A::Error> {
                let mut spec = SecretSpec::default();
                let mut seen_type = false;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let value = match key.as_ref() {
                        "stringValue" | "string_value" => map
                            .next_value::<Option<String>>()?
                            .map(secret_spec::Value::StringValue),
                        "binaryValue" | "binary_value" => map
                            .next_value::<Option<BytesIn>>()?
                            .map(|b| secret_spec::Value::BinaryValue(b.0)),
                        "type" => {
                            if std::mem::replace(&mut seen_type, true) {
                                return Err(de::Error::duplicate_field("type"));
                            }
                            spec.r#type = map.next_value::<TypeIn>()?.0;
                            continue;
                        }
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                            continue;
                        }
                    };
                    // A `null` member leaves the oneof unset; two members set is an error.
                    if let Some(v) = value {
                        if spec.value.is_some() {
                            return Err(de::Error::custom(
                                "more than one field of oneof `value` (stringValue, binaryValue) is set",
                            ));
                        }
                        spec.value = Some(v);
                    }
                }
                Ok(spec)
            }
        }
        d.deserialize_map(V)
    }
}
