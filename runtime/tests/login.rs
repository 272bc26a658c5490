//! Logging in from Rust against a real identity provider (oidc-provider, tests/oidc) behind
//! the real `flyte serve` (in-process, `--oidc-issuer`): every `admin.authType` flow, the
//! refresh, discovery, and what goes wrong. Tests marked `#[needs(idp)]` need node (see the
//! harness); tokens go to an in-memory store here (the keyring layout is tested elsewhere).

#[path = "../../tests/oidc/certs.rs"]
mod certs;
#[path = "../../tests/oidc/harness.rs"]
mod oidc_harness;

#[path = "login/discovery.rs"]
mod discovery;
#[path = "login/failures.rs"]
mod failures;
#[path = "login/flows.rs"]
mod flows;
#[path = "login/refresh.rs"]
mod refresh;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use flyte::remote::{
    AuthType, Client, ClientBuilder, DeviceCode, Error, LoginPrompt, MemoryTokenStore, TokenStore,
};
use flyte_server::{OidcConfig, RunningServer, Server};
use oidc_harness::{Browser, Choice, Idp};

/// The service and its data directory.
#[derive(Debug)]
pub(crate) struct Service {
    pub(crate) server: RunningServer,
    _dir: tempfile::TempDir,
}

pub(crate) fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap()
}

/// `flyte serve --oidc-issuer` on loopback, advertising the provider's public client with a
/// redirect URI on any free port.
pub(crate) async fn serve(idp: &Idp, configure: impl FnOnce(OidcConfig) -> OidcConfig) -> Service {
    let dir = private_dir();
    let cfg = OidcConfig::new(&idp.issuer, &idp.audience)
        .client_id(&idp.pkce_client)
        .redirect_uri("http://127.0.0.1:0/callback")
        .scopes(vec!["all".into()]);
    let server = Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .oidc(configure(cfg))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    Service { server, _dir: dir }
}

/// What the stand-in person did, and the URLs the client showed them.
#[derive(Debug)]
pub(crate) struct Person {
    pub(crate) choice: Option<Choice>,
    pub(crate) shown: Mutex<Vec<String>>,
    pub(crate) codes: Mutex<Vec<DeviceCode>>,
}

impl Person {
    /// Goes through the provider's pages as `choice` says; `None`: ignores the prompt.
    pub(crate) fn new(choice: Option<Choice>) -> Arc<Person> {
        Arc::new(Person {
            choice,
            shown: Mutex::new(Vec::new()),
            codes: Mutex::new(Vec::new()),
        })
    }

    fn act(&self, url: String) {
        self.shown.lock().unwrap().push(url.clone());
        if let Some(choice) = self.choice {
            tokio::runtime::Handle::current().spawn(async move {
                Browser::default().visit(&url, choice).await;
            });
        }
    }
}

impl LoginPrompt for Person {
    fn open(&self, url: &str) {
        self.act(url.to_owned());
    }
    fn device_code(&self, code: &DeviceCode) {
        self.codes.lock().unwrap().push(code.clone());
        self.act(code.verification_uri_complete.clone().unwrap());
    }
}

/// A client of `service` logging in with `flow`, tokens in `store`.
pub(crate) fn client(
    service: &Service,
    flow: AuthType,
    person: &Arc<Person>,
    store: &Arc<MemoryTokenStore>,
) -> ClientBuilder {
    Client::builder()
        .endpoint(&service.server.url())
        .auth_type(flow)
        .token_store(store.clone())
        .login_prompt(person.clone())
        .login_timeout(Duration::from_secs(30))
        .max_retries(0)
        .project("p")
        .domain("d")
}

/// A call that needs a valid token: not-found means it got through.
pub(crate) async fn authorized(c: &Client) -> Result<(), Error> {
    match c.get("nothing-here").await {
        Err(Error::NotFound { .. }) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

/// The whole chain of an error, to search it for values that must not be there.
pub(crate) fn chain(err: &dyn std::error::Error) -> String {
    let mut out = format!("{err} / {err:?}");
    let mut source = err.source();
    while let Some(s) = source {
        out.push_str(&format!(" / {s}"));
        source = s.source();
    }
    out
}

/// The error behind a SelectCluster failure (asked before a scope's first call), else `err`.
pub(crate) fn unrouted(err: &Error) -> &Error {
    match err {
        Error::SelectCluster { source, .. } => source,
        other => other,
    }
}

pub(crate) fn stored(store: &MemoryTokenStore) -> bool {
    store.load().is_some()
}
