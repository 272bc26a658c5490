//! Which token source a built client uses: a custom one, the API key (a bearer token, or app
//! credentials exchanged with the client-credentials grant), or the login flow with its token
//! store (the OS keyring unless disabled).

use std::sync::Arc;
use std::time::Duration;

use crate::config::{Config, Endpoint};
use crate::remote::keyring::{KeyringStore, KeyringTokens};
use crate::remote::login::{Discovery, Login, LoginOptions, LoginPrompt, SystemBrowser};
use crate::remote::oauth::{ClientCredentials, TokenEndpoint};
use crate::remote::token::{AccessToken, StaticToken, TokenSource, TokenStore};

/// What the builder was given besides the config.
pub(super) struct Sources {
    pub explicit: Option<Arc<dyn TokenSource>>,
    pub store: Option<Arc<dyn TokenStore>>,
    pub login_auto: Option<bool>,
    pub prompt: Option<Arc<dyn LoginPrompt>>,
    pub timeout: Duration,
}

/// The token source for requests, and the login (also when requests do not use it, so
/// [`Client::login`](crate::remote::Client::login) works).
pub(super) fn token_source(
    cfg: &Config,
    endpoint: &Endpoint,
    discovery: &Arc<Discovery>,
    given: Sources,
) -> (Option<Arc<dyn TokenSource>>, Option<Arc<Login>>) {
    let token_endpoint = || TokenEndpoint::new(discovery.clone(), cfg.timeout);
    match (given.explicit, &cfg.api_key) {
        (Some(t), _) => (Some(t), None),
        (None, Some(key)) => {
            let source: Arc<dyn TokenSource> = match key.app_credentials() {
                Some(app) => Arc::new(ClientCredentials::new(
                    token_endpoint(),
                    app.client_id,
                    app.client_secret,
                )),
                None => Arc::new(StaticToken(AccessToken::new(key.expose()))),
            };
            (Some(source), None)
        }
        (None, None) => {
            let store: Option<Arc<dyn TokenStore>> = match given.store {
                Some(s) => Some(s),
                None if !cfg.disable_keyring => Some(Arc::new(KeyringTokens::new(
                    KeyringStore::from_config(false),
                    endpoint.to_string(),
                ))),
                None => None,
            };
            let auto = given.login_auto.unwrap_or(cfg.auth_type_configured());
            let in_use = store.is_some() || auto || cfg.auth_type_configured();
            let login = Arc::new(Login::new(
                token_endpoint(),
                LoginOptions {
                    flow: cfg.auth_type(),
                    flow_configured: cfg.auth_type_configured(),
                    auto,
                    store,
                    prompt: given
                        .prompt
                        .unwrap_or_else(|| Arc::new(SystemBrowser::new())),
                    timeout: given.timeout,
                    client_secret: cfg.client_secret.clone(),
                    client_secret_hint: cfg.client_secret_hint.clone(),
                    command: cfg.command.clone(),
                },
            ));
            // Nothing stored, nothing configured: no token source, so no credential is ever
            // sent.
            let source = in_use.then(|| login.clone() as Arc<dyn TokenSource>);
            (source, Some(login))
        }
    }
}
