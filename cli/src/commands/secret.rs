//! `flyte create|get|update|delete secret`.

use std::io::Write;

use flyte::remote::blocking;

use crate::args::{
    CreateSecretArgs, DeleteSecretArgs, GetSecretArgs, GlobalArgs, OutputFormat, ScopeArgs,
    UpdateSecretArgs, ValueArgs,
};
use crate::context::{Session, SessionOptions};
use crate::docker::{DockerEnv, HelperProgram};
use crate::error::CliError;
use crate::input::Console;
use crate::output;
use crate::progress::Spinner;
use crate::value::{self, Sources};

pub(crate) fn create(global: &GlobalArgs, args: &CreateSecretArgs) -> Result<(), CliError> {
    write(global, Change::Create, &args.name, &args.value, &args.scope)
}

pub(crate) fn update(global: &GlobalArgs, args: &UpdateSecretArgs) -> Result<(), CliError> {
    write(global, Change::Update, &args.name, &args.value, &args.scope)
}

/// Which of the two writes of a value.
#[derive(Clone, Copy)]
enum Change {
    Create,
    Update,
}

fn write(
    global: &GlobalArgs,
    op: Change,
    name: &str,
    value: &ValueArgs,
    scope: &ScopeArgs,
) -> Result<(), CliError> {
    value::check_usage(value, scope)?;
    // Read the value before starting anything, so a bad input leaves nothing half-done.
    let (data, ty) = read_value(name, value)?;
    let session = Session::open(
        global,
        SessionOptions {
            scope: Some(scope),
            ..Default::default()
        },
    )?;
    let client = blocking::Client::new(session.client.clone());
    let (result, done) = match op {
        Change::Create => (client.create_with(name, data, ty), "Created"),
        Change::Update => (client.update_with(name, data, ty), "Updated"),
    };
    result.map_err(|e| session.fail(e))?;
    eprintln!("{done} secret `{name}` in {}.", session.scope());
    Ok(())
}

pub(crate) fn delete(global: &GlobalArgs, args: &DeleteSecretArgs) -> Result<(), CliError> {
    let session = Session::open(
        global,
        SessionOptions {
            scope: Some(&args.scope),
            ..Default::default()
        },
    )?;
    let client = blocking::Client::new(session.client.clone());
    client.delete(&args.name).map_err(|e| session.fail(e))?;
    // The Python CLI's words.
    println!("Successfully deleted secret {}.", args.name);
    Ok(())
}

pub(crate) fn get(global: &GlobalArgs, args: &GetSecretArgs) -> Result<(), CliError> {
    let session = Session::open(
        global,
        SessionOptions {
            scope: Some(&args.scope),
            ..Default::default()
        },
    )?;
    let client = blocking::Client::new(session.client.clone());
    let (secrets, format) = match &args.name {
        // One secret is shown as JSON unless asked otherwise, as in the Python CLI.
        Some(name) => {
            let s = client.get(name).map_err(|e| session.fail(e))?;
            (vec![s], args.output.unwrap_or(OutputFormat::Json))
        }
        None => {
            let spinner = Spinner::new("Listing secrets", !global.no_progress);
            let mut all = Vec::new();
            for s in client.listall(args.page_size) {
                all.push(s.map_err(|e| session.fail(e))?);
                spinner.inc();
            }
            drop(spinner);
            (all, args.output.unwrap_or(OutputFormat::Table))
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    output::write(&mut out, &secrets, format, output::color_stdout())
        .and_then(|()| out.flush())
        .or_else(ignore_broken_pipe)
        .map_err(CliError::Output)
}

/// `flyte get secret | head` closing the pipe early is not an error.
pub(crate) fn ignore_broken_pipe(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Ok(())
    } else {
        Err(e)
    }
}

fn read_value(
    name: &str,
    args: &ValueArgs,
) -> Result<(flyte::remote::SecretData, flyte::remote::SecretType), CliError> {
    let mut console = Console::new();
    let docker_env = DockerEnv::from_process();
    value::resolve(
        name,
        args,
        Sources {
            input: &mut console,
            docker_env: &docker_env,
            helpers: &HelperProgram,
        },
    )
}
