//! [`StoredSecret`]: a stored secret as the service reports it (never its value), its
//! [`SecretType`] and [`SecretStatus`], and [`SecretData`], a value to store.

use std::fmt;
use std::str::FromStr;
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use zeroize::Zeroizing;

use crate::secret::SecretValue;

/// The kind of a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SecretType {
    /// `SECRET_TYPE_GENERIC`, Python's `"regular"`.
    #[default]
    Regular,
    /// `SECRET_TYPE_IMAGE_PULL_SECRET`, Python's `"image_pull"`: registry credentials. Must be
    /// organization-scoped (no project, no domain).
    ImagePull,
    /// A type number this client does not know (reported by a newer server).
    Unrecognized(i32),
}

impl SecretType {
    pub(crate) fn from_proto(n: i32) -> SecretType {
        match flyte_idl::SecretType::try_from(n) {
            Ok(flyte_idl::SecretType::Generic) => SecretType::Regular,
            Ok(flyte_idl::SecretType::ImagePullSecret) => SecretType::ImagePull,
            _ => SecretType::Unrecognized(n),
        }
    }

    pub(crate) fn to_proto(self) -> i32 {
        match self {
            SecretType::Regular => flyte_idl::SecretType::Generic as i32,
            SecretType::ImagePull => flyte_idl::SecretType::ImagePullSecret as i32,
            SecretType::Unrecognized(n) => n,
        }
    }
}

/// Python's names: `regular`, `image_pull`.
impl fmt::Display for SecretType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretType::Regular => f.write_str("regular"),
            SecretType::ImagePull => f.write_str("image_pull"),
            SecretType::Unrecognized(n) => write!(f, "unrecognized({n})"),
        }
    }
}

/// Parses Python's names (`regular`, `image_pull`) and the proto names
/// (`SECRET_TYPE_GENERIC`, `SECRET_TYPE_IMAGE_PULL_SECRET`).
///
/// ```
/// use flyte::remote::SecretType;
/// assert_eq!("image_pull".parse::<SecretType>().unwrap(), SecretType::ImagePull);
/// assert_eq!("SECRET_TYPE_GENERIC".parse::<SecretType>().unwrap(), SecretType::Regular);
/// ```
impl FromStr for SecretType {
    type Err = ParseSecretTypeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "regular" | "SECRET_TYPE_GENERIC" => Ok(SecretType::Regular),
            "image_pull" | "SECRET_TYPE_IMAGE_PULL_SECRET" => Ok(SecretType::ImagePull),
            _ => Err(ParseSecretTypeError {
                input: s.to_owned(),
            }),
        }
    }
}

/// Serialized as its [`Display`](fmt::Display) name; an unrecognized type cannot be.
impl Serialize for SecretType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SecretType::Unrecognized(n) => Err(serde::ser::Error::custom(format_args!(
                "secret type {n} is not recognized"
            ))),
            t => s.collect_str(t),
        }
    }
}

/// Accepts what [`FromStr`] accepts.
impl<'de> Deserialize<'de> for SecretType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A string that names no [`SecretType`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSecretTypeError {
    input: String,
}

impl ParseSecretTypeError {
    /// The string that was given.
    pub fn input(&self) -> &str {
        &self.input
    }
}

impl fmt::Display for ParseSecretTypeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown secret type `{}`: expected one of regular, image_pull, \
             SECRET_TYPE_GENERIC, SECRET_TYPE_IMAGE_PULL_SECRET",
            self.input.escape_debug()
        )
    }
}

impl std::error::Error for ParseSecretTypeError {}

/// A point in time as the service reports it: `Display` is RFC 3339 UTC
/// (`2024-05-01T12:30:00.250Z`).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp {
    pb: flyte_idl::Timestamp,
    time: SystemTime,
}

impl Timestamp {
    fn from_proto(pb: flyte_idl::Timestamp) -> Option<Timestamp> {
        let time = SystemTime::try_from(pb).ok()?;
        pb.to_rfc3339().ok()?;
        Some(Timestamp { pb, time })
    }

    /// The same instant, for arithmetic and comparisons with the clock.
    pub fn as_system_time(&self) -> SystemTime {
        self.time
    }

