//! The secret service as a [`SecretSource`], asked the way a Flyte 2 cluster asks it.
//!
//! A cluster's default injector looks a task's secret up **by key only** (the group is not
//! part of the name) in the task's scope: project+domain, then the domain, then the whole
//! organization; first hit wins. [`places`] is that rule, shared by this source, `flyte run`
//! and `flyte check`, so a secret found locally is one the cluster finds too.
//!
//! Earlier releases stored a grouped secret as `<group>-<key>`. For one release such a
//! secret is still found (last, in the configured scope) with a warning naming the rename.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Found, SecretSource};
use crate::Error;
use crate::remote::{self, blocking};
use crate::secret::SecretDef;
use crate::secret::SecretValue;

/// One service, through the given client, in the client's scope and the wider ones.
#[derive(Debug, Clone)]
pub struct ServiceSource {
    client: remote::Client,
}

impl ServiceSource {
    /// Asks the service `client` talks to, in the client's project and domain and the wider
    /// scopes (see [`places`]).
    pub fn new(client: remote::Client) -> Self {
        ServiceSource { client }
    }
}

/// One place the service is asked for a declared secret.
#[derive(Debug, Clone)]
pub struct Place {
    /// The client to ask, in this place's scope.
    pub client: remote::Client,
    /// The name asked for: the key (or, for `legacy`, `<group>-<key>`).
    pub name: String,
    /// The pre-cluster-parity name of a grouped secret; a hit here is deprecated.
    pub legacy: bool,
}

impl Place {
    /// The scope in words: `project p, domain d`, `domain d` or `organization-wide`, with
    /// the organization.
    pub fn scope(&self) -> String {
        scope_words(&self.client)
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "secret `{}` ({})", self.name, self.scope())?;
        if self.legacy {
            f.write_str(" [old name, deprecated]")?;
        }
        Ok(())
    }
}

fn scope_words(c: &remote::Client) -> String {
    let org = c.org();
    let org = if org.is_empty() {
        String::new()
    } else {
        format!(", organization `{org}`")
    };
    match (c.project(), c.domain()) {
        (Some(p), Some(d)) => format!("project `{p}`, domain `{d}`{org}"),
        (_, Some(d)) => format!("domain `{d}`{org}"),
        _ => format!("organization-wide{org}"),
    }
}

/// Where a cluster looks `secret` up, in order: by key in project+domain scope (when the
/// client has both), in domain scope (when it has a domain), organization-wide; then, for a
/// grouped secret, the deprecated `<group>-<key>` in the client's own scope.
pub fn places(client: &remote::Client, secret: &SecretDef<'_>) -> Vec<Place> {
    let mut places = Vec::with_capacity(4);
    let mut push = |client: remote::Client, name: &str, legacy: bool| {
        places.push(Place {
            client,
            name: name.to_owned(),
            legacy,
        })
    };
    let name = flyte_spec::service_name(secret.key);
    if let (Some(p), Some(d)) = (client.project(), client.domain()) {
        push(client.with_scope(Some(p), Some(d)), name, false);
    }
    if let Some(d) = client.domain() {
        push(client.with_scope(None, Some(d)), name, false);
    }
    push(client.with_scope(None, None), name, false);
    if let Some(group) = secret.group {
        let legacy = flyte_spec::legacy_service_name(secret.key, group);
        push(client.clone(), &legacy, true);
    }
    places
}

/// The warning for a secret found only under its deprecated name.
pub fn legacy_warning(secret: &SecretDef<'_>, place: &Place) -> String {
    format!(
        "warning: secret `{}` was found under its old name `{}` ({}); a Flyte cluster looks it \
         up by key as `{}`. Store it under that name (`flyte create secret {} ...`); the old \
         name stops being read in the next release.",
        secret.display_name(),
        place.name,
        place.scope(),
        secret.key,
        secret.key,
    )
}

/// The "looked in" entry for the service: every place, in order.
pub fn describe_places(endpoint: &str, places: &[Place]) -> String {
    let list: Vec<String> = places.iter().map(Place::to_string).collect();
    format!("secret service {endpoint}: {}", list.join(", then "))
}

