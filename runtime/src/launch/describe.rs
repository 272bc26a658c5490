//! `BIN list`: the tasks of a binary and their secrets, never a value. See the
//! [module docs](super#bin-list) for the output formats.

use std::ffi::OsString;
use std::io::Write as _;

use base64::Engine as _;
use prost::Message as _;
use serde::{Deserialize, Serialize};

use super::EXIT_USAGE;
use crate::secret::{SecretDef, SecurityContext, security_context};
use crate::task::TaskDef;

/// The output of `BIN list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskList {
    /// Every task registered in the binary; this crate prints them sorted by name, then module.
    pub tasks: Vec<TaskInfo>,
}

/// One task as `BIN list` describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskInfo {
    /// The function's name; what `BIN run NAME` takes when no other task shares it.
    pub name: String,
    /// The module path the function is defined in, starting with the crate name; for one in
    /// an `impl` or trait block, followed by the type or trait (`my_crate::db::Db`).
    pub module: String,
    /// `module::name`, for people reading the list (`BIN run PATH` takes it, or the path
    /// below the crate root); absent from older lists. See [`TaskInfo::full_path`].
    #[serde(default)]
    pub path: String,
    /// Whether `BIN run NAME` can run it: a free function without generics whose
    /// parameters are all `serde::de::DeserializeOwned`.
    pub runnable: bool,
    /// Why `runnable` is false; absent when it is true (and from older lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why_not_runnable: Option<String>,
    /// The parameters, in order; empty in older lists.
    #[serde(default)]
    pub inputs: Vec<InputInfo>,
    /// The return type as written (`()` when none is); empty in older lists.
    #[serde(default)]
    pub output: String,
    /// The declared secrets, in declaration order.
    pub secrets: Vec<SecretInfo>,
    /// The task's `flyteidl2.core.SecurityContext` (proto3 JSON), what a Flyte cluster reads
    /// to inject `secrets`. Empty in a list printed by a binary that predates the field;
    /// [`TaskInfo::derived_security_context`] works it out from `secrets` either way.
    #[serde(default)]
    pub security_context: SecurityContext,
}

/// One parameter of a task, as `BIN run TASK --NAME VALUE` or `--inputs` gives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputInfo {
    /// The parameter's name, as `--inputs` keys and the `--NAME` flag take it.
    pub name: String,
    /// The Rust type as written.
    #[serde(rename = "type")]
    pub ty: String,
    /// False for an `Option<...>`, which may be left out.
    pub required: bool,
}

/// One declared secret: where it lands, never its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecretInfo {
    /// The name the secret is stored under.
    pub key: String,
    /// The group, if one was declared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The env var the secret lands on, for an env secret; exactly one of this and `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_var: Option<String>,
    /// `key` or `group/key` below the mount dir.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
}

impl TaskInfo {
    /// Describes a registered task, with its security context.
    pub fn from_def(def: &'static TaskDef) -> Self {
        let why_not = def.why_not_runnable();
        // A function in an `impl` or trait block is registered as `Type::name`.
        let (module, name) = match def.name.rsplit_once("::") {
            Some((owner, name)) => (format!("{}::{owner}", def.module_path), name),
            None => (def.module_path.to_owned(), def.name),
        };
        TaskInfo {
            path: format!("{module}::{name}"),
            name: name.to_owned(),
            module,
            runnable: why_not.is_none(),
            why_not_runnable: why_not,
            inputs: def
                .inputs()
                .iter()
                .map(|i| InputInfo {
                    name: i.name.to_owned(),
                    ty: i.ty.to_owned(),
                    required: !i.optional,
                })
                .collect(),
            output: def.output.to_owned(),
            secrets: def.secrets().iter().map(SecretInfo::from_def).collect(),
            security_context: def.security_context(),
        }
    }

    /// The security context of `secrets`, whatever `security_context` holds.
    pub fn derived_security_context(&self) -> SecurityContext {
        security_context(&self.secret_defs())
    }

    /// The secrets as the borrowed form sources and the resolver take.
    pub fn secret_defs(&self) -> Vec<SecretDef<'_>> {
        self.secrets.iter().map(SecretInfo::as_def).collect()
    }
}

impl SecretInfo {
    /// Describes a declared secret: where it lands, never a value.
    pub fn from_def(def: &SecretDef<'_>) -> Self {
        SecretInfo {
            key: def.key.to_owned(),
            group: def.group.map(str::to_owned),
            env_var: def.env_var().map(str::to_owned),
            file: def.file_path().map(str::to_owned),
        }
    }

    /// As a declared secret. A list whose secret names neither an env var nor a file is
    /// refused when it is read (`needs exactly one of env_var and file`); an env var wins
    /// over a file here.
    pub fn as_def(&self) -> SecretDef<'_> {
        let group = self.group.as_deref();
        match (&self.env_var, &self.file) {
            (Some(env), _) => SecretDef::env(&self.key, group, env),
            (None, file) => SecretDef::file(&self.key, group, file.as_deref().unwrap_or(&self.key)),
        }
    }
}

impl TaskList {
    /// The tasks registered in this binary.
    pub fn of_this_binary() -> Self {
        TaskList {
            tasks: crate::task::registered()
                .into_iter()
                .map(TaskInfo::from_def)
                .collect(),
        }
    }
}

/// An output format of `BIN list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListFormat {
    /// The [`TaskList`] as pretty-printed JSON (the default).
    #[default]
    Json,
    /// One line per task: `NAME<TAB>BASE64`, the standard base64 (with padding) of the
    /// task's binary `flyteidl2.core.SecurityContext`. `NAME` is what `BIN run` takes: the
    /// task's name, or its full path when another task shares the name.
    Proto,
}

