//! The arguments of `BIN run TASK` after the task: its inputs and where its output goes.
//! See the [module docs](super#inputs-and-outputs).

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use flyte_spec::{
    CHECK_INPUTS_FLAG as CHECK_INPUTS, INPUTS_FILE_FLAG as INPUTS_FILE, INPUTS_FLAG as INPUTS,
    OUTPUTS_FILE_FLAG as OUTPUTS_FILE,
};
use serde_json::{Map, Value};

use crate::Error;
pub use crate::task::InputError;
use crate::task::io::InputDef;

/// What `BIN run TASK ARGS...` was asked.
#[derive(Debug, Default)]
pub(crate) struct RunArgs {
    pub inputs: Map<String, Value>,
    /// The text of each per-input flag that parsed as JSON other than a string (`--label 5`):
    /// read as that string instead when the JSON does not fit the parameter's type.
    pub flag_texts: BTreeMap<String, String>,
    pub outputs_file: Option<PathBuf>,
    /// `--check-inputs`: print the checked inputs as JSON and stop (for launchers).
    pub check_only: bool,
    /// `--help` or `-h` where a flag stands: show the task's inputs and stop. Nothing after
    /// it is read (no `--inputs-file -` from stdin).
    pub help: bool,
}

impl RunArgs {
    /// The arguments that give a relaunched `BIN run TASK` the same inputs and output, already
    /// checked: the child prints the output, the parent nothing.
    pub(crate) fn for_child(&self) -> Vec<OsString> {
        let mut args = vec![
            format!("--{INPUTS}").into(),
            Value::Object(self.inputs.clone()).to_string().into(),
        ];
        if let Some(path) = &self.outputs_file {
            args.extend([
                format!("--{OUTPUTS_FILE}").into(),
                path.clone().into_os_string(),
            ]);
        }
        args
    }
}

/// The hidden flag with which a launcher checks inputs before it resolves any secret.
pub(crate) fn check_flag() -> String {
    format!("--{CHECK_INPUTS}")
}

/// [`super::Launcher::check_inputs`]: `BIN run NAME --check-inputs ARGS`, with the launched
/// task's base environment; exit 0 prints the inputs as one JSON object.
pub(crate) fn check_with(
    program: &Path,
    name: &str,
    args: &[OsString],
) -> Result<Vec<OsString>, Error> {
    let fail = |message: String| Error::Inputs {
        task: name.to_owned(),
        message,
    };
    let out = Command::new(program)
        .args(["run".into(), name.into(), check_flag()])
        .args(args)
        .env_clear()
        .envs(super::env::inherited())
        .stdin(Stdio::inherit())
        .output()
        .map_err(|e| fail(format!("cannot start {}: {e}", program.display())))?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&out.stderr);
        let text = text.trim();
        // The binary says `error: task `NAME`: WHY`; keep WHY.
        let prefix = format!("error: task `{name}`: ");
        return Err(fail(text.strip_prefix(&prefix).unwrap_or(text).to_owned()));
    }
    let inputs: Map<String, Value> = serde_json::from_slice(&out.stdout).map_err(|e| {
        fail(format!(
            "`{} run {name} {}` printed no inputs: {e}",
            program.display(),
            check_flag()
        ))
    })?;
    let parsed = RunArgs {
        inputs,
        outputs_file: outputs_file(args),
        ..RunArgs::default()
    };
    Ok(parsed.for_child())
}

/// The `--outputs-file` of `args`, whatever else they hold (the binary checked them).
/// The output is written after the body has run: a path it cannot go to is refused first.
fn writable_target(path: PathBuf) -> Result<PathBuf, InputError> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => std::path::Path::new("."),
    };
    let why = if path.is_dir() {
        "is a directory".to_owned()
    } else if !dir.is_dir() {
        format!("its directory {} does not exist", dir.display())
    } else {
        return Ok(path);
    };
    Err(InputError::Usage(format!(
        "--outputs-file {}: {why}",
        path.display()
    )))
}

fn outputs_file(args: &[OsString]) -> Option<PathBuf> {
    let mut found = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let Some(flag) = arg.to_str().and_then(|a| a.strip_prefix("--")) else {
            continue;
        };
        if flag == OUTPUTS_FILE {
            found = args.next().map(PathBuf::from);
        } else if let Some(v) = flag
            .strip_prefix(OUTPUTS_FILE)
            .and_then(|f| f.strip_prefix('='))
        {
            found = Some(v.into());
        }
    }
    found
}

