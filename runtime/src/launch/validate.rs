//! Checking a task list printed by `BIN list`: the binary is not trusted to follow the rules
//! its compiler checked, so the launcher checks them again (with `flyte-spec`) before it
//! writes a file or sets a variable the list names.

use flyte_spec::{Declared, Request, Target, check_task};

use super::describe::{SecretInfo, TaskInfo, TaskList};

/// The first broken rule in `list`, as a message naming the task and secret (never a value;
/// names are quoted with `{:?}`, so control characters are escaped).
pub(crate) fn check_list(list: &TaskList) -> Result<(), String> {
    list.tasks.iter().try_for_each(check_task_info)
}

fn check_task_info(task: &TaskInfo) -> Result<(), String> {
    let name = &task.name;
    if name.is_empty() || name.chars().any(char::is_control) {
        return Err(format!(
            "task name {name:?} is empty or has control characters"
        ));
    }
    // Inputs become `--NAME` flags and JSON keys: a name must be one a Rust parameter has.
    for (i, input) in task.inputs.iter().enumerate() {
        let ident = input
            .name
            .chars()
            .enumerate()
            .all(|(j, c)| c == '_' || c.is_ascii_alphabetic() || (j > 0 && c.is_ascii_digit()));
        if input.name.is_empty() || !ident || input.ty.chars().any(char::is_control) {
            return Err(format!(
                "task {name:?}: input {:?} is not a parameter name",
                input.name
            ));
        }
        if task.inputs[..i].iter().any(|o| o.name == input.name) {
            return Err(format!(
                "task {name:?}: input {:?} appears twice",
                input.name
            ));
        }
    }
    let targets: Vec<Target> = task
        .secrets
        .iter()
        .map(|s| target(s).map_err(|why| format!("task {name:?}, secret {:?}: {why}", s.key)))
        .collect::<Result<_, _>>()?;
    let declared: Vec<Option<Declared<'_>>> = task
        .secrets
        .iter()
        .zip(&targets)
        .map(|(s, target)| {
            Some(Declared {
                key: &s.key,
                group: s.group.as_deref(),
                target,
            })
        })
        .collect();
    if let Some(conflict) = check_task(&declared).first() {
        return Err(format!("task {name:?}: {conflict}"));
    }
    let context = &task.security_context;
    if *context != Default::default() && *context != task.derived_security_context() {
        return Err(format!(
            "task {name:?}: security_context does not match its secrets"
        ));
    }
    Ok(())
}

/// Where `secret` lands, if its declaration follows the rules: one of `env_var` and `file`;
/// a file exactly at its key inside the mount dir; a valid env name that is no loader
/// variable nor one every task process has.
fn target(secret: &SecretInfo) -> Result<Target, String> {
    let request = match (&secret.env_var, &secret.file) {
        // A loader variable (`LD_*`) is refused by the rules, as the compiler refuses it.
        (Some(env), None) => Request {
            as_env_var: Some(env),
            ..Request::new(&secret.key)
        },
        (None, Some(_)) => Request {
            mount: Some(flyte_spec::MOUNT_PATH),
            ..Request::new(&secret.key)
        },
        _ => return Err("needs exactly one of env_var and file".into()),
    };
    let request = Request {
        group: secret.group.as_deref(),
        ..request
    };
    let target = request.resolve().map_err(|errors| {
        errors
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    if let (Target::File { relative }, Some(file)) = (&target, &secret.file)
        && relative != file
    {
        return Err(format!(
            "file {file:?} is not the key (a file secret lands at <mount>/<key>)"
        ));
    }
    Ok(target)
}