    /// The `google.protobuf.Timestamp` as the service sent it.
    pub fn as_proto(&self) -> flyte_idl::Timestamp {
        self.pb
    }
}

impl From<Timestamp> for SystemTime {
    fn from(t: Timestamp) -> SystemTime {
        t.time
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.pb, f)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.pb)
    }
}

/// Where a secret is present across the clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretStatus {
    /// `UNSPECIFIED`: the server did not say.
    Unspecified,
    /// `PARTIALLY_PRESENT`: on some clusters, not yet on all.
    PartiallyPresent,
    /// `FULLY_PRESENT`: on every cluster.
    FullyPresent,
    /// `UNKNOWN_STATUS`: the server does not know.
    Unknown,
    /// A status number this client does not know (reported by a newer server).
    Unrecognized(i32),
}

impl SecretStatus {
    fn from_proto(n: i32) -> SecretStatus {
        use flyte_idl::OverallStatus as S;
        match S::try_from(n) {
            Ok(S::Unspecified) => SecretStatus::Unspecified,
            Ok(S::PartiallyPresent) => SecretStatus::PartiallyPresent,
            Ok(S::FullyPresent) => SecretStatus::FullyPresent,
            Ok(S::UnknownStatus) => SecretStatus::Unknown,
            Err(_) => SecretStatus::Unrecognized(n),
        }
    }
}

/// A stored secret as get and list report it: name, scope, type, creation time, status.
/// Never the value. (Named apart from [`crate::Secret`], a task's request for a secret.)
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSecret {
    pb: flyte_idl::Secret,
}

impl StoredSecret {
    pub(crate) fn from_proto(pb: flyte_idl::Secret) -> StoredSecret {
        StoredSecret { pb }
    }

    fn id(&self) -> Option<&flyte_idl::SecretIdentifier> {
        self.pb.id.as_ref()
    }

    fn meta(&self) -> Option<&flyte_idl::SecretMetadata> {
        self.pb.secret_metadata.as_ref()
    }

    /// The name (key) it is stored under; `""` if the server sent no identifier.
    pub fn name(&self) -> &str {
        self.id().map_or("", |id| id.name.as_str())
    }

    /// The organization it belongs to; `None` when the server sent none.
    pub fn organization(&self) -> Option<&str> {
        self.id()
            .map(|id| id.organization.as_str())
            .filter(|s| !s.is_empty())
    }

    /// `None` for an organization-scoped secret.
    pub fn project(&self) -> Option<&str> {
        self.id()
            .map(|id| id.project.as_str())
            .filter(|s| !s.is_empty())
    }

    /// `None` for an organization-scoped secret.
    pub fn domain(&self) -> Option<&str> {
        self.id()
            .map(|id| id.domain.as_str())
            .filter(|s| !s.is_empty())
    }

    /// Its kind; [`SecretType::Regular`] when the server sent no metadata.
    pub fn secret_type(&self) -> SecretType {
        SecretType::from_proto(self.meta().map_or(0, |m| m.r#type))
    }

    /// When the secret was created, if the server said (and the time is representable).
    /// Prints as RFC 3339; [`Timestamp::as_system_time`] for arithmetic.
    pub fn created_time(&self) -> Option<Timestamp> {
        Timestamp::from_proto(self.meta()?.created_time?)
    }

    /// Where it is present across the clusters; [`SecretStatus::Unspecified`] when the
    /// server did not say.
    pub fn status(&self) -> SecretStatus {
        SecretStatus::from_proto(
            self.meta()
                .and_then(|m| m.secret_status.as_ref())
                .map_or(0, |s| s.overall_status),
        )
    }

    /// The wire message, for fields this type does not surface (per-cluster status).
    pub fn as_proto(&self) -> &flyte_idl::Secret {
        &self.pb
    }

    /// The wire message, owned.
    pub fn into_proto(self) -> flyte_idl::Secret {
        self.pb
    }
}

/// A value to store: text (`&str`, `String`) goes as `string_value`, bytes (`Vec<u8>`,
/// `&[u8]`, [`SecretValue`]) as `binary_value`, as in the Python SDK. `Debug` is redacted and
/// the bytes are zeroed on drop.
#[derive(Clone)]
pub enum SecretData {
    /// Text, sent as `string_value`.
    Text(Zeroizing<String>),
    /// Bytes, sent as `binary_value`.
    Bytes(Zeroizing<Vec<u8>>),
}

impl SecretData {
    pub(crate) fn to_spec(&self, ty: SecretType) -> flyte_idl::SecretSpec {
        use flyte_idl::secret_spec::Value;
        let value = match self {
            SecretData::Text(s) => Value::StringValue(s.to_string()),
            SecretData::Bytes(b) => Value::BinaryValue(b.to_vec()),
        };
        flyte_idl::SecretSpec {
            value: Some(value),
            r#type: ty.to_proto(),
        }
    }
}

impl fmt::Debug for SecretData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretData::Text(_) => f.write_str("SecretData::Text([REDACTED])"),
            SecretData::Bytes(_) => f.write_str("SecretData::Bytes([REDACTED])"),
        }
    }
}

