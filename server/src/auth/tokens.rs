//! The bearer-token list: parsing and constant-time lookup.
//!
//! Format (file given with `--tokens FILE`, or the variable `FLYTE_SERVER_TOKENS` where `;`
//! also separates entries): one token per line, three whitespace-separated fields, `#` starts
//! a comment.
//!
//! ```text
//! # TOKEN (16+ visible ASCII chars)   SCOPE org/project/domain   RIGHTS
//! 4c1d9e0b7a2f44c8b1e3a9d2f0c6e5b7     127/*/*                    read,write
//! 9a8b7c6d5e4f30211203f4e5d6c7b8a9     */*/*                      inject
//! ```
//!
//! A scope segment is `*` (anything, including empty) or an exact value; an empty segment
//! matches only the empty value (`127//` is the organization-wide scope of `127`), and a lone
//! `*` means `*/*/*`. Rights: `read` (GetSecret, ListSecrets), `write` (CreateSecret,
//! UpdateSecret, DeleteSecret), `inject` (the ReadSecretValue extension), or `all`.

use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};

use crate::scope::Scope;

/// A right a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Right {
    /// GetSecret and ListSecrets.
    Read,
    /// CreateSecret, UpdateSecret and DeleteSecret.
    Write,
    /// The `ReadSecretValue` injection extension (reads values).
    Inject,
}

impl Right {
    fn bit(self) -> u8 {
        match self {
            Right::Read => 1,
            Right::Write => 2,
            Right::Inject => 4,
        }
    }

    /// The right's name in the tokens file.
    pub fn as_str(self) -> &'static str {
        match self {
            Right::Read => "read",
            Right::Write => "write",
            Right::Inject => "inject",
        }
    }
}

/// A malformed tokens list. Never contains a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {entry}: {message}")]
#[non_exhaustive]
pub struct TokensError {
    /// 1-based line (or `;`-separated entry) number.
    pub entry: usize,
    /// What is wrong and the rule.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Pattern {
    Any,
    Exact(String),
}

impl Pattern {
    fn parse(s: &str) -> Self {
        if s == "*" {
            Pattern::Any
        } else {
            Pattern::Exact(s.to_owned())
        }
    }
    fn matches(&self, v: &str) -> bool {
        match self {
            Pattern::Any => true,
            Pattern::Exact(p) => p == v,
        }
    }
}

/// What one token may do.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Line of the token in its list, to name it in messages without showing it.
    pub(crate) entry: usize,
    organization: Pattern,
    project: Pattern,
    domain: Pattern,
    rights: u8,
}

impl std::fmt::Debug for Grant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Grant {{ entry: {}, rights: {:03b} }}",
            self.entry, self.rights
        )
    }
}

impl Grant {
    pub(crate) fn has(&self, right: Right) -> bool {
        self.rights & right.bit() != 0
    }

    pub(crate) fn covers(&self, scope: &Scope) -> bool {
        self.organization.matches(&scope.organization)
            && self.project.matches(&scope.project)
            && self.domain.matches(&scope.domain)
    }
}

/// A parsed list of bearer tokens with their scopes and rights. Holds only SHA-256 digests
/// of the tokens.
#[derive(Clone, Default)]
pub struct TokenSet {
    digests: Vec<[u8; 32]>,
    grants: Vec<std::sync::Arc<Grant>>,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "TokenSet({} tokens)", self.digests.len())
    }
}

/// Minimum token length, so a guessable short word cannot be configured by mistake.
pub const MIN_TOKEN_LEN: usize = 16;

impl TokenSet {
    /// Parses the tokens format (see the module docs). `;` separates entries like a newline.
    pub fn parse(text: &str) -> Result<TokenSet, TokensError> {
        let mut set = TokenSet::default();
        for line in entries(text, &['\n', ';'], "TOKEN") {
            let (entry, [token, scope, rights]) = line?;
            let err = |message: String| TokensError { entry, message };
            if token.len() < MIN_TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_graphic()) {
                return Err(err(format!(
                    "a token must be at least {MIN_TOKEN_LEN} visible ASCII characters"
                )));
            }
            let grant = parse_grant(entry, scope, rights)?;
            let digest = digest(token);
            if set.digests.contains(&digest) {
                return Err(err("this token is listed twice".to_owned()));
            }
            set.digests.push(digest);
            set.grants.push(std::sync::Arc::new(grant));
        }
        Ok(set)
    }

    /// Number of tokens.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// True when no token is configured.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// Finds the grant of `token`, comparing with every entry in constant time.
    pub(crate) fn lookup(&self, token: &str) -> Option<std::sync::Arc<Grant>> {
        let d = digest(token);
        let mut found = subtle::Choice::from(0);
        let mut index = 0u32;
        for (i, known) in self.digests.iter().enumerate() {
            let eq = known.ct_eq(&d);
            index = u32::conditional_select(&index, &(i as u32), eq);
            found |= eq;
        }
        bool::from(found).then(|| self.grants[index as usize].clone())
    }
}

