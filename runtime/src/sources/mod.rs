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
mod pod;
mod process;
pub mod remote;
mod resolver;

use std::fmt::Debug;
use std::path::PathBuf;

pub use crate::error::Missing;
pub use dotenv::DotenvSource;
pub use map::MapSource;
pub use pod::PodLayout;
pub(crate) use pod::in_task_pod;
pub(crate) use pod::{DEFAULT_DIR_VAR, ENV_PREFIX_VAR};
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

    /// [`fetch`](Self::fetch) of `secret` as one of `task`'s declared secrets (`secret`
    /// among them), which a [`Resolver`] asks: a source that also tries names other than the
    /// declared one leaves out those another secret of `task` declares as its own.
    fn fetch_in_task(
        &self,
        secret: &SecretDef<'_>,
        task: &[SecretDef<'_>],
    ) -> Result<Option<Found>, Error> {
        let _ = task;
        self.fetch(secret)
    }

    /// [`looked_at`](Self::looked_at) for [`fetch_in_task`](Self::fetch_in_task).
    fn looked_at_in_task(&self, secret: &SecretDef<'_>, task: &[SecretDef<'_>]) -> String {
        let _ = task;
        self.looked_at(secret)
    }
}
