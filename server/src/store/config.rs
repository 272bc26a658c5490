//! Which store a server keeps its secrets in: [`StoreConfig`], parsed from `--store`.

use std::fmt;
use std::str::FromStr;

/// Where the secrets are kept. Parsed from the `--store` forms below; the default is
/// [`StoreConfig::Sqlite`].
#[derive(Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum StoreConfig {
    /// `sqlite`: the file `secrets.db` in the data directory, values encrypted by the server.
    /// One server per file (the data directory is locked).
    #[default]
    Sqlite,
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`): a database
    /// several servers share, values encrypted by the server with the key each is given.
    Postgres(super::PostgresConfig),
    /// `openbao://HOST:PORT/MOUNT` (HTTPS) or `openbao+http://HOST:PORT/MOUNT` (plain HTTP,
    /// loopback only; also `vault://`, `vault+http://`): a KV v2 mount of OpenBao or Vault,
    /// which encrypts the values itself (the server does not encrypt on top). The token comes
    /// from [`store_token_file`](crate::ServerBuilder::store_token_file), `BAO_TOKEN` or
    /// `VAULT_TOKEN`.
    OpenBao(super::OpenBaoAddress),
}

/// A `--store` value that is not one of the forms [`StoreConfig`] accepts.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid store `{input}`: {reason}")]
#[non_exhaustive]
pub struct StoreConfigError {
    /// The value, with any password replaced by `***`.
    pub input: String,
    /// What is wrong and what is accepted.
    pub reason: String,
}

/// The forms `--store` accepts, for error messages.
pub(crate) const STORE_FORMS: &str = "use `sqlite`, `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` or \
     `openbao://HOST:PORT/MOUNT` (`openbao+http://` for plain HTTP to loopback)";

impl FromStr for StoreConfig {
    type Err = StoreConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = s
            .strip_prefix("postgres://")
            .or_else(|| s.strip_prefix("postgresql://"))
        {
            return super::PostgresConfig::parse(s, rest).map(StoreConfig::Postgres);
        }
        if let Some(parsed) = super::OpenBaoAddress::parse(s) {
            return parsed.map(StoreConfig::OpenBao);
        }
        match s {
            "sqlite" => Ok(StoreConfig::Sqlite),
            _ => Err(StoreConfigError {
                input: super::postgres::redact(s),
                reason: format!("unknown kind of store; {STORE_FORMS}"),
            }),
        }
    }
}

impl fmt::Debug for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Sqlite => f.write_str("Sqlite"),
            StoreConfig::Postgres(c) => write!(f, "Postgres({c})"),
            StoreConfig::OpenBao(address) => write!(f, "OpenBao({address})"),
        }
    }
}

/// The `--store` form, with any password shown as `***`.
impl fmt::Display for StoreConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreConfig::Sqlite => f.write_str("sqlite"),
            StoreConfig::Postgres(c) => c.fmt(f),
            StoreConfig::OpenBao(address) => address.fmt(f),
        }
    }
}
