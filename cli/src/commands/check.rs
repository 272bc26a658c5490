//! `flyte check BINARY [TASK...]`: before a cluster run, whether every secret the tasks
//! declare exists where a Flyte cluster looks it up.
//!
//! The places come from [`flyte::sources::remote::places`], the one rule `flyte run` and the
//! runtime use too: by key in project+domain, the domain, then organization-wide; for a
//! grouped secret, last, its deprecated old name `<group>-<key>`. The service is asked with
//! `GetSecret` (metadata only), so no value is ever read, let alone printed. A secret found
//! only under its old name is reported missing: a cluster does not read that name.

use std::collections::HashMap;
use std::io::Write;

use flyte::launch::{Launcher, TaskInfo};
use flyte::remote::{Error as RemoteError, blocking};
use flyte::secret::SecretDef;
use flyte::sources::remote::{Place, places};
use serde_json::{Value, json};

use crate::args::{CheckArgs, CheckFormat, GlobalArgs, ScopeArgs};
use crate::context::{EndpointOrigin, Session, SessionOptions, load_config};
use crate::error::{CliError, ServiceError};
use crate::output;
use crate::progress::Spinner;

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
    // The scope the tasks run in: the flags, else the config (task.project, task.domain).
    let scope = ScopeArgs {
        project: args
            .project
            .clone()
            .or_else(|| config.project().map(str::to_owned)),
        domain: args
            .domain
            .clone()
            .or_else(|| config.domain().map(str::to_owned)),
    };
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

/// The service in words, for the report's first line.
fn describe_service(session: &Session) -> String {
    match &session.origin {
        EndpointOrigin::Local { dir, .. } => {
            format!(
                "the local secret service in {} (no endpoint configured)",
                dir.display()
            )
        }
        origin => format!(
            "the secret service at {} (set by {origin})",
            session.client.endpoint()
        ),
    }
}

/// `found in project `p`, domain `d`` or `found organization-wide`.
fn found_words(place: &Place) -> String {
    let scope = place.scope();
    let scope = if scope.starts_with("organization-wide") {
        scope
    } else {
        format!("in {scope}")
    };
    format!("found {scope} (secret `{}`)", place.name)
}

/// The `-p`/`-d` flags of the scope the tasks run in: where the fix stores the secret.
fn scope_flags(session: &Session) -> String {
    let c = &session.client;
    match (c.project(), c.domain()) {
        (Some(p), Some(d)) => format!(" -p {p} -d {d}"),
        (_, Some(d)) => format!(" -d {d}"),
        _ => String::new(),
    }
}

fn fix(secret: &SecretCheck, session: &Session) -> String {
    format!("flyte create secret {}{}", secret.key, scope_flags(session))
}

fn looked_in(secret: &SecretCheck) -> String {
    let list: Vec<String> = secret.places.iter().map(Place::to_string).collect();
    list.join(", then ")
}

/// The explanation of one secret's line.
fn detail(secret: &SecretCheck, session: &Session) -> String {
    match secret.outcome {
        Outcome::Found(i) => found_words(&secret.places[i]),
        Outcome::OnlyOldName(i) => {
            let old = &secret.places[i];
            format!(
                "only under its old name `{}` ({}), which a Flyte cluster does not read: it looks \
                 the secret up by key; fix: store it under `{}`: {}",
                old.name,
                old.scope(),
                secret.key,
                fix(secret, session)
            )
        }
        Outcome::Missing => format!(
            "looked in: {}; fix: {}",
            looked_in(secret),
            fix(secret, session)
        ),
        Outcome::Refused(ref said) => format!(
            "the secret service refuses this name ({said}): no task can find it there; fix: \
             declare a key of letters, digits, `-` and `_`"
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn write_text(
    out: &mut dyn Write,
    checks: &[TaskCheck],
    service: &str,
    session: &Session,
    color: bool,
) -> std::io::Result<()> {
    let (green, red, bold, reset) = if color {
        ("\x1b[32m", "\x1b[1;31m", "\x1b[1m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    writeln!(
        out,
        "Checking {} against {service}, in {}:",
        plural(checks.len(), "task", "tasks"),
        session_scope(session)
    )?;
    let width = checks
        .iter()
        .flat_map(|t| t.secrets.iter().map(|s| s.label().chars().count()))
        .max()
        .unwrap_or(0);
    let (mut found, mut missing) = (0, 0);
    for task in checks {
        writeln!(out, "task {bold}{}{reset}", task.name)?;
        if task.secrets.is_empty() {
            writeln!(out, "  (declares no secrets)")?;
        }
        for s in &task.secrets {
            let (status, paint) = match s.outcome {
                _ if s.found() => {
                    found += 1;
                    ("ok", green)
                }
                Outcome::Refused(_) => {
                    missing += 1;
                    ("REFUSED", red)
                }
                _ => {
                    missing += 1;
                    ("MISSING", red)
                }
            };
            writeln!(
                out,
                "  {paint}{status:<8}{reset} {:<width$}  {}",
                s.label(),
                detail(s, session)
            )?;
        }
    }
    writeln!(
        out,
        "{}, {} missing",
        plural(found, "secret found", "secrets found"),
        missing
    )
}

/// The scope the tasks run in, in words.
fn session_scope(session: &Session) -> String {
    let c = &session.client;
    match (c.project(), c.domain()) {
        (Some(p), Some(d)) => format!("project `{p}`, domain `{d}`"),
        (_, Some(d)) => format!("domain `{d}` (no project given)"),
        // A cluster has no project-only scope: `places` skips it.
        (Some(p), None) => {
            format!("project `{p}` without a domain, so organization-wide only (give -d too)")
        }
        (None, None) => "no project or domain given (organization-wide only)".to_owned(),
    }
}

fn place_json(place: &Place) -> Value {
    json!({
        "name": place.name,
        "project": place.client.project(),
        "domain": place.client.domain(),
        "scope": place.scope(),
        "legacy": place.legacy,
    })
}

fn write_json(
    out: &mut dyn Write,
    checks: &[TaskCheck],
    service: &str,
    session: &Session,
) -> std::io::Result<()> {
    let (mut found, mut missing) = (0, 0);
    let tasks: Vec<Value> = checks
        .iter()
        .map(|task| {
            let secrets: Vec<Value> = task
                .secrets
                .iter()
                .map(|s| {
                    if s.found() {
                        found += 1;
                    } else {
                        missing += 1;
                    }
                    let (status, at, old) = match s.outcome {
                        Outcome::Found(i) => ("found", Some(place_json(&s.places[i])), None),
                        Outcome::OnlyOldName(i) => {
                            ("missing", None, Some(place_json(&s.places[i])))
                        }
                        Outcome::Missing => ("missing", None, None),
                        Outcome::Refused(_) => ("refused", None, None),
                    };
                    let refused = match &s.outcome {
                        Outcome::Refused(said) => Some(said.as_str()),
                        _ => None,
                    };
                    json!({
                        "key": s.key,
                        "group": s.group,
                        "status": status,
                        "found": at,
                        "found_under_old_name": old,
                        "looked_in": s.places.iter().map(place_json).collect::<Vec<_>>(),
                        "fix": (!s.found() && refused.is_none()).then(|| fix(s, session)),
                        "refused": refused,
                    })
                })
                .collect();
            json!({ "task": task.name, "secrets": secrets })
        })
        .collect();
    let c = &session.client;
    let doc = json!({
        "service": service,
        "endpoint": c.endpoint(),
        "organization": c.org(),
        "project": c.project(),
        "domain": c.domain(),
        "tasks": tasks,
        "found": found,
        "missing": missing,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}
