//! [`Launcher`]: starts a task binary as `BIN run TASK` with the task's secrets in place.

use std::ffi::OsString;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::LAUNCHED_ENV;
use super::describe::{TaskInfo, TaskList};
use super::mask::Masker;
use super::output;
use crate::Error;
use crate::mount::{MountDir, standard_dir_writable};
use crate::secret::SecretDef;
use crate::sources::{Found, PodLayout, Resolved, Resolver};

/// Starts task binaries. Secrets are resolved in this process, from the resolver's sources,
/// and handed to the child as a Flyte pod gets them: env secrets under their declared names
/// with `Command::env`, file secrets as `<dir>/<key>`, and the variables a pod carries
/// (`FLYTE_SECRETS_ENV_PREFIX`, and for file secrets `FLYTE_SECRETS_DEFAULT_DIR` naming the
/// directory and an empty `FLYTE_SECRETS_FILE_PREFIX`). The files are removed when the child
/// ends. The child's environment is cleared first: see [the module docs](super#environment).
///
/// Masking (on unless [`Launcher::masking`] turns it off): every resolved value of at least
/// 6 bytes is replaced by `<secret:NAME>` in the
/// task's stdout and stderr. The child writes to pipes and one thread per stream copies
/// them, masked, to this process's stdout and stderr. This replaces any `Stdio` set on
/// [`Prepared::command`] for those two streams; [`Prepared::capture_output`] sends the
/// masked streams to `Started::child.stdout`/`stderr` instead, to be read as with
/// `Stdio::piped()`. With masking off, or nothing to mask, the child gets the command's
/// stdout and stderr as set (inherited by default) and nothing is masked.
#[derive(Debug, Clone)]
pub struct Launcher {
    program: PathBuf,
    resolver: Option<Resolver>,
    mount_root: Option<PathBuf>,
    env: Vec<(OsString, OsString)>,
    args: Vec<OsString>,
    list_timeout: Duration,
    masking: bool,
    in_pod: bool,
    end_with_launcher: bool,
}

/// A task ready to start: the command, and the files it needs (removed on drop). Its
/// `Debug` leaves out the command's environment, which holds secret values.
pub struct Prepared {
    /// `BIN run TASK` with the child's environment, env secrets included; adjust it (e.g.
    /// its stdin, working dir) before [`Prepared::spawn`].
    pub command: Command,
    mount: Option<MountDir>,
    masker: Option<Arc<Masker>>,
    capture: bool,
}

/// A started task; wait for it with [`Started::wait`] so its files are removed after.
#[derive(Debug)]
#[must_use = "wait for the task so its secret files are removed"]
pub struct Started {
    /// The running task process. With [`Prepared::capture_output`], its `stdout` and
    /// `stderr` give the masked output.
    pub child: Child,
    mount: Option<MountDir>,
    pumps: Vec<JoinHandle<()>>,
}

impl Launcher {
    /// A launcher for the task binary at `program`, with the defaults: the current
    /// resolver, the standard or a private mount directory, masking on.
    pub fn new(program: impl Into<PathBuf>) -> Self {
        Launcher {
            program: program.into(),
            resolver: None,
            mount_root: None,
            env: Vec::new(),
            args: Vec::new(),
            list_timeout: super::listing::LIST_TIMEOUT,
            masking: true,
            in_pod: false,
            end_with_launcher: false,
        }
    }

    /// For `BIN run` relaunching itself in a Flyte task pod, where this environment is the
    /// pod's: the child keeps all of it, and the launch only adds the declared names of the
    /// env secrets (and its marker). It writes no files and sets no `FLYTE_SECRETS_*`
    /// variable: the pod's file secrets are where the cluster put them, and code that reads
    /// `$FLYTE_SECRETS_DEFAULT_DIR/<group>/<key>` must keep finding them there.
    #[must_use]
    pub(crate) fn in_task_pod(mut self) -> Self {
        self.in_pod = true;
        self
    }

    /// Linux: the task gets SIGTERM when the thread that started it ends, the launcher killed
    /// with SIGKILL included, so it does not go on alone with its secrets (default: off).
    /// The kernel ties this to the starting *thread* (`PR_SET_PDEATHSIG`), not the process:
    /// turn it on only where that thread waits for the task, as `flyte run` and `BIN run` do.
    /// Elsewhere it does nothing.
    #[must_use]
    pub fn end_with_launcher(mut self, on: bool) -> Self {
        self.end_with_launcher = on;
        self
    }

    /// Whether to mask secret values in the task's stdout and stderr (default: on).
    #[must_use]
    pub fn masking(mut self, on: bool) -> Self {
        self.masking = on;
        self
    }

