//! `flyte auth login`, `flyte auth status` and `flyte logout`: the OAuth2 tokens cached in the
//! OS keyring, in the Python SDK's layout (so they are the Python CLI's too). Tokens are never
//! printed.

use std::time::SystemTime;

use flyte::remote::keyring::{BackendKind, KeyringStore, Lookup, Outcome, strip_scheme};
use flyte::remote::{ClientBuilder, TokenInfo, blocking};

use crate::args::GlobalArgs;
use crate::context::{EndpointOrigin, load_config};
use crate::error::{CliError, ServiceError};

/// `2026-12-01T14:16:27Z (in 4 min)`, or `... (expired 3 min ago)`.
fn when(t: SystemTime) -> String {
    let at = flyte_idl::Timestamp::from(t);
    let now = SystemTime::now();
    let rel = match t.duration_since(now) {
        Ok(d) => format!("in {}", human(d.as_secs())),
        Err(e) => format!("expired {} ago", human(e.duration().as_secs())),
    };
    format!("{at} ({rel})")
}

fn human(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s} s"),
        s if s < 2 * 3600 => format!("{} min", s / 60),
        s => format!("{} h", s / 3600),
    }
}

pub(crate) fn login(global: &GlobalArgs) -> Result<(), CliError> {
    let config = load_config(global)?;
    let origin =
        config
            .endpoint_origin()
            .map(EndpointOrigin::from)
            .ok_or(CliError::NoEndpoint {
                command: "flyte auth login",
            })?;
    let endpoint = config
        .endpoint()
        .map(ToString::to_string)
        .unwrap_or_default();
    if config.api_key().is_some() {
        return Err(CliError::ApiKeyInsteadOfLogin { endpoint });
    }
    let flow = config.auth_type();
    let client = ClientBuilder::from_config(config.clone())
        .build()
        .map_err(|error| {
            CliError::from(ServiceError {
                error,
                origin: origin.clone(),
                scope: String::new(),
                scoped: false,
                api_key: false,
            })
        })?;
    let info = blocking::Client::new(client)
        .login()
        .map_err(|e| CliError::Login {
            endpoint: endpoint.clone(),
            origin,
            flow,
            // The flow's own error: the client's wrapper would name the AuthMetadataService
            // lookup, which is not what failed unless the TokenError says so.
            source: match e {
                flyte::remote::Error::Token { source, .. } => source,
                other => Box::new(other),
            },
        })?;
    // The identity provider's words.
    let who = info.token.identity().map_or_else(
        || "an identity the token does not name (not a JWT)".into(),
        |w| flyte::remote::printable(&w).into_owned(),
    );
    println!("Logged in to {endpoint} with {flow} as {who}.");
    let refresh = if info.refresh_token {
        "; a refresh token renews it"
    } else {
        ""
    };
    match info.expires_at {
        Some(t) => println!("The token expires {}{refresh}.", when(t)),
        None => println!("The token's expiry is unknown{refresh}."),
    }
    let item = strip_scheme(&endpoint);
    // Claim only what happened: a failed store says so, and only the backends Python's
    // keyring reads are said to be shared with it.
    match (&info.not_stored, info.stored_in) {
        (Some(why), _) => println!("Not cached: {why}."),
        (None, Some(kind)) if kind.shared_with_python() => println!(
            "Cached in the OS keyring ({}, item `{item}`), where the Python flyte CLI finds it too.",
            kind.name()
        ),
        (None, Some(BackendKind::Keyutils)) => println!(
            "Cached in the kernel keyring (keyutils, item `{item}`): this CLI only; the Python \
             flyte CLI does not look there."
        ),
        (None, _) => println!("Cached (item `{item}`)."),
    }
    Ok(())
}

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
    let flow = config.auth_type();
    let set = if config.auth_type_configured() {
        "configured"
    } else {
        "the default; set admin.authType or --auth-type"
    };
    println!("Login flow: {flow} ({set})");
    let keyring = KeyringStore::from_config(config.disable_keyring());
    let mut claims = None;
    let line = match keyring.lookup(&endpoint) {
        Lookup::Found(creds) => {
            let access = if creds.access_token().is_empty() { "no access token" } else { "an access token" };
            let refresh = if creds.refresh_token().is_some() { "a refresh token" } else { "no refresh token" };
            if !creds.access_token().is_empty() {
                claims = Some(TokenInfo::peek(creds.access_token()));
            }
            format!("Cached tokens: yes ({access}, {refresh}) in keyring item `{}`", creds.for_endpoint())
        }
        Lookup::Missing => format!("Cached tokens: none (keyring item `{}`)", strip_scheme(&endpoint)),
        Lookup::Disabled => "Cached tokens: not looked up, the keyring is disabled (admin.disableKeyring / FLYTE_ADMIN_DISABLEKEYRING)".to_owned(),
        Lookup::Failed(e) => format!(
            "Cached tokens: unknown, the keyring could not be read ({})",
            crate::error::one_line(&e)
        ),
        _ => "Cached tokens: unknown".to_owned(),
    };
    println!("{line}");
    match claims {
        Some(Some(info)) => {
            let who = info.identity().map_or_else(
                || "not named in the token".into(),
                |w| flyte::remote::printable(&w).into_owned(),
            );
            println!("Identity: {who}");
            match info.expires_at {
                Some(t) => println!("Expires: {}", when(t)),
                None => println!("Expires: unknown (the token has no `exp`)"),
            }
        }
        Some(None) => println!("Identity: unknown (the access token is not a JWT)"),
        None => {}
    }
    Ok(())
}
