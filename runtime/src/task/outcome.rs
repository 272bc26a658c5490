//! What generated code does when a task's secrets cannot be resolved: turn the failure into
//! the task's own error type where it can.
//!
//! The choice is made at compile time from the task's return type, by the same inherent
//! methods on markers as the runner's (see [`Pick`]), so the macro understands no type and
//! no trait needs to be in scope at the task.

use std::marker::PhantomData;

use super::runner::Pick;
use crate::Error;

/// Stands for the task's return type `R`: `Fail::<R>::pick().fail(err)` is an `Err` for a
/// `Result<T, E>` with `E: From<flyte::Error>`, and a panic for any other `R`.
#[derive(Debug)]
pub struct Fail<R>(PhantomData<fn() -> R>);

impl<R> Fail<R> {
    /// The marker generated code calls `fail` on.
    pub fn pick() -> Pick<Fail<R>> {
        Pick::new(Fail(PhantomData))
    }

    /// Chosen for every other return type: the task cannot start, and cannot say so in its
    /// own type, so it panics with the full message (which names no value), at the task.
    #[track_caller]
    pub fn fail(&self, err: Error) -> R {
        fail_panic(err)
    }
}

impl<T, E: From<Error>> Pick<Fail<Result<T, E>>> {
    /// Chosen when the task returns `Result<T, E>` with `E: From<flyte::Error>`.
    pub fn fail(&self, err: Error) -> Result<T, E> {
        Err(E::from(err))
    }
}

/// The panic used where the return type cannot be named (`impl Trait`, `!`).
#[track_caller]
pub(crate) fn fail_panic(err: Error) -> ! {
    panic!("{err}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct MyError(#[allow(dead_code)] String);
    impl From<Error> for MyError {
        fn from(e: Error) -> Self {
            MyError(e.to_string())
        }
    }

    fn err() -> Error {
        Error::NoTask { key: "k".into() }
    }

    #[test]
    fn result_with_from_gets_err() {
        let r: Result<u32, MyError> = Fail::<Result<u32, MyError>>::pick().fail(err());
        assert!(r.is_err());
    }

    #[test]
    #[should_panic(expected = "not inside a running task")]
    fn result_without_from_panics() {
        let _: Result<u32, String> = Fail::<Result<u32, String>>::pick().fail(err());
    }

    #[test]
    #[should_panic(expected = "not inside a running task")]
    fn other_types_panic() {
        let _: u32 = Fail::<u32>::pick().fail(err());
    }
}
