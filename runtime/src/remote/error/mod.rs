//! [`Error`]: why a secret-service call failed. Messages name the operation, the secret and
//! the endpoint; never a value or a token.

use std::fmt;
use std::time::Duration;

pub use flyte_idl::connect::Code;

use crate::config::ConfigError;

mod printable;
mod tls;
mod token;

pub use printable::printable;
pub use tls::TlsProblem;
pub use token::TokenError;

/// The operation a call was making.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Op {
    /// `CreateSecret`.
    Create,
    /// `UpdateSecret`.
    Update,
    /// `GetSecret`: metadata only.
    Get,
    /// `DeleteSecret`.
    Delete,
    /// `ListSecrets`, one page.
    List,
    /// The local service's `ReadSecretValue` (see [`crate::remote::Client::read_value`]).
    ReadValue,
    /// `ClusterService/SelectCluster`, asked before a secret call which endpoint serves it.
    SelectCluster,
    /// `AuthMetadataService`, asked where the identity provider is before a login.
    AuthMetadata,
    /// A login with the configured flow ([`crate::remote::Client::login`]): the identity
    /// provider's answer, not the service's.
    Login,
}

impl Op {
    /// Safe to send again when the first attempt may or may not have reached the server.
    pub fn idempotent(self) -> bool {
        matches!(
            self,
            Op::Get | Op::Delete | Op::List | Op::ReadValue | Op::SelectCluster | Op::AuthMetadata
        )
    }

    fn verb(self) -> &'static str {
        match self {
            Op::Create => "create",
            Op::Update => "update",
            Op::Get => "get",
            Op::Delete => "delete",
            Op::List => "list",
            Op::ReadValue => "read the value of",
            Op::SelectCluster => "select the cluster (SelectCluster) for",
            Op::AuthMetadata => "ask AuthMetadataService how to log in for",
            Op::Login => "log in for",
        }
    }
}

/// What a failed call was doing: the operation, the secret (none for a list) and the
/// endpoint. Displays as e.g. ``get secret `db-password` at http://127.0.0.1:8090``.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The operation.
    pub op: Op,
    /// The secret's name; `None` for a list.
    pub secret: Option<String>,
    /// The base URL the call went to (after any `SelectCluster` routing).
    pub endpoint: String,
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.secret {
            Some(name) => write!(f, "{} secret `{name}` at {}", self.op.verb(), self.endpoint),
            None => write!(f, "{} secrets at {}", self.op.verb(), self.endpoint),
        }
    }
}

/// A size in bytes for people: `5.0 MiB (5242880 bytes)`.
struct Size(usize);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MIB: f64 = 1024.0 * 1024.0;
        let n = self.0;
        if n >= 1024 * 1024 {
            write!(f, "{:.1} MiB ({n} bytes)", n as f64 / MIB)
        } else {
            write!(f, "{n} bytes")
        }
    }
}

/// The server's own words, appended to a message when it gave any, control characters
/// escaped ([`printable`]).
struct ServerSays<'a>(&'a str);

impl fmt::Display for ServerSays<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            Ok(())
        } else {
            write!(f, " (server: {})", printable(self.0))
        }
    }
}

