//! The `#[task]` and `#[flyte::main]` attributes of the `flyte` crate. Use them through
//! `flyte` (`use flyte::task;`, `#[flyte::main]`): the generated code refers to `::flyte`.
//!
//! The reference of each attribute is on its own page: [`macro@task`] and [`macro@main`].

mod accessor;
mod diag;
mod expand;
mod io;
mod item;
mod lit;
mod main_fn;
mod parse;
mod site;
mod task;
mod validate;

use proc_macro::TokenStream;

/// Declares a task and the secrets it needs.
///
///
/// ```ignore
/// use flyte::task;
///
/// #[task(secrets = "my-secret")]                                      // env var MY_SECRET
/// fn secret_task() {}
///
/// #[task(secrets = Secret(key = "api-key", as_env_var = "OPENAI_API_KEY"))]
/// fn custom_env_task() {}
///
/// #[task(secrets = Secret(key = "config", mount = "/etc/flyte/secrets"))]  // a file
/// fn file_secret_task() {}
///
/// #[task(secrets = ["db-password", Secret(key = "token", group = "github")])]  // DB_PASSWORD, GITHUB_TOKEN
/// async fn many(x: u32) -> Result<u32, MyError> { Ok(x) }
/// ```
///
/// `Secret(...)` inside the attribute is syntax read by the macro, not a call, so it needs no
/// import; `flyte::Secret(...)` works too. Its fields are `key` (required), `group`, `mount`
/// and `as_env_var`, each a string literal. A `use flyte::Secret;` in the task's module counts
/// as used (existing code stays free of warnings); one inside a function body that only the
/// attribute uses is reported unused, and can go. The rules are those of `flyte-spec`, the
/// same the runtime applies to `flyte::Secret`:
///
/// - without `mount` or `as_env_var`, the env var is `group_key` (or `key`) with `-` turned
///   into `_`, upper-cased; every env-var name must match `^[A-Z_][A-Z0-9_]*$`;
/// - `mount` must be `/etc/flyte/secrets` (a trailing slash is fine); the file is
///   `<mount>/<key>`, as a Flyte 2 cluster's default injector writes it (other injectors use
///   `<mount>/<group>/<key>`), so key and group must not be empty, `.`, `..`, or hold `/`;
/// - no env var may be one the dynamic loader reads (`LD_*`, `DYLD_*`) or one every task
///   process already has (`PATH`, `HOME`, ...: `flyte::launch::INHERITED_ENV`), where the
///   secret would never be read;
/// - `mount` and `as_env_var` exclude each other; no two secrets of a task may land on the
///   same env var or file, nor share a key across groups (a Flyte cluster looks secrets up
///   by key alone); `key` and `group` must not be empty.
///
/// Each broken rule is a compile error at the offending literal, with the rule and the fix,
/// and all of them are reported in one compile. On any error the function is left exactly as
/// written, so one mistake gives one error.
///
/// The function keeps its name and signature (sync or `async`, arguments, generics, `where`,
/// visibility, attributes). Its body first resolves the declared secrets; if that fails the
/// body does not run: a task returning `Result<T, E>` with `E: From<flyte::Error>` returns
/// the error, any other task panics with it (the message names secrets, never values).
///
/// Inside the body, `flyte::secret!("key")` and `flyte::secret!("key", group = "g")` read
/// the declared secrets; a literal key (and group) that the task does not declare is a
/// compile error at that literal.
///
/// Reading a declared secret the process-only way is a warning (lint `deprecated`, at the
/// literal): `std::env::var("MY_SECRET")` / `var_os(..)` (any call named `var` or `var_os`
/// whose first argument is a string literal equal to a declared env var), or a string literal
/// equal to a declared file secret's `/etc/flyte/secrets/<key>` given directly as an argument
/// of any call (`fs::read_to_string`, `fs::read`, `File::open`, `Path::new`, ...). Such reads
/// find the secret only when the task runs as its own process (the file only where
/// `/etc/flyte/secrets` is writable, and on a cluster only under the default Embedded
/// injector: the others nest it in a group directory); `flyte::secret!("key")` works
/// everywhere. A literal
/// bound to a variable first is not seen. Silence it with `#[allow(deprecated)]` on the task.
///
/// # Running a task as its own process, and tasks inside `impl` blocks
///
/// A task is registered (with its secrets, parameters and return type) for `BIN list`. It
/// can also be run as the whole process with `BIN run NAME` when it is a free function, not
/// `unsafe`, without generics, whose parameters are plain names of owned types implementing
/// `serde::de::DeserializeOwned` (at most 16): `BIN run NAME --inputs '{"n": 5}'`,
/// `--inputs-file PATH`, or `--n 5`. Its return value is printed as JSON when it implements
/// `serde::Serialize`, else through `Debug` (nothing for `()`); an `Err` goes to stderr
/// through `Display`, exit 1. A task with any other parameter (a reference, `impl Trait`, a
/// type without `Deserialize`) compiles as written and is called from Rust code only; `BIN
/// list` and `BIN run` say why. The choice by type is made at compile time by the runtime,
/// so the macro needs no bound on the types. A parameter of such a task named like one of the
/// runner's own options (`inputs`, `inputs_file`, `outputs_file`, `check_inputs`) is a
/// `deprecated` warning at its name: `--inputs 5` is the runner's, so that input can be given
/// only inside the `--inputs` JSON.
///
/// An attribute macro cannot see whether its function sits inside an `impl` (or trait)
/// block, and from there the generated runner cannot call it. So:
///
/// - a method (with `self`), a function with generics, or one whose signature mentions
///   `Self` is a task for in-process calls only, with no `impl` handling needed; so is one
///   with parameters that the macro finds inside a block in its source file, or that another
///   macro writes (a `macro_rules!` body or input), where the file does not show what
///   encloses it;
/// - an associated function with none of these must say where it is:
///   `#[task(in_impl, secrets = ...)]`. Without `in_impl` the build fails with an error that
///   names the fix; the macro finds the block in the function's source file, and where it
///   cannot (code another macro writes), the error is rustc's "cannot find function `NAME` in
///   this scope", from the runner that calls it as a free function. (A task that takes
///   nothing keeps its runner there, as a free function another macro writes is runnable.)
///
/// A task in a block is named `Type::name` (`Db::connect`; `Job::provided` in a trait) in
/// messages, and `BIN list` puts the type in its module path, so namesakes in two blocks of
/// one module stay apart. Where the source file does not show the block, the name is the
/// function's alone.
///
#[proc_macro_attribute]
pub fn task(attr: TokenStream, item: TokenStream) -> TokenStream {
    task::task(attr.into(), item.into()).into()
}

