//! Running a task as its own process, with its secrets in place before it starts.
//!
//! The process environment is never written here or anywhere in this crate: a launched task
//! gets its env-var secrets through [`std::process::Command::env`] and its file secrets in a
//! prepared directory (see [`crate::mount`]). The entry point ([`crate::main`]) makes a task
//! binary answer `BIN list`, `BIN run TASK` and `BIN help` (`BIN run TASK --help`: the task's
//! inputs and secrets); when `run` finds declared secrets missing
//! from its own environment it launches itself through a [`Launcher`] rather than editing
//! its environment.
//!
//! # `BIN run TASK`
//!
//! `TASK` is a task's name, its path below the crate root (`mod_a::same_name`) or its full
//! path (`my_crate::mod_a::same_name`, the `path` of `BIN list`); `flyte run` and
//! `flyte check` take the same ([`TaskList::find`]). A name two tasks share is a usage error
//! (exit code [`EXIT_USAGE`]) listing their paths.
//!
//! When a declared secret is not in the process, `BIN run` resolves it from the
//! configuration `flyte run` reads ([`crate::Config::load`]): the process, the dotenv file
//! (`secrets.file`, `FLYTE_SECRETS_FILE`), then the configured secret service (with no
//! endpoint, the local default of [`crate::local`]: the `flyte serve` the data directory
//! advertises, or the service started in-process), asked by key in `task.project` +
//! `task.domain`, the domain, then organization-wide, with `FLYTE_API_KEY`, the configured
//! token source or the local service's inject token. `flyte::init` is
//! not consulted (nothing runs before `#[flyte::main]`). To point it elsewhere, set the
//! `FLYTE_*` env vars (`FLYTE_ADMIN_ENDPOINT`, `FLYTE_TASK_PROJECT`, `FLYTE_TASK_DOMAIN`,
//! `FLYTE_API_KEY`, ...) or name a config file with `FLYTECTL_CONFIG` / `UCTL_CONFIG`; or
//! run the task with `flyte run BIN TASK` and its flags. A config that cannot be read or
//! used stops the run before the task starts (exit code [`EXIT_NOT_STARTED`]), naming the
//! file or variable. The config is read only when a secret is missing, so a pod whose
//! secrets are injected never reads it.
//!
//! # Inputs and outputs
//!
//! A task whose parameters are all owned `serde::de::DeserializeOwned` types (no references,
//! no `self`, no generics) takes them from the command line, by parameter name:
//!
//! - `BIN run TASK --inputs '{"n": 5, "label": "a"}'`, or `--inputs-file PATH` (`-`: stdin);
//! - or one flag per parameter, `--n 5 --label a` (`--my-name` for `my_name` works too): a
//!   value is JSON when it parses as JSON, else a string, so `--label a` needs no quotes;
//!   JSON the parameter's type does not take is read as the flag's text when the type takes
//!   that string (`--label 5` for a `String` is `"5"`; `--n 5` for a `u32` stays 5). Only
//!   flags: `--inputs` JSON is read as it is.
//!
//! An `Option<...>` parameter may be left out. A missing, unknown or mistyped input,
//! malformed JSON, or `--inputs` together with per-input flags, is a usage error (exit code
//! [`EXIT_USAGE`]) naming the input and its type: the body does not run and no secret is
//! resolved. `flyte run BIN TASK ARGS...` takes the same arguments ([`Launcher::args`]).
//!
//! The return value is printed on stdout: as one JSON document when its type implements
//! `serde::Serialize`, else its `Debug` form, nothing for `()`. For `Result<T, E>`, `T` so and
//! exit 0, or `E` through `Display` (else `Debug`) on stderr and exit 1. `--outputs-file PATH`
//! writes the JSON there instead (`null` for `()`). When `BIN run` relaunches itself, the
//! child gets the checked inputs and prints the output; the parent prints nothing more.
//!
//! # Masking
//!
//! A launched task's stdout and stderr pass through a [`Masker`]: every resolved value of at
//! least 6 bytes becomes `<secret:NAME>` (`key` or `group/key`), also when
//! the task writes it in pieces; other bytes pass unchanged and a line reaches the terminal
//! within 50 ms. What could start a value is held back that long and no longer, so a value
//! whose pieces are written more than 50 ms apart is not masked.
//! [`Launcher::masking`]`(false)`, `flyte run --no-masking` or [`NO_MASKING_ENV`] (for
//! `BIN run`) turn it off. Only what the task writes to its stdout
//! and stderr is masked: a file it writes, or a grandchild given another descriptor, is not.
//!
//! # `BIN list`
//!
//! `BIN list [--format json|proto]` describes the binary's tasks without running them and
//! without reading any secret value. An unknown format, or any other argument, is a usage
//! error (exit code [`EXIT_USAGE`], the message names the value and the allowed formats).
//!
//! - `--format json` (the default): a [`TaskList`], pretty-printed. Per task: `name`,
//!   `module`, `runnable` (and `why_not_runnable` when it is not), `inputs` (`name`, `type` as
//!   written, `required`), `output` (the return type as written), `secrets` (key, group, and `env_var` or `file`, where `file` is a
//!   path below the mount directory) and `security_context`, the task's
//!   `flyteidl2.core.SecurityContext` in proto3 JSON, as the Python SDK's
//!   `get_security_context` builds it for the task template a Flyte cluster reads:
//!
//!   ```json
//!   {"secrets": [{"key": "my-secret", "mountRequirement": "ENV_VAR", "envVar": "MY_SECRET"},
//!                {"group": "grp", "key": "cfg", "mountRequirement": "FILE"}]}
//!   ```
//!
//!   A cluster injects only the secrets named there: an env secret as `ENV_VAR` with its
//!   `envVar`, a file secret as `FILE` (the cluster decides the path). A task without
//!   secrets has `{}`. Lists printed by older binaries lack the field; it then reads as
//!   empty, and [`TaskInfo::derived_security_context`] works it out from `secrets`.
//! - `--format proto`, for launchers in other languages: one line per task,
//!   `NAME<TAB>BASE64`, where `BASE64` is the standard base64 (with padding) of the binary
//!   `flyteidl2.core.SecurityContext`, the same message as the JSON's `security_context`
//!   (empty for a task without secrets). `NAME` is what `BIN run` takes: the task's name,
//!   or its full path when another task shares the name. Neither holds a tab or a newline.
//!
//! A launcher does not trust what `BIN list` prints: it kills `list` after
//! 10 s ([`Launcher::list_timeout`]) or 1 MiB of
//! output, and refuses a list whose secrets break the `flyte-spec` rules: a file secret must
//! land exactly at its key inside the mount dir (no `/`, `..` or NUL), an env secret needs a
//! valid name that is no loader variable (`LD_*`, `DYLD_*`) nor one of [`INHERITED_ENV`],
//! each secret is either an env var
//! or a file, and no two secrets land on one place.
//!
//! # Environment
//!
//! A launched task (and `BIN list`) does not inherit the launcher's environment: it starts
//! from an empty one with what a Flyte pod would hold:
//!
//! - the launcher's variables named in [`INHERITED_ENV`], when set: `PATH`, `HOME`, `USER`,
//!   `LANG`, `LC_*`, `TZ`, `TMPDIR`, `TERM`; `FLYTE_SECRETS_ROOT` (where file secrets of
//!   tasks called in-process go: a path, no value); a pod's `FLYTE_INTERNAL_EXECUTION_ID`,
//!   `FLYTE_INTERNAL_EXECUTION_PROJECT`, `FLYTE_INTERNAL_EXECUTION_DOMAIN`,
//!   `FLYTE_INTERNAL_TASK_PROJECT`, `FLYTE_INTERNAL_TASK_DOMAIN`, `FLYTE_INTERNAL_TASK_NAME`,
//!   `FLYTE_INTERNAL_TASK_VERSION`, `ACTION_NAME`, `RUN_NAME`, `_U_ORG_NAME`;
//! - what was asked for with [`Launcher::env`] (`flyte run --env NAME[=VALUE]`);
//! - the declared env secrets, under their declared names;
//! - the runtime's markers: `FLYTE_TASK_LAUNCHED`, and `FLYTE_TASK_RUN_ID` when its
//!   files are in the standard dir; the pod's `FLYTE_SECRETS_ENV_PREFIX`, and for file
//!   secrets `FLYTE_SECRETS_DEFAULT_DIR` and `FLYTE_SECRETS_FILE_PREFIX`.
//!
//! `BIN run` relaunching itself in a Flyte task pod is the exception: the child keeps the
//! pod's whole environment and gets only the declared env secrets and `FLYTE_TASK_LAUNCHED`
//! over it; no file is written, the pod's file secrets are read where they are.
//!
//! An extra variable under a name of the last two groups is refused, since it would be
//! overwritten without a word. Nothing else reaches the task: not the launcher's credentials
//! (`FLYTE_API_KEY`, `FLYTE_SERVER_TOKENS`, ...), not its dotenv file (`FLYTE_SECRETS_FILE`;
//! the task's own secrets are already in place), not the loader's variables.
//!
//! The messages are [`crate::secret::SecurityContext`] and [`crate::secret::CoreSecret`]
//! (`flyte_idl::core`); [`crate::secret::security_context`] builds one from declared
//! secrets and [`crate::Secret::core_secret`] from a run-time request, by the same rule.

mod describe;
pub(crate) mod entry;
mod env;
mod help;
mod inputs;
mod launcher;
mod listing;
mod lookup;
mod mask;
mod output;
mod run_config;
mod signals;
mod validate;

pub use describe::{InputInfo, ListFormat, SecretInfo, TaskInfo, TaskList};
pub use env::INHERITED_ENV;
pub use help::is_help_flag;
pub use inputs::InputError;
pub use launcher::{Launcher, Prepared, Started};
pub use lookup::TaskLookupError;
pub use mask::NO_MASKING_ENV;
// For the masking bench only.
#[doc(hidden)]
pub use mask::{MaskStream, Masker};
pub use signals::SignalForward;

/// Set in a launched task's environment, so a task that still misses secrets reports them
/// instead of launching itself again.
pub(crate) const LAUNCHED_ENV: &str = flyte_spec::LAUNCHED_VAR;

/// Exit code of a task binary when the task is unknown or cannot be run from the command line.
pub const EXIT_USAGE: i32 = 2;
/// Exit code when the task did not start because its secrets could not be resolved.
pub const EXIT_NOT_STARTED: i32 = 3;
