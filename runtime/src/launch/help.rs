//! `BIN help`, `BIN run --help` and `BIN run TASK --help`: what a task binary takes, with its
//! tasks' names, inputs and secrets (where each lands, never a value).

use std::fmt::Write as _;

use flyte_spec::MOUNT_PATH;

use super::describe::{ListFormat, TaskInfo, TaskList};

/// Whether `arg`, where an input flag could stand after `BIN run TASK`, asks for the task's
/// help: `-h` always (inputs are never one letter), `--help` unless the task has an input
/// named `help`, whose flag it then is.
pub fn is_help_flag(arg: &str, has_help_input: bool) -> bool {
    arg == "-h" || (arg == "--help" && !has_help_input)
}

/// The usage of the binary's own commands, with its tasks' names.
pub(crate) fn usage(program: &str, list: &TaskList) -> String {
    let names: Vec<String> = list.tasks.iter().map(|t| list.shown_name(t)).collect();
    let tasks = match names.is_empty() {
        true => "none registered (see `tasks_from` of #[flyte::main])".to_owned(),
        false => names.join(", "),
    };
    let list_command = format!("list [--format {}]", ListFormat::NAMES.join("|"));
    let commands = [
        (
            "run TASK [INPUTS]",
            "run a task as this process, its secrets in place",
        ),
        ("run TASK --help", "the task's inputs and secrets"),
        (&list_command, "every task and its secrets, never a value"),
        ("help", "this text"),
    ];
    let w = widest(commands.iter().map(|(c, _)| c.len()));
    let mut out = String::new();
    for (i, (command, what)) in commands.iter().enumerate() {
        let lead = if i == 0 { "usage:" } else { "" };
        let _ = writeln!(out, "{lead:<6} {program} {command:<w$}  {what}");
    }
    let _ = writeln!(
        out,
        "Any other command line runs this program's own `main`."
    );
    let _ = writeln!(out, "tasks: {tasks}");
    out
}

/// One task: how to run it, its inputs with their types, its output and its secrets.
pub(crate) fn task(program: &str, list: &TaskList, task: &TaskInfo) -> String {
    let name = list.run_name(task);
    let mut out = String::new();
    match &task.why_not_runnable {
        Some(why) => {
            let _ = writeln!(
                out,
                "task `{}` ({}) -> {}\ncannot be run as its own process: {why}; call it from \
                 Rust code",
                task.name, task.path, task.output
            );
        }
        None => {
            // An input named like a runner option can be given only inside `--inputs` JSON.
            let flags: String = task
                .inputs
                .iter()
                .filter(|i| flyte_spec::runner_flag(&i.name).is_none())
                .map(|i| match i.required {
                    true => format!(" --{} VALUE", i.name),
                    false => format!(" [--{} VALUE]", i.name),
                })
                .collect();
            let _ = writeln!(out, "usage: {program} run {name}{flags}");
            if !task.inputs.is_empty() {
                let _ = writeln!(
                    out,
                    "       {program} run {name} --inputs JSON | --inputs-file PATH (`-`: stdin)"
                );
            }
            let _ = writeln!(
                out,
                "       (and --outputs-file PATH: the output as JSON there)\n\ntask `{}` ({}) \
                 -> {}",
                task.name, task.path, task.output
            );
        }
    }
    if task.inputs.is_empty() {
        let _ = writeln!(out, "inputs: none");
    } else {
        let _ = writeln!(out, "inputs:");
        let dashes = if task.runnable { 2 } else { 0 };
        let w = widest(task.inputs.iter().map(|i| i.name.chars().count() + dashes));
        for i in &task.inputs {
            // Flags only where `BIN run` takes them.
            let flag = match task.runnable {
                true => format!("--{}", i.name),
                false => i.name.clone(),
            };
            let need = if i.required { "" } else { ", may be left out" };
            let json = match flyte_spec::runner_flag(&i.name) {
                Some(_) => ", only inside --inputs JSON (the flag is the runner's)",
                None => "",
            };
            let _ = writeln!(out, "  {flag:<w$}  {}{need}{json}", i.ty);
        }
    }
    if task.secrets.is_empty() {
        let _ = writeln!(out, "secrets: none");
    } else {
        let _ = writeln!(out, "secrets:");
        let shown: Vec<(String, String)> = task
            .secrets
            .iter()
            .map(|s| {
                let def = s.as_def();
                let target = match (def.env_var(), def.file_path()) {
                    (Some(var), _) => format!("env var {var}"),
                    (None, file) => format!("file {MOUNT_PATH}/{}", file.unwrap_or(def.key)),
                };
                (def.display_name(), target)
            })
            .collect();
        let w = widest(shown.iter().map(|(n, _)| n.chars().count()));
        for (name, target) in shown {
            let _ = writeln!(out, "  {name:<w$}  {target}");
        }
        if task.secrets.iter().any(|s| s.file.is_some()) {
            let _ = writeln!(
                out,
                "(where {MOUNT_PATH} is not writable, files go to a private directory that \
                 $FLYTE_SECRETS_DEFAULT_DIR names)"
            );
        }
    }
    out
}

/// The width of a column of texts this many characters long (what `{:<w$}` pads by).
fn widest(lengths: impl Iterator<Item = usize>) -> usize {
    lengths.max().unwrap_or(0)
}