/// Marks the binary's `fn main` as flyte's entry point.
///
///
/// On the binary's `fn main()` (sync, no arguments): calls flyte's entry point first, which
/// handles `BIN run TASK`, `BIN list` and `BIN help` and exits, and otherwise returns to run
/// the body (any other command line, `--help` included, is the body's).
/// For an async main, put `#[tokio::main]` above `#[flyte::main]`, so that the runtime
/// starts after the entry point.
///
/// `BIN run TASK`: `TASK` is a task's name, its path below the crate root (`mod_a::same_name`)
/// or its full path (`my_crate::mod_a::same_name`, shown as `path` by `BIN list`); a name two
/// tasks share is a usage error (exit 2) listing their paths. When a declared secret is not in
/// the process, `BIN run` resolves it from the configuration `flyte run` reads
/// (`flyte::Config::load`: the Python SDK's config file and `FLYTE_*` variables): the dotenv
/// file, then, if an endpoint is configured, that secret service (by key in project+domain,
/// the domain, organization-wide), with `FLYTE_API_KEY` or the configured token source. To
/// point it elsewhere set `FLYTE_ADMIN_ENDPOINT`, `FLYTE_TASK_PROJECT`, `FLYTE_TASK_DOMAIN`,
/// `FLYTE_API_KEY`, name a config file with `FLYTECTL_CONFIG`, or run the task with
/// `flyte run BIN TASK`. A config that cannot be read stops the run (exit 3), naming the file.
///
/// # Tasks in library crates
///
/// Tasks register themselves when their crate is linked, and rustc links a dependency only
/// when the binary names it. A binary whose tasks are all in a library (`src/lib.rs` of the
/// same package, or another crate) and whose `main` never mentions it would have no tasks in
/// `BIN list` and `BIN run`. Name such crates in `tasks_from`:
///
/// ```ignore
/// #[flyte::main(tasks_from = [my_tasks, billing])]   // crate names as Rust code writes them
/// fn main() {}
/// ```
///
/// Each crate is linked (`extern crate my_tasks as _;`), with all its tasks; one the binary
/// names anyway may be listed too. The binary's own tasks are always there.
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    main_fn::main(attr.into(), item.into()).into()
}