/// A response that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeError {
    /// The body is not the expected protobuf message.
    #[error("invalid protobuf")]
    Proto(#[from] prost::DecodeError),
    /// The body is not the expected proto3 JSON message.
    #[error("invalid JSON")]
    Json(#[from] serde_json::Error),
    /// The body is marked gzip but does not decompress.
    #[error("invalid gzip body")]
    Gzip(#[source] std::io::Error),
    /// The body, compressed or not, is over the limit (a bound against gzip bombs).
    #[error("body larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The answer's `content-type` is neither codec's (`(none)` when it had none).
    #[error("unexpected content-type `{0}`")]
    ContentType(String),
    /// A list page without secrets handed back the page token it was asked with: following
    /// it would never end.
    #[error(
        "the server answered an empty page with the page token it was sent, so the listing would never end"
    )]
    RepeatedPageToken,
    /// The message decoded but lacks a field the call needs, e.g. `secret`.
    #[error("response lacks the `{0}` field")]
    Missing(&'static str),
}

/// Why a secret-service call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The secret does not exist in the configured scope.
    #[error("{call}: not found{}", ServerSays(message))]
    NotFound {
        /// The call that failed.
        call: Call,
        /// What the server said, `""` when nothing.
        message: String,
    },

    /// A secret of this name already exists in the scope (create).
    #[error("{call}: already exists{}", ServerSays(message))]
    AlreadyExists {
        /// The call that failed.
        call: Call,
        /// What the server said, `""` when nothing.
        message: String,
    },

    /// The server refused the request as malformed (name, scope, value size...).
    #[error("{call}: invalid argument{}", ServerSays(message))]
    InvalidArgument {
        /// The call that failed.
        call: Call,
        /// What the server said, `""` when nothing.
        message: String,
    },

    /// No valid credentials (after one token refresh, when refreshing was possible).
    #[error("{call}: unauthenticated{}", ServerSays(message))]
    Unauthenticated {
        /// The call that failed.
        call: Call,
        /// What the server said, `""` when nothing.
        message: String,
    },

    /// The credentials do not allow this call.
    #[error("{call}: permission denied{}", ServerSays(message))]
    PermissionDenied {
        /// The call that failed.
        call: Call,
        /// What the server said, `""` when nothing.
        message: String,
    },

    /// The server answered `unavailable` (or an HTTP 502/503/504/429) on every attempt.
    #[error(
        "{call}: service unavailable after {attempts} attempt(s){}",
        ServerSays(message)
    )]
    Unavailable {
        /// The call that failed.
        call: Call,
        /// How many attempts were made, the first included.
        attempts: u32,
        /// What the server said on the last attempt, `""` when nothing.
        message: String,
    },

    /// Any other Connect error code.
    #[error("{call}: server error `{code}`{}", ServerSays(message))]
    Server {
        /// The call that failed.
        call: Call,
        /// The code the server answered with.
        code: Code,
        /// What the server said, `""` when nothing.
        message: String,
    },

    /// No complete answer within the per-call timeout, on every attempt.
    #[error("{call}: no answer within {after:?} (attempt(s): {attempts})")]
    Timeout {
        /// The call that failed.
        call: Call,
        /// The limit each attempt had.
        after: Duration,
        /// How many attempts were made, the first included.
        attempts: u32,
    },

    /// The connection failed (refused, reset, TLS, DNS) on every attempt.
    #[error("{call}: connection failed after {attempts} attempt(s)")]
    Transport {
        /// The call that failed.
        call: Call,
        /// How many attempts were made, the first included.
        attempts: u32,
        /// The last attempt's connection error (from hyper, or from reqwest for TLS and
        /// proxied endpoints).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The service closed the connection while a large value was being sent: most likely it
    /// refused the request's declared size and closed before reading the body, so no answer
    /// saying so arrived.
    #[error(
        "{call}: the service closed the connection while the value of {} was being sent, most \
         likely because the value is over its size limit (1 MiB by default on the local \
         service; a Kubernetes Secret, which stores a secret on a Flyte cluster, holds at most \
         1 MiB)",
        Size(*value_len)
    )]
    ClosedWhileSending {
        /// The call that failed.
        call: Call,
        /// The size of the value in bytes.
        value_len: usize,
        /// The connection error (a reset or broken pipe).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// The server's answer could not be read.
    #[error("{call}: unreadable response")]
    Decode {
        /// The call whose answer it was.
        call: Call,
        /// What is wrong with the answer.
        #[source]
        source: DecodeError,
    },

    /// Getting or refreshing a token (or logging in) failed.
    #[error("{call}: could not obtain an access token")]
    Token {
        /// The call that needed the token; it was not sent.
        call: Call,
        /// Why no token was obtained.
        #[source]
        source: Box<TokenError>,
    },

    /// `ClusterService/SelectCluster` failed (with anything but `unimplemented`, which means
    /// "no routing"), or named an endpoint no client can be built for; the secret call was
    /// not sent. `call` is the secret call at the session endpoint, `resource` what was asked
    /// about (e.g. ``project `p` in domain `d` of organization `o` ``), `source` the failure.
    #[error("{call}: routing by SelectCluster for {resource} failed")]
    SelectCluster {
        /// The secret call, at the session endpoint.
        call: Call,
        /// What `SelectCluster` was asked about.
        resource: String,
        /// The failure: of the `SelectCluster` call, or of building a client for its answer.
        #[source]
        source: Box<Error>,
    },

    /// An image-pull secret with a project or domain configured; nothing was sent. The message
    /// is the Python SDK's.
    #[error(
        "Project `{}` or domain `{}` should not be set when creating the image pull secret.",
        project.as_deref().unwrap_or("None"),
        domain.as_deref().unwrap_or("None")
    )]
    ImagePullScoped {
        /// The secret's name.
        secret: String,
        /// The configured project, if any.
        project: Option<String>,
        /// The configured domain, if any.
        domain: Option<String>,
    },

    /// With no endpoint configured, the local secret service could not be used.
    #[cfg(feature = "local")]
    #[error("the local secret service (no endpoint configured)")]
    Local(#[from] crate::local::LocalError),

    /// A request that cannot be sent: bad name, bad limit, unknown secret type.
    #[error("{call}: {problem}")]
    InvalidRequest {
        /// The call that was not made.
        call: Call,
        /// What is wrong with the request, e.g. the name's rule.
        problem: String,
    },

    /// The configuration cannot be used to build a client.
    #[error("invalid secret service client configuration")]
    Config(#[from] ConfigError),

    /// The free functions ([`crate::remote::Secret::create`], ...) were used before
    /// [`crate::init`].
    #[error(
        "the secret service client is not initialized: call flyte::init(flyte::Config::load()?) first, or use an explicit flyte::remote::Client"
    )]
    NotInitialized,

    /// The blocking facade could not start its runtime thread.
    #[error("could not start the blocking client's runtime thread")]
    Runtime(#[source] std::io::Error),
}

