//! A task's inputs and output when it runs as its own process (`BIN run TASK --inputs ...`).
//!
//! Generated code takes every parameter at once as one tuple, and dispatches on the types
//! with autoref specialisation, so the macro does not have to understand them: a tuple of
//! `DeserializeOwned` types is read from the inputs, any other makes the task in-process
//! only (found by a probe call of the runner, which never reaches the body).

use std::cell::Cell;
use std::fmt::{Debug, Display};
use std::marker::PhantomData;
use std::path::PathBuf;

use serde::de::{DeserializeOwned, DeserializeSeed, SeqAccess, Visitor};
use serde::{Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::launch::InputError;

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
            outputs_file: None,
            not_readable: false,
            error: None,
        }
    }

    pub(crate) fn probe(defs: &'static [InputDef]) -> Self {
        Call::new(Mode::Probe, defs, Map::new())
    }

    pub(crate) fn check(defs: &'static [InputDef], inputs: Map<String, Value>) -> Self {
        Call::new(Mode::Check, defs, inputs)
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

    /// The parameters, in order, from the inputs by name; the error names the input.
    fn decode<T: DeserializeOwned>(&self) -> Result<T, InputError> {
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
        .map_err(|e| {
            let def = &self.defs[at.get().min(count.saturating_sub(1))];
            match self.inputs.contains_key(def.name) {
                false => InputError::Missing {
                    name: def.name.into(),
                    ty: def.ty.into(),
                },
                true => InputError::WrongType {
                    name: def.name.into(),
                    ty: def.ty.into(),
                    message: e.to_string(),
                },
            }
        })
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

/// Stands for the parameter tuple `T` in [`TakeInputs`] / [`NoInputs`].
#[derive(Debug)]
pub struct In<T>(PhantomData<fn() -> T>);

impl<T> In<T> {
    /// The marker (generated code builds one per call).
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        In(PhantomData)
    }
}

/// Chosen when every parameter is `DeserializeOwned`: `None` stops the call before the body.
pub trait TakeInputs<T> {
    /// The decoded parameters, or `None` when the call stops before the body.
    fn take(&self, call: &mut Call) -> Option<T>;
}

impl<T: DeserializeOwned> TakeInputs<T> for &In<T> {
    fn take(&self, call: &mut Call) -> Option<T> {
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
}

/// Chosen for any other parameters: the task cannot be given them from the command line.
pub trait NoInputs<T> {
    /// Always `None`, marking the task as not readable from the command line.
    fn take(&self, call: &mut Call) -> Option<T>;
}

impl<T> NoInputs<T> for In<T> {
    fn take(&self, call: &mut Call) -> Option<T> {
        call.not_readable = true;
        None
    }
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

/// Wraps a reference to a finished task's value (or error) to pick how it is shown.
#[derive(Debug)]
pub struct Show<'a, T: ?Sized>(pub &'a T);

/// `()`: nothing to show.
pub trait ShowUnit {
    /// How the value is printed.
    fn shown(&self) -> Shown;
}
impl ShowUnit for &&&Show<'_, ()> {
    fn shown(&self) -> Shown {
        Shown::Nothing
    }
}

/// `Serialize`: JSON.
pub trait ShowJson {
    /// How the value is printed.
    fn shown(&self) -> Shown;
}
impl<T: Serialize + ?Sized> ShowJson for &&Show<'_, T> {
    fn shown(&self) -> Shown {
        Shown::Json(serde_json::to_string(self.0))
    }
}

/// `Debug`: its `{:?}`.
pub trait ShowDebug {
    /// How the value is printed.
    fn shown(&self) -> Shown;
}
impl<T: Debug + ?Sized> ShowDebug for &Show<'_, T> {
    fn shown(&self) -> Shown {
        Shown::Debug(format!("{:?}", self.0))
    }
}

/// Anything else: nothing to show.
pub trait ShowNothing {
    /// How the value is printed.
    fn shown(&self) -> Shown;
}
impl<T: ?Sized> ShowNothing for Show<'_, T> {
    fn shown(&self) -> Shown {
        Shown::Nothing
    }
}

/// An error through `Display`.
pub trait ErrDisplay {
    /// The error as printed on stderr.
    fn error(&self) -> String;
}
impl<E: Display + ?Sized> ErrDisplay for &&Show<'_, E> {
    fn error(&self) -> String {
        self.0.to_string()
    }
}

/// An error through `Debug`, when it has no `Display`.
pub trait ErrDebug {
    /// The error as printed on stderr.
    fn error(&self) -> String;
}
impl<E: Debug + ?Sized> ErrDebug for &Show<'_, E> {
    fn error(&self) -> String {
        format!("{:?}", self.0)
    }
}

/// An error that can show neither.
pub trait ErrOpaque {
    /// The error as printed on stderr.
    fn error(&self) -> String;
}
impl<E: ?Sized> ErrOpaque for Show<'_, E> {
    fn error(&self) -> String {
        "the task returned an error".into()
    }
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
// The borrows select the impl, as in generated code.
#[allow(clippy::needless_borrow)]
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
        let got = (&&In::<(u32, Option<String>)>::new()).take(&mut call);
        assert_eq!(got, Some((5, None)));
        let mut call = Call::run(&DEFS, inputs(r#"{"n": 5, "label": 3}"#), None);
        assert_eq!((&&In::<(u32, Option<String>)>::new()).take(&mut call), None);
        let e = call.take_error().unwrap().to_string();
        assert!(
            e.contains("`label`") && e.contains("`Option<String>`"),
            "{e}"
        );
        let mut call = Call::check(&DEFS, inputs("{}"));
        assert_eq!((&&In::<(u32, Option<String>)>::new()).take(&mut call), None);
        assert!(matches!(
            call.take_error(),
            Some(InputError::Missing { name, .. }) if name == "n"
        ));
    }

    #[test]
    fn other_parameter_types_are_not_readable() {
        struct Opaque;
        let mut call = Call::probe(&DEFS);
        assert!((&&In::<(Opaque,)>::new()).take(&mut call).is_none());
        assert!(call.not_readable());
        let mut call = Call::probe(&DEFS);
        assert!((&&In::<(u32,)>::new()).take(&mut call).is_none());
        assert!(!call.not_readable());
    }

    #[test]
    fn values_are_shown_by_their_traits() {
        struct Opaque;
        assert!(matches!((&&&&Show(&())).shown(), Shown::Nothing));
        assert!(matches!((&&&&Show(&5u8)).shown(), Shown::Json(Ok(j)) if j == "5"));
        assert!(matches!(
            (&&&&Show(&std::time::Instant::now())).shown(),
            Shown::Debug(_)
        ));
        assert!(matches!((&&&&Show(&Opaque)).shown(), Shown::Nothing));
        assert_eq!((&&&Show(&"bad")).error(), "bad");
        assert_eq!((&&&Show(&Some(1))).error(), "Some(1)");
        assert_eq!((&&&Show(&Opaque)).error(), "the task returned an error");
    }
}
