//! The command line, as clap parses it. Verbs and flags mirror the Python `flyte` CLI
//! (flyte 2.12.1) where it has them: `flyte create secret`, `flyte get secret`, ...

mod help;
pub(crate) mod run_line;
mod secret;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

pub(crate) use secret::{
    CreateSecretArgs, DeleteSecretArgs, GetSecretArgs, OutputFormat, ScopeArgs, TaskScopeArgs,
    TypeArg, UpdateSecretArgs, ValueArgs,
};

/// `flyte`: secrets for Flyte tasks, on a Flyte cluster or the local secret service.
#[derive(Debug, Parser)]
#[command(
    name = "flyte",
    // Told apart from the Python `flyte` CLI on one PATH.
    version = concat!(env!("CARGO_PKG_VERSION"), " (flyte-rs, Rust)"),
    about = "Manage Flyte secrets and run tasks with their secrets injected.",
    long_about = help::LONG_ABOUT,
    after_help = help::MAIN,
    propagate_version = true,
    max_term_width = 100
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes; they override the config file and `FLYTE_*` env vars.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// The secret service endpoint: dns:///host:port, https://host, http://host:port or
    /// host:port. Overrides admin.endpoint and FLYTE_ADMIN_ENDPOINT.
    #[arg(long, global = true, value_name = "ENDPOINT")]
    pub endpoint: Option<String>,

    /// Use plaintext HTTP instead of TLS (admin.insecure).
    #[arg(long, global = true)]
    pub insecure: bool,

    /// The config file to read instead of searching for one.
    #[arg(short = 'c', long = "config", global = true, value_name = "FILE", value_parser = existing_file)]
    pub config: Option<PathBuf>,

    /// The organization (task.org; default: from the endpoint's host).
    #[arg(long, global = true, value_name = "ORG")]
    pub org: Option<String>,

    /// How to log in (admin.authType): pkce (a browser, the default), device-flow/headless
    /// (a code to enter elsewhere), client-secret (admin.clientId and its secret),
    /// external-command (admin.command prints the token).
    #[arg(long, global = true, value_name = "TYPE", value_parser = parse_auth_type)]
    pub auth_type: Option<flyte::remote::AuthType>,

    /// Log more to stderr (-v info, -vv debug, -vvv trace). RUST_LOG also works.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// Never show a progress spinner.
    #[arg(long, global = true)]
    pub no_progress: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Create a resource.
    #[command(subcommand)]
    Create(CreateCommand),
    /// Show resources.
    #[command(subcommand)]
    Get(GetCommand),
    /// Change a resource.
    #[command(subcommand)]
    Update(UpdateCommand),
    /// Remove a resource.
    #[command(subcommand)]
    Delete(DeleteCommand),
    /// Run the local Flyte secret service (SQLite or Postgres, encrypted at rest; or OpenBao /
    /// Vault).
    #[command(after_help = help::SERVE)]
    Serve(Box<crate::serve::ServeArgs>),
    /// Run one task of a task binary as its own process, with its declared secrets injected.
    #[command(after_help = help::RUN)]
    Run(RunArgs),
    /// Check that the secrets a task binary's tasks declare exist where a Flyte cluster looks.
    #[command(after_help = help::CHECK)]
    Check(CheckArgs),
    /// Delete the cached login (OAuth2 tokens) of an endpoint from the OS keyring.
    #[command(after_help = help::LOGOUT)]
    Logout,
    /// Login state.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Print a shell completion script.
    #[command(after_help = help::COMPLETION)]
    Completion(CompletionArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum CreateCommand {
    /// Create a secret; the value comes from --value, --from-file, a hidden prompt or stdin.
    #[command(after_help = help::CREATE_SECRET)]
    Secret(CreateSecretArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum GetCommand {
    /// List all secrets of a scope, or show one. Never shows a value.
    #[command(after_help = help::GET_SECRET)]
    Secret(GetSecretArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum UpdateCommand {
    /// Replace the value of an existing secret.
    #[command(after_help = help::UPDATE_SECRET)]
    Secret(UpdateSecretArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum DeleteCommand {
    /// Delete a secret.
    #[command(after_help = help::DELETE_SECRET)]
    Secret(DeleteSecretArgs),
}

#[derive(Debug, Subcommand)]
pub(crate) enum AuthCommand {
    /// Log in to the endpoint with its identity provider and cache the tokens in the OS
    /// keyring (shared with the Python SDK).
    #[command(after_help = help::AUTH_LOGIN)]
    Login,
    /// The login flow, who the cached token is for and until when (never shows a token).
    #[command(after_help = help::AUTH_STATUS)]
    Status,
}

fn parse_auth_type(s: &str) -> Result<flyte::remote::AuthType, String> {
    s.parse()
        .map_err(|e: flyte::config::ParseAuthTypeError| e.to_string())
}

#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The task binary (built with #[flyte::main]).
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// The task to run (`BINARY list` shows them).
    #[arg(value_name = "TASK")]
    pub task: String,
    #[command(flatten)]
    pub scope: TaskScopeArgs,
    /// The local secret service's data directory: used when no endpoint is configured, and where
    /// the inject token of a service on this machine is read (default: the user data dir).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Show secret values in the task's output (by default each is replaced by
    /// `<secret:NAME>`; values shorter than 6 bytes are never masked).
    #[arg(long, env = flyte::launch::NO_MASKING_ENV, value_parser = clap::builder::FalseyValueParser::new())]
    pub no_masking: bool,

    /// Give the task this variable too, as `docker run -e`: NAME passes this command's value
    /// (if set), NAME=VALUE sets it. Repeatable. Otherwise the task gets a Flyte pod's
    /// environment only. A declared secret's name is refused: give its value to a source.
    #[arg(short = 'e', long = "env", value_name = "NAME[=VALUE]", value_parser = env_arg)]
    pub env: Vec<EnvArg>,

    /// The task's inputs and output, passed on to `BINARY run TASK`: `--inputs JSON`,
    /// `--inputs-file PATH` (`-`: stdin), `--NAME VALUE` per parameter, `--outputs-file PATH`.
    /// Checked by the binary before any secret is resolved. `--NAME` for an input is the
    /// task's even where this command has an option of that name (`--env`).
    #[arg(
        value_name = "TASK_ARGS",
        trailing_var_arg = true,
        allow_hyphen_values = true
    )]
    pub task_args: Vec<std::ffi::OsString>,
}

/// One `--env` of `flyte run`: a name, and the value to set (`None`: pass this process's).
/// `Debug` leaves out the value, which may be a credential.
#[derive(Clone)]
pub(crate) struct EnvArg {
    pub name: String,
    pub value: Option<String>,
}

impl std::fmt::Debug for EnvArg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnvArg")
            .field("name", &self.name)
            .field("value", &self.value.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

fn env_arg(arg: &str) -> Result<EnvArg, String> {
    let (name, value) = match arg.split_once('=') {
        Some((name, value)) => (name, Some(value.to_owned())),
        None => (arg, None),
    };
    if name.is_empty() || name.contains('\0') {
        return Err("expected NAME or NAME=VALUE, with a non-empty NAME".into());
    }
    Ok(EnvArg {
        name: name.to_owned(),
        value,
    })
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// The task binary (built with #[flyte::main]).
    #[arg(value_name = "BINARY")]
    pub binary: PathBuf,
    /// The tasks to check (default: every task of the binary; `BINARY list` shows them).
    #[arg(value_name = "TASK")]
    pub tasks: Vec<String>,
    #[command(flatten)]
    pub scope: TaskScopeArgs,
    /// Output format.
    #[arg(short = 'o', long = "output-format", value_enum, value_name = "FORMAT", default_value_t = CheckFormat::Text)]
    pub output: CheckFormat,
    /// The local secret service's data directory, used when no
    /// endpoint is configured (default: the user data dir).
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
}

/// How `flyte check` prints its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum CheckFormat {
    /// One line per secret, then a summary.
    Text,
    /// One JSON document: per task, per secret, found or missing, where.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `click.Path(exists=True)`: a missing file is a usage error.
pub(crate) fn existing_file(s: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(s);
    if path.is_file() {
        Ok(path)
    } else if path.exists() {
        Err(format!("`{s}` is not a file"))
    } else {
        Err(format!("file `{s}` does not exist"))
    }
}

/// A path to read a value from as a stream: a file, or a FIFO, `/dev/null`, a process
/// substitution (`<(cmd)`, a `/dev/fd/N` pipe). Only a directory or a missing path is refused;
/// `metadata` does not open it, so a pipe is not consumed by the check.
pub(crate) fn readable_path(s: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(s);
    match std::fs::metadata(&path) {
        Ok(m) if m.is_dir() => Err(format!("`{s}` is a directory, not a file")),
        Ok(_) => Ok(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(format!("file `{s}` does not exist"))
        }
        Err(e) => Err(format!("cannot use `{s}`: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        super::Cli::command().debug_assert();
    }

    /// The parsed command line, as `Debug` shows it, holds no value given on it.
    #[test]
    fn debug_of_the_command_line_shows_no_value() {
        use clap::Parser;
        for argv in [
            &[
                "flyte",
                "create",
                "secret",
                "k",
                "--value",
                "hunter2-cli-value",
            ][..],
            &[
                "flyte",
                "update",
                "secret",
                "k",
                "--value",
                "hunter2-cli-value",
            ][..],
            &[
                "flyte",
                "run",
                "--env",
                "TOKEN=hunter2-cli-value",
                "./bin",
                "t",
            ][..],
        ] {
            let cli = super::Cli::try_parse_from(argv).unwrap();
            let shown = format!("{cli:?}");
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("[redacted]"), "{shown}");
        }
    }
}
