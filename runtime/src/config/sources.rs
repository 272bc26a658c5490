//! Reading one value for [`ConfigBuilder::build`](super::ConfigBuilder::build): the env over
//! the file, parsed; and the client secret, which may live in a file or another variable.

use std::path::PathBuf;

use super::Codec;
use super::auth::{ClientSecret, parse_list};
use super::error::ConfigError;
use super::file::ConfigFile;
use super::keys::{self, Key, Raw};
use super::origin::Origin;

/// The client secret, as the Python SDK finds it: the variable `admin.clientSecretEnvVar`
/// names when it is set, else the file at `admin.clientSecretLocation` (trailing whitespace
/// stripped). Also what to say when a variable is named but unset.
pub(crate) fn client_secret(
    explicit: Option<String>,
    src: &Sources<'_>,
) -> Result<(Option<ClientSecret>, Option<String>), ConfigError> {
    let secret = |value: zeroize::Zeroizing<String>, origin| ClientSecret {
        value: std::sync::Arc::new(value),
        origin,
    };
    if let Some(v) = explicit {
        return Ok((Some(secret(v.into(), Origin::Builder)), None));
    }
    let mut hint = None;
    if let Some(var) = src.get(keys::CLIENT_SECRET_ENV_VAR)? {
        match src.env_raw(&var.value) {
            Some(raw) => {
                return Ok((
                    Some(secret(raw.value.into(), Origin::Env(var.value.clone()))),
                    None,
                ));
            }
            None => {
                hint = Some(format!(
                    "admin.clientSecretEnvVar (from {}) names ${}, which is not set",
                    var.origin, var.value
                ))
            }
        }
    }
    if let Some(loc) = src.get(keys::CLIENT_SECRET_LOCATION)? {
        let path = PathBuf::from(&loc.value);
        let text =
            std::fs::read_to_string(&path).map_err(|source| ConfigError::ClientSecretFile {
                path: path.clone(),
                origin: loc.origin.clone(),
                source,
            })?;
        let text = zeroize::Zeroizing::new(text);
        let trimmed = zeroize::Zeroizing::new(text.trim_end().to_owned());
        return Ok((Some(secret(trimmed, Origin::File(path))), None));
    }
    Ok((None, hint))
}

/// The env and the file, for one build, and where each value picked came from.
pub(crate) struct Sources<'a> {
    pub env: &'a dyn Fn(&str) -> Option<String>,
    pub file: Option<&'a ConfigFile>,
    pub origins: std::cell::RefCell<Vec<(&'static str, Origin)>>,
}

impl Sources<'_> {
    /// An env var; empty counts as unset, as in the Python SDK.
    pub(crate) fn env_raw(&self, name: &str) -> Option<Raw> {
        (self.env)(name).filter(|v| !v.is_empty()).map(|value| Raw {
            value,
            origin: Origin::Env(name.to_owned()),
        })
    }

    pub(crate) fn env_only(&self, key: Key) -> Option<Raw> {
        self.env_raw(&key.env_name())
    }

    pub(crate) fn file_only(&self, key: Key) -> Result<Option<Raw>, ConfigError> {
        self.file.map_or(Ok(None), |f| f.get(key))
    }

    /// A list: the env var (see [`parse_list`]) over the file's value.
    pub(crate) fn get_list(&self, key: Key) -> Result<Option<Vec<String>>, ConfigError> {
        if let Some(raw) = self.env_only(key) {
            return parse_list(&raw.value)
                .map(Some)
                .ok_or_else(|| ConfigError::InvalidValue {
                    key: key.0,
                    origin: raw.origin.clone(),
                    value: raw.value.clone(),
                    expected: "a JSON list of strings, or words separated by spaces or commas",
                });
        }
        self.file.map_or(Ok(None), |f| f.get_list(key))
    }

    /// Env overrides file.
    pub(crate) fn get(&self, key: Key) -> Result<Option<Raw>, ConfigError> {
        match self.env_only(key) {
            Some(raw) => Ok(Some(raw)),
            None => self.file_only(key),
        }
    }
}

/// The builder's value, else the parsed env/file value.
pub(crate) fn pick<T>(
    explicit: Option<T>,
    src: &Sources<'_>,
    key: Key,
    parse: impl Fn(&Raw, Key) -> Result<T, ConfigError>,
) -> Result<Option<T>, ConfigError> {
    if explicit.is_some() {
        src.origins.borrow_mut().push((key.0, Origin::Builder));
        return Ok(explicit);
    }
    let Some(raw) = src.get(key)? else {
        return Ok(None);
    };
    let value = parse(&raw, key)?;
    src.origins.borrow_mut().push((key.0, raw.origin));
    Ok(Some(value))
}

pub(crate) fn string(raw: &Raw, _: Key) -> Result<String, ConfigError> {
    Ok(raw.value.clone())
}

pub(crate) fn codec(raw: &Raw, key: Key) -> Result<Codec, ConfigError> {
    Codec::parse(&raw.value).ok_or_else(|| ConfigError::InvalidValue {
        key: key.0,
        origin: raw.origin.clone(),
        value: raw.value.clone(),
        expected: "`proto` or `json`",
    })
}

pub(crate) fn header_name(raw: &Raw, key: Key) -> Result<String, ConfigError> {
    let ok = !raw.value.is_empty()
        && raw
            .value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(raw.value.to_ascii_lowercase())
    } else {
        Err(ConfigError::InvalidValue {
            key: key.0,
            origin: raw.origin.clone(),
            value: raw.value.clone(),
            expected: "an HTTP header name (letters, digits, `-`, `_`, `.`)",
        })
    }
}
