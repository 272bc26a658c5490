//! `flyte run BINARY TASK ...`: an option after TASK that is named like one of the task's
//! inputs is the task's, as in the Python `flyte run` (where everything after the task is
//! its own), although `flyte run` has an option of that name (`--env`, `--project`, ...).
//! clap would take it for `flyte run`'s; a `--` put before it makes it the task's. So is a
//! `--help` or `-h` right after TASK: the task's help.

use std::ffi::OsString;

use clap::CommandFactory as _;

/// `argv` with `--` before the first option after TASK that names an input of the task
/// (`--env`, `--env=V`, `--data-dir` for an input `data_dir`), when that option is one clap
/// would otherwise take for `flyte run` (or a global one). `inputs(binary, task)` gives the
/// task's input names; it is asked only when such an option follows TASK. Anything else is
/// left as it is, for clap to parse or refuse.
pub(crate) fn inputs_first(
    mut argv: Vec<OsString>,
    inputs: impl FnOnce(&OsString, &str) -> Option<Vec<String>>,
) -> Vec<OsString> {
    if let Some(at) = task_input_at(&argv, inputs) {
        argv.insert(at, "--".into());
    }
    argv
}

fn task_input_at(
    argv: &[OsString],
    inputs: impl FnOnce(&OsString, &str) -> Option<Vec<String>>,
) -> Option<usize> {
    // Not a `flyte run` line: no need to build clap's command (the CLI's start-up).
    if !argv.iter().skip(1).any(|a| a == "run") {
        return None;
    }
    let mut top = super::Cli::command();
    top.build();
    // The global options, then the subcommand.
    let mut i = 1;
    while let Some(next) = option_end(&top, argv, i) {
        i = next;
    }
    if argv.get(i)? != "run" {
        return None;
    }
    let run = top.find_subcommand("run")?;
    // The options of `run`, then BINARY and TASK (among them, in any order).
    let mut positionals = Vec::new();
    i += 1;
    while positionals.len() < 2 {
        match option_end(run, argv, i) {
            Some(next) => i = next,
            None if is_option(argv.get(i)?) => return None,
            None => {
                positionals.push(i);
                i += 1;
            }
        }
    }
    // `--help` or `-h` right after TASK asks for the task's help, as in the Python `flyte run`
    // (`flyte run --help` is still `run`'s).
    if argv
        .get(i)
        .and_then(|a| a.to_str())
        .is_some_and(|a| flyte::launch::is_help_flag(a, false))
    {
        return Some(i);
    }
    let (binary, task) = (&argv[positionals[0]], argv[positionals[1]].to_str()?);
    // clap takes `run`'s options after TASK up to the first other argument.
    let mut inputs = Some(inputs);
    let mut names: Option<Vec<String>> = None;
    while let Some(next) = option_end(run, argv, i) {
        if let Some(flag) = argv[i].to_str().and_then(|a| a.strip_prefix("--")) {
            let flag = flag.split_once('=').map_or(flag, |(name, _)| name);
            if let Some(ask) = inputs.take() {
                names = ask(binary, task);
            }
            // As `BIN run` reads an input flag: `-` and `_` alike.
            let named = |n: &String| *n == flag.replace('-', "_");
            if names.as_ref()?.iter().any(named) {
                return Some(i);
            }
        }
        i = next;
    }
    None
}

/// A flag or option (not `--`, which ends them, nor `-` alone, a value).
fn is_option(arg: &OsString) -> bool {
    let bytes = arg.as_encoded_bytes();
    bytes.len() > 1 && bytes[0] == b'-' && arg != "--"
}