    /// Resolve secrets with this resolver instead of [`Resolver::current`].
    #[must_use]
    pub fn resolver(mut self, resolver: Resolver) -> Self {
        self.resolver = Some(resolver);
        self
    }

    /// Put file secrets in a private directory under `root` (never the standard
    /// `/etc/flyte/secrets`).
    #[must_use]
    pub fn mount_root(mut self, root: impl Into<PathBuf>) -> Self {
        self.mount_root = Some(root.into());
        self
    }

    /// An extra (non-secret) env var for the child, beyond the inherited ones
    /// ([`super::INHERITED_ENV`]). A name the launch sets itself (a declared env secret's, or
    /// one of the pod variables) is refused by [`Launcher::prepare`]: it would be overwritten.
    #[must_use]
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Arguments for the task after `run TASK`: its inputs (`--inputs JSON`, `--inputs-file
    /// PATH`, `--NAME VALUE`) and `--outputs-file PATH` (see [the module
    /// docs](super#inputs-and-outputs)). [`Launcher::run`] checks them with the binary
    /// before it resolves any secret; [`Launcher::check_inputs`] does that alone.
    #[must_use]
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Asks the binary whether task `name` takes these inputs (`BIN run NAME --check-inputs
    /// ARGS`, which never runs the body), and gives back the arguments that pass them on
    /// checked: the `--inputs JSON` it printed, and the `--outputs-file` of `args`. Refused
    /// inputs are [`Error::Inputs`], with the binary's message. Stdin is the launcher's, for
    /// `--inputs-file -`.
    pub fn check_inputs(&self, name: &str, args: &[OsString]) -> Result<Vec<OsString>, Error> {
        super::inputs::check_with(&self.program, name, args)
    }

    /// How long `BIN list` may take before it is killed (default 10 s).
    #[must_use]
    pub fn list_timeout(mut self, timeout: Duration) -> Self {
        self.list_timeout = timeout;
        self
    }

    /// Asks the binary for its tasks (`BIN list`), within the time and size bounds, and checks
    /// every declaration with the `flyte-spec` rules before anything trusts it.
    pub fn describe(&self) -> Result<TaskList, Error> {
        let fail = |message: String| Error::NotTaskBinary {
            program: self.program.clone(),
            message,
        };
        let shown = self.program.display();
        let out = super::listing::list_output(&self.program, self.list_timeout).map_err(fail)?;
        let list: TaskList = serde_json::from_slice(&out).map_err(|e| {
            fail(format!(
                "`{shown} list` did not print a task list (a task binary has `#[flyte::main]`): {e}"
            ))
        })?;
        super::validate::check_list(&list)
            .map_err(|why| fail(format!("`{shown} list` declares a refused secret: {why}")))?;
        Ok(list)
    }

    /// Runs task `name` of the binary to completion: describe, resolve, start, wait, clean up.
    pub fn run(&self, name: &str) -> Result<ExitStatus, Error> {
        let list = self.describe()?;
        let task = list.find(name).map_err(|e| Error::Launch {
            task: name.to_owned(),
            message: format!("{}: {e}", self.program.display()),
        })?;
        self.run_named(task, &list.run_name(task))
    }

    /// Runs a task whose description is already known. Started as `BIN run NAME`: for a
    /// task whose name another task shares, use [`Launcher::run`] (it passes the path).
    pub fn run_info(&self, task: &TaskInfo) -> Result<ExitStatus, Error> {
        self.run_named(task, &task.name)
    }

    fn run_named(&self, task: &TaskInfo, name: &str) -> Result<ExitStatus, Error> {
        if !task.runnable {
            let why = task.why_not_runnable.as_deref().unwrap_or("");
            return Err(Error::Launch {
                task: name.to_owned(),
                message: format!("cannot be run as its own process: {why}"),
            });
        }
        let mut launcher = self.clone();
        if !task.inputs.is_empty() || !self.args.is_empty() {
            launcher.args = self.check_inputs(name, &self.args)?;
        }
        launcher.prepare(name, &task.secret_defs())?.spawn()?.wait()
    }

    /// Resolves the secrets and builds the command, without starting it.
    pub fn prepare(&self, task: &str, secrets: &[SecretDef<'_>]) -> Result<Prepared, Error> {
        let resolved = self.resolve(task, secrets)?;
        self.build(task, &resolved)
    }

    /// The secrets' values; nothing is written yet.
    pub(super) fn resolve<'a>(
        &self,
        task: &str,
        secrets: &[SecretDef<'a>],
    ) -> Result<Vec<Resolved<'a>>, Error> {
        // Sweep first: a killed run's files must be gone before a source could read them.
        crate::mount::sweep_stale();
        self.check_env(task, secrets)?;
        let resolver = self.resolver.clone().unwrap_or_else(Resolver::current);
        resolver.resolve(task, secrets)
    }

    /// The command for values already resolved, with their files written.
    pub(super) fn build(&self, task: &str, resolved: &[Resolved<'_>]) -> Result<Prepared, Error> {
        let mut command = Command::new(&self.program);
        command.arg("run").arg(task).args(&self.args);
        if self.in_pod {
            // This run writes no files; another run's id would mislead the child.
            command.env_remove(crate::mount::RUN_ID_ENV);
        } else {
            command.env_clear().envs(super::env::inherited());
        }
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        for r in resolved {
            if let Some(name) = r.def.env_var() {
                let value = r.found.value().expose();
                if let Some(message) = super::env::unfit_for_env(&r.def.display_name(), name, value)
                {
                    return Err(Error::Launch {
                        task: task.to_owned(),
                        message,
                    });
                }
                command.env(name, std::ffi::OsStr::from_bytes(value));
            }
        }
        command.env(LAUNCHED_ENV, "1");
        if self.end_with_launcher {
            end_with_parent(&mut command);
        }
        // In a pod, file secrets were resolved only to be masked and, if missing, reported
        // before start: the child finds them in the pod (or resolves them itself, as a task
        // called in-process does).
        let mount = match self.in_pod {
            true => None,
            false => self.write_files(task, resolved)?,
        };
        if let Some(id) = mount.as_ref().and_then(MountDir::run_id) {
            command.env(crate::mount::RUN_ID_ENV, id);
        }
        let pod = PodLayout::default();
        match &mount {
            Some(mount) => {
                for (name, value) in pod.with_dir(mount.path()).vars() {
                    command.env(name, value);
                }
            }
            // The pod's own prefix stays.
            None if self.in_pod => {}
            None => {
                command.env(crate::sources::ENV_PREFIX_VAR, &pod.env_prefix);
            }
        }
        let masker = self.masking.then(|| {
            Masker::new(
                resolved
                    .iter()
                    .map(|r| (r.def.display_name(), r.found.value().expose())),
            )
        });
        Ok(Prepared {
            command,
            mount,
            masker: masker.flatten().map(Arc::new),
            capture: false,
        })
    }

    /// Refuses an extra variable ([`Launcher::env`]) the launch would overwrite without a
    /// word: one a declared secret of the task lands on, or one the launch sets. The launch
    /// checks this first too; called alone, it lets a caller report a mistake in its own
    /// arguments before anything starts ([`Error::Launch`]).
    pub fn check_env(&self, task: &str, secrets: &[SecretDef<'_>]) -> Result<(), Error> {
        for (name, _) in &self.env {
            let name = name.to_string_lossy();
            let why = if let Some(def) = secrets.iter().find(|d| d.env_var() == Some(&*name)) {
                format!(
                    "the task's secret `{}` is injected under that name; give its value to one \
                     of the secret sources instead",
                    def.display_name()
                )
            } else if flyte_spec::LAUNCH_SET_ENV.contains(&&*name) {
                "the launch sets it for the task".to_owned()
            } else {
                continue;
            };
            return Err(Error::Launch {
                task: task.to_owned(),
                message: format!("the env var `{name}` given for the task cannot be set: {why}"),
            });
        }
        Ok(())
    }

    fn write_files(
        &self,
        task: &str,
        resolved: &[Resolved<'_>],
    ) -> Result<Option<MountDir>, Error> {
        let files: Vec<(&str, &Found)> = resolved
            .iter()
            .filter_map(|r| r.def.file_path().map(|f| (f, &r.found)))
            .collect();
        if files.is_empty() {
            return Ok(None);
        }
        let write_all = |mut dir: MountDir| -> Result<MountDir, Error> {
            for (relative, found) in &files {
                dir.write(relative, found.value())?;
            }
            Ok(dir)
        };
        if let Some(root) = &self.mount_root {
            return write_all(MountDir::private_under(root, "run")?).map(Some);
        }
        let use_standard =
            std::env::var_os(crate::mount::ROOT_ENV).is_none() && standard_dir_writable();
        if use_standard {
            // Another task may hold the same file right now: then this run falls back to a
            // private directory rather than overwrite, unless that file holds another value,
            // which this task would read at the standard path instead of its own.
            match MountDir::standard().and_then(write_all) {
                Ok(dir) => return Ok(Some(dir)),
                Err(e) => {
                    let ours: Vec<(&str, &[u8])> = files
                        .iter()
                        .map(|(f, found)| (*f, found.value().expose()))
                        .collect();
                    if let Some(path) = crate::mount::held_with_another_value(&ours) {
                        return Err(Error::Launch {
                            task: task.to_owned(),
                            message: format!(
                                "{} holds another value, written by a run of a task that is \
                                 still running; this task would read that value there. Wait \
                                 for that run to end, or give each run private files with \
                                 FLYTE_SECRETS_ROOT=DIR (the task then finds them through \
                                 $FLYTE_SECRETS_DEFAULT_DIR or flyte::secret!)",
                                path.display()
                            ),
                        });
                    }
                    tracing::debug!(error = %e, "standard secrets dir busy, using a private one")
                }
            }
        }
        write_all(MountDir::private("run")?).map(Some)
    }
}

impl std::fmt::Debug for Prepared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prepared")
            .field("program", &self.command.get_program())
            .field("args", &self.command.get_args().collect::<Vec<_>>())
            .field("mount", &self.mount_dir())
            .field("masker", &self.masker)
            .finish_non_exhaustive()
    }
}

impl Prepared {
    /// The directory holding the file secrets, if the task has any.
    pub fn mount_dir(&self) -> Option<&std::path::Path> {
        self.mount.as_ref().map(MountDir::path)
    }

    /// Makes the task's stdout and stderr, masked, readable from `Started::child.stdout` and
    /// `Started::child.stderr` instead of going to this process's own. Read both (or drop
    /// them) before [`Started::wait`], as with `Stdio::piped()`.
    pub fn capture_output(&mut self) -> &mut Self {
        self.capture = true;
        self
    }

    /// Starts the task, and with masking the threads that copy its output. Wait for it with
    /// [`Started::wait`].
    pub fn spawn(mut self) -> Result<Started, Error> {
        if self.masker.is_some() || self.capture {
            output::pipe_output(&mut self.command);
        }
        let task = self
            .command
            .get_args()
            .nth(1)
            .map(|a| a.to_string_lossy().into_owned())
            .unwrap_or_default();
        let program = self.command.get_program().to_string_lossy().into_owned();
        let mut child = self.command.spawn().map_err(|source| Error::Process {
            task: task.clone(),
            action: format!("cannot start {program}"),
            source,
        })?;
        let pumps = match &self.masker {
            Some(masker) => output::start(&mut child, masker, self.capture).map_err(|source| {
                // Without pumps the child would block on a full pipe: stop it.
                let _ = child.kill();
                let _ = child.wait();
                Error::Process {
                    task,
                    action: format!("cannot copy the output of {program}"),
                    source,
                }
            })?,
            None => Vec::new(),
        };
        Ok(Started {
            child,
            mount: self.mount,
            pumps,
        })
    }
}

/// The child gets SIGTERM when the thread that forks it ends; if this process is already
/// gone by the time the child asks (it died between the fork and the `prctl`), the child
/// does not start.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
fn end_with_parent(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    let parent = rustix::process::getpid();
    // SAFETY: the closure runs in the forked child before `exec`, where only
    // async-signal-safe calls are allowed: it makes two raw syscalls (`prctl`, `getppid`)
    // through rustix, which allocate nothing and take no lock, and builds an `io::Error`
    // from a constant kind only on the path where the exec is abandoned.
    unsafe {
        command.pre_exec(move || {
            rustix::process::set_parent_process_death_signal(Some(rustix::process::Signal::TERM))?;
            match rustix::process::getppid() == Some(parent) {
                true => Ok(()),
                false => Err(std::io::ErrorKind::BrokenPipe.into()),
            }
        });
    }
}

#[cfg(not(target_os = "linux"))]
fn end_with_parent(_: &mut Command) {}

impl Started {
    /// Waits for the task and for its output to be copied out (so nothing is lost at exit);
    /// its secret files are removed afterwards, whatever the outcome.
    pub fn wait(mut self) -> Result<ExitStatus, Error> {
        let status = self.child.wait().map_err(|source| Error::Process {
            task: String::new(),
            action: "wait failed".into(),
            source,
        });
        for pump in self.pumps.drain(..) {
            let _ = pump.join();
        }
        drop(self.mount.take());
        status
    }

    /// The directory holding the file secrets, if any.
    pub fn mount_dir(&self) -> Option<&std::path::Path> {
        self.mount.as_ref().map(MountDir::path)
    }
}
