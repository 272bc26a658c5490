//! `flyte check BINARY [TASK...]`: before a cluster run, whether every secret the tasks
//! declare exists where a Flyte cluster looks it up.
//!
//! The places come from [`flyte::sources::remote::places`], the one rule `flyte run` and the
//! runtime use too: by key in project+domain, the domain, then organization-wide; for a
//! grouped secret, last, its deprecated old name `<group>-<key>`. The service is asked with
//! `GetSecret` (metadata only), so no value is ever read, let alone printed. A secret found
//! only under its old name is reported missing: a cluster does not read that name, and one
//! whose name the service refuses is reported as such, with the rest of the report.

mod report;

use std::collections::HashMap;
use std::io::Write;

use flyte::launch::{Launcher, TaskInfo};
use flyte::remote::{Error as RemoteError, blocking};
use flyte::secret::SecretDef;
use flyte::sources::remote::{Place, places};

use crate::args::{CheckArgs, CheckFormat, GlobalArgs};
use crate::context::{Session, SessionOptions, load_config};
use crate::error::{CliError, ServiceError};
use crate::output;
use crate::progress::Spinner;
use report::{describe_service, write_json, write_text};

/// What was found for one declared secret.
#[derive(Debug)]
enum Outcome {
    /// Found at `places[i]`, a place a cluster reads.
    Found(usize),
    /// Found only at `places[i]`, the deprecated `<group>-<key>`: a cluster does not find it.
    OnlyOldName(usize),
    Missing,
    /// The service refuses the name itself (a key with a `.`, say): what it said.
    Refused(String),
}

#[derive(Debug)]
struct SecretCheck {
    key: String,
    group: Option<String>,
    places: Vec<Place>,
    outcome: Outcome,
}

impl SecretCheck {
    fn found(&self) -> bool {
        matches!(self.outcome, Outcome::Found(_))
    }

    /// `key`, or `key (group)`.
    fn label(&self) -> String {
        match &self.group {
            Some(g) => format!("{} ({g})", self.key),
            None => self.key.clone(),
        }
    }
}

#[derive(Debug)]
struct TaskCheck {
    name: String,
    secrets: Vec<SecretCheck>,
}

/// Checks the tasks; the exit code is 0 when every secret was found, 1 otherwise.
pub(crate) fn check(global: &GlobalArgs, args: &CheckArgs) -> Result<i32, CliError> {
    let config = load_config(global)?;
    let scope = args.scope.resolve(&config)?;
    let tasks = select_tasks(args)?;

    let session = Session::open(
        global,
        SessionOptions {
            scope: Some(&scope),
            data_dir: args.data_dir.as_deref(),
            inject: false,
        },
    )?;
    let spinner = Spinner::new("Checking secrets", !global.no_progress);
    // One question per (scope, name): tasks often share secrets.
    let mut asked: HashMap<(Option<String>, Option<String>, String), bool> = HashMap::new();
    let mut checks = Vec::with_capacity(tasks.len());
    for (name, task) in &tasks {
        let mut secrets = Vec::new();
        for def in task.secret_defs() {
            secrets.push(check_secret(&session, &def, &mut asked)?);
            spinner.inc();
        }
        checks.push(TaskCheck {
            name: name.clone(),
            secrets,
        });
    }
    drop(spinner);

    let service = describe_service(&session);
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let written = match args.output {
        CheckFormat::Text => write_text(
            &mut out,
            &checks,
            &service,
            &session,
            output::color_stdout(),
        ),
        CheckFormat::Json => write_json(&mut out, &checks, &service, &session),
    };
    written
        .and_then(|()| out.flush())
        .or_else(super::secret::ignore_broken_pipe)
        .map_err(CliError::Output)?;
    let all_found = checks.iter().all(|t| t.secrets.iter().all(|s| s.found()));
    Ok(if all_found { 0 } else { 1 })
}

/// The tasks to check, each with its name for the report: the named ones (each must name
/// exactly one task), else all; before any service starts.
fn select_tasks(args: &CheckArgs) -> Result<Vec<(String, TaskInfo)>, CliError> {
    let list = Launcher::new(&args.binary)
        .describe()
        .map_err(|e| CliError::NotTaskBinary {
            binary: args.binary.clone(),
            message: match e {
                flyte::Error::Launch { message, .. }
                | flyte::Error::NotTaskBinary { message, .. } => message,
                other => other.to_string(),
            },
        })?;
    let named = |t: &TaskInfo| (list.shown_name(t), t.clone());
    if args.tasks.is_empty() {
        return Ok(list.tasks.iter().map(named).collect());
    }
    let mut chosen: Vec<(String, TaskInfo)> = Vec::with_capacity(args.tasks.len());
    for query in &args.tasks {
        let task = list
            .find(query)
            .map_err(|e| CliError::Usage(format!("{}: {e}", args.binary.display())))?;
        if !chosen.iter().any(|(_, t)| t == task) {
            chosen.push(named(task));
        }
    }
    Ok(chosen)
}

/// Asks each place in order until one has the secret.
fn check_secret(
    session: &Session,
    def: &SecretDef<'_>,
    asked: &mut HashMap<(Option<String>, Option<String>, String), bool>,
) -> Result<SecretCheck, CliError> {
    let places = places(&session.client, def);
    let mut outcome = Outcome::Missing;
    for (i, place) in places.iter().enumerate() {
        let c = &place.client;
        let id = (
            c.project().map(str::to_owned),
            c.domain().map(str::to_owned),
            place.name.clone(),
        );
        let exists = match asked.get(&id) {
            Some(&exists) => exists,
            None => {
                let exists = match blocking::Client::new(c.clone()).get(&place.name) {
                    Ok(_) => true,
                    Err(RemoteError::NotFound { .. }) => false,
                    // Reported with the other secrets, not as the end of the check.
                    Err(RemoteError::InvalidArgument { message, .. }) => {
                        outcome = Outcome::Refused(message);
                        break;
                    }
                    Err(error) => {
                        return Err(CliError::from(ServiceError {
                            error,
                            origin: session.origin.clone(),
                            scope: place.scope(),
                            scoped: c.project().is_some() && c.domain().is_some(),
                            api_key: session.api_key,
                        }));
                    }
                };
                asked.insert(id, exists);
                exists
            }
        };
        if exists {
            outcome = if place.legacy {
                Outcome::OnlyOldName(i)
            } else {
                Outcome::Found(i)
            };
            break;
        }
    }
    Ok(SecretCheck {
        key: def.key.to_owned(),
        group: def.group.map(str::to_owned),
        places,
        outcome,
    })
}
