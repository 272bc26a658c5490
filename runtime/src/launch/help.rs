//! `BIN help`, `BIN run --help` and `BIN run TASK --help`: what a task binary takes, with its
//! tasks' names, inputs and secrets (where each lands, never a value).

use std::fmt::Write as _;

use flyte_spec::MOUNT_PATH;

use super::describe::{ListFormat, TaskInfo, TaskList};

/// Whether `arg` asks for help where an input flag could stand (`--help` is an input's for a
/// task with a parameter `help`; inputs are never one letter, so `-h` always asks).
pub(crate) fn is_help(arg: &str, has_help_input: bool) -> bool {
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
    let flags: String = task
        .inputs
        .iter()
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
        "       (and --outputs-file PATH: the output as JSON there)\n"
    );
    let _ = writeln!(
        out,
        "task `{}` ({}) -> {}",
        task.name, task.path, task.output
    );
    if let Some(why) = &task.why_not_runnable {
        let _ = writeln!(
            out,
            "cannot be run as its own process: {why}; call it from Rust code"
        );
    }
    if task.inputs.is_empty() {
        let _ = writeln!(out, "inputs: none");
    } else {
        let _ = writeln!(out, "inputs:");
        let w = widest(task.inputs.iter().map(|i| i.name.len() + 2));
        for i in &task.inputs {
            let flag = format!("--{}", i.name);
            let need = if i.required { "" } else { ", may be left out" };
            let _ = writeln!(out, "  {flag:<w$}  {}{need}", i.ty);
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
        let w = widest(shown.iter().map(|(n, _)| n.len()));
        for (name, target) in shown {
            let _ = writeln!(out, "  {name:<w$}  {target}");
        }
    }
    out
}

/// The width of a column of texts this long.
fn widest(lengths: impl Iterator<Item = usize>) -> usize {
    lengths.max().unwrap_or(0)
}