impl From<&str> for SecretData {
    fn from(s: &str) -> Self {
        SecretData::Text(Zeroizing::new(s.to_owned()))
    }
}

impl From<String> for SecretData {
    fn from(s: String) -> Self {
        SecretData::Text(Zeroizing::new(s))
    }
}

impl From<&String> for SecretData {
    fn from(s: &String) -> Self {
        SecretData::from(s.as_str())
    }
}

impl From<Vec<u8>> for SecretData {
    fn from(b: Vec<u8>) -> Self {
        SecretData::Bytes(Zeroizing::new(b))
    }
}

impl From<&[u8]> for SecretData {
    fn from(b: &[u8]) -> Self {
        SecretData::Bytes(Zeroizing::new(b.to_vec()))
    }
}

impl<const N: usize> From<&[u8; N]> for SecretData {
    fn from(b: &[u8; N]) -> Self {
        SecretData::Bytes(Zeroizing::new(b.to_vec()))
    }
}

impl From<&SecretValue> for SecretData {
    fn from(v: &SecretValue) -> Self {
        SecretData::Bytes(Zeroizing::new(v.expose().to_vec()))
    }
}

impl From<SecretValue> for SecretData {
    fn from(v: SecretValue) -> Self {
        SecretData::from(&v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_type_parses_python_and_proto_names() {
        for (s, t) in [
            ("regular", SecretType::Regular),
            ("image_pull", SecretType::ImagePull),
            ("SECRET_TYPE_GENERIC", SecretType::Regular),
            ("SECRET_TYPE_IMAGE_PULL_SECRET", SecretType::ImagePull),
        ] {
            assert_eq!(s.parse::<SecretType>().unwrap(), t);
        }
        let e = "imagepull".parse::<SecretType>().unwrap_err().to_string();
        assert!(e.contains("`imagepull`"), "{e}");
        assert!(e.contains("regular") && e.contains("image_pull"), "{e}");
    }

    #[test]
    fn secret_type_serde_uses_python_names() {
        assert_eq!(
            serde_json::to_string(&SecretType::ImagePull).unwrap(),
            r#""image_pull""#
        );
        let t: SecretType = serde_json::from_str(r#""regular""#).unwrap();
        assert_eq!(t, SecretType::Regular);
        let t: SecretType = serde_json::from_str(r#""SECRET_TYPE_IMAGE_PULL_SECRET""#).unwrap();
        assert_eq!(t, SecretType::ImagePull);
        let e = serde_json::from_str::<SecretType>(r#""nope""#).unwrap_err();
        assert!(e.to_string().contains("`nope`"), "{e}");
        assert!(serde_json::to_string(&SecretType::Unrecognized(9)).is_err());
    }

    #[test]
    fn created_time_displays_rfc3339() {
        let pb = flyte_idl::Secret {
            secret_metadata: Some(flyte_idl::SecretMetadata {
                created_time: Some(flyte_idl::Timestamp {
                    seconds: 1_714_566_600,
                    nanos: 250_000_000,
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let t = StoredSecret::from_proto(pb).created_time().unwrap();
        assert_eq!(t.to_string(), "2024-05-01T12:30:00.250Z");
        assert_eq!(format!("{t:?}"), "Timestamp(2024-05-01T12:30:00.250Z)");
        let d = t
            .as_system_time()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap();
        assert_eq!(d.as_millis(), 1_714_566_600_250);
    }
}
