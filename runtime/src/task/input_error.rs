//! [`InputError`]: why a task's inputs were refused.

use std::fmt;

/// Why a task's inputs were refused; the task did not start (exit code
/// [`EXIT_USAGE`](crate::launch::EXIT_USAGE)) and no secret was resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InputError {
    /// A required input was not given.
    Missing {
        /// The input's name.
        name: String,
        /// Its Rust type as written.
        ty: String,
    },
    /// An input the task does not take; `known` lists the ones it does (`name: type`).
    Unknown {
        /// The name given.
        name: String,
        /// The task's inputs, as `name: type`.
        known: Vec<String>,
    },
    /// The value does not fit the parameter's type.
    WrongType {
        /// The input's name.
        name: String,
        /// Its Rust type as written.
        ty: String,
        /// Why the value does not fit (serde's message).
        message: String,
    },
    /// `--inputs` / `--inputs-file` is not a JSON object.
    Malformed {
        /// Where the JSON came from (`--inputs`, a file path, stdin).
        from: String,
        /// The parser's message.
        message: String,
    },
    /// `--inputs`/`--inputs-file` and per-input flags together, or an option given twice.
    Conflict(String),
    /// An option without its value, or a file that cannot be read.
    Usage(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Missing { name, ty } => {
                write!(f, "missing input `{name}` (expected `{ty}`)")
            }
            InputError::Unknown { name, known } if known.is_empty() => {
                write!(f, "unknown input `{name}`: the task takes no inputs")
            }
            InputError::Unknown { name, known } => write!(
                f,
                "unknown input `{name}` (the task takes {})",
                known.join(", ")
            ),
            InputError::WrongType { name, ty, message } => {
                write!(f, "input `{name}`: expected `{ty}`: {message}")
            }
            InputError::Malformed { from, message } => {
                write!(f, "{from} is not a JSON object of inputs: {message}")
            }
            InputError::Conflict(message) | InputError::Usage(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for InputError {}
