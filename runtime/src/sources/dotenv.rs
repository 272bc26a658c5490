//! [`DotenvSource`]: a local development secrets file in dotenv format.
//!
//! Default path: `$FLYTE_SECRETS_FILE`, else `.flyte/secrets.env` in the working directory.
//! A missing file is simply no source. The format is the common one (as python-dotenv):
//!
//! ```text
//! # comment
//! my-secret=value                  # a secret without group: its key
//! github/token="ghp_..."           # a grouped secret: group/key
//! export OPENAI_API_KEY='sk-...'   # or the env var the secret lands in
//! MULTI="line one\nline two"       # double quotes: \n \t \" \\ escapes, may span lines
//! EMPTY=                           # an empty value is a value
//! ```
//!
//! An entry is looked up as `key` (or `group/key`), then as the secret's env-var name (given
//! or derived, e.g. `GITHUB_TOKEN`). CRLF line ends are accepted; when a name repeats, the
//! last entry wins (as in a shell).

use std::collections::HashMap;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::{Found, SecretSource};
use crate::Error;
use crate::secret::SecretDef;
use crate::secret::SecretValue;

/// A dotenv file, parsed on first use and again whenever it changes.
#[derive(Debug)]
pub struct DotenvSource {
    path: PathBuf,
    cache: Mutex<Option<(Stamp, HashMap<String, SecretValue>)>>,
}

type Stamp = (Option<SystemTime>, u64);

/// A line the parser could not read. Names the line, never its contents.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {problem}")]
#[non_exhaustive]
pub struct ParseError {
    /// The line number, counting from 1.
    pub line: usize,
    /// What is wrong with it, e.g. an unterminated quote.
    pub problem: &'static str,
}

impl DotenvSource {
    /// The dotenv file at `path`. Nothing is read yet; a file that does not exist when a
    /// secret is looked up is simply no source.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        DotenvSource {
            path: path.into(),
            cache: Mutex::new(None),
        }
    }

    /// The configured file: `secrets.file` of the config given to [`crate::init`], else of
    /// [`Config::load`](crate::Config::load) (so `$FLYTE_SECRETS_FILE` or the config file),
    /// else [`DEFAULT_SECRETS_FILE`](crate::config::DEFAULT_SECRETS_FILE). The same file
    /// `flyte run` and `BIN run` read.
    pub fn from_env() -> Self {
        DotenvSource::new(configured_path())
    }

    /// The file this source reads.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lookup(&self, names: &[String]) -> Result<Option<SecretValue>, Error> {
        let stamp = match std::fs::metadata(&self.path) {
            Ok(m) => (m.modified().ok(), m.len()),
            Err(e) if e.kind() == ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(self.io_error(source)),
        };
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if cache.as_ref().is_none_or(|(s, _)| *s != stamp) {
            let text = std::fs::read(&self.path).map_err(|e| self.io_error(e))?;
            let failed = |source| Error::Source {
                source_name: format!("dotenv file {}", self.path.display()),
                secret: names.first().cloned().unwrap_or_default(),
                source,
            };
            // Not the `FromUtf8Error`: it holds the file's bytes, values and all.
            let text = String::from_utf8(text).map_err(|e| {
                failed(format!("the file is not UTF-8 ({})", e.utf8_error()).into())
            })?;
            let parsed = parse(&text).map_err(|e| failed(Box::new(e)))?;
            let map = parsed
                .into_iter()
                .map(|(k, v)| (k, SecretValue::from(v)))
                .collect();
            *cache = Some((stamp, map));
        }
        let map = &cache.as_ref().expect("filled above").1;
        Ok(names.iter().find_map(|n| map.get(n).cloned()))
    }

    fn io_error(&self, source: std::io::Error) -> Error {
        Error::Io {
            action: "cannot read dotenv secrets file",
            path: self.path.clone(),
            source,
        }
    }
}

