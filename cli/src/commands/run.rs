//! `flyte run BINARY TASK`.

use std::process::ExitStatus;
use std::sync::Arc;

use flyte::launch::{Launcher, TaskInfo, TaskList, TaskLookupError, is_help_flag};
use flyte::sources::{DotenvSource, ProcessSource, Resolver};

use crate::args::{GlobalArgs, RunArgs};
use crate::context::load_config;
use crate::error::CliError;
use crate::service_source::ServiceSource;

/// The input names of `task` in `binary`, keeping the list read in `described`; `None` when
/// the binary does not describe such a task (then the run reports why).
pub(crate) fn input_names(
    binary: &std::path::Path,
    task: &str,
    described: &mut Option<TaskList>,
) -> Option<Vec<String>> {
    let tasks = Launcher::new(binary).describe().ok()?;
    let names = tasks
        .find(task)
        .ok()?
        .inputs
        .iter()
        .map(|i| i.name.clone())
        .collect();
    *described = Some(tasks);
    Some(names)
}

/// Runs the task and returns its exit code; `described` is the binary's list when it was
/// read already.
pub(crate) fn run(
    global: &GlobalArgs,
    args: &RunArgs,
    mut described: Option<TaskList>,
) -> Result<i32, CliError> {
    // `--help` / `-h` first: the binary prints the task's help; nothing is resolved.
    if let Some(first) = args.task_args.first().and_then(|a| a.to_str())
        && is_help_flag(first, false)
    {
        let tasks = match described.take() {
            Some(tasks) => tasks,
            None => Launcher::new(&args.binary)
                .describe()
                .map_err(CliError::Run)?,
        };
        let task = find(&tasks, args)?;
        // A task with an input `help` takes `--help` as that input.
        if is_help_flag(first, task.inputs.iter().any(|i| i.name == "help")) {
            return task_help(&args.binary, &tasks.run_name(task));
        }
        described = Some(tasks);
    }
    // The config is read up front so a broken one fails before anything starts; the service
    // itself is opened only if a secret is not found locally.
    let config = load_config(global)?;
    let service = Arc::new(ServiceSource::new(
        global.clone(),
        args.scope.resolve(&config)?,
        args.data_dir.clone(),
    ));
    let resolver = Resolver::new()
        .with(ProcessSource::from_env())
        .with(DotenvSource::new(config.secrets_file()))
        .with_shared(service.clone());
    // This thread waits for the task: killed, it takes the task with it.
    let mut launcher = Launcher::new(&args.binary)
        .resolver(resolver)
        .masking(!args.no_masking)
        .end_with_launcher(true);
    for var in &args.env {
        let value = match &var.value {
            Some(value) => Some(value.into()),
            None => std::env::var_os(&var.name),
        };
        if let Some(value) = value {
            launcher = launcher.env(&var.name, value);
        }
    }

    let tasks = match described {
        Some(tasks) => tasks,
        None => launcher.describe().map_err(CliError::Run)?,
    };
    let task = find(&tasks, args)?;
    if !task.runnable {
        let why = task.why_not_runnable.as_deref().unwrap_or("");
        return Err(CliError::Run(flyte::Error::Launch {
            task: task.name.clone(),
            message: format!("cannot be run as its own process: {why}"),
        }));
    }
    // A `--env` the launch would refuse is a mistake in this command line: exit 2, as for
    // refused inputs, before anything starts.
    launcher
        .check_env(&task.name, &task.secret_defs())
        .map_err(as_usage)?;
    // Inputs are checked by the binary before any secret is resolved; refused ones are a
    // usage error (exit 2), as `BIN run` reports them.
    if !task.inputs.is_empty() || !args.task_args.is_empty() {
        let checked = launcher
            .check_inputs(&tasks.run_name(task), &args.task_args)
            .map_err(as_usage)?;
        launcher = launcher.args(checked);
    }
    // An interrupt while the values are resolved ends the run at once; signals are caught
    // from before any file is written, so none leaves one behind.
    let prepared = launcher.prepare_forwarding_signals(&tasks.run_name(task), &task.secret_defs());
    // Every value is resolved (or resolution failed): release the service, so an embedded
    // local service does not keep its data directory for the task's whole run.
    service.close();
    let (prepared, mut signals) = prepared.map_err(CliError::Run)?;
    if let Some(sig) = signals.caught() {
        return Ok(128 + sig);
    }
    let started = prepared.spawn().map_err(CliError::Run)?;
    signals.forward_to(started.child.id());
    let status = started.wait().map_err(CliError::Waiting)?;
    Ok(exit_code(status))
}

/// A refusal of this command line's own arguments (a `--env`, the inputs) is a usage error
/// (exit 2); anything else a run error. Only called where those are the refusals possible.
fn as_usage(e: flyte::Error) -> CliError {
    match e {
        flyte::Error::Launch { task, message } | flyte::Error::Inputs { task, message } => {
            CliError::Usage(format!("task `{task}`: {message}"))
        }
        e => CliError::Run(e),
    }
}

/// The task `args` names in `tasks`; a usage error listing the tasks when there is none.
fn find<'t>(tasks: &'t TaskList, args: &RunArgs) -> Result<&'t TaskInfo, CliError> {
    tasks.find(&args.task).map_err(|e| match e {
        TaskLookupError::NotFound { known, .. } => CliError::Usage(format!(
            "no task `{}` in {} (tasks: {})",
            args.task,
            args.binary.display(),
            known.join(", ")
        )),
        e => CliError::Usage(format!("{}: {e}", args.binary.display())),
    })
}

/// `BIN run TASK --help`: the task's inputs and secrets, printed by the binary itself.
fn task_help(binary: &std::path::Path, task: &str) -> Result<i32, CliError> {
    let status = std::process::Command::new(binary)
        // `-h`: help whatever the task's inputs are called.
        .args(["run", task, "-h"])
        .status()
        .map_err(|source| {
            CliError::Run(flyte::Error::Process {
                task: task.to_owned(),
                action: format!("cannot start {}", binary.display()),
                source,
            })
        })?;
    Ok(exit_code(status))
}

/// The task's exit code; `128 + signal` when a signal ended it, as shells report it.
fn exit_code(status: ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}
