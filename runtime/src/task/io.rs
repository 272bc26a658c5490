//! A task's inputs and output when it runs as its own process (`BIN run TASK --inputs ...`).
//!
//! The runner (see `runner`) takes every parameter at once as one tuple: a tuple of
//! `DeserializeOwned` types is read from the inputs by name, any other makes the task
//! in-process only (found by a probe call of the runner, which never reaches the body).

use std::cell::Cell;
use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::de::{DeserializeOwned, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::{Map, Value};

use super::InputError;

/// One parameter of a task: its name, its type as written, and whether it may be left out.
#[derive(Debug, Serialize)]
pub struct InputDef {
    /// The parameter's name.
    pub name: &'static str,
    /// Its Rust type as written.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// The type is an `Option<...>`: a missing input is `None`.
    pub optional: bool,
}

/// How far a call of a task's runner goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Only whether the parameters can be read at all.
    Probe,
    /// Read the inputs, then stop before the body.
    Check,
    Run,
}

/// One call of a task's runner: the inputs it reads, and what stopped it.
#[derive(Debug)]
pub struct Call {
    mode: Mode,
    defs: &'static [InputDef],
    inputs: Map<String, Value>,
    /// Per-input flags whose text parsed as JSON other than a string, by input name.
    flag_texts: BTreeMap<String, String>,
    outputs_file: Option<PathBuf>,
    /// The parameter types are not all `DeserializeOwned`.
    not_readable: bool,
    error: Option<InputError>,
}

impl Call {
    fn new(mode: Mode, defs: &'static [InputDef], inputs: Map<String, Value>) -> Self {
        Call {
            mode,
            defs,
            inputs,
            flag_texts: BTreeMap::new(),
            outputs_file: None,
            not_readable: false,
            error: None,
        }
    }

    pub(crate) fn probe(defs: &'static [InputDef]) -> Self {
        Call::new(Mode::Probe, defs, Map::new())
    }

    /// `flag_texts`: the text of each per-input flag whose JSON is not a string, tried as
    /// that string when the JSON does not fit (see [`Call::into_inputs`]).
    pub(crate) fn check(
        defs: &'static [InputDef],
        inputs: Map<String, Value>,
        flag_texts: BTreeMap<String, String>,
    ) -> Self {
        Call {
            flag_texts,
            ..Call::new(Mode::Check, defs, inputs)
        }
    }

    pub(crate) fn run(
        defs: &'static [InputDef],
        inputs: Map<String, Value>,
        outputs_file: Option<PathBuf>,
    ) -> Self {
        Call {
            outputs_file,
            ..Call::new(Mode::Run, defs, inputs)
        }
    }

    pub(crate) fn not_readable(&self) -> bool {
        self.not_readable
    }

    pub(crate) fn take_error(&mut self) -> Option<InputError> {
        self.error.take()
    }

    /// The inputs as the parameters read them: a flag whose JSON did not fit its parameter's
    /// type but whose text does (`--label 5` for a `String`) holds that text.
    pub(crate) fn into_inputs(self) -> Map<String, Value> {
        self.inputs
    }

    /// The parameters, in order, from the inputs by name; the error names the input. A
    /// per-input flag whose JSON does not fit is tried once more as its text, a JSON string;
    /// when that does not fit either, the error is the JSON's.
    fn decode<T: DeserializeOwned>(&mut self) -> Result<T, InputError> {
        let mut retried: Option<(usize, serde_json::Error)> = None;
        loop {
            let (at, e) = match self.decode_once::<T>() {
                Ok(value) => return Ok(value),
                Err(failed) => failed,
            };
            let (at, e) = match retried.take() {
                Some((before, first)) if before == at => (at, first),
                _ => match self.flag_texts.remove(self.defs[at].name) {
                    Some(text) => {
                        let name = self.defs[at].name.to_owned();
                        self.inputs.insert(name, Value::String(text));
                        retried = Some((at, e));
                        continue;
                    }
                    None => (at, e),
                },
            };
            let def = &self.defs[at];
            return Err(match self.inputs.contains_key(def.name) {
                false => InputError::Missing {
                    name: def.name.into(),
                    ty: def.ty.into(),
                },
                true => InputError::WrongType {
                    name: def.name.into(),
                    ty: def.ty.into(),
                    message: e.to_string(),
                },
            });
        }
    }

    /// One try of [`Call::decode`]; the error comes with the index of the input it is about.
    fn decode_once<T: DeserializeOwned>(&self) -> Result<T, (usize, serde_json::Error)> {
        let at = Cell::new(0);
        let values: Vec<Value> = self
            .defs
            .iter()
            .map(|d| self.inputs.get(d.name).cloned().unwrap_or(Value::Null))
            .collect();
        let count = values.len();
        T::deserialize(Args {
            values: values.into_iter(),
            at: &at,
        })
        .map_err(|e| (at.get().min(count.saturating_sub(1)), e))
    }

