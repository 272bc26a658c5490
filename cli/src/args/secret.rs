//! Arguments of the secret commands.

use std::path::PathBuf;

use clap::{Args, ValueEnum};
use flyte::config::Config;

use crate::error::CliError;

/// `-p/--project` and `-d/--domain`. Unset means the organization scope, as in the Python
/// CLI (the config's task.project and task.domain are not used by the secret commands).
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct ScopeArgs {
    /// Project to which this command applies (default: none, the organization scope).
    #[arg(short, long, value_name = "PROJECT")]
    pub project: Option<String>,
    /// Domain to which this command applies (default: none, the organization scope).
    #[arg(short, long, value_name = "DOMAIN")]
    pub domain: Option<String>,
}

impl ScopeArgs {
    pub(crate) fn is_org_wide(&self) -> bool {
        self.project.as_deref().unwrap_or("").is_empty()
            && self.domain.as_deref().unwrap_or("").is_empty()
    }

    /// A usage error for a project without a domain, before any call: a Flyte cluster keeps
    /// secrets organization-wide, per domain, or per project within a domain, and refuses
    /// the rest.
    pub(crate) fn check(&self) -> Result<(), CliError> {
        let empty = |part: &Option<String>| part.as_deref().unwrap_or("").is_empty();
        if empty(&self.project) || !empty(&self.domain) {
            return Ok(());
        }
        Err(CliError::Usage(format!(
            "project `{}` needs a domain (-d/--domain): a Flyte cluster keeps secrets \
             organization-wide, per domain, or per project within a domain",
            self.project.as_deref().unwrap_or("")
        )))
    }
}

/// `-p/--project` and `-d/--domain` of the task commands: where the tasks run. Unset, they
/// are the config's, as the Python SDK runs tasks in task.project and task.domain.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct TaskScopeArgs {
    /// Project the tasks run in (default: task.project, FLYTE_TASK_PROJECT).
    #[arg(short, long, value_name = "PROJECT")]
    pub project: Option<String>,
    /// Domain the tasks run in (default: task.domain, FLYTE_TASK_DOMAIN).
    #[arg(short, long, value_name = "DOMAIN")]
    pub domain: Option<String>,
}

impl TaskScopeArgs {
    /// The flags, else the config; a project without a domain is a usage error.
    pub(crate) fn resolve(&self, config: &Config) -> Result<ScopeArgs, CliError> {
        let scope = ScopeArgs {
            project: (self.project.clone()).or_else(|| config.project().map(str::to_owned)),
            domain: (self.domain.clone()).or_else(|| config.domain().map(str::to_owned)),
        };
        scope.check()?;
        Ok(scope)
    }
}

/// Python's secret type names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum TypeArg {
    /// A generic secret.
    #[default]
    Regular,
    /// Registry credentials (a dockerconfigjson); organization-scoped only.
    #[value(name = "image_pull")]
    ImagePull,
}

impl From<TypeArg> for flyte::remote::SecretType {
    fn from(t: TypeArg) -> Self {
        match t {
            TypeArg::Regular => flyte::remote::SecretType::Regular,
            TypeArg::ImagePull => flyte::remote::SecretType::ImagePull,
        }
    }
}

/// Where the value of `create secret` / `update secret` comes from. `Debug` leaves out the
/// value of `--value`.
#[derive(Args, Clone, Default)]
pub(crate) struct ValueArgs {
    /// The secret value. It ends up in shell history and `ps`: prefer the prompt or stdin.
    #[arg(long, value_name = "VALUE", conflicts_with_all = ["from_file", "from_docker_config", "registry"])]
    pub value: Option<String>,

