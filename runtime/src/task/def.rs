//! The static description of a task and its secrets, emitted by `#[task]` and readable
//! without running the task (for `BIN list` and pre-flight checks).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use flyte_idl::core::SecurityContext;
use flyte_spec::packed::unpack;

use super::io::{Call, InputDef};
use crate::secret::{SecretDef, security_context};

/// A task as `#[task]` records it. Its secrets and parameters come packed in one string
/// each (`flyte_spec::packed`, which costs rustc far less per task than arrays) and are read
/// once, on first use.
pub struct TaskDef {
    /// The function's name; `Type::name` for one in an `impl` or trait block (`Db::connect`),
    /// as the runtime names the task in messages.
    pub name: &'static str,
    /// `module_path!()` where the function is defined.
    pub module_path: &'static str,
    /// The declared secrets, already validated by the macro: per secret its key, its group
    /// (empty for none, which the rules refuse as a group) and `e` + env var or `f` + file.
    packed_secrets: &'static str,
    /// The parameters: per parameter its name, its type as written and `o` (an `Option`) or
    /// `r`.
    packed_inputs: &'static str,
    /// The return type as written (`()` when none is).
    pub output: &'static str,
    /// Runs the task as the whole process with the call's inputs and returns its exit code,
    /// or `None` when the call stopped before the body (see `Call`). Absent when the macro
    /// saw that `BIN run` cannot call it; `why_not` then says why.
    pub runner: Option<fn(&mut Call) -> Option<i32>>,
    /// Why there is no runner (empty when there is one).
    pub why_not: &'static str,
}

/// A task's secrets and parameters, read from their packed form.
struct Unpacked {
    secrets: Box<[SecretDef<'static>]>,
    inputs: Box<[InputDef]>,
}

impl Unpacked {
    fn of(def: &'static TaskDef) -> Self {
        let mut fields = unpack(def.packed_secrets);
        let mut secrets = Vec::new();
        while let (Some(key), Some(group), Some(target)) =
            (fields.next(), fields.next(), fields.next())
        {
            let group = Some(group).filter(|g| !g.is_empty());
            secrets.push(match target.split_at_checked(1) {
                Some(("f", file)) => SecretDef::file(key, group, file),
                _ => SecretDef::env(key, group, target.get(1..).unwrap_or_default()),
            });
        }
        let mut fields = unpack(def.packed_inputs);
        let mut inputs = Vec::new();
        while let (Some(name), Some(ty), Some(optional)) =
            (fields.next(), fields.next(), fields.next())
        {
            inputs.push(InputDef {
                name,
                ty,
                optional: optional == "o",
            });
        }
        Unpacked {
            secrets: secrets.into(),
            inputs: inputs.into(),
        }
    }
}

impl fmt::Debug for TaskDef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskDef")
            .field("name", &self.name)
            .field("module_path", &self.module_path)
            .field("packed_secrets", &self.packed_secrets)
            .field("packed_inputs", &self.packed_inputs)
            .field("output", &self.output)
            .field("runnable", &self.runner.is_some())
            .field("why_not", &self.why_not)
            .finish()
    }
}

impl TaskDef {
    /// For `#[task]`: a call is fewer tokens than the struct literal, which every task pays
    /// on every build.
    #[doc(hidden)]
    pub const fn new(
        name: &'static str,
        module_path: &'static str,
        packed_secrets: &'static str,
        packed_inputs: &'static str,
        output: &'static str,
        runner: Option<fn(&mut Call) -> Option<i32>>,
        why_not: &'static str,
    ) -> Self {
        TaskDef {
            name,
            module_path,
            packed_secrets,
            packed_inputs,
            output,
            runner,
            why_not,
        }
    }