fn configured_path() -> PathBuf {
    if let Some(config) = crate::remote::config() {
        return config.secrets_file().to_owned();
    }
    match crate::Config::load() {
        Ok(config) => config.secrets_file().to_owned(),
        // A broken config file is reported by whatever uses it for the service; for the
        // dotenv file, the default place still applies.
        Err(_) => PathBuf::from(crate::config::DEFAULT_SECRETS_FILE),
    }
}

/// The entry names tried for `secret`, in order.
fn names(secret: &SecretDef<'_>) -> Vec<String> {
    let mut names = vec![secret.display_name()];
    let env = secret
        .env_var()
        .map(str::to_owned)
        .unwrap_or_else(|| flyte_spec::default_env_name(secret.key, secret.group));
    if !names.contains(&env) {
        names.push(env);
    }
    names
}

impl SecretSource for DotenvSource {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        Ok(self.lookup(&names(secret))?.map(Found::Value))
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        format!(
            "dotenv file {} (entry {})",
            self.path.display(),
            names(secret).join(" or ")
        )
    }
}

/// Parses dotenv text into (name, value) pairs in file order (duplicates kept; the caller's
/// map keeps the last).
pub(crate) fn parse(text: &str) -> Result<Vec<(String, String)>, ParseError> {
    let mut out = Vec::new();
    let mut lines = text.split('\n').enumerate().peekable();
    while let Some((index, raw)) = lines.next() {
        let line_no = index + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw).trim_start();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line
            .strip_prefix("export ")
            .map(str::trim_start)
            .unwrap_or(line);
        let Some((name, rest)) = line.split_once('=') else {
            return Err(ParseError {
                line: line_no,
                problem: "expected NAME=value",
            });
        };
        let name = name.trim();
        if name.is_empty() || name.contains(char::is_whitespace) || name.contains('#') {
            return Err(ParseError {
                line: line_no,
                problem: "invalid entry name",
            });
        }
        let rest = rest.trim_start();
        let value = match rest.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let mut body = rest[1..].to_owned();
                // A quoted value may span lines until its closing quote.
                let end = loop {
                    if let Some(end) = closing_quote(&body, q) {
                        break end;
                    }
                    match lines.next() {
                        Some((_, next)) => {
                            body.push('\n');
                            body.push_str(next.strip_suffix('\r').unwrap_or(next));
                        }
                        None => {
                            return Err(ParseError {
                                line: line_no,
                                problem: "unterminated quoted value",
                            });
                        }
                    }
                };
                let trailing = body[end + 1..].trim();
                if !(trailing.is_empty() || trailing.starts_with('#')) {
                    return Err(ParseError {
                        line: line_no,
                        problem: "unexpected text after the closing quote",
                    });
                }
                let inner = &body[..end];
                if q == '"' {
                    unescape(inner)
                } else {
                    inner.to_owned()
                }
            }
            _ => {
                // Unquoted: an inline comment starts at whitespace followed by `#`.
                let cut = rest
                    .find(" #")
                    .or_else(|| rest.find("\t#"))
                    .unwrap_or(rest.len());
                rest[..cut].trim_end().to_owned()
            }
        };
        out.push((name.to_owned(), value));
    }
    Ok(out)
}

