//! Where secret values come from. A [`Resolver`] asks its [`SecretSource`]s in order, first
//! hit wins. The default chain is:
//!
//! 1. [`ProcessSource`]: already in the process, as a Flyte cluster injects it under any of
//!    its injectors: the declared env var or a prefixed name (`_UNION_...`), or a file under
//!    `$FLYTE_SECRETS_DEFAULT_DIR` (else `/etc/flyte/secrets`) in any injector's layout. See
//!    [`PodLayout`] for the names, in the order they are tried.
//! 2. [`DotenvSource`]: a local development file in dotenv format, `$FLYTE_SECRETS_FILE` or
//!    `.flyte/secrets.env` (see [`dotenv`] for how entries are named).
//! 3. The configured secret service, when one is configured (see [`crate::remote`]), asked
//!    as a cluster asks it: by key, in project+domain, then domain, then organization-wide
//!    scope (see [`remote::places`]).
//!
//! Add your own source by implementing [`SecretSource`] and building a [`Resolver`].

pub mod dotenv;
mod map;
pub mod missing;
mod pod;
mod process;
pub mod remote;
mod resolver;

use std::fmt::Debug;
use std::path::PathBuf;

pub use dotenv::DotenvSource;
pub use map::MapSource;
pub use missing::Missing;
pub use pod::{DEFAULT_DIR_VAR, DEFAULT_ENV_PREFIX, ENV_PREFIX_VAR, FILE_PREFIX_VAR, PodLayout};
pub(crate) use pod::in_task_pod;
pub use process::ProcessSource;
pub use resolver::{Resolved, Resolver};

use crate::Error;
use crate::secret::SecretDef;
use crate::secret::SecretValue;

/// What a source found for one secret.
#[derive(Debug, Clone)]
pub enum Found {
    /// The value, to be put where the task expects it.
    Value(SecretValue),
    /// A file secret that is already on disk at this path (mounted by the platform); its
    /// contents are the value.
    File {
        /// Where the file is.
        path: PathBuf,
        /// What it holds.
        value: SecretValue,
    },
}

impl Found {
    /// The value, whichever way it was found.
    pub fn value(&self) -> &SecretValue {
        match self {
            Found::Value(v) | Found::File { value: v, .. } => v,
        }
    }
}

/// A place secret values come from.
pub trait SecretSource: Send + Sync + Debug {
    /// `Ok(None)` when this source does not have the secret; `Err` only when the source
    /// itself failed (unreadable file, service down), which stops resolution.
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error>;

    /// Where this source looked for `secret`, for the missing-secrets report, e.g.
    /// `env var MY_SECRET` or `dotenv file .flyte/secrets.env (entry my-secret)`.
    fn looked_at(&self, secret: &SecretDef<'_>) -> String;
}