    /// Prints (or writes) the task's result and gives the exit code: 0 for a value or `Ok`,
    /// 1 for `Err` (shown on stderr) or an output that cannot be written.
    pub fn finish(&self, result: Result<Shown, String>) -> i32 {
        let shown = match result {
            Ok(shown) => shown,
            Err(message) => {
                eprintln!("error: {message}");
                return 1;
            }
        };
        let json = match shown {
            Shown::Nothing => None,
            Shown::Debug(text) => {
                println!("{text}");
                return 0;
            }
            Shown::Json(Ok(json)) => Some(json),
            Shown::Json(Err(e)) => {
                eprintln!("error: the task's output cannot be written as JSON: {e}");
                return 1;
            }
        };
        match (&self.outputs_file, json) {
            (Some(path), json) => {
                let json = json.unwrap_or_else(|| "null".into());
                if let Err(e) = std::fs::write(path, format!("{json}\n")) {
                    eprintln!("error: cannot write {}: {e}", path.display());
                    return 1;
                }
            }
            (None, Some(json)) => println!("{json}"),
            (None, None) => {}
        }
        0
    }
}

/// Reads the parameters `T` (every one `DeserializeOwned`) from the call; `None` stops it
/// before the body (a probe, a check, or inputs that do not fit).
pub(crate) fn read<T: DeserializeOwned>(call: &mut Call) -> Option<T> {
    if call.mode == Mode::Probe {
        return None;
    }
    match call.decode::<T>() {
        Ok(value) => (call.mode == Mode::Run).then_some(value),
        Err(e) => {
            call.error = Some(e);
            None
        }
    }
}

/// For parameters that are not all `DeserializeOwned`: the task cannot be given them from
/// the command line.
pub(crate) fn unreadable<T>(call: &mut Call) -> Option<T> {
    call.not_readable = true;
    None
}

/// A task's `Ok` value (or plain return value) as it is shown.
#[derive(Debug)]
pub enum Shown {
    /// `()`: nothing is printed.
    Nothing,
    /// A `Serialize` value, as one JSON document (or why it could not be serialized).
    Json(serde_json::Result<String>),
    /// Any other value, through `Debug`.
    Debug(String),
}

/// The parameter values as a sequence for the tuple's `Deserialize`, counting how many were
/// read so that an error names its input.
struct Args<'a> {
    values: std::vec::IntoIter<Value>,
    at: &'a Cell<usize>,
}

impl<'de> Deserializer<'de> for Args<'_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_seq(self)
    }

    // A task without parameters takes `()`.
    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

impl<'de> SeqAccess<'de> for Args<'_> {
    type Error = serde_json::Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Self::Error> {
        let Some(value) = self.values.next() else {
            return Ok(None);
        };
        let out = seed.deserialize(value)?;
        self.at.set(self.at.get() + 1);
        Ok(Some(out))
    }
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
            name: "label",
            ty: "Option<String>",
            optional: true,
        },
    ];

    fn inputs(json: &str) -> Map<String, Value> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn reads_by_name_and_names_the_bad_input() {
        let mut call = Call::run(&DEFS, inputs(r#"{"n": 5}"#), None);
        let got = read::<(u32, Option<String>)>(&mut call);
        assert_eq!(got, Some((5, None)));
        let mut call = Call::run(&DEFS, inputs(r#"{"n": 5, "label": 3}"#), None);
        assert_eq!(read::<(u32, Option<String>)>(&mut call), None);
        let e = call.take_error().unwrap().to_string();
        assert!(
            e.contains("`label`") && e.contains("`Option<String>`"),
            "{e}"
        );
        let mut call = Call::check(&DEFS, inputs("{}"), BTreeMap::new());
        assert_eq!(read::<(u32, Option<String>)>(&mut call), None);
        assert!(matches!(
            call.take_error(),
            Some(InputError::Missing { name, .. }) if name == "n"
        ));
    }

    #[test]
    fn a_flag_whose_json_does_not_fit_is_read_as_its_text() {
        let texts = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        };
        let both = texts(&[("n", "5"), ("label", "5")]);
        let mut call = Call::check(&DEFS, inputs(r#"{"n": 5, "label": 5}"#), both);
        assert_eq!(read::<(u32, Option<String>)>(&mut call), None);
        assert!(call.take_error().is_none());
        assert_eq!(
            Value::Object(call.into_inputs()),
            serde_json::json!({"n": 5, "label": "5"})
        );
        // Neither the JSON nor the text fits: the JSON's error.
        let mut call = Call::check(&DEFS, inputs(r#"{"n": 5.5}"#), texts(&[("n", "5.5")]));
        assert_eq!(read::<(u32, Option<String>)>(&mut call), None);
        let e = call.take_error().unwrap().to_string();
        assert!(e.contains("`n`") && e.contains("floating point"), "{e}");
        // `--inputs` JSON has no texts: a number is not a string.
        let mut call = Call::check(&DEFS, inputs(r#"{"n": 5, "label": 5}"#), BTreeMap::new());
        assert_eq!(read::<(u32, Option<String>)>(&mut call), None);
        let e = call.take_error().unwrap().to_string();
        assert!(e.contains("`label`"), "{e}");
    }

    #[test]
    fn a_probe_reads_nothing() {
        let mut call = Call::probe(&DEFS);
        assert!(read::<(u32, Option<String>)>(&mut call).is_none());
        assert!(!call.not_readable() && call.take_error().is_none());
        let mut call = Call::probe(&DEFS);
        assert!(unreadable::<(u32,)>(&mut call).is_none());
        assert!(call.not_readable());
    }
}
