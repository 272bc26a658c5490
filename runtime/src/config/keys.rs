//! The config keys we read, their env var names and how their values are parsed.

use std::time::Duration;

use super::error::ConfigError;
use super::origin::Origin;

/// One config key, dot-delimited as in the YAML file (`admin.endpoint`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key(pub &'static str);

pub(crate) const ENDPOINT: Key = Key("admin.endpoint");
pub(crate) const INSECURE: Key = Key("admin.insecure");
pub(crate) const INSECURE_SKIP_VERIFY: Key = Key("admin.insecureSkipVerify");
pub(crate) const CA_CERT_FILE_PATH: Key = Key("admin.caCertFilePath");
pub(crate) const DISABLE_KEYRING: Key = Key("admin.disableKeyring");
pub(crate) const CLIENT_ID: Key = Key("admin.clientId");
pub(crate) const TOKEN_URL: Key = Key("admin.tokenUrl");
pub(crate) const AUTH_HEADER: Key = Key("admin.authorizationHeader");
pub(crate) const CODEC: Key = Key("admin.codec");
pub(crate) const AUTH_TYPE: Key = Key("admin.authType");
pub(crate) const CLIENT_SECRET_LOCATION: Key = Key("admin.clientSecretLocation");
pub(crate) const CLIENT_SECRET_ENV_VAR: Key = Key("admin.clientSecretEnvVar");
pub(crate) const COMMAND: Key = Key("admin.command");
pub(crate) const SCOPES: Key = Key("admin.scopes");
pub(crate) const CONNECT_TIMEOUT: Key = Key("admin.connectTimeout");
pub(crate) const PER_RETRY_TIMEOUT: Key = Key("admin.perRetryTimeout");
pub(crate) const MAX_RETRIES: Key = Key("admin.maxRetries");
pub(crate) const MAX_BACKOFF_DELAY: Key = Key("admin.maxBackoffDelay");
pub(crate) const ORG: Key = Key("task.org");
pub(crate) const PROJECT: Key = Key("task.project");
pub(crate) const DOMAIN: Key = Key("task.domain");
pub(crate) const SECRETS_FILE: Key = Key("secrets.file");

/// The local service's data directory: env only, shared with `flyte serve --data-dir`.
pub const LOCAL_DATA_DIR_ENV: &str = "FLYTE_SERVER_DATA_DIR";
/// The API key has no config-file key (it is a credential); only this env var.
pub(crate) const API_KEY_ENV: &str = "FLYTE_API_KEY";
/// Config file paths named by env vars, in search order (after the working tree).
pub(crate) const UCTL_CONFIG_ENV: &str = "UCTL_CONFIG";
pub(crate) const FLYTECTL_CONFIG_ENV: &str = "FLYTECTL_CONFIG";

impl Key {
    /// `FLYTE_<SECTION>_<OPTION>`, upper-cased, as the Python SDK derives it:
    /// `admin.insecureSkipVerify` gives `FLYTE_ADMIN_INSECURESKIPVERIFY`.
    pub(crate) fn env_name(self) -> String {
        format!("FLYTE_{}", self.0.to_uppercase().replace('.', "_"))
    }

    /// The key's path in the YAML document.
    pub(crate) fn path(self) -> impl Iterator<Item = &'static str> {
        self.0.split('.')
    }
}

/// A raw value with where it came from.
#[derive(Debug, Clone)]
pub(crate) struct Raw {
    pub value: String,
    pub origin: Origin,
}

impl Raw {
    fn invalid(&self, key: Key, expected: &'static str) -> ConfigError {
        ConfigError::InvalidValue {
            key: key.0,
            origin: self.origin.clone(),
            value: self.value.clone(),
            expected,
        }
    }

    /// Booleans are parsed, not taken as "any non-empty string is true" (the Python SDK keeps the raw string).
    pub(crate) fn to_bool(&self, key: Key) -> Result<bool, ConfigError> {
        parse_bool(&self.value)
            .ok_or_else(|| self.invalid(key, "a boolean (true/false, 1/0, yes/no, on/off)"))
    }

