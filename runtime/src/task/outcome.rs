//! What generated code does when a task's secrets cannot be resolved: turn the failure into
//! the task's own error type where it can.
//!
//! The choice is made at compile time from the task's return type, by the same inherent
//! methods on markers as the runner's (see [`Pick`]), so the macro understands no type and
//! no trait needs to be in scope at the task.

use std::marker::PhantomData;

use super::context::{TaskGuard, enter};
use super::def::TaskDef;
use super::runner::Pick;
use crate::Error;

/// Stands for the task's return type `R`: `Fail::<R>::pick().enter(task)` enters the task,
/// and on failure gives the `Err` to return for a `Result<T, E>` with
/// `E: From<flyte::Error>`, and panics for any other `R`.
#[derive(Debug)]
pub struct Fail<R>(PhantomData<fn() -> R>);

impl<R> Fail<R> {
    /// The marker generated code calls `enter` on.
    pub fn pick() -> Pick<Fail<R>> {
        Pick::new(Fail(PhantomData))
    }

    /// Enters the task; chosen for every other return type. It cannot start, and cannot say
    /// so in its own type, so it panics with the full message (which names no value), at
    /// the task; the `Err` never comes. A `match`, not a closure, so that the panic's
    /// location is the task's.
    #[track_caller]
    pub fn enter(&self, task: &'static TaskDef) -> Result<TaskGuard, R> {
        match enter(task) {
            Ok(guard) => Ok(guard),
            Err(err) => fail_panic(err),
        }
    }
}

impl<T, E: From<Error>> Pick<Fail<Result<T, E>>> {
    /// Enters the task; chosen when it returns `Result<T, E>` with `E: From<flyte::Error>`,
    /// where a failure is the value to return.
    pub fn enter(&self, task: &'static TaskDef) -> Result<TaskGuard, Result<T, E>> {
        enter(task).map_err(|err| Err(E::from(err)))
    }
}

/// The panic of a task that cannot start and cannot return the error; with its causes, since
/// a panic message is all the user gets (an `Error::Io` shows its OS error only as a cause).
#[track_caller]
pub(crate) fn fail_panic(err: Error) -> ! {
    panic!("{}", crate::error::chain(&err))
}

#[cfg(test)]
mod tests {
    use flyte_spec::packed::pack;

    use super::*;

    #[derive(Debug)]
    struct MyError(String);
    impl From<Error> for MyError {
        fn from(e: Error) -> Self {
            MyError(e.to_string())
        }
    }

    /// A task whose one secret no source has.
    fn absent() -> &'static TaskDef {
        let secrets = pack(["flyte-outcome-absent", "", "eFLYTE_OUTCOME_ABSENT"]);
        let secrets = Box::leak(secrets.into_boxed_str());
        Box::leak(Box::new(TaskDef::new(
            "t", "m", secrets, "", "()", None, "",
        )))
    }

    #[test]
    fn result_with_from_gets_err() {
        let r = Fail::<Result<u32, MyError>>::pick().enter(absent());
        match r {
            Err(Err(MyError(msg))) => assert!(msg.contains("flyte-outcome-absent"), "{msg}"),
            _ => panic!("no error to return"),
        }
    }

    #[test]
    #[should_panic(expected = "flyte-outcome-absent")]
    fn result_without_from_panics() {
        let _ = Fail::<Result<u32, String>>::pick().enter(absent());
    }

    #[test]
    #[should_panic(expected = "flyte-outcome-absent")]
    fn other_types_panic() {
        let _ = Fail::<u32>::pick().enter(absent());
    }

    #[test]
    #[should_panic(expected = "cannot read dotenv file /nowhere/.env: permission denied")]
    fn the_panic_says_why() {
        fail_panic(Error::Io {
            action: "cannot read dotenv file",
            path: "/nowhere/.env".into(),
            source: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "permission denied"),
        })
    }
}
