//! What generated code does with a task's result: turn a resolution failure into the task's
//! own error type where it can, and split a finished run's output into value and error.
//!
//! Both use autoref specialisation, so the choice is made at compile time from the task's
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

/// Wraps a finished task's output, to split it into the value and the error to show.
#[derive(Debug)]
pub struct Outcome<T>(pub T);

/// A `Result`: `Ok` is the value, `Err` the error (exit code 1).
pub trait ViaResult<T, E> {
    /// The value or the error.
    fn split(&self) -> Result<&T, &E>;
}

impl<T, E> ViaResult<T, E> for &Outcome<Result<T, E>> {
    fn split(&self) -> Result<&T, &E> {
        self.0.as_ref()
    }
}

/// Any other output is the value.
pub trait ViaValue<T> {
    /// The value (never an error).
    fn split(&self) -> Result<&T, &std::convert::Infallible>;
}

impl<T> ViaValue<T> for Outcome<T> {
    fn split(&self) -> Result<&T, &std::convert::Infallible> {
        Ok(&self.0)
    }
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

    #[test]
    fn results_split_into_value_and_error() {
        assert_eq!((&&Outcome(Ok::<u8, String>(1))).split(), Ok(&1));
        assert_eq!((&&Outcome(Err::<u8, u8>(2))).split(), Err(&2));
        assert_eq!((&&Outcome(7u64)).split(), Ok(&7));
    }
}
