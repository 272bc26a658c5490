//! [`CliError`]: everything a command can fail with, its exit code, and the hint printed
//! under the message.

use std::fmt;
use std::path::PathBuf;

use flyte::remote::{Error as RemoteError, TlsProblem, printable};

use crate::origin::EndpointOrigin;

/// Exit code of a failed command.
pub(crate) const EXIT_ERROR: i32 = 1;
/// Exit code of a usage error (as clap's own).
pub(crate) const EXIT_USAGE: i32 = 2;
/// Exit code after ^C at a prompt: 128 + SIGINT, what a shell reports for a process ^C killed.
pub(crate) const EXIT_INTERRUPTED: i32 = 130;

/// Why a command failed. Messages name the secret, the endpoint and the input; never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum CliError {
    /// Flags that cannot go together, beyond what clap checks.
    #[error("{0}")]
    Usage(String),

    /// The configuration could not be loaded.
    #[error("configuration")]
    Config(#[from] flyte::config::ConfigError),

    /// A secret-service call failed.
    #[error(transparent)]
    Service(Box<ServiceError>),

    /// No endpoint is configured and the local secret service could not be used.
    #[error("the local secret service (used because no endpoint is configured)")]
    Local(#[source] flyte::local::LocalError),

    /// Reading a value (file, stdin, terminal) failed.
    #[error("cannot read {what}")]
    Input {
        what: String,
        #[source]
        source: std::io::Error,
    },

    /// ^C at a hidden prompt (the terminal is restored).
    #[error("Aborted.")]
    Aborted,

    /// Nothing was typed at the value prompt.
    #[error("no value entered for secret `{secret}` at the prompt")]
    EmptyPrompt { secret: String },

    /// An image pull secret's field is needed but there is no terminal to prompt on and
    /// stdin ended; `hint` says which ways give the fields missing.
    #[error("no value for secret `{secret}`: {problem}")]
    NoValue {
        secret: String,
        problem: String,
        hint: String,
    },

    /// Building the dockerconfigjson failed.
    #[error("Failed to create dockerconfigjson from Docker config")]
    Docker(#[source] crate::docker::DockerError),

    /// `flyte run`: the task did not start (its secrets, the binary's list, the launch).
    #[error(transparent)]
    Run(flyte::Error),

    /// `flyte run`: waiting for the started task failed.
    #[error(transparent)]
    Waiting(flyte::Error),

    /// `flyte check`: the file did not describe its tasks (`BIN list`).
    #[error("{} is not a flyte task binary: {message}", binary.display())]
    NotTaskBinary { binary: PathBuf, message: String },

    /// A command that needs an endpoint has none.
    #[error("no endpoint configured for `{command}`")]
    NoEndpoint { command: &'static str },

    /// Writing the output failed (other than a closed pipe).
    #[error("cannot write the output")]
    Output(#[source] std::io::Error),

    /// The keyring could not remove cached tokens.
    #[error(
        "cannot remove the cached credentials of {endpoint} (set by {origin}) from the OS keyring"
    )]
    Keyring {
        endpoint: String,
        origin: String,
        #[source]
        source: flyte::remote::keyring::KeyringError,
    },

    /// `flyte auth login` failed.
    #[error("cannot log in to {endpoint} (set by {origin}) with {flow}")]
    Login {
        endpoint: String,
        origin: EndpointOrigin,
        flow: flyte::remote::AuthType,
        /// What failed: the flow's own error (a token request, the callback, the command),
        /// else the client's.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// `flyte auth login` with an API key configured: the key is used, there is no login.
    #[error(
        "FLYTE_API_KEY is set, and this CLI uses it instead of a login; unset it to log in to {endpoint}"
    )]
    ApiKeyInsteadOfLogin { endpoint: String },

    /// The named data directory has no usable inject token.
    #[error("cannot read the inject token of the local secret service in {}", dir.display())]
    InjectToken {
        dir: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl CliError {
    /// A failed read of `what`; ^C at a prompt is [`CliError::Aborted`].
    pub(crate) fn input(what: impl Into<String>, source: std::io::Error) -> CliError {
        if crate::input::is_aborted(&source) {
            return CliError::Aborted;
        }
        CliError::Input {
            what: what.into(),
            source,
        }
    }
}

impl From<ServiceError> for CliError {
    fn from(e: ServiceError) -> Self {
        CliError::Service(Box::new(e))
    }
}

impl CliError {
    pub(crate) fn exit_code(&self) -> i32 {
        match self {
            CliError::Usage(_)
            | CliError::NotTaskBinary { .. }
            | CliError::Run(flyte::Error::NotTaskBinary { .. }) => EXIT_USAGE,
            // As `BIN run`: a script tells "never started" from the task's own exit 1.
            CliError::Run(_) => flyte::launch::EXIT_NOT_STARTED,
            CliError::Aborted => EXIT_INTERRUPTED,
            _ => EXIT_ERROR,
        }
    }

    /// Context worth a line of its own: which service was used when none was configured.
    pub(crate) fn note(&self) -> Option<String> {
        match self {
            CliError::Service(e) => match &e.origin {
                origin @ EndpointOrigin::Local { .. } => Some(format!("this used {origin}")),
                _ => None,
            },
            _ => None,
        }
    }

    /// What the user can do about it, if there is something to say.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            CliError::Service(e) => e.hint(),
            CliError::Login { flow, .. } => Some(format!(
                "the flow is {flow} (admin.authType, FLYTE_ADMIN_AUTHTYPE or --auth-type); where to \
                 log in comes from the endpoint's AuthMetadataService, with admin.tokenUrl, \
                 admin.clientId and admin.scopes over it"
            )),
            CliError::NoEndpoint { .. } => Some(
                "pass --endpoint, or set admin.endpoint in the config file or FLYTE_ADMIN_ENDPOINT".into(),
            ),
            CliError::NotTaskBinary { .. } => Some(
                "a task binary is built with #[flyte::main]; `BINARY list` prints its tasks as JSON"
                    .into(),
            ),
            CliError::EmptyPrompt { .. } => Some(
                "to store an empty value on purpose, pass `--value ''` or `--from-file /dev/null`"
                    .into(),
            ),
            CliError::NoValue { hint, .. } => Some(hint.clone()),
            CliError::Local(flyte::local::LocalError::InUse { .. }) => Some(
                "the holder may be a `flyte run` whose task is still resolving its secrets, or a \
                 program using the local default; a `flyte serve` on that directory is shared \
                 without waiting"
                    .into(),
            ),
            CliError::Local(_) => Some(
                "set an endpoint (--endpoint, admin.endpoint, FLYTE_ADMIN_ENDPOINT) to use another service"
                    .into(),
            ),
            _ => None,
        }
    }
}

/// A failed secret-service call, with where its endpoint was configured.
#[derive(Debug)]
pub(crate) struct ServiceError {
    pub error: RemoteError,
    pub origin: EndpointOrigin,
    /// The scope the call was made in, e.g. ``organization `127` ``.
    pub scope: String,
    /// Both a project and a domain were given (-p and -d).
    pub scoped: bool,
    /// The call carried an API key (FLYTE_API_KEY).
    pub api_key: bool,
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.error, f)
    }
}

