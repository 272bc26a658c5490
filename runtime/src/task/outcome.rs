//! What generated code does when a task's secrets cannot be resolved: turn the failure into
//! the task's own error type where it can.
//!
//! It uses autoref specialisation, so the choice is made at compile time from the task's
//! return type without the macro having to understand the type.

use std::marker::PhantomData;

use crate::Error;

/// Stands for the task's return type `R` in [`ViaErr`] / [`ViaPanic`].
#[derive(Debug)]
pub struct Fail<R>(PhantomData<fn() -> R>);

impl<R> Fail<R> {
    /// The marker generated code calls `fail` on; the impl in scope picks the way.
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        Fail(PhantomData)
    }
}

impl<R> Default for Fail<R> {
    fn default() -> Self {
        Fail::new()
    }
}

/// Chosen when the task returns `Result<T, E>` with `E: From<flyte::Error>`.
pub trait ViaErr<R> {
    /// `Err(E::from(err))`.
    fn fail(&self, err: Error) -> R;
}

impl<T, E: From<Error>> ViaErr<Result<T, E>> for &Fail<Result<T, E>> {
    fn fail(&self, err: Error) -> Result<T, E> {
        Err(E::from(err))
    }
}

/// Chosen for every other return type: the task cannot start, and cannot say so in its own
/// type, so it panics with the full message (which names no value).
pub trait ViaPanic<R> {
    /// Panics with `err`'s message, at the task.
    fn fail(&self, err: Error) -> R;
}

impl<R> ViaPanic<R> for Fail<R> {
    // The panic points at the task, not here.
    #[track_caller]
    fn fail(&self, err: Error) -> R {
        fail_panic(err)
    }
}

/// The panic used where the return type cannot be named (`impl Trait`).
#[track_caller]
pub fn fail_panic(err: Error) -> ! {
    panic!("{err}")
}

#[cfg(test)]
// The borrows select the impl, as in generated code; they are the point of these tests.
#[allow(clippy::needless_borrow)]
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
        let r: Result<u32, MyError> = (&&Fail::<Result<u32, MyError>>::new()).fail(err());
        assert!(r.is_err());
    }

    #[test]
    #[should_panic(expected = "not inside a running task")]
    fn other_types_panic() {
        let _: u32 = (&&Fail::<u32>::new()).fail(err());
    }
}