/// Ends the message of an error answer that is not a Connect error (e.g. an HTTP 501 page).
const NOT_CONNECT: &str = ", not a Connect error";

/// The message of an error answer with status `status` and no Connect error in its body.
pub(crate) fn not_connect_message(status: u16) -> String {
    format!("HTTP {status}{NOT_CONNECT}")
}

impl Error {
    /// Whether the server's error answer was not a Connect error (no JSON `code`): then the
    /// endpoint is likely not a Flyte secret service (a web server, a proxy's page).
    pub fn not_connect(&self) -> bool {
        match self {
            Error::NotFound { message, .. }
            | Error::AlreadyExists { message, .. }
            | Error::InvalidArgument { message, .. }
            | Error::Unauthenticated { message, .. }
            | Error::PermissionDenied { message, .. }
            | Error::Unavailable { message, .. }
            | Error::Server { message, .. } => {
                message.starts_with("HTTP ") && message.ends_with(NOT_CONNECT)
            }
            Error::SelectCluster { source, .. } => source.not_connect(),
            _ => false,
        }
    }

    /// Whether the connection failed because of TLS (an untrusted CA, or one end speaking
    /// TLS and the other plaintext), behind a SelectCluster failure too.
    pub fn tls_problem(&self) -> Option<TlsProblem> {
        match self {
            Error::Transport { source, .. } => TlsProblem::of(source.as_ref()),
            Error::SelectCluster { source, .. } => source.tls_problem(),
            _ => None,
        }
    }

    /// The call that failed, when the error came from one.
    pub fn call(&self) -> Option<&Call> {
        match self {
            Error::NotFound { call, .. }
            | Error::AlreadyExists { call, .. }
            | Error::InvalidArgument { call, .. }
            | Error::Unauthenticated { call, .. }
            | Error::PermissionDenied { call, .. }
            | Error::Unavailable { call, .. }
            | Error::Server { call, .. }
            | Error::Timeout { call, .. }
            | Error::Transport { call, .. }
            | Error::ClosedWhileSending { call, .. }
            | Error::Decode { call, .. }
            | Error::Token { call, .. }
            | Error::SelectCluster { call, .. }
            | Error::InvalidRequest { call, .. } => Some(call),
            _ => None,
        }
    }

    /// The Connect code this error corresponds to, as the server sent it or as it is
    /// conventionally mapped.
    pub fn code(&self) -> Option<Code> {
        Some(match self {
            Error::NotFound { .. } => Code::NotFound,
            Error::AlreadyExists { .. } => Code::AlreadyExists,
            Error::InvalidArgument { .. }
            | Error::ImagePullScoped { .. }
            | Error::InvalidRequest { .. } => Code::InvalidArgument,
            Error::Unauthenticated { .. } | Error::Token { .. } => Code::Unauthenticated,
            Error::PermissionDenied { .. } => Code::PermissionDenied,
            Error::Unavailable { .. }
            | Error::Transport { .. }
            | Error::ClosedWhileSending { .. } => Code::Unavailable,
            Error::Server { code, .. } => *code,
            Error::Timeout { .. } => Code::DeadlineExceeded,
            Error::SelectCluster { source, .. } => return source.code(),
            _ => return None,
        })
    }

    /// Maps a Connect error from the server.
    pub(crate) fn from_code(call: Call, code: Code, message: String, attempts: u32) -> Error {
        match code {
            Code::NotFound => Error::NotFound { call, message },
            Code::AlreadyExists => Error::AlreadyExists { call, message },
            Code::InvalidArgument => Error::InvalidArgument { call, message },
            Code::Unauthenticated => Error::Unauthenticated { call, message },
            Code::PermissionDenied => Error::PermissionDenied { call, message },
            Code::Unavailable => Error::Unavailable {
                call,
                attempts,
                message,
            },
            code => Error::Server {
                call,
                code,
                message,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_words_are_escaped() {
        let said = Error::Server {
            call: Call {
                op: Op::Get,
                secret: Some("s".into()),
                endpoint: "http://h".into(),
            },
            code: Code::Internal,
            message: "a\x1b[2Jb\nc".into(),
        };
        assert!(
            said.to_string().ends_with(r"(server: a\u{1b}[2Jb\nc)"),
            "{said}"
        );
    }
}
