//! How to log in: [`AuthType`] (`admin.authType`), the client secret of the `ClientSecret`
//! flow and the list-valued keys (`admin.command`, `admin.scopes`).

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use zeroize::Zeroizing;

use super::origin::Origin;

/// The OAuth2 flow that gets a token (`admin.authType`, `FLYTE_ADMIN_AUTHTYPE`, `flyte
/// --auth-type`), as in the Python SDK. Parsing accepts the config values (`Pkce`,
/// `DeviceFlow`, `ClientSecret`, `ExternalCommand`, any case) and the Python CLI's spellings
/// (`headless`, `device-flow`, `client-secret`, `app-credential`, `external-command`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum AuthType {
    /// Authorization code with PKCE: a browser logs in, a loopback server receives the code.
    /// The default.
    #[default]
    Pkce,
    /// The device flow (RFC 8628), for machines without a browser: a code to enter elsewhere.
    DeviceFlow,
    /// The client-credentials grant with `admin.clientId` and a client secret.
    ClientSecret,
    /// A command (`admin.command`) that prints a token.
    ExternalCommand,
}

/// Spellings per flow: the config value first, then the Python CLI's (flyte 2.12.1,
/// `flyte.cli._common`), then flytekit's older names.
const SPELLINGS: [(AuthType, &[&str]); 4] = [
    (AuthType::Pkce, &["pkce", "standard"]),
    (
        AuthType::DeviceFlow,
        &["deviceflow", "headless", "device-flow", "device_flow"],
    ),
    (
        AuthType::ClientSecret,
        &[
            "clientsecret",
            "client-secret",
            "client_secret",
            "app-credential",
            "app_credential",
            "basic",
            "client_credentials",
        ],
    ),
    (
        AuthType::ExternalCommand,
        &[
            "externalcommand",
            "external-command",
            "external_command",
            "command",
            "custom",
        ],
    ),
];

impl AuthType {
    /// The config-file spelling: `Pkce`, `DeviceFlow`, `ClientSecret`, `ExternalCommand`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthType::Pkce => "Pkce",
            AuthType::DeviceFlow => "DeviceFlow",
            AuthType::ClientSecret => "ClientSecret",
            AuthType::ExternalCommand => "ExternalCommand",
        }
    }

    /// Needs a person (a browser, or a code typed elsewhere).
    pub fn is_interactive(self) -> bool {
        matches!(self, AuthType::Pkce | AuthType::DeviceFlow)
    }
}

impl fmt::Display for AuthType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An `admin.authType` this client does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown auth type `{value}`: use Pkce, DeviceFlow, ClientSecret or ExternalCommand (or the \
     Python CLI's pkce, headless, device-flow, client-secret, app-credential, external-command){}",
    if value.eq_ignore_ascii_case("passthrough") { "; Passthrough is not supported by this client" } else { "" }
)]
#[non_exhaustive]
pub struct ParseAuthTypeError {
    /// The value given.
    pub value: String,
}

impl FromStr for AuthType {
    type Err = ParseAuthTypeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        SPELLINGS
            .iter()
            .find(|(_, names)| names.contains(&lower.as_str()))
            .map(|(t, _)| *t)
            .ok_or_else(|| ParseAuthTypeError {
                value: s.to_owned(),
            })
    }
}

/// The client secret of the `ClientSecret` flow, read from `admin.clientSecretLocation` (a
/// file, trailing newline stripped) or the variable `admin.clientSecretEnvVar` names. `Debug`
/// shows only where it came from; zeroed on drop.
#[derive(Clone)]
pub(crate) struct ClientSecret {
    pub(crate) value: Arc<Zeroizing<String>>,
    pub(crate) origin: Origin,
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ClientSecret([REDACTED] from {})", self.origin)
    }
}

/// A list value from an env var: a JSON array of strings, else words separated by
/// whitespace or commas (no shell quoting).
pub(crate) fn parse_list(text: &str) -> Option<Vec<String>> {
    let t = text.trim();
    if t.starts_with('[') {
        return serde_json::from_str::<Vec<String>>(t).ok();
    }
    Some(
        t.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_python_spelling_parses() {
        for (s, want) in [
            ("Pkce", AuthType::Pkce),
            ("pkce", AuthType::Pkce),
            ("DeviceFlow", AuthType::DeviceFlow),
            ("headless", AuthType::DeviceFlow),
            ("device-flow", AuthType::DeviceFlow),
            ("device_flow", AuthType::DeviceFlow),
            ("ClientSecret", AuthType::ClientSecret),
            ("client-secret", AuthType::ClientSecret),
            ("client_secret", AuthType::ClientSecret),
            ("clientsecret", AuthType::ClientSecret),
            ("app-credential", AuthType::ClientSecret),
            ("app_credential", AuthType::ClientSecret),
            ("ExternalCommand", AuthType::ExternalCommand),
            ("external-command", AuthType::ExternalCommand),
            ("command", AuthType::ExternalCommand),
            ("custom", AuthType::ExternalCommand),
        ] {
            assert_eq!(s.parse::<AuthType>(), Ok(want), "{s}");
            assert_eq!(want.as_str().parse::<AuthType>(), Ok(want));
        }
        let err = "Passthrough".parse::<AuthType>().unwrap_err().to_string();
        assert!(err.contains("not supported"), "{err}");
        let err = "oauth".parse::<AuthType>().unwrap_err().to_string();
        assert!(
            err.contains("`oauth`") && err.contains("DeviceFlow"),
            "{err}"
        );
    }

    #[test]
    fn lists_from_env_are_json_or_words() {
        assert_eq!(
            parse_list(r#"["gcloud", "auth", "print-identity-token"]"#),
            Some(vec![
                "gcloud".into(),
                "auth".into(),
                "print-identity-token".into()
            ])
        );
        assert_eq!(
            parse_list("all, offline openid"),
            Some(vec!["all".into(), "offline".into(), "openid".into()])
        );
        assert_eq!(parse_list("[not json"), None);
    }

    #[test]
    fn the_secret_is_never_shown() {
        let s = ClientSecret {
            value: Arc::new(Zeroizing::new("s3cr3t-value".into())),
            origin: Origin::Builder,
        };
        assert!(!format!("{s:?}").contains("s3cr3t"));
    }
}
