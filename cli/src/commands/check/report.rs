//! The report of `flyte check`: one line per secret, as text or JSON.

use std::io::Write;

use flyte::sources::remote::Place;
use serde_json::{Value, json};

use super::{Outcome, SecretCheck, TaskCheck};
use crate::context::{EndpointOrigin, Session};

/// The service in words, for the report's first line.
pub(super) fn describe_service(session: &Session) -> String {
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
            "the secret service refuses this name ({}): no task can find it there; fix: \
             declare a key of letters, digits, `-` and `_`",
            flyte::remote::printable(said)
        ),
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

pub(super) fn write_text(
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

pub(super) fn write_json(
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