    /// Read the value (bytes, as is) from this file; a pipe such as `<(cmd)` or `/dev/stdin`
    /// works too.
    #[arg(
        long,
        value_name = "FILE",
        value_parser = super::readable_path,
        conflicts_with_all = ["value", "from_docker_config", "registry"]
    )]
    pub from_file: Option<PathBuf>,

    /// Type of the secret.
    #[arg(long = "type", value_enum, default_value_t = TypeArg::Regular, value_name = "TYPE")]
    pub secret_type: TypeArg,

    /// Build an image pull secret from the Docker config file (only for --type image_pull).
    #[arg(long, conflicts_with_all = ["value", "from_file", "registry", "username", "password"])]
    pub from_docker_config: bool,

    /// Path to the Docker config file (default: $DOCKER_CONFIG/config.json, else
    /// ~/.docker/config.json). Requires --from-docker-config.
    #[arg(long, value_name = "PATH", value_parser = super::existing_file, requires = "from_docker_config")]
    pub docker_config_path: Option<PathBuf>,

    /// Comma-separated registries to include (default: all in the Docker config). Requires
    /// --from-docker-config.
    #[arg(long, value_name = "REGISTRIES", requires = "from_docker_config")]
    pub registries: Option<String>,

    /// Registry host (e.g. ghcr.io, docker.io) for explicit credentials (only for --type
    /// image_pull); the password is prompted for, or read from stdin.
    #[arg(long, value_name = "REGISTRY", conflicts_with_all = ["value", "from_file", "from_docker_config"])]
    pub registry: Option<String>,

    /// Username for the registry (prompted for when omitted). Requires --registry.
    #[arg(long, value_name = "USERNAME", requires = "registry")]
    pub username: Option<String>,

    /// Password for the registry (prompted for when omitted), as the Python CLI's. It ends up
    /// in shell history and `ps`: prefer the prompt or stdin. Requires --registry.
    #[arg(long, value_name = "PASSWORD", requires = "registry")]
    pub password: Option<String>,
}

impl std::fmt::Debug for ValueArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValueArgs")
            .field("value", &self.value.as_ref().map(|_| "[redacted]"))
            .field("from_file", &self.from_file)
            .field("secret_type", &self.secret_type)
            .field("from_docker_config", &self.from_docker_config)
            .field("docker_config_path", &self.docker_config_path)
            .field("registries", &self.registries)
            .field("registry", &self.registry)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

#[derive(Debug, Args)]
pub(crate) struct CreateSecretArgs {
    /// Name of the secret: letters, digits, `-` and `_`.
    #[arg(value_name = "NAME", value_parser = SecretName)]
    pub name: String,
    #[command(flatten)]
    pub value: ValueArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct UpdateSecretArgs {
    /// Name of an existing secret.
    #[arg(value_name = "NAME", value_parser = SecretName)]
    pub name: String,
    #[command(flatten)]
    pub value: ValueArgs,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct GetSecretArgs {
    /// Show only this secret (default: list all of the scope).
    #[arg(value_name = "NAME", value_parser = SecretName)]
    pub name: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    /// Output format (default: table for a listing, json for one secret, as the Python CLI).
    #[arg(short = 'o', long = "output-format", value_enum, value_name = "FORMAT")]
    pub output: Option<OutputFormat>,
    /// Secrets asked for per request while listing.
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub page_size: u32,
}

#[derive(Debug, Args)]
pub(crate) struct DeleteSecretArgs {
    /// Name of the secret.
    #[arg(value_name = "NAME", value_parser = SecretName)]
    pub name: String,
    #[command(flatten)]
    pub scope: ScopeArgs,
}

/// The Python CLI's output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum OutputFormat {
    /// A table with borders.
    Table,
    /// A table without borders, columns separated by spaces.
    #[value(name = "table-simple")]
    TableSimple,
    /// Indented JSON: an array of secrets (proto3 JSON mapping).
    Json,
    /// Compact JSON on one line.
    #[value(name = "json-raw")]
    JsonRaw,
}

/// A name a secret service can hold, checked before anything starts: a Flyte cluster refuses
/// any other with `invalid_argument`, and the local service would be started for nothing.
/// A parser of its own, not a function: clap would print the name raw before the message,
/// control characters and all.
#[derive(Clone)]
struct SecretName;

impl clap::builder::TypedValueParser for SecretName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        match value.to_str() {
            Some(name) if flyte_spec::is_storable_name(name) => Ok(name.to_owned()),
            _ => Err(clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "no secret service stores a secret named {:?}: a name is {}\n",
                    value.to_string_lossy(),
                    flyte_spec::SERVICE_NAME_RULE
                ),
            )
            .with_cmd(cmd)),
        }
    }
}