/// The `SCOPE RIGHTS` part of one entry, shared by the tokens list and the policy file.
pub(crate) fn parse_grant(entry: usize, scope: &str, rights: &str) -> Result<Grant, TokensError> {
    let err = |message: String| TokensError { entry, message };
    let segments: Vec<&str> = if scope == "*" {
        vec!["*"; 3]
    } else {
        scope.split('/').collect()
    };
    let [org, project, domain] = segments[..] else {
        return Err(err(format!(
            "scope `{scope}` must be `ORG/PROJECT/DOMAIN` (each `*` or a value) or `*`"
        )));
    };
    let mut bits = 0u8;
    for r in rights.split(',') {
        bits |= match r {
            "read" => Right::Read.bit(),
            "write" => Right::Write.bit(),
            "inject" => Right::Inject.bit(),
            "all" => 7,
            other => {
                return Err(err(format!(
                    "unknown right `{other}`: use read, write, inject or all, comma-separated"
                )));
            }
        };
    }
    Ok(Grant {
        entry,
        organization: Pattern::parse(org),
        project: Pattern::parse(project),
        domain: Pattern::parse(domain),
        rights: bits,
    })
}

/// SHA-256 of a token: fixed-length values to compare, and no token kept in memory.
pub(crate) fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The entries of a tokens or policy file: `FIRST ORG/PROJECT/DOMAIN RIGHTS` per entry,
/// entries split at `separators`, `#` comments and blank entries skipped; each with its
/// 1-based number for messages. One reader for both formats.
pub(crate) fn entries<'a>(
    text: &'a str,
    separators: &'a [char],
    first: &'static str,
) -> impl Iterator<Item = Result<(usize, [&'a str; 3]), TokensError>> + 'a {
    text.split(separators)
        .enumerate()
        .filter_map(move |(i, raw)| {
            let entry = i + 1;
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                return None;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            Some(match fields[..] {
                [a, scope, rights] => Ok((entry, [a, scope, rights])),
                _ => Err(TokensError {
                    entry,
                    message: format!(
                        "expected 3 fields `{first} ORG/PROJECT/DOMAIN RIGHTS`, found {}",
                        fields.len()
                    ),
                }),
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbb";

    fn scope(o: &str, p: &str, d: &str) -> Scope {
        Scope {
            organization: o.into(),
            project: p.into(),
            domain: d.into(),
        }
    }

    #[test]
    fn parses_scopes_rights_and_comments() {
        let set = TokenSet::parse(&format!(
            "# comment\n\n{A} 127/*/* read,write # trailing\n{B} 127// inject;cccccccccccccccccc * all"
        ))
        .unwrap();
        assert_eq!(set.len(), 3);
        let a = set.lookup(A).unwrap();
        assert!(a.has(Right::Read) && a.has(Right::Write) && !a.has(Right::Inject));
        assert!(a.covers(&scope("127", "p", "d")) && a.covers(&scope("127", "", "")));
        assert!(!a.covers(&scope("128", "p", "d")));
        let b = set.lookup(B).unwrap();
        assert!(b.covers(&scope("127", "", "")) && !b.covers(&scope("127", "p", "d")));
        assert_eq!(b.entry, 4);
        let c = set.lookup("cccccccccccccccccc").unwrap();
        assert!(c.has(Right::Inject) && c.covers(&scope("x", "y", "z")));
        assert!(set.lookup("dddddddddddddddddddd").is_none());
        assert!(set.lookup("").is_none());
    }

    #[test]
    fn errors_name_the_entry_and_rule_but_not_the_token() {
        let cases = [
            (format!("{A} 127/*/*"), "expected 3 fields"),
            ("short 127/*/* read".to_owned(), "at least 16"),
            (format!("{A} 127/* read"), "ORG/PROJECT/DOMAIN"),
            (format!("{A} * admin"), "unknown right `admin`"),
            (format!("{A} * read\n{A} * write"), "listed twice"),
        ];
        for (text, want) in cases {
            let err = TokenSet::parse(&text).unwrap_err().to_string();
            assert!(err.contains(want), "{err}");
            assert!(err.starts_with("entry "), "{err}");
            assert!(!err.contains(A) && !err.contains("short"), "{err}");
        }
    }
}
