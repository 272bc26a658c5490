//! The entry point behind `#[flyte::main]`: `BIN list` and `BIN run TASK`.

use std::ffi::{OsStr, OsString};

use serde_json::Value;

use super::describe::{TaskInfo, TaskList};
use super::help;
use super::inputs::{self, RunArgs};
use super::launcher::Launcher;
use super::{EXIT_NOT_STARTED, EXIT_USAGE, LAUNCHED_ENV};
use crate::sources::ProcessSource;
use crate::task::InputError;
use crate::task::io::Call;
use crate::task::{TaskDef, registered};

/// Handles `BIN list`, `BIN run TASK` and `BIN help` and exits; returns for any other
/// command line so the program's own `main` body runs (it may have commands of its own, so
/// an unknown one, `--help` included, is its to answer).
pub fn main_entry() {
    let mut args = std::env::args_os().skip(1);
    let command = args.next();
    match command.as_deref().and_then(OsStr::to_str) {
        Some("list") => {
            let args: Vec<OsString> = args.collect();
            if args
                .iter()
                .any(|a| help::is_help_flag(&a.to_string_lossy(), false))
            {
                print_usage();
            }
            std::process::exit(TaskList::list_command(&program(), args))
        }
        Some("run") => {
            let name = args.next().map(|n| n.to_string_lossy().into_owned());
            std::process::exit(run(name.as_deref(), args));
        }
        Some("help") => print_usage(),
        _ => {}
    }
}

/// `BIN help`: the commands and tasks on stdout, exit 0.
fn print_usage() -> ! {
    print!("{}", help::usage(&program(), &TaskList::of_this_binary()));
    std::process::exit(0)
}

fn run(query: Option<&str>, args: impl Iterator<Item = OsString>) -> i32 {
    let defs = registered();
    let list = TaskList {
        tasks: defs.iter().copied().map(TaskInfo::from_def).collect(),
    };
    let query = match query {
        Some(query) if help::is_help_flag(query, false) => {
            print!("{}", help::usage(&program(), &list));
            return 0;
        }
        Some(query) => query,
        None => {
            eprint!(
                "error: `run` needs a task\n{}",
                help::usage(&program(), &list)
            );
            return EXIT_USAGE;
        }
    };
    let (task, info) = match list.find(query) {
        Ok(info) => {
            let i = list.tasks.iter().position(|t| std::ptr::eq(t, info));
            (defs[i.expect("found in the list")], info)
        }
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let parsed = inputs::parse(task.inputs(), args);
    // Before the inputs are checked: help is for when they are not known yet.
    if matches!(&parsed, Ok(args) if args.help) {
        print!("{}", help::task(&program(), &list, info));
        return 0;
    }
    let (runner, args) = match checked_inputs(task, parsed) {
        Ok(ready) => ready,
        Err(message) => {
            eprintln!("error: task `{query}`: {message}");
            return EXIT_USAGE;
        }
    };
    if args.check_only {
        println!("{}", Value::Object(args.inputs));
        return 0;
    }
    let launched = std::env::var_os(LAUNCHED_ENV).is_some();
    if launched {
        // Keep the launcher's run alive while this task runs, even if the launcher dies.
        crate::mount::join_run(std::env::var_os(crate::sources::DEFAULT_DIR_VAR));
    }
    if launched || all_in_process(task) {
        // Everything is where the task expects it (or we were launched, and the task will
        // report what is still missing).
        let mut call = Call::run(task.inputs(), args.inputs, args.outputs_file);
        return runner(&mut call).unwrap_or(EXIT_USAGE);
    }
    // Secrets are missing from this process's environment. Rather than writing the
    // environment (unsound once threads may exist), start this binary again as a child with
    // the secrets in place, resolved here with the configuration `flyte run` reads.
    let resolver = match super::run_config::resolver() {
        Ok(resolver) => resolver,
        Err(e) => {
            eprintln!("error: task `{query}` not started: {e}");
            return EXIT_NOT_STARTED;
        }
    };
    let launcher = match std::env::current_exe() {
        Ok(exe) => {
            // The main thread waits for the child: killed, it takes the child with it.
            let launcher = Launcher::new(exe)
                .resolver(resolver)
                .masking(!super::mask::off_by_env())
                .end_with_launcher(true)
                .args(args.for_child());
            // In a pod, the pod's environment is the one to give (its image's `LD_LIBRARY_PATH`,
            // its spec's `AWS_REGION`, its secrets dir, ...); elsewhere a pod's, not this shell's.
            match crate::sources::in_task_pod() {
                true => launcher.in_task_pod(),
                false => launcher,
            }
        }
        Err(e) => {
            eprintln!("error: task `{query}`: cannot find this program's path to relaunch it: {e}");
            return EXIT_NOT_STARTED;
        }
    };
    match relaunch(launcher, &list.run_name(info), info) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", crate::error::chain(&e));
            EXIT_NOT_STARTED
        }
    }
}

type Runner = fn(&mut Call) -> Option<i32>;

/// The task's runner and its parsed inputs, checked against the parameter types by a call
/// that stops before the body; the message says why the task cannot run with them.
fn checked_inputs(
    task: &'static TaskDef,
    parsed: Result<RunArgs, InputError>,
) -> Result<(Runner, RunArgs), String> {
    if let Some(why) = task.why_not_runnable() {
        return Err(format!(
            "cannot be run as its own process: {why}; call it from Rust code instead"
        ));
    }
    let runner = task.runner.expect("runnable");
    let mut args = parsed.map_err(|e| e.to_string())?;
    let texts = std::mem::take(&mut args.flag_texts);
    let mut check = Call::check(task.inputs(), std::mem::take(&mut args.inputs), texts);
    runner(&mut check);
    if let Some(e) = check.take_error() {
        return Err(e.to_string());
    }
    // As read: a flag's text where its JSON did not fit (`--label 5` for a `String`).
    args.inputs = check.into_inputs();
    Ok((runner, args))
}

/// Runs the task as a child, passing SIGINT, SIGTERM and SIGHUP on to it (a container's
/// PID 1 gets `docker stop`'s SIGTERM) so its files are removed whatever ends it.
fn relaunch(launcher: Launcher, name: &str, task: &TaskInfo) -> Result<i32, crate::Error> {
    let (prepared, mut signals) = launcher.prepare_forwarding_signals(name, &task.secret_defs())?;
    // The values are resolved: release the service (a local one started here would hold its
    // data directory while the task runs).
    drop(launcher);
    if let Some(sig) = signals.caught() {
        return Ok(128 + sig);
    }
    let started = prepared.spawn()?;
    signals.forward_to(started.child.id());
    Ok(exit_code(started.wait()?))
}

/// Whether the body finds every secret where it reads it: env secrets under their declared
/// name (a cluster may inject `_UNION_GITHUB_TOKEN` for `GITHUB_TOKEN`: then the task is
/// relaunched with the declared name set), file secrets anywhere (the accessor has the path).
fn all_in_process(task: &'static TaskDef) -> bool {
    ProcessSource::from_env().has_all_as_declared(task.secrets())
}

fn exit_code(status: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

fn program() -> String {
    std::env::args()
        .next()
        .unwrap_or_else(|| "task-binary".into())
}