/// Reads the value from the first of `secret`'s [`places`] that has it: `Ok(None)` when none
/// has; any answer but `not_found` stops the search, returned with the place asked. A hit
/// under the deprecated name prints [`legacy_warning`] on stderr.
pub fn read_first(
    client: &remote::Client,
    secret: &SecretDef<'_>,
) -> Result<Option<SecretValue>, Box<(Place, remote::Error)>> {
    for place in places(client, secret) {
        match blocking::Client::new(place.client.clone()).read_value(&place.name) {
            Ok(value) => {
                if place.legacy {
                    eprintln!("{}", legacy_warning(secret, &place));
                }
                return Ok(Some(value));
            }
            Err(remote::Error::NotFound { .. }) => continue,
            Err(e) => return Err(Box::new((place, e))),
        }
    }
    Ok(None)
}

/// Said of a service that answers `unimplemented` to a value read, after where it was asked.
pub const NO_VALUES: &str =
    " (it does not hand values to clients: a Flyte cluster injects them into its own tasks)";

/// Endpoints that answered `unimplemented` to a value read, for the "looked in" text of the
/// miss that follows. A fact about the endpoint, so kept per process, not per source.
static NO_VALUES_AT: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn no_values_at(endpoint: &str) -> bool {
    let known = NO_VALUES_AT.lock().unwrap_or_else(PoisonError::into_inner);
    known.iter().any(|e| e == endpoint)
}

impl SecretSource for ServiceSource {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        match read_first(&self.client, secret) {
            Ok(value) => Ok(value.map(Found::Value)),
            // A Flyte cluster (or any service without the local extension): no value to have
            // here, so not found here; the miss says why.
            Err(failed) if failed.1.code() == Some(remote::Code::Unimplemented) => {
                let endpoint = self.client.endpoint();
                if !no_values_at(endpoint) {
                    NO_VALUES_AT
                        .lock()
                        .unwrap_or_else(PoisonError::into_inner)
                        .push(endpoint.to_owned());
                }
                Ok(None)
            }
            Err(failed) => {
                let (place, e) = *failed;
                Err(Error::Source {
                    source_name: format!(
                        "secret service {} ({})",
                        self.client.endpoint(),
                        place.scope()
                    ),
                    secret: place.name,
                    source: Box::new(e),
                })
            }
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        let list = places(&self.client, secret);
        #[cfg(feature = "local")]
        if let Some(local) = self.client.local_service() {
            let list: Vec<String> = list.iter().map(Place::to_string).collect();
            return format!("{local}: {}", list.join(", then "));
        }
        let mut looked = describe_places(self.client.endpoint(), &list);
        if no_values_at(self.client.endpoint()) {
            looked.push_str(NO_VALUES);
        }
        looked
    }
}

/// The service set with [`crate::init`], looked up at each fetch so a later `init` counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConfiguredService;

impl SecretSource for ConfiguredService {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        match remote::client() {
            Ok(client) => ServiceSource::new(client).fetch(secret),
            Err(_) => Ok(None),
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        match remote::client() {
            Ok(client) => ServiceSource::new(client).looked_at(secret),
            Err(_) => "secret service (none configured: flyte::init with an endpoint)".to_owned(),
        }
    }
}

