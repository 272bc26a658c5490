//! The files a server reads before it starts: the tokens list, the policy, the data
//! directory's lock.

use std::path::Path;

use super::{ServerBuilder, TOKENS_ENV};
use crate::auth::{Policy, TokenSet, TokensError};
use crate::error::StartError;

impl ServerBuilder {
    pub(super) fn resolve_tokens(&self) -> Result<Option<TokenSet>, StartError> {
        let parsed = |text: &str, origin: String| {
            let set = TokenSet::parse(text).map_err(|source| StartError::Tokens {
                origin: origin.clone(),
                source,
            })?;
            if set.is_empty() {
                return Err(StartError::Tokens {
                    origin,
                    source: TokensError {
                        entry: 0,
                        message: "no token listed".into(),
                    },
                });
            }
            Ok(Some(set))
        };
        if let Some(t) = &self.tokens {
            return Ok(Some(t.clone()).filter(|t| !t.is_empty()));
        }
        if let Some(path) = &self.tokens_file {
            if path.exists() {
                crate::private::check_file(path, "tokens file")?;
            }
            let text =
                zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|source| {
                    StartError::Io {
                        what: "cannot read the tokens file",
                        path: path.clone(),
                        source,
                    }
                })?);
            return parsed(&text, path.display().to_string());
        }
        match (self.env)(TOKENS_ENV).map(zeroize::Zeroizing::new) {
            Some(text) if !text.trim().is_empty() => parsed(&text, TOKENS_ENV.to_owned()),
            _ => Ok(None),
        }
    }

    pub(super) fn resolve_policy(&self) -> Result<Option<Policy>, StartError> {
        let policy = match (&self.policy, &self.policy_file) {
            (Some(p), _) => Some(p.clone()),
            (None, Some(path)) => {
                if path.exists() {
                    crate::private::check_file(path, "policy file")?;
                }
                let text = std::fs::read_to_string(path).map_err(|source| StartError::Io {
                    what: "cannot read the policy file",
                    path: path.clone(),
                    source,
                })?;
                Some(Policy::parse(&text).map_err(|source| StartError::Policy {
                    origin: path.display().to_string(),
                    source,
                })?)
            }
            (None, None) => None,
        };
        if let Some(p) = &policy {
            let origin = match &self.policy_file {
                Some(path) if self.policy.is_none() => path.display().to_string(),
                _ => "the configuration".into(),
            };
            p.require_entries()
                .map_err(|source| StartError::Policy { origin, source })?;
        }
        if policy.is_some() && self.oidc.is_none() {
            return Err(StartError::Policy {
                origin: "the configuration".into(),
                source: TokensError {
                    entry: 0,
                    message: "a policy is for identity-provider tokens: also give --oidc-issuer"
                        .into(),
                },
            });
        }
        Ok(policy)
    }
}

/// Name of the lock file in the data directory.
pub const LOCK_FILE: &str = "lock";

/// Takes the data directory's exclusive lock for the server's lifetime: one server per data
/// directory keeps the metadata index exact. The OS releases it if the process dies.
pub(super) fn lock_data_dir(dir: &Path) -> Result<std::fs::File, StartError> {
    let path = dir.join(LOCK_FILE);
    crate::private::tighten(&path, "lock file")?;
    let file = crate::private::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|source| StartError::Io {
            what: "cannot open the lock file",
            path: path.clone(),
            source,
        })?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(StartError::DataDirInUse(dir.to_owned())),
        Err(std::fs::TryLockError::Error(source)) => Err(StartError::Io {
            what: "cannot lock",
            path,
            source,
        }),
    }
}
