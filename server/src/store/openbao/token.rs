//! The OpenBao token: from `--store-token-file` (private to the server's user), else
//! `BAO_TOKEN`, else `VAULT_TOKEN`. Wiped on drop; never printed, logged or put in an error.

use std::fmt;
use std::path::Path;

use zeroize::Zeroizing;

use crate::error::StartError;

/// Variables read for the token, in order (through the builder's env lookup).
pub(crate) const TOKEN_ENV: [&str; 2] = ["BAO_TOKEN", "VAULT_TOKEN"];

/// A token; `Debug` shows only that it is there.
pub(crate) struct Token(Zeroizing<String>);

impl Token {
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(<redacted>)")
    }
}

/// Why no token could be had.
#[derive(Debug, thiserror::Error)]
pub(crate) enum TokenError {
    #[error("no OpenBao token: set BAO_TOKEN or VAULT_TOKEN, or pass --store-token-file FILE")]
    Missing,
    #[error("the OpenBao token in {origin} is empty or not one line of visible ASCII")]
    Malformed { origin: String },
}

/// The token: the file wins over the variables (an explicit option over the environment).
pub(crate) fn resolve(
    file: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Token, StartError> {
    let (text, origin) = match file {
        Some(path) => {
            crate::private::check_file(path, "OpenBao token file")?;
            let text = std::fs::read_to_string(path).map_err(|source| StartError::Io {
                what: "cannot read the OpenBao token file",
                path: path.to_owned(),
                source,
            })?;
            (Zeroizing::new(text), path.display().to_string())
        }
        None => TOKEN_ENV
            .iter()
            .find_map(|var| {
                env(var)
                    .filter(|v| !v.is_empty())
                    .map(|v| (Zeroizing::new(v), (*var).to_owned()))
            })
            .ok_or_else(|| store_error(TokenError::Missing))?,
    };
    let token = text.trim();
    if token.is_empty() || !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(store_error(TokenError::Malformed { origin }));
    }
    Ok(Token(Zeroizing::new(token.to_owned())))
}

fn store_error(e: TokenError) -> StartError {
    StartError::Store {
        store: "the OpenBao store".into(),
        source: Box::new(e),
    }
}

/// `t` in RFC 3339, to the second: when a token expires, in messages.
pub(super) fn at(t: std::time::SystemTime) -> flyte_idl::Timestamp {
    use std::time::{Duration, UNIX_EPOCH};
    let secs = t.duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    flyte_idl::Timestamp::from(UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_order_and_redaction() {
        let env = |k: &str| match k {
            "BAO_TOKEN" => Some("s.bao-one".to_owned()),
            "VAULT_TOKEN" => Some("s.vault-two".to_owned()),
            _ => None,
        };
        let t = resolve(None, &env).unwrap();
        assert_eq!(t.expose(), "s.bao-one");
        assert!(!format!("{t:?}").contains("bao-one"));
        let vault_only = |k: &str| (k == "VAULT_TOKEN").then(|| " s.vault-two\n".to_owned());
        assert_eq!(resolve(None, &vault_only).unwrap().expose(), "s.vault-two");
        let e = resolve(None, &|_| None).unwrap_err();
        let chain = format!("{e}: {}", std::error::Error::source(&e).unwrap());
        assert!(chain.contains("BAO_TOKEN"), "{chain}");
        let two_lines = |k: &str| (k == "BAO_TOKEN").then(|| "s.a\ns.b".to_owned());
        let e = resolve(None, &two_lines).unwrap_err();
        let shown = format!("{e:?} {}", std::error::Error::source(&e).unwrap());
        assert!(
            shown.contains("not one line") && !shown.contains("s.a"),
            "{shown}"
        );
    }
}

#[cfg(test)]
mod at_tests {
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn expiry_times_are_shown_to_the_second() {
        let t = UNIX_EPOCH + Duration::from_millis(1_700_000_000_750);
        assert_eq!(super::at(t).to_string(), "2023-11-14T22:13:20Z");
    }
}
