//! [`Secret`]: a stored secret as the service reports it (never its value), its
//! [`SecretType`] and [`SecretStatus`], and [`SecretData`], a value to store.

use std::fmt;
use std::time::SystemTime;

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

/// Where a secret is present across the clusters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecretStatus {
    Unspecified,
    PartiallyPresent,
    FullyPresent,
    Unknown,
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

/// A secret as get and list report it: name, scope, type, creation time, status. Never the
/// value.
#[derive(Debug, Clone, PartialEq)]
pub struct Secret {
    pb: flyte_idl::Secret,
}

impl Secret {
    pub(crate) fn from_proto(pb: flyte_idl::Secret) -> Secret {
        Secret { pb }
    }

    fn id(&self) -> Option<&flyte_idl::SecretIdentifier> {
        self.pb.id.as_ref()
    }

    fn meta(&self) -> Option<&flyte_idl::SecretMetadata> {
        self.pb.secret_metadata.as_ref()
    }

    pub fn name(&self) -> &str {
        self.id().map_or("", |id| id.name.as_str())
    }

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

    pub fn secret_type(&self) -> SecretType {
        SecretType::from_proto(self.meta().map_or(0, |m| m.r#type))
    }

    /// When the secret was created, if the server said (and the time is representable).
    pub fn created_time(&self) -> Option<SystemTime> {
        let ts = self.meta()?.created_time?;
        SystemTime::try_from(ts).ok()
    }

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

    pub fn into_proto(self) -> flyte_idl::Secret {
        self.pb
    }
}

/// A value to store: text (`&str`, `String`) goes as `string_value`, bytes (`Vec<u8>`,
/// `&[u8]`, [`SecretValue`]) as `binary_value`, as in the Python SDK. `Debug` is redacted and
/// the bytes are zeroed on drop.
#[derive(Clone)]
pub enum SecretData {
    Text(Zeroizing<String>),
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
