//! The `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` form of `--store`: [`PostgresConfig`].
//! The password is kept out of every `Debug`, `Display` and error message.

use std::fmt;
use std::sync::Arc;

use zeroize::Zeroizing;

use crate::store::StoreConfigError;

/// Port used when the URL names none.
const DEFAULT_PORT: u16 = 5432;

/// Where a Postgres store is: user, password, host, port and database, from
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (or `postgresql://`). Shown with the
/// password replaced by `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct PostgresConfig(Arc<Parts>);

/// Behind an `Arc`: keeps [`StoreConfig`](crate::StoreConfig) (and the CLI's arguments) small.
#[derive(PartialEq, Eq)]
struct Parts {
    user: String,
    password: Option<Zeroizing<String>>,
    host: String,
    port: u16,
    database: String,
}

impl PostgresConfig {
    /// The user the server connects as.
    pub fn user(&self) -> &str {
        &self.0.user
    }

    /// The host name or address (an IPv6 address without brackets).
    pub fn host(&self) -> &str {
        &self.0.host
    }

    /// The TCP port (5432 when the URL names none).
    pub fn port(&self) -> u16 {
        self.0.port
    }

    /// The database name.
    pub fn database(&self) -> &str {
        &self.0.database
    }

    /// `HOST:PORT/DATABASE`, for messages.
    pub(crate) fn location(&self) -> String {
        if self.0.host.contains(':') {
            format!("[{}]:{}/{}", self.0.host, self.0.port, self.0.database)
        } else {
            format!("{}:{}/{}", self.0.host, self.0.port, self.0.database)
        }
    }

    /// The client configuration (with the password).
    pub(crate) fn client_config(&self) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        c.user(&self.0.user)
            .host(&self.0.host)
            .port(self.0.port)
            .dbname(&self.0.database)
            .application_name("flyte-server")
            .connect_timeout(std::time::Duration::from_secs(5))
            .keepalives(true)
            .keepalives_idle(std::time::Duration::from_secs(30));
        if let Some(p) = &self.0.password {
            c.password(p.as_bytes());
        }
        c
    }

    /// Parses the part after `postgres://` or `postgresql://`; `input` is the whole value.
    pub(crate) fn parse(input: &str, rest: &str) -> Result<PostgresConfig, StoreConfigError> {
        let err = |reason: &str| StoreConfigError {
            input: redact(input),
            reason: format!(
                "{reason}; use postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE \
                 (percent-encode special characters)"
            ),
        };
        if rest.contains(['?', '#']) {
            return Err(err("query parameters are not supported"));
        }
        let (userinfo, hostpath) = rest
            .rsplit_once('@')
            .ok_or_else(|| err("the user is missing"))?;
        let (user, password) = match userinfo.split_once(':') {
            Some((u, p)) => (u, Some(p)),
            None => (userinfo, None),
        };
        let user = decode(user).ok_or_else(|| err("the user is not valid percent-encoding"))?;
        if user.is_empty() {
            return Err(err("the user is missing"));
        }
        let password = match password {
            Some(p) => {
                Some(Zeroizing::new(decode(p).ok_or_else(|| {
                    err("the password is not valid percent-encoding")
                })?))
            }
            None => None,
        };
        let (hostport, database) = hostpath
            .split_once('/')
            .ok_or_else(|| err("the database is missing"))?;
        let database =
            decode(database).ok_or_else(|| err("the database is not valid percent-encoding"))?;
        if database.is_empty() || database.contains('/') {
            return Err(err("the database is missing"));
        }
        let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
            let (host, after) = v6
                .split_once(']')
                .ok_or_else(|| err("unclosed `[` in the host"))?;
            match after {
                "" => (host, None),
                _ => (
                    host,
                    Some(
                        after
                            .strip_prefix(':')
                            .ok_or_else(|| err("expected `:PORT` after the host"))?,
                    ),
                ),
            }
        } else {
            match hostport.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (hostport, None),
            }
        };
        if host.is_empty() {
            return Err(err("the host is missing"));
        }
        let port = match port {
            Some(p) => p
                .parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| err("the port must be a number from 1 to 65535"))?,
            None => DEFAULT_PORT,
        };
        Ok(PostgresConfig(Arc::new(Parts {
            user,
            password,
            host: host.to_owned(),
            port,
            database,
        })))
    }
}

