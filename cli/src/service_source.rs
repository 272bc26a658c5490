//! The secret service as a [`SecretSource`] for `flyte run`: reads values with the local
//! service's inject extension (`Client::read_value`).
//!
//! The runtime has a plain service source (`flyte::sources::remote::ServiceSource`); this one
//! adds what the CLI needs: it opens the service lazily (a task
//! whose secrets all come from the environment or the dotenv file starts no local service) and
//! is closed once the secrets are resolved, so a local service started for the command does not hold the
//! data directory while the task runs.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard};

use flyte::remote::Code;
use flyte::secret::SecretDef;
use flyte::sources::remote::{NO_VALUES, places, read_first};
use flyte::sources::{Found, SecretSource};

use crate::args::{GlobalArgs, ScopeArgs};
use crate::context::{EndpointOrigin, Session, SessionOptions};
use crate::error::render;

/// How to open the service when a secret is first asked for.
#[derive(Debug)]
pub(crate) struct ServiceSource {
    global: GlobalArgs,
    scope: ScopeArgs,
    data_dir: Option<PathBuf>,
    state: Mutex<State>,
}

#[derive(Debug)]
enum State {
    Unopened,
    Open {
        session: Session,
        place: String,
    },
    Failed(String),
    /// Closed after use; `place` says where it was, for messages. No client is kept: a local
    /// service started for the command stops with its last client.
    Closed {
        place: Option<String>,
    },
}

impl ServiceSource {
    pub(crate) fn new(global: GlobalArgs, scope: ScopeArgs, data_dir: Option<PathBuf>) -> Self {
        ServiceSource {
            global,
            scope,
            data_dir,
            state: Mutex::new(State::Unopened),
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Stops using the service (and stops one started for the command). Later lookups find nothing.
    pub(crate) fn close(&self) {
        let mut state = self.state();
        let place = match &*state {
            State::Open { place, .. } => Some(place.clone()),
            State::Closed { place } => place.clone(),
            _ => None,
        };
        *state = State::Closed { place };
    }
}

/// Where the service is, as the missing-secrets report says it.
fn describe(session: &Session) -> String {
    match &session.origin {
        EndpointOrigin::Local { .. } => format!("the local secret service ({})", session.origin),
        origin => format!(
            "secret service at {} (set by {origin})",
            session.client.endpoint()
        ),
    }
}

impl SecretSource for ServiceSource {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, flyte::Error> {
        let failed = |source_name: &str, message: String| flyte::Error::Source {
            source_name: source_name.to_owned(),
            secret: secret.display_name(),
            source: message.into(),
        };
        let mut state = self.state();
        if matches!(*state, State::Unopened) {
            let opts = SessionOptions {
                scope: Some(&self.scope),
                data_dir: self.data_dir.as_deref(),
                inject: true,
            };
            *state = match Session::open(&self.global, opts) {
                Ok(session) => State::Open {
                    place: describe(&session),
                    session,
                },
                Err(e) => State::Failed(render(&e)),
            };
        }
        let (session, place) = match &mut *state {
            State::Open { session, place } => (session, place),
            State::Failed(message) => return Err(failed("secret service", message.clone())),
            State::Closed { .. } | State::Unopened => return Ok(None),
        };
        match read_first(&session.client, secret) {
            Ok(value) => Ok(value.map(Found::Value)),
            Err(failed) if failed.1.code() == Some(Code::Unimplemented) => {
                if !place.ends_with(NO_VALUES) {
                    place.push_str(NO_VALUES);
                }
                Ok(None)
            }
            Err(e) => Err(failed(
                session.client.endpoint(),
                render(&session.fail(e.1)),
            )),
        }
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        let list = |client| {
            let list: Vec<String> = places(client, secret)
                .iter()
                .map(|p| p.to_string())
                .collect();
            list.join(", then ")
        };
        match &*self.state() {
            State::Open { place, session } => format!("{place}: {}", list(&session.client)),
            State::Closed { place: Some(place) } => {
                format!("{place} (secret `{}`)", secret.key)
            }
            _ => format!("secret service (secret `{}`)", secret.key),
        }
    }
}