fn closing_quote(body: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            '\\' if quote == '"' && !escaped => escaped = true,
            c if c == quote && !escaped => return Some(i),
            _ => escaped = false,
        }
    }
    None
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    fn map(text: &str) -> HashMap<String, String> {
        parse(text).unwrap().into_iter().collect()
    }

    #[test]
    fn edge_cases() {
        let text = "# leading comment\r\n\
                    plain=value\r\n\
                    export EXPORTED=yes\n\
                    \n\
                    spaced = padded value   # inline comment\n\
                    hash=a#b\n\
                    single='keep \\n and $X # not a comment'\n\
                    double=\"line1\\nline2 \\\"q\\\" \\\\ end\"\n\
                    empty=\n\
                    empty_quoted=\"\"\n\
                    dup=first\n\
                    dup=second\n\
                    github/token=ghp\n\
                    multi=\"a\n\
                    b\"\n";
        let m = map(text);
        assert_eq!(m["plain"], "value", "CRLF is stripped");
        assert_eq!(m["EXPORTED"], "yes");
        assert_eq!(m["spaced"], "padded value");
        assert_eq!(m["hash"], "a#b", "a # inside a word is not a comment");
        assert_eq!(m["single"], "keep \\n and $X # not a comment");
        assert_eq!(m["double"], "line1\nline2 \"q\" \\ end");
        assert_eq!(m["empty"], "");
        assert_eq!(m["empty_quoted"], "");
        assert_eq!(m["dup"], "second", "the last duplicate wins");
        assert_eq!(m["github/token"], "ghp");
        assert_eq!(m["multi"], "a\nb");
    }

    #[test]
    fn errors_name_the_line_not_the_value() {
        let err = parse("ok=1\nthis line has no equals sign SECRETISH\n").unwrap_err();
        assert_eq!(
            err,
            ParseError {
                line: 2,
                problem: "expected NAME=value"
            }
        );
        assert!(!err.to_string().contains("SECRETISH"));
        let err = parse("a=\"never closed SECRETISH\n").unwrap_err();
        assert_eq!(err.line, 1);
        assert!(!err.to_string().contains("SECRETISH"));
        assert!(parse("bad name=1\n").is_err());
        assert!(parse("x='v' trailing\n").is_err());
    }

    #[test]
    fn a_bad_file_is_the_source_error_of_the_secret_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bad.env");
        let def = SecretDef::env("my-secret", None, "MY_SECRET");
        let source_error = |contents: &[u8]| {
            std::fs::write(&path, contents).unwrap();
            let err = DotenvSource::new(&path).fetch(&def).unwrap_err();
            let Error::Source {
                source_name,
                secret,
                source,
            } = &err
            else {
                panic!("not a source error: {err:?}");
            };
            assert_eq!(*source_name, format!("dotenv file {}", path.display()));
            assert_eq!(secret, "my-secret");
            let shown = format!("{} {err:?}", crate::error::chain(&err));
            assert!(!shown.contains("SECRETISH"), "a value is shown: {shown}");
            (
                err.to_string(),
                source.to_string(),
                source.downcast_ref::<ParseError>().cloned(),
            )
        };
        let (_, cause, parsed) = source_error(b"MY_SECRET=ok\nno equals sign SECRETISH\n");
        assert_eq!(
            parsed,
            Some(ParseError {
                line: 2,
                problem: "expected NAME=value"
            }),
            "{cause}"
        );
        // The file's bytes are not kept in the error (`FromUtf8Error` would hold them).
        let (top, cause, parsed) = source_error(b"MY_SECRET=SECRETISH\xff\n");
        assert_eq!(parsed, None);
        assert!(cause.starts_with("the file is not UTF-8"), "{cause}");
        assert!(top.ends_with("failed for `my-secret`"), "{top}");
    }

    #[test]
    fn lookup_by_key_then_env_name_and_reload_on_change() {
        let dir = std::env::temp_dir().join(format!("flyte-dotenv-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("secrets.env");
        std::fs::write(&path, "MY_SECRET=by-env-name\ngithub/token=by-key\n").unwrap();
        let source = DotenvSource::new(&path);
        let by_env = SecretDef::env("my-secret", None, "MY_SECRET");
        let by_key = SecretDef::env("token", Some("github"), "GITHUB_TOKEN");
        let absent = SecretDef::env("nope", None, "NOPE");
        assert_eq!(
            source.fetch(&by_env).unwrap().unwrap().value().expose(),
            b"by-env-name"
        );
        assert_eq!(
            source.fetch(&by_key).unwrap().unwrap().value().expose(),
            b"by-key"
        );
        assert!(source.fetch(&absent).unwrap().is_none());
        std::fs::write(&path, "MY_SECRET=changed-and-longer\n").unwrap();
        assert_eq!(
            source.fetch(&by_env).unwrap().unwrap().value().expose(),
            b"changed-and-longer"
        );
        let missing = DotenvSource::new(dir.join("absent.env"));
        assert!(
            missing.fetch(&by_env).unwrap().is_none(),
            "a missing file is no source, not an error"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