/// Parses the arguments after the task name against the task's parameters. The types are
/// checked later, by the task's runner; here names, JSON and flag combinations.
pub(crate) fn parse(
    defs: &[InputDef],
    args: impl IntoIterator<Item = OsString>,
) -> Result<RunArgs, InputError> {
    let mut out = RunArgs::default();
    let mut whole: Option<(String, String)> = None;
    let mut flags = Map::new();
    let mut args = args.into_iter().map(|a| a.to_string_lossy().into_owned());
    let has_help_input = defs.iter().any(|d| d.name == "help");
    while let Some(arg) = args.next() {
        if super::help::is_help_flag(&arg, has_help_input) {
            // A launcher checking inputs reads JSON on stdout, not the help.
            if out.check_only {
                return Err(InputError::Usage(format!(
                    "`{arg}` asks for the task's help: give it right after the task's name"
                )));
            }
            return Ok(RunArgs {
                help: true,
                ..RunArgs::default()
            });
        }
        if arg.strip_prefix("--") == Some(CHECK_INPUTS) {
            out.check_only = true;
            continue;
        }
        let Some(flag) = arg.strip_prefix("--") else {
            return Err(InputError::Usage(format!(
                "unexpected argument `{arg}` (inputs are given as --NAME VALUE or --inputs JSON)"
            )));
        };
        let (flag, inline) = match flag.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (flag.to_owned(), None),
        };
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| InputError::Usage(format!("--{flag} needs a value")))
        };
        match flag.as_str() {
            INPUTS | INPUTS_FILE => {
                if let Some((given, _)) = &whole {
                    return Err(InputError::Conflict(format!(
                        "--{flag} and --{given} given together: use one"
                    )));
                }
                whole = Some((flag.clone(), value()?));
            }
            OUTPUTS_FILE => {
                if out.outputs_file.is_some() {
                    return Err(InputError::Conflict("--outputs-file given twice".into()));
                }
                out.outputs_file = Some(writable_target(value()?.into())?);
            }
            _ => {
                let def = find(defs, &flag.replace('-', "_"))?;
                let text = value()?;
                // `--label a` needs no quotes: what is not JSON is a string. What is JSON of
                // another kind (`--label 5`) keeps its text, for a parameter that takes it.
                let parsed = match serde_json::from_str(&text) {
                    Ok(Value::String(s)) => Value::String(s),
                    Ok(json) => {
                        out.flag_texts.insert(def.name.to_owned(), text);
                        json
                    }
                    Err(_) => Value::String(text),
                };
                if flags.insert(def.name.to_owned(), parsed).is_some() {
                    return Err(InputError::Conflict(format!("--{flag} given twice")));
                }
            }
        }
    }
    match whole {
        Some((flag, _)) if !flags.is_empty() => {
            let first = flags.keys().next().expect("not empty");
            Err(InputError::Conflict(format!(
                "--{flag} and the input flag --{first} given together: use one way"
            )))
        }
        Some((flag, value)) => {
            out.inputs = read_whole(&flag, &value)?;
            for name in out.inputs.keys() {
                find(defs, name)?;
            }
            Ok(out)
        }
        None => {
            out.inputs = flags;
            Ok(out)
        }
    }
}

fn find<'a>(defs: &'a [InputDef], name: &str) -> Result<&'a InputDef, InputError> {
    defs.iter()
        .find(|d| d.name == name)
        .ok_or_else(|| InputError::Unknown {
            name: name.to_owned(),
            known: defs
                .iter()
                .map(|d| format!("`{}: {}`", d.name, d.ty))
                .collect(),
        })
}