impl fmt::Display for PostgresConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let password = if self.0.password.is_some() {
            ":***"
        } else {
            ""
        };
        write!(
            f,
            "postgres://{}{password}@{}",
            self.0.user,
            self.location()
        )
    }
}

impl fmt::Debug for PostgresConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresConfig({self})")
    }
}

/// `input` with whatever sits between `SCHEME://USER:` and the last `@` replaced by `***`.
pub(crate) fn redact(input: &str) -> String {
    let Some((scheme, rest)) = input.split_once("://") else {
        return input.to_owned();
    };
    let Some((userinfo, after)) = rest.rsplit_once('@') else {
        return input.to_owned();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{after}"),
        None => input.to_owned(),
    }
}

/// Percent-decoding; `None` for a malformed escape (not `%` and two hex digits) or bytes that
/// are not UTF-8. Kept here because `percent-encoding` passes a malformed escape through as
/// text, where a typo in a password must be an error. The buffer is zeroed either way.
fn decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len()));
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let digit = |b: u8| char::from(b).to_digit(16);
            out.push((digit(hex[0])? * 16 + digit(hex[1])?) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(std::mem::take(&mut *out)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::StoreConfig;

    fn parse(s: &str) -> Result<PostgresConfig, StoreConfigError> {
        match s.parse::<StoreConfig>()? {
            StoreConfig::Postgres(c) => Ok(c),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_the_forms() {
        let c = parse("postgres://flyte:s%40cr%3At@db.internal:6543/secrets").unwrap();
        assert_eq!(
            (c.user(), c.host(), c.port(), c.database()),
            ("flyte", "db.internal", 6543, "secrets")
        );
        assert_eq!(c.0.password.as_deref().map(String::as_str), Some("s@cr:t"));
        let c = parse("postgresql://me@[::1]/db").unwrap();
        assert_eq!((c.host(), c.port()), ("::1", 5432));
        assert_eq!(c.location(), "[::1]:5432/db");
        assert!(c.0.password.is_none());
        assert_eq!(c.to_string(), "postgres://me@[::1]:5432/db");
    }

    #[test]
    fn the_password_is_never_shown() {
        let c = parse("postgres://flyte:hunter2@127.0.0.1:5432/db").unwrap();
        for shown in [
            c.to_string(),
            format!("{c:?}"),
            format!("{:?}", StoreConfig::Postgres(c.clone())),
            StoreConfig::Postgres(c).to_string(),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("flyte:***@127.0.0.1:5432/db"), "{shown}");
        }
        for bad in [
            "postgres://flyte:hunter2@127.0.0.1:notaport/db",
            "postgres://flyte:hunter2@127.0.0.1:5432",
            "postgres://flyte:hunter2@127.0.0.1:5432/db?sslmode=require",
            "postgres://flyte:hunter2@:5432/db",
            "postgres://:hunter2@h/db",
        ] {
            let e = bad.parse::<StoreConfig>().unwrap_err();
            assert!(!e.to_string().contains("hunter2"), "{e}");
            assert!(e.to_string().contains("***"), "{e}");
        }
        assert!("postgres://h/db".parse::<StoreConfig>().is_err());
    }

    #[test]
    fn a_malformed_escape_is_an_error() {
        // `%+1` once decoded to 0x01 (`from_str_radix` takes a sign).
        for bad in ["%+1", "%-1", "%1", "%", "%g0", "%0g", "%ff"] {
            let url = format!("postgres://flyte:pw{bad}x@h/db");
            let e = parse(&url).unwrap_err().to_string();
            assert!(
                e.contains("the password is not valid percent-encoding"),
                "{bad}: {e}"
            );
            assert!(!e.contains("pw"), "{bad}: {e}");
        }
        let c = parse("postgres://flyte:%7e%7E%20@h/db").unwrap();
        assert_eq!(c.0.password.as_deref().map(String::as_str), Some("~~ "));
    }
}
