//! The `flyte` command line: parse, dispatch, map errors to exit codes. The commands live in
//! [`commands`]; `flyte serve` in [`serve`].

mod args;
mod commands;
mod context;
mod docker;
mod error;
mod input;
mod origin;
mod output;
mod progress;
mod serve;
mod service_source;
mod value;

use std::process::ExitCode;

use clap::Parser;

use args::{AuthCommand, Cli, Command, CreateCommand, DeleteCommand, GetCommand, UpdateCommand};
use error::CliError;

fn main() -> ExitCode {
    // `flyte run BINARY TASK --env V` for a task with an input `env`: the task's (the list
    // read to know that is kept for the run).
    let mut described = None;
    let argv = args::run_line::inputs_first(std::env::args_os().collect(), |binary, task| {
        commands::run::input_names(binary.as_ref(), task, &mut described)
    });
    let cli = Cli::parse_from(argv);
    // `flyte serve` sets up its own logging.
    let args::Cli { global, command } = cli;
    if let Command::Serve(args) = command {
        return serve::run(*args);
    }
    init_logging(global.verbose);
    let result = match &command {
        Command::Create(CreateCommand::Secret(a)) => {
            commands::secret::create(&global, a).map(|()| 0)
        }
        Command::Get(GetCommand::Secret(a)) => commands::secret::get(&global, a).map(|()| 0),
        Command::Update(UpdateCommand::Secret(a)) => {
            commands::secret::update(&global, a).map(|()| 0)
        }
        Command::Delete(DeleteCommand::Secret(a)) => {
            commands::secret::delete(&global, a).map(|()| 0)
        }
        Command::Run(a) => commands::run::run(&global, a, described),
        Command::Check(a) => commands::check::check(&global, a),
        Command::Logout => commands::auth::logout(&global).map(|()| 0),
        Command::Auth(AuthCommand::Status) => commands::auth::status(&global).map(|()| 0),
        Command::Auth(AuthCommand::Login) => commands::auth::login(&global).map(|()| 0),
        Command::Completion(a) => commands::completion(a)
            .map(|()| 0)
            .map_err(CliError::Output),
        Command::Serve(_) => unreachable!("handled above"),
    };
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(1)),
        Err(e) => report(&e),
    }
}

fn report(err: &CliError) -> ExitCode {
    if matches!(err, CliError::Aborted) {
        // As the Python CLI: one word, no error label.
        eprintln!("{err}");
        return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(1));
    }
    let label = if output::color_stderr() {
        "\x1b[1;31merror:\x1b[0m"
    } else {
        "error:"
    };
    eprintln!("{label} {}", error::render(err));
    if matches!(err, CliError::Usage(_)) {
        eprintln!("\nFor more information, try '--help'.");
    }
    ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(1))
}

/// Logs go to stderr: warnings by default, more with -v, or as `RUST_LOG` says.
fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(filter)
        .with_ansi(output::color_stderr())
        .without_time()
        .with_target(false)
        .init();
}