impl ListFormat {
    /// The names `--format` accepts.
    pub const NAMES: [&'static str; 2] = ["json", "proto"];

    /// The format named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "json" => Some(ListFormat::Json),
            "proto" => Some(ListFormat::Proto),
            _ => None,
        }
    }
}

impl TaskList {
    /// The list as `BIN list --format FORMAT` prints it, ending in a newline.
    pub fn render(&self, format: ListFormat) -> String {
        match format {
            ListFormat::Json => {
                let mut text = serde_json::to_string_pretty(self).expect("task list serialises");
                text.push('\n');
                text
            }
            ListFormat::Proto => self
                .tasks
                .iter()
                .map(|t| {
                    let bytes = t.security_context.encode_to_vec();
                    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
                    format!("{}\t{b64}\n", self.run_name(t))
                })
                .collect(),
        }
    }

    /// `BIN list [--format json|proto]` with the arguments after `list`; returns the exit code.
    pub(crate) fn list_command(program: &str, args: impl IntoIterator<Item = OsString>) -> i32 {
        let format = match parse_list_args(args) {
            Ok(format) => format,
            Err(message) => {
                eprintln!("error: {message}");
                eprintln!(
                    "usage: {program} list [--format {}]",
                    ListFormat::NAMES.join("|")
                );
                return EXIT_USAGE;
            }
        };
        let text = Self::of_this_binary().render(format);
        let mut out = std::io::stdout().lock();
        match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
            Ok(()) => 0,
            // `BIN list | head`: the reader has what it wanted.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => 0,
            Err(e) => {
                eprintln!("error: cannot write the task list: {e}");
                1
            }
        }
    }
}

fn parse_list_args(args: impl IntoIterator<Item = OsString>) -> Result<ListFormat, String> {
    let allowed = || ListFormat::NAMES.join(", ");
    let mut format = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let arg = arg.to_string_lossy().into_owned();
        let value = if arg == "--format" {
            match args.next() {
                Some(v) => v.to_string_lossy().into_owned(),
                None => return Err(format!("--format needs a value (allowed: {})", allowed())),
            }
        } else if let Some(v) = arg.strip_prefix("--format=") {
            v.to_owned()
        } else {
            return Err(format!("unexpected argument `{arg}` to `list`"));
        };
        if format.is_some() {
            return Err("--format given more than once".into());
        }
        format = Some(
            ListFormat::from_name(&value)
                .ok_or_else(|| format!("unknown --format `{value}` (allowed: {})", allowed()))?,
        );
    }
    Ok(format.unwrap_or_default())
}

#[cfg(test)]
mod proptests;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<ListFormat, String> {
        parse_list_args(args.iter().map(OsString::from))
    }

    #[test]
    fn list_arguments() {
        assert_eq!(parse(&[]), Ok(ListFormat::Json));
        assert_eq!(parse(&["--format", "json"]), Ok(ListFormat::Json));
        assert_eq!(parse(&["--format", "proto"]), Ok(ListFormat::Proto));
        assert_eq!(parse(&["--format=proto"]), Ok(ListFormat::Proto));
        assert_eq!(
            parse(&["--format", "xml"]).unwrap_err(),
            "unknown --format `xml` (allowed: json, proto)"
        );
        assert!(parse(&["--format"]).unwrap_err().contains("needs a value"));
        assert!(parse(&["--format=json", "--format=proto"]).is_err());
        assert!(parse(&["extra"]).unwrap_err().contains("`extra`"));
    }

    #[test]
    fn proto_lines_are_name_tab_base64() {
        let defs = [SecretDef::env("k", None, "K")];
        let list = TaskList {
            tasks: vec![
                TaskInfo {
                    name: "t".into(),
                    module: "m".into(),
                    path: String::new(),
                    runnable: true,
                    why_not_runnable: None,
                    inputs: vec![],
                    output: "()".into(),
                    secrets: defs.iter().map(SecretInfo::from_def).collect(),
                    security_context: security_context(&defs),
                },
                TaskInfo {
                    name: "none".into(),
                    module: "m".into(),
                    path: String::new(),
                    runnable: true,
                    why_not_runnable: None,
                    inputs: vec![],
                    output: "()".into(),
                    secrets: vec![],
                    security_context: SecurityContext::default(),
                },
            ],
        };
        // SecurityContext{secrets: [Secret{key: "k", mount_requirement: ENV_VAR, env_var: "K"}]}
        assert_eq!(
            list.render(ListFormat::Proto),
            "t\tEggaAWsgASoBSw==\nnone\t\n"
        );
        let json: TaskList = serde_json::from_str(&list.render(ListFormat::Json)).unwrap();
        assert_eq!(json, list);
        // Two tasks of one name: each line names the one `BIN run` would start.
        let mut shared = list.clone();
        shared.tasks[1].name = "t".into();
        shared.tasks[1].module = "m::other".into();
        assert_eq!(
            shared.render(ListFormat::Proto),
            "m::t\tEggaAWsgASoBSw==\nm::other::t\t\n"
        );
    }

    #[test]
    fn older_lists_without_security_context_still_read() {
        let old = r#"{"tasks":[{"name":"t","module":"m","runnable":true,"secrets":[{"key":"k","env_var":"K"}]}]}"#;
        let list: TaskList = serde_json::from_str(old).unwrap();
        let task = &list.tasks[0];
        assert_eq!(task.security_context, SecurityContext::default());
        assert_eq!(
            serde_json::to_string(&task.derived_security_context()).unwrap(),
            r#"{"secrets":[{"key":"k","mountRequirement":"ENV_VAR","envVar":"K"}]}"#
        );
    }
}
