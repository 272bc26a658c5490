//! The policy for identity-provider tokens (`--policy FILE`): who, by the token's claims, may
//! do what in which scope. The `SCOPE RIGHTS` columns are the tokens list's (same parser).
//!
//! ```text
//! # WHO              SCOPE org/project/domain   RIGHTS
//! sub=alice          */*/*                      read,write
//! group=platform     */*/*                      all
//! client_id=ci-bot   127/billing/*              read,inject
//! *                  127//                      read
//! ```
//!
//! `WHO` is `sub=VALUE`, `client_id=VALUE` (also matched against `azp`), `group=VALUE` (an
//! entry of the group claim, `groups` unless `--oidc-group-claim` says otherwise) or `*` (any
//! valid token). A token gets the union of every matching entry; none matching: no right.

use std::sync::Arc;

use super::tokens::{Grant, TokensError, parse_grant};

/// Who a validated token is, as far as the policy cares.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Principal {
    pub sub: Option<String>,
    pub client_id: Option<String>,
    pub groups: Vec<String>,
}

impl Principal {
    /// How messages and logs name it (claims, never the token).
    pub(crate) fn describe(&self) -> String {
        match (&self.sub, &self.client_id) {
            (Some(s), Some(c)) if s != c => format!("`{s}` (client `{c}`)"),
            (Some(s), _) => format!("`{s}`"),
            (None, Some(c)) => format!("client `{c}`"),
            (None, None) => "a token without `sub`".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Who {
    Any,
    Sub(String),
    ClientId(String),
    Group(String),
}

impl Who {
    fn matches(&self, p: &Principal) -> bool {
        match self {
            Who::Any => true,
            Who::Sub(v) => p.sub.as_deref() == Some(v),
            Who::ClientId(v) => p.client_id.as_deref() == Some(v),
            Who::Group(v) => p.groups.iter().any(|g| g == v),
        }
    }
}

/// A parsed policy file.
#[derive(Debug, Clone, Default)]
pub struct Policy {
    rules: Vec<(Who, Arc<Grant>)>,
}

impl Policy {
    /// Parses the policy format (see the module docs).
    pub fn parse(text: &str) -> Result<Policy, TokensError> {
        let mut rules = Vec::new();
        for line in super::tokens::entries(text, &['\n'], "WHO") {
            let (entry, [who, scope, rights]) = line?;
            let err = |message: String| TokensError { entry, message };
            // A quoted value would be matched with its quotes, so it would never match.
            if let Some((key, v)) = who.split_once('=')
                && quoted(v)
            {
                return Err(err(format!(
                    "`{who}`: values are written without quotes (`{key}={}`)",
                    &v[1..v.len() - 1]
                )));
            }
            let who = match who.split_once('=') {
                _ if who == "*" => Who::Any,
                Some(("sub", v)) if !v.is_empty() => Who::Sub(v.to_owned()),
                Some(("client_id", v)) if !v.is_empty() => Who::ClientId(v.to_owned()),
                Some(("group", v)) if !v.is_empty() => Who::Group(v.to_owned()),
                _ => {
                    return Err(err(format!(
                        "`{who}` is not `sub=VALUE`, `client_id=VALUE`, `group=VALUE` or `*`"
                    )));
                }
            };
            rules.push((who, Arc::new(parse_grant(entry, scope, rights)?)));
        }
        Ok(Policy { rules })
    }

    /// Refuses a policy without entries: it would refuse every token, which is never meant
    /// (no policy at all lets every valid token do everything).
    pub(crate) fn require_entries(&self) -> Result<(), TokensError> {
        if self.is_empty() {
            return Err(TokensError {
                entry: 0,
                message: "no entry listed: a policy needs at least one `WHO ORG/PROJECT/DOMAIN \
                          RIGHTS` line (an empty one would refuse every token)"
                    .into(),
            });
        }
        Ok(())
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when the policy has no entry (then nobody may do anything).
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The grants of every entry `p` matches.
    pub(crate) fn grants(&self, p: &Principal) -> Vec<Arc<Grant>> {
        self.rules
            .iter()
            .filter(|(who, _)| who.matches(p))
            .map(|(_, g)| Arc::clone(g))
            .collect()
    }
}

fn quoted(v: &str) -> bool {
    v.len() >= 2
        && ['"', '\'']
            .iter()
            .any(|&q| v.starts_with(q) && v.ends_with(q))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Right;
    use crate::scope::Scope;

    fn scope(o: &str, p: &str, d: &str) -> Scope {
        Scope {
            organization: o.into(),
            project: p.into(),
            domain: d.into(),
        }
    }

    #[test]
    fn entries_match_by_claims_and_unite() {
        let policy = Policy::parse(
            "# who scope rights\nsub=alice */*/* read\ngroup=admins 127/*/* write\nclient_id=bot 127/p/* inject\n* 127// read\n",
        )
        .unwrap();
        assert_eq!(policy.len(), 4);
        let alice = Principal {
            sub: Some("alice".into()),
            groups: vec!["admins".into()],
            ..Default::default()
        };
        let g = policy.grants(&alice);
        assert_eq!(g.len(), 3);
        assert!(
            g.iter()
                .any(|g| g.has(Right::Write) && g.covers(&scope("127", "x", "y")))
        );
        let bot = Principal {
            sub: Some("bot".into()),
            client_id: Some("bot".into()),
            ..Default::default()
        };
        let g = policy.grants(&bot);
        assert!(
            g.iter()
                .any(|g| g.has(Right::Inject) && g.covers(&scope("127", "p", "d")))
        );
        assert!(!g.iter().any(|g| g.has(Right::Write)));
        assert_eq!(policy.grants(&Principal::default()).len(), 1);
    }

    #[test]
    fn errors_name_the_entry_and_the_rule() {
        for (text, want) in [
            ("role=x * read", "is not `sub=VALUE`"),
            ("sub= * read", "is not `sub=VALUE`"),
            ("sub=a * admin", "unknown right `admin`"),
            ("sub=a 1/2 read", "ORG/PROJECT/DOMAIN"),
            ("sub=a *", "expected 3 fields"),
        ] {
            let e = Policy::parse(text).unwrap_err().to_string();
            assert!(e.contains(want) && e.starts_with("entry 1"), "{text}: {e}");
        }
    }

    #[test]
    fn quoted_values_are_refused_naming_the_line() {
        for (who, bare) in [
            (r#"sub="alice""#, "sub=alice"),
            ("group='admins'", "group=admins"),
            ("client_id=\"\"", "client_id="),
        ] {
            let text = format!("# comment\nsub=bob */*/* read\n{who} */*/* read\n");
            let e = Policy::parse(&text).unwrap_err().to_string();
            assert_eq!(
                e,
                format!("entry 3: `{who}`: values are written without quotes (`{bare}`)")
            );
        }
        // A quote inside a value is part of it.
        assert_eq!(Policy::parse("sub=o'brien */*/* read").unwrap().len(), 1);
    }

    #[test]
    fn an_empty_policy_is_refused() {
        for text in ["", "\n", "# only a comment\n  # another\n"] {
            let e = Policy::parse(text).unwrap().require_entries().unwrap_err();
            assert!(e.to_string().contains("no entry listed"), "{e}");
        }
        let one = Policy::parse("* */*/* read").unwrap();
        one.require_entries().unwrap();
    }
}
