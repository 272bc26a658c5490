//! `flyte logout` and `flyte auth status`: the OAuth2 tokens cached in the OS keyring, in
//! the Python SDK's layout (so they are the Python CLI's too). Tokens are never printed.

use flyte::remote::keyring::{KeyringStore, Lookup, Outcome, strip_scheme};

use crate::args::GlobalArgs;
use crate::context::{EndpointOrigin, load_config};
use crate::error::CliError;

/// The endpoint and where it was set, or the "none configured" error.
fn endpoint(
    global: &GlobalArgs,
    command: &'static str,
) -> Result<(String, String, bool), CliError> {
    let config = load_config(global)?;
    let origin = config
        .endpoint_origin()
        .map(EndpointOrigin::from)
        .ok_or(CliError::NoEndpoint { command })?;
    let endpoint = config
        .endpoint()
        .map(ToString::to_string)
        .unwrap_or_default();
    Ok((endpoint, origin.to_string(), config.disable_keyring()))
}

pub(crate) fn logout(global: &GlobalArgs) -> Result<(), CliError> {
    let (endpoint, origin, disabled) = endpoint(global, "flyte logout")?;
    let keyring = KeyringStore::from_config(disabled);
    let service = strip_scheme(&endpoint);
    match keyring.delete(&endpoint) {
        Outcome::Done => {
            println!(
                "Logged out of {endpoint}: no cached credentials remain (keyring item `{service}`)."
            );
            Ok(())
        }
        Outcome::Disabled => {
            println!(
                "The keyring is disabled (admin.disableKeyring / FLYTE_ADMIN_DISABLEKEYRING): nothing is cached for {endpoint}."
            );
            Ok(())
        }
        Outcome::Failed(e) => Err(CliError::Keyring {
            endpoint,
            origin,
            source: e,
        }),
        _ => Ok(()),
    }
}

pub(crate) fn status(global: &GlobalArgs) -> Result<(), CliError> {
    let config = load_config(global)?;
    let Some(origin) = config.endpoint_origin().map(EndpointOrigin::from) else {
        println!(
            "Endpoint: none configured; commands use the local secret service, which needs no login."
        );
        return Ok(());
    };
    let endpoint = config
        .endpoint()
        .map(ToString::to_string)
        .unwrap_or_default();
    println!("Endpoint: {endpoint} (set by {origin})");
    if let Some(key) = config.api_key() {
        let form = if key.app_credentials().is_some() {
            "app credentials"
        } else {
            "a bearer token"
        };
        println!("API key: FLYTE_API_KEY is set ({form}); it is used instead of cached tokens.");
    }
    let keyring = KeyringStore::from_config(config.disable_keyring());
    let line = match keyring.lookup(&endpoint) {
        Lookup::Found(creds) => {
            let access = if creds.access_token().is_empty() { "no access token" } else { "an access token" };
            let refresh = if creds.refresh_token().is_some() { "a refresh token" } else { "no refresh token" };
            format!("Cached tokens: yes ({access}, {refresh}) in keyring item `{}`", creds.for_endpoint())
        }
        Lookup::Missing => format!("Cached tokens: none (keyring item `{}`)", strip_scheme(&endpoint)),
        Lookup::Disabled => "Cached tokens: not looked up, the keyring is disabled (admin.disableKeyring / FLYTE_ADMIN_DISABLEKEYRING)".to_owned(),
        Lookup::Failed(e) => format!("Cached tokens: unknown, the keyring could not be read ({e})"),
        _ => "Cached tokens: unknown".to_owned(),
    };
    println!("{line}");
    Ok(())
}
