//! The crate's error type.

use std::path::PathBuf;

mod missing;

pub use missing::Missing;

/// Everything that can go wrong in `flyte`. Messages name the task, the secret and the place
/// looked, never a value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A secret request that breaks a rule (run-time [`crate::Secret`]).
    #[error(transparent)]
    InvalidSecret(#[from] flyte_spec::SpecError),

    /// Declared secrets not found in any source; the task did not start.
    #[error("{}", missing::describe(task, missing))]
    MissingSecrets {
        /// The task that did not start.
        task: String,
        /// Each secret not found, with every place looked.
        missing: Vec<Missing>,
    },

    /// The task asked for a secret it did not declare.
    #[error("task `{task}` did not declare secret `{key}`; add it to #[task(secrets = ...)]")]
    Undeclared {
        /// The running task.
        task: String,
        /// The key it asked for.
        key: String,
    },

    /// The accessor was used outside a running task.
    #[error(
        "secret `{key}` was asked for outside a running task: a task's secrets belong to the \
         thread (or future) that runs its #[task] body, not to threads or tasks it spawns; read \
         the secret in the body and move the value into the spawned code"
    )]
    NoTask {
        /// The key that was asked for.
        key: String,
    },

    /// A secret file could not be written, read or removed.
    #[error("{action} {}", path.display())]
    Io {
        /// What was being done, e.g. `cannot write secret file`; the start of the message.
        action: &'static str,
        /// The file or directory it was done to.
        path: PathBuf,
        /// The error from the operating system.
        #[source]
        source: std::io::Error,
    },

    /// A secret source failed (not: did not have the secret). The cause is the source's own
    /// error, to downcast: a [`crate::remote::Error`] from the secret service, a
    /// [`crate::sources::dotenv::ParseError`] from a dotenv file; a source of your own may
    /// give any error.
    #[error("secret source {source_name} failed for `{secret}`")]
    Source {
        /// The source and where it reads from, e.g. `dotenv file .env`; for the service,
        /// its endpoint and the scope the secret was asked in.
        source_name: String,
        /// The secret, as the source names it (`key`, `group/key`).
        secret: String,
        /// What went wrong in the source. Never holds a value.
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A call to the secret service failed (its message and causes are the client's).
    #[error(transparent)]
    Remote(#[from] crate::remote::Error),

    /// Running a task as its own process failed.
    #[error("task `{task}`: {message}")]
    Launch {
        /// The task, as asked for (empty when waiting for a started task failed).
        task: String,
        /// What went wrong.
        message: String,
    },

    /// Starting, watching or waiting for a task's process failed in the operating system.
    #[error("task `{task}`: {action}")]
    Process {
        /// The task, as asked for (empty when waiting for a started task failed).
        task: String,
        /// What was being done, e.g. `cannot start ./my-tasks`.
        action: String,
        /// The error from the operating system.
        #[source]
        source: std::io::Error,
    },

    /// The task's inputs were refused (missing, unknown, of the wrong type, malformed); the
    /// task did not start and no secret was resolved. `message` names the input and type.
    #[error("task `{task}`: {message}")]
    Inputs {
        /// The task, by the name it was run with.
        task: String,
        /// What was refused: the input, the expected type and the rule.
        message: String,
    },

    /// `program list` gave no usable task list (missing, not a task binary, refused
    /// declarations); `message` names the program and the problem.
    #[error("{message}")]
    NotTaskBinary {
        /// The program asked for its task list.
        program: PathBuf,
        /// The whole message: the program and what was wrong with its answer.
        message: String,
    },
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<crate::config::ConfigError> for Error {
    fn from(e: crate::config::ConfigError) -> Self {
        Error::Remote(e.into())
    }
}

/// An error and its causes on one line, for a message that keeps only text.
pub(crate) fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_error_reads_as_the_clients_own() {
        let config = crate::Config::from_file("/nonexistent/flyte-config.yaml").unwrap_err();
        let remote = crate::remote::Error::from(config);
        let (text, cause) = (
            remote.to_string(),
            std::error::Error::source(&remote).map(ToString::to_string),
        );
        let err = Error::from(remote);
        // Not a bare "secret service": `{e}` alone says what failed, and the causes follow once.
        assert_eq!(err.to_string(), text);
        assert_eq!(
            std::error::Error::source(&err).map(ToString::to_string),
            cause
        );
        assert!(matches!(err, Error::Remote(_)));
    }
}