    /// The declared secrets, in declaration order.
    pub fn secrets(&'static self) -> &'static [SecretDef<'static>] {
        &self.unpacked().secrets
    }

    /// The parameters, in order.
    pub fn inputs(&'static self) -> &'static [InputDef] {
        &self.unpacked().inputs
    }

    /// Unpacked once per process, kept by the definition's address. Not in a cell of
    /// `TaskDef`: that would make every task's static interior-mutable, which rustc checks
    /// at more cost (113 M instructions more after an edit in the middle of 500 tasks).
    fn unpacked(&'static self) -> &'static Unpacked {
        thread_local! {
            // Each thread's own index: concurrent task calls share no lock. A `BTreeMap`: a
            // few keys compared, no hasher seeded per thread.
            static SEEN: RefCell<BTreeMap<usize, &'static Unpacked>> = const { RefCell::new(BTreeMap::new()) };
        }
        static ALL: Mutex<BTreeMap<usize, &'static Unpacked>> = Mutex::new(BTreeMap::new());
        let at = std::ptr::from_ref(self).addr();
        if let Some(found) = SEEN.with_borrow(|seen| seen.get(&at).copied()) {
            return found;
        }
        // One `Unpacked` per task and process, shared by every thread: leaked like the
        // `'static` definition it belongs to.
        let found = *ALL
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(at)
            .or_insert_with(|| Box::leak(Box::new(Unpacked::of(self))));
        SEEN.with_borrow_mut(|seen| seen.insert(at, found));
        found
    }

    /// Whether `BIN run NAME` can run this task.
    pub fn runnable(&'static self) -> bool {
        self.why_not_runnable().is_none()
    }

    /// Why `BIN run NAME` cannot run this task, if it cannot: what the macro saw, or
    /// parameter types that are not all `DeserializeOwned` (a probe call, which never
    /// reaches the body).
    pub fn why_not_runnable(&'static self) -> Option<String> {
        let Some(runner) = self.runner else {
            return Some(self.why_not.to_owned());
        };
        let mut probe = Call::probe(self.inputs());
        runner(&mut probe);
        probe.not_readable().then(|| {
            let params: Vec<String> = self
                .inputs()
                .iter()
                .map(|i| format!("{}: {}", i.name, i.ty))
                .collect();
            format!(
                "its parameters ({}) are not all `serde::de::DeserializeOwned`",
                params.join(", ")
            )
        })
    }

    /// The task's `flyteidl2.core.SecurityContext`: see [`security_context`].
    pub fn security_context(&'static self) -> SecurityContext {
        security_context(self.secrets())
    }

    /// The declared secret with this key (and group, when given).
    pub fn find(
        &'static self,
        key: &str,
        group: Option<&str>,
    ) -> Option<&'static SecretDef<'static>> {
        let mut hits = self
            .secrets()
            .iter()
            .filter(|s| s.key == key && (group.is_none() || s.group == group));
        hits.next()
    }
}

#[cfg(test)]
mod tests {
    use flyte_spec::packed::pack;

    use super::*;

    fn leak(text: String) -> &'static str {
        Box::leak(text.into_boxed_str())
    }

    #[test]
    fn secrets_and_inputs_read_from_their_packed_form() {
        let secrets = pack(["api-key", "", "eAPI_KEY", "tls", "certs:x", "ftls"]);
        let inputs = pack(["n", "u32", "r", "label", "Option<String>", "o"]);
        let def: &'static TaskDef = Box::leak(Box::new(TaskDef::new(
            "t",
            "m",
            leak(secrets),
            leak(inputs),
            "()",
            None,
            "why",
        )));
        assert_eq!(
            def.secrets(),
            [
                SecretDef::env("api-key", None, "API_KEY"),
                SecretDef::file("tls", Some("certs:x"), "tls"),
            ]
        );
        let inputs: Vec<_> = def
            .inputs()
            .iter()
            .map(|i| (i.name, i.ty, i.optional))
            .collect();
        assert_eq!(
            inputs,
            [("n", "u32", false), ("label", "Option<String>", true)]
        );
        assert!(def.find("tls", Some("certs:x")).is_some());
        assert!(def.find("tls", Some("other")).is_none());
    }

    fn with_secret(key: &str) -> &'static TaskDef {
        let secrets = leak(pack([key, "", "eK"]));
        Box::leak(Box::new(TaskDef::new(
            "t", "m", secrets, "", "()", None, "",
        )))
    }

    /// Each definition keeps its own secrets (they are kept by its address), and every
    /// thread sees the one copy the first reader made.
    #[test]
    fn unpacked_once_per_definition_for_all_threads() {
        let (a, b) = (with_secret("a"), with_secret("b"));
        assert_eq!(a.secrets()[0].key, "a");
        assert_eq!(b.secrets()[0].key, "b");
        let here: &'static [SecretDef<'static>] = a.secrets();
        let there = std::thread::spawn(move || a.secrets()).join().unwrap();
        assert!(std::ptr::eq(here, there));
        assert_eq!(b.secrets()[0].key, "b");
    }
}