impl std::error::Error for ServiceError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.error.source()
    }
}

impl ServiceError {
    fn secret(&self) -> Option<&str> {
        self.error.call().and_then(|c| c.secret.as_deref())
    }

    fn hint(&self) -> Option<String> {
        let origin = &self.origin;
        let name = self.secret().unwrap_or("NAME");
        // A failed SelectCluster (asked before the call) has the same remedies as its cause.
        let error = match &self.error {
            RemoteError::SelectCluster { source, .. } => source.as_ref(),
            other => other,
        };
        let change = origin.what_to_change();
        let tls = error.tls_problem();
        Some(match error {
            _ if tls == Some(TlsProblem::UnknownIssuer) => format!(
                "the service's TLS certificate is issued by a CA this machine does not trust: set \
                 admin.caCertFilePath in the config file to that CA's PEM certificate \
                 (admin.insecureSkipVerify: true turns verification off, a last resort); endpoint \
                 set by {origin}"
            ),
            _ if tls == Some(TlsProblem::PlaintextAnswer) => format!(
                "the service answered in plaintext, not TLS: for a plaintext endpoint pass \
                 --insecure (admin.insecure: true) or give an http:// endpoint; else change \
                 {change} (set by {origin})"
            ),
            _ if tls == Some(TlsProblem::TlsAnswer) => format!(
                "the service looks like it speaks TLS, and this request was plaintext: drop \
                 --insecure (admin.insecure: false) or give an https:// endpoint; else change \
                 {change} (set by {origin})"
            ),
            _ if error.not_connect() && !matches!(error, RemoteError::Unavailable { .. }) => {
                format!(
                    "the endpoint does not look like a Flyte secret service (its answer is not a \
                     Connect error); check {change} (set by {origin})"
                )
            }
            RemoteError::Unauthenticated { .. } if self.api_key => format!(
                "the service refused the API key in FLYTE_API_KEY: check that it is the right \
                 key for this endpoint and still valid (endpoint set by {origin})"
            ),
            RemoteError::Transport { call, .. }
            | RemoteError::Timeout { call, .. }
            | RemoteError::Unavailable { call, .. }
                if let Some(routed) = flyte::remote::routed_endpoint(&call.endpoint) =>
            {
                format!(
                    "the endpoint {routed} was named by SelectCluster of the control plane set by \
                     {origin}; check that the service is running there and reachable from here, \
                     or the control plane's cluster routing"
                )
            }
            RemoteError::Transport { call, .. }
            | RemoteError::Timeout { call, .. }
            | RemoteError::Unavailable { call, .. } => {
                format!(
                    "the endpoint {} was set by {origin}; check that the service is running there and \
                     reachable, or change {}",
                    call.endpoint, change
                )
            }
            RemoteError::Unauthenticated { .. } | RemoteError::Token { .. } => format!(
                "log in: `flyte auth login` (the flow is admin.authType or --auth-type: pkce, \
                 device-flow, client-secret, external-command), or set FLYTE_API_KEY (an API key or \
                 bearer token); logins of the Python `flyte` CLI are found in the OS keyring too; \
                 `flyte auth status` shows what is cached and `flyte logout` removes it (endpoint \
                 set by {origin})"
            ),
            RemoteError::PermissionDenied { .. } => {
                format!(
                    "the credentials used lack the right for this call in {}",
                    self.scope
                )
            }
            RemoteError::NotFound { .. } if self.secret().is_some() && self.scoped => format!(
                "looked in {}; `flyte get secret` with the same -p and -d lists that scope",
                self.scope
            ),
            RemoteError::NotFound { .. } if self.secret().is_some() => format!(
                "looked in {}; `flyte get secret` lists that scope, and a project/domain secret needs \
                 -p and -d",
                self.scope
            ),
            RemoteError::AlreadyExists { .. } => {
                format!("`flyte update secret {name}` replaces the value of an existing secret")
            }
            RemoteError::InvalidArgument { .. } => {
                "a secret name is letters, digits, `-` and `_`".to_owned()
            }
            _ => return None,
        })
    }
}