/// Where the option at `argv[i]` ends when it is one of `cmd`'s: after its value when the
/// value is the next argument. `None` for anything else (a positional, `--`, an unknown one).
fn option_end(cmd: &clap::Command, argv: &[OsString], i: usize) -> Option<usize> {
    let arg = argv.get(i)?.to_str()?;
    let separate_value =
        |a: &clap::Arg, inline: bool| match a.get_action().takes_values() && !inline {
            true => i + 2,
            false => i + 1,
        };
    if let Some(long) = arg.strip_prefix("--") {
        let (name, inline) = long
            .split_once('=')
            .map_or((long, false), |(n, _)| (n, true));
        let found = cmd.get_arguments().find(|a| {
            a.get_long() == Some(name) || a.get_all_aliases().is_some_and(|al| al.contains(&name))
        })?;
        return Some(separate_value(found, inline));
    }
    let shorts = arg.strip_prefix('-')?;
    let first = shorts.chars().next()?;
    let found = cmd.get_arguments().find(|a| a.get_short() == Some(first))?;
    // `-pVALUE` carries its value; `-vv` is flags.
    Some(separate_value(found, shorts.len() > first.len_utf8()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(args: &str) -> Vec<OsString> {
        std::iter::once("flyte")
            .chain(args.split(' '))
            .map(OsString::from)
            .collect()
    }

    /// The line after the rewrite, and whether the inputs were asked for.
    fn rewritten(args: &str) -> (String, bool) {
        let mut asked = false;
        let out = inputs_first(line(args), |binary, task| {
            assert_eq!((binary.to_str().unwrap(), task), ("./bin", "t"));
            asked = true;
            Some(vec!["env".into(), "data_dir".into(), "verbose".into()])
        });
        let out: Vec<_> = out[1..].iter().map(|a| a.to_str().unwrap()).collect();
        (out.join(" "), asked)
    }

    #[test]
    fn an_option_named_like_an_input_starts_the_tasks_arguments() {
        for (given, expected) in [
            ("run ./bin t --env prod", "run ./bin t -- --env prod"),
            ("run ./bin t --env=prod", "run ./bin t -- --env=prod"),
            (
                "run -e A=1 ./bin t -p p --env x",
                "run -e A=1 ./bin t -p p -- --env x",
            ),
            (
                "--endpoint e run --project p ./bin t --data-dir d",
                "--endpoint e run --project p ./bin t -- --data-dir d",
            ),
            (
                "run ./bin t --no-masking --verbose",
                "run ./bin t --no-masking -- --verbose",
            ),
            (
                "-c f run ./bin --env a t --project p --env b",
                "-c f run ./bin --env a t --project p -- --env b",
            ),
        ] {
            assert_eq!(rewritten(given), (expected.to_owned(), true), "{given}");
        }
        // The task's help, without asking for its inputs.
        for (given, expected) in [
            ("run ./bin t --help", "run ./bin t -- --help"),
            ("run -e A=1 ./bin t -h", "run -e A=1 ./bin t -- -h"),
        ] {
            assert_eq!(rewritten(given), (expected.to_owned(), false), "{given}");
        }
    }

    #[test]
    fn everything_else_is_left_to_clap() {
        for (given, asked) in [
            // No input of that name: `flyte run`'s own, short ones always.
            ("run ./bin t --project p -e A=1", true),
            // The task's arguments have begun, or `--` is there already.
            ("run ./bin t --n 1 --env prod", false),
            ("run ./bin t -- --env prod", false),
            // Not an option of clap's: the task's already.
            ("run ./bin t --data_dir d", false),
            // Not `flyte run`, no TASK, or a line clap refuses.
            ("get secret --env x", false),
            ("run ./bin", false),
            ("run --unknown ./bin t --env x", false),
        ] {
            assert_eq!(rewritten(given), (given.to_owned(), asked), "{given}");
        }
    }

    #[test]
    fn the_options_known_are_claps() {
        // A typo in an option name here would make the rewrite miss it.
        let mut top = crate::args::Cli::command();
        top.build();
        let run = top.find_subcommand("run").unwrap();
        for long in [
            "env",
            "project",
            "domain",
            "data-dir",
            "no-masking",
            "endpoint",
            "help",
        ] {
            assert!(
                run.get_arguments().any(|a| a.get_long() == Some(long)),
                "{long}"
            );
        }
    }
}