/// `--inputs JSON`, or `--inputs-file PATH` (`-`: stdin).
fn read_whole(flag: &str, value: &str) -> Result<Map<String, Value>, InputError> {
    let (from, text) = match flag {
        INPUTS => (format!("--{INPUTS}"), value.to_owned()),
        _ if value == "-" => {
            let mut text = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                .map_err(|e| InputError::Usage(format!("cannot read inputs from stdin: {e}")))?;
            ("the inputs on stdin".to_owned(), text)
        }
        _ => {
            let text = std::fs::read_to_string(value)
                .map_err(|e| InputError::Usage(format!("cannot read {value}: {e}")))?;
            (format!("--inputs-file {value}"), text)
        }
    };
    serde_json::from_str(&text).map_err(|e| InputError::Malformed {
        from,
        message: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    static DEFS: [InputDef; 2] = [
        InputDef {
            name: "n",
            ty: "u32",
            optional: false,
        },
        InputDef {
            name: "my_label",
            ty: "String",
            optional: false,
        },
    ];

    fn parse_args(args: &[&str]) -> Result<RunArgs, InputError> {
        parse(&DEFS, args.iter().map(OsString::from))
    }

    #[test]
    fn help_where_a_flag_stands_unless_an_input_is_named_help() {
        assert!(parse_args(&["--help"]).unwrap().help);
        assert!(parse_args(&["--n", "5", "-h"]).unwrap().help);
        // Nothing after it is read: not the missing file.
        assert!(
            parse_args(&["--help", "--inputs-file", "/no/such/file"])
                .unwrap()
                .help
        );
        // A value, not a flag.
        let got = parse_args(&["--my-label", "-h", "--n", "1"]).unwrap();
        assert!(!got.help && got.inputs["my_label"] == "-h");
        let with_help = [InputDef {
            name: "help",
            ty: "bool",
            optional: false,
        }];
        let got = parse(&with_help, ["--help", "true"].map(OsString::from)).unwrap();
        assert!(!got.help && got.inputs["help"] == true);
        assert!(parse(&with_help, ["-h"].map(OsString::from)).unwrap().help);
    }

    #[test]
    fn flags_are_json_or_strings() {
        let got = parse_args(&["--n", "5", "--my-label=a b"]).unwrap();
        assert_eq!(
            Value::Object(got.inputs),
            serde_json::json!({"n": 5, "my_label": "a b"})
        );
        // The text of a flag that is JSON but not a string is kept for the runner's retry.
        let got = parse_args(&["--n", "5", "--my-label", "\"q\""]).unwrap();
        assert_eq!(got.inputs["my_label"], "q");
        assert_eq!(
            got.flag_texts.into_iter().collect::<Vec<_>>(),
            [("n".into(), "5".into())]
        );
        let got = parse_args(&["--inputs", r#"{"n": 5}"#]).unwrap();
        assert!(got.flag_texts.is_empty());
        let got = parse_args(&["--inputs", r#"{"n": 1}"#, "--outputs-file", "o"]).unwrap();
        assert_eq!(got.inputs["n"], 1);
        assert_eq!(got.outputs_file, Some(PathBuf::from("o")));
    }

    /// `#[task]` warns about parameters named like these (`flyte_spec::RUNNER_FLAGS`, the
    /// constants the parser matches): each is the parser's, never an input's, even for a
    /// task with an input of that name, which is given inside `--inputs` JSON.
    #[test]
    fn the_runner_flags_are_the_parsers_own() {
        let clashing = [InputDef {
            name: "inputs",
            ty: "u8",
            optional: false,
        }];
        for flag in flyte_spec::RUNNER_FLAGS {
            let got = parse(
                &clashing,
                [format!("--{flag}"), "{}".into()].map(OsString::from),
            );
            // `--inputs-file {}` fails to read the file `{}`: the parser's error, not "unknown".
            let taken = match got {
                Ok(args) => args.inputs.contains_key("inputs"),
                Err(e) => matches!(e, InputError::Unknown { .. }),
            };
            assert!(!taken, "--{flag} is taken for an input");
        }
        let got = parse(
            &clashing,
            ["--inputs", r#"{"inputs": 5}"#].map(OsString::from),
        )
        .unwrap();
        assert_eq!(got.inputs["inputs"], 5);
    }

    /// A launcher checking inputs reads JSON: help there is an error that says where it goes.
    #[test]
    fn help_while_checking_inputs_is_a_usage_error() {
        let err = parse_args(&["--check-inputs", "--n", "1", "--help"]).unwrap_err();
        assert!(
            err.to_string().contains("right after the task's name"),
            "{err}"
        );
    }

    #[test]
    fn bad_arguments_are_refused() {
        let err = |args: &[&str]| parse_args(args).unwrap_err().to_string();
        assert!(err(&["--x", "1"]).contains("unknown input `x`"));
        assert!(err(&["--inputs", r#"{"x": 1}"#]).contains("unknown input `x`"));
        assert!(err(&["--inputs", "{"]).contains("not a JSON object"));
        assert!(err(&["--inputs", "[1]"]).contains("not a JSON object"));
        assert!(err(&["--inputs", "{}", "--n", "1"]).contains("together"));
        assert!(err(&["--n", "1", "--n", "2"]).contains("twice"));
        assert!(err(&["--n"]).contains("needs a value"));
        assert!(err(&["n"]).contains("unexpected argument"));
        let missing = err(&["--outputs-file", "/no-such-dir-4f1/out.json"]);
        assert!(
            missing.contains("--outputs-file /no-such-dir-4f1/out.json")
                && missing.contains("its directory /no-such-dir-4f1 does not exist"),
            "{missing}"
        );
        assert!(err(&["--outputs-file", "/"]).contains("is a directory"));
    }
}