/// An error and its causes on one line, each cause once (a message that already quotes its
/// cause is not followed by it again).
pub(crate) fn one_line(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cause = err.source();
    while let Some(c) = cause {
        let text = c.to_string();
        if !text.is_empty() && !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        cause = c.source();
    }
    out
}

/// The full message: the error, its causes, and the hint, with control characters escaped
/// (server messages, names and paths reach the terminal in them).
pub(crate) fn render(err: &CliError) -> String {
    let text = one_line(err);
    let mut out = match err {
        // Built here, one line per secret: its newlines are the report's own. Every other
        // message may carry a server's text, whose newlines could forge lines.
        CliError::Run(flyte::Error::MissingSecrets { .. }) => text
            .split('\n')
            .map(printable)
            .collect::<Vec<_>>()
            .join("\n"),
        _ => printable(&text).into_owned(),
    };
    if let Some(note) = err.note() {
        out.push_str("\n  note: ");
        out.push_str(&printable(&note));
    }
    if let Some(hint) = err.hint() {
        out.push_str("\n  hint: ");
        out.push_str(&printable(&hint));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use flyte::remote::{Call, Op};

    fn hint_for(source: Box<dyn std::error::Error + Send + Sync>) -> String {
        let error = RemoteError::Transport {
            call: Call {
                op: Op::List,
                secret: None,
                endpoint: "https://127.0.0.1:1".into(),
            },
            attempts: 1,
            source,
        };
        let e = ServiceError {
            error,
            origin: EndpointOrigin::Flag,
            scope: "organization `o`".into(),
            scoped: false,
            api_key: false,
        };
        e.hint().unwrap()
    }

    /// The cause's type picks the hint; a message that only says the words does not.
    #[test]
    fn tls_hints_follow_the_type_of_the_cause() {
        let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, unknown);
        assert!(hint_for(Box::new(io)).contains("admin.caCertFilePath"));
        let plaintext = rustls::Error::InvalidMessage(rustls::InvalidMessage::InvalidContentType);
        assert!(hint_for(Box::new(plaintext)).contains("answered in plaintext, not TLS"));

        let words = hint_for("UnknownIssuer InvalidContentType invalid HTTP version parsed".into());
        assert!(
            words.contains("check that the service is running") && !words.contains("TLS"),
            "{words}"
        );
    }
}