    pub(crate) fn to_duration(&self, key: Key) -> Result<Duration, ConfigError> {
        parse_duration(&self.value)
            .ok_or_else(|| self.invalid(key, "a duration such as 30s, 500ms or 1m30s"))
    }

    pub(crate) fn to_u32(&self, key: Key) -> Result<u32, ConfigError> {
        self.value
            .trim()
            .parse()
            .map_err(|_| self.invalid(key, "a non-negative whole number"))
    }
}

pub(crate) fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "t" | "1" | "yes" | "y" | "on" => Some(true),
        "false" | "f" | "0" | "no" | "n" | "off" => Some(false),
        _ => None,
    }
}

/// Go-style durations (`15s`, `500ms`, `1m30s`, `2h`), as flytectl writes them; a bare
/// number is seconds.
pub(crate) fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(secs) = s.parse::<f64>() {
        return Duration::try_from_secs_f64(secs).ok();
    }
    let mut total = Duration::ZERO;
    let mut rest = s;
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "ns" => 1e-9,
            "us" | "µs" => 1e-6,
            "ms" => 1e-3,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3600.0,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += Duration::try_from_secs_f64(number * scale).ok()?;
    }
    Some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_the_python_derivation() {
        assert_eq!(ENDPOINT.env_name(), "FLYTE_ADMIN_ENDPOINT");
        assert_eq!(
            INSECURE_SKIP_VERIFY.env_name(),
            "FLYTE_ADMIN_INSECURESKIPVERIFY"
        );
        assert_eq!(CA_CERT_FILE_PATH.env_name(), "FLYTE_ADMIN_CACERTFILEPATH");
        assert_eq!(DISABLE_KEYRING.env_name(), "FLYTE_ADMIN_DISABLEKEYRING");
        assert_eq!(PROJECT.env_name(), "FLYTE_TASK_PROJECT");
        assert_eq!(SECRETS_FILE.env_name(), "FLYTE_SECRETS_FILE");
        assert_eq!(AUTH_TYPE.env_name(), "FLYTE_ADMIN_AUTHTYPE");
        assert_eq!(
            CLIENT_SECRET_LOCATION.env_name(),
            "FLYTE_ADMIN_CLIENTSECRETLOCATION"
        );
        assert_eq!(
            CLIENT_SECRET_ENV_VAR.env_name(),
            "FLYTE_ADMIN_CLIENTSECRETENVVAR"
        );
        assert_eq!(COMMAND.env_name(), "FLYTE_ADMIN_COMMAND");
    }

    #[test]
    fn booleans_are_parsed_not_truthy() {
        for t in ["true", "True", "TRUE", "1", "yes", "on", "t", " true "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "False", "0", "no", "off", "f"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for bad in ["", "maybe", "2", "truthy"] {
            assert_eq!(parse_bool(bad), None, "{bad}");
        }
    }

    #[test]
    fn durations_in_go_form() {
        assert_eq!(parse_duration("15s"), Some(Duration::from_secs(15)));
        assert_eq!(parse_duration("500ms"), Some(Duration::from_millis(500)));
        assert_eq!(parse_duration("1m30s"), Some(Duration::from_secs(90)));
        assert_eq!(parse_duration("2h"), Some(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1.5s"), Some(Duration::from_millis(1500)));
        assert_eq!(parse_duration("7"), Some(Duration::from_secs(7)));
        for bad in ["", "s", "10x", "ms10", "-1s", "1s-"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn invalid_value_names_key_origin_and_rule() {
        let raw = Raw {
            value: "maybe".into(),
            origin: Origin::Env("FLYTE_ADMIN_INSECURE".into()),
        };
        let msg = raw.to_bool(INSECURE).unwrap_err().to_string();
        assert!(
            msg.contains("admin.insecure") && msg.contains("FLYTE_ADMIN_INSECURE"),
            "{msg}"
        );
        assert!(msg.contains("maybe") && msg.contains("boolean"), "{msg}");
    }
}