pub(crate) fn configured() -> Option<Arc<dyn SecretSource>> {
    Some(Arc::new(ConfiguredService))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(project: Option<&str>, domain: Option<&str>) -> remote::Client {
        let mut b = remote::Client::builder()
            .endpoint("http://127.0.0.1:9")
            .org("o");
        if let Some(p) = project {
            b = b.project(p);
        }
        if let Some(d) = domain {
            b = b.domain(d);
        }
        b.build().unwrap()
    }

    fn def<'a>(key: &'a str, group: Option<&'a str>) -> SecretDef<'a> {
        SecretDef::env(key, group, "X")
    }

    fn shown(places: &[Place]) -> Vec<String> {
        places.iter().map(Place::to_string).collect()
    }

    #[test]
    fn cluster_order_by_key_then_legacy_name() {
        let got = shown(&places(
            &client(Some("p"), Some("d")),
            &def("token", Some("github")),
        ));
        assert_eq!(
            got,
            [
                "secret `token` (project `p`, domain `d`, organization `o`)",
                "secret `token` (domain `d`, organization `o`)",
                "secret `token` (organization-wide, organization `o`)",
                "secret `github-token` (project `p`, domain `d`, organization `o`) [old name, deprecated]",
            ]
        );
    }

    #[test]
    fn a_failed_call_is_the_source_error_of_its_secret() {
        // Port 9 (discard) on loopback: nothing listens, the connection is refused.
        let client = remote::Client::builder()
            .endpoint("http://127.0.0.1:9")
            .org("o")
            .project("p")
            .domain("d")
            .max_retries(0)
            .build()
            .unwrap();
        let source = ServiceSource::new(client);
        let err = source.fetch(&def("token", None)).unwrap_err();
        let Error::Source {
            source_name,
            secret,
            source,
        } = &err
        else {
            panic!("not a source error: {err:?}");
        };
        assert_eq!(
            source_name,
            "secret service http://127.0.0.1:9 (project `p`, domain `d`, organization `o`)"
        );
        assert_eq!(secret, "token");
        let cause = source
            .downcast_ref::<remote::Error>()
            .unwrap_or_else(|| panic!("the cause is not the client's error: {source:?}"));
        // Before the read, the cluster lookup fails with the refused connection.
        let remote::Error::SelectCluster { source: lookup, .. } = cause else {
            panic!("{cause:?}");
        };
        assert!(
            matches!(**lookup, remote::Error::Transport { .. }),
            "{lookup:?}"
        );
        // The cause is the error's source, once, not also in its own text.
        let chain = crate::error::chain(&err);
        assert!(chain.starts_with(&format!("{err}: {cause}")), "{chain}");
    }

    /// An HTTP server on loopback that answers 404 to everything, as a Flyte cluster's
    /// ingress answers the local-only value read (and, here, `SelectCluster` too).
    fn not_found_server() -> String {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(mut conn) = conn else { return };
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                // The headers, then as many body bytes as they announce.
                while let Ok(n @ 1..) = conn.read(&mut buf) {
                    request.extend_from_slice(&buf[..n]);
                    let text = String::from_utf8_lossy(&request).to_ascii_lowercase();
                    if let Some(end) = text.find("\r\n\r\n") {
                        let len = text
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .and_then(|v| v.trim().parse::<usize>().ok())
                            .unwrap_or(0);
                        if request.len() >= end + 4 + len {
                            break;
                        }
                    }
                }
                let _ = conn.write_all(
                    b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        });
        url
    }

    #[test]
    fn a_service_without_values_is_no_source_and_the_miss_says_why() {
        let url = not_found_server();
        let client = remote::Client::builder()
            .endpoint(&url)
            .org("o")
            .project("p")
            .domain("d")
            .max_retries(0)
            .build()
            .unwrap();
        let source = ServiceSource::new(client);
        let secret = def("api-key", None);
        assert!(
            source.fetch(&secret).unwrap().is_none(),
            "not found there, not an error"
        );
        let looked = source.looked_at(&secret);
        assert!(
            looked.starts_with(&format!("secret service {url}: ")),
            "{looked}"
        );
        assert!(looked.ends_with(NO_VALUES), "{looked}");
    }

    #[test]
    fn narrower_scopes_only_when_configured() {
        assert_eq!(
            shown(&places(&client(None, None), &def("k", None))),
            ["secret `k` (organization-wide, organization `o`)"]
        );
        // A project without a domain is no scope a cluster has: skipped.
        assert_eq!(
            shown(&places(&client(Some("p"), None), &def("k", None))),
            ["secret `k` (organization-wide, organization `o`)"]
        );
        assert_eq!(places(&client(None, Some("d")), &def("k", None)).len(), 2);
    }
}
