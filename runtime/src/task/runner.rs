//! The runner `BIN run` calls for a task: one generic function, [`run`], which the code
//! `#[task]` generates instantiates with the task's function and the ways its types are read
//! and shown. Each way is chosen at the task, at compile time, by autoref specialisation
//! with inherent methods on zero-sized markers ([`Pick`] of [`Task`], then of [`Parts`]), so
//! the macro understands no type, no trait is imported, and the task's own code is a few
//! method calls; everything else is compiled once, here. In the order tried:
//!
//! - `read`: the parameter tuple is `DeserializeOwned`, or the task cannot be given its
//!   inputs from the command line (found by a probe call);
//! - `parts`: a `Result` is split into the value and the error, any other output is a value;
//! - `show`: `()` prints nothing, `Serialize` JSON, `Debug` its `{:?}`, anything else nothing;
//! - `error`: through `Display`, `Debug`, or a fixed message.

use std::convert::Infallible;
use std::fmt::{Debug, Display};
use std::future::Future;
use std::ops::Deref;

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::io::{Call, Shown, read, unreadable};

/// One level of the choice by type (autoref specialisation with inherent methods): a method
/// of `Pick<X>` whose bounds do not hold is passed over, and the method call goes on through
/// `Deref` to `X`'s. No trait needs to be in scope where the choice is made.
#[derive(Debug)]
pub struct Pick<X>(X);

impl<X> Pick<X> {
    pub(crate) fn new(x: X) -> Self {
        Pick(x)
    }
}

impl<X> Deref for Pick<X> {
    type Target = X;
    fn deref(&self) -> &X {
        &self.0
    }
}

/// A task's function `F`, its parameter tuple `A` and what it returns, `R` (for an `async fn`,
/// what its future gives), with the way to call it: the marker the generated code chooses the
/// ways to read and split on.
#[derive(Debug)]
pub struct Task<A, F, R>(F, fn(F, A) -> R);

macro_rules! tasks {
    ($sync:ident $async_:ident; $($a:ident)*) => {
        /// The marker of a task function with these parameters.
        pub fn $sync<$($a,)* F, R>(f: F) -> Pick<Task<($($a,)*), F, R>>
        where
            F: FnOnce($($a),*) -> R,
        {
            #[allow(non_snake_case)]
            fn call<$($a,)* F: FnOnce($($a),*) -> R, R>(f: F, ($($a,)*): ($($a,)*)) -> R {
                f($($a),*)
            }
            Pick(Task(f, call))
        }

        /// The marker of an `async fn` task with these parameters; the run drives it to
        /// completion on a fresh runtime (see [`crate::__private::block_on`]).
        pub fn $async_<$($a,)* F, Fut, R>(f: F) -> Pick<Task<($($a,)*), F, R>>
        where
            F: FnOnce($($a),*) -> Fut,
            Fut: Future<Output = R>,
        {
            #[allow(non_snake_case)]
            fn call<$($a,)* F: FnOnce($($a),*) -> Fut, Fut: Future<Output = R>, R>(
                f: F,
                ($($a,)*): ($($a,)*),
            ) -> R {
                crate::__private::block_on(f($($a),*))
            }
            Pick(Task(f, call))
        }
    };
}

tasks!(task0 task0_async;);
tasks!(task1 task1_async; A0);
tasks!(task2 task2_async; A0 A1);
tasks!(task3 task3_async; A0 A1 A2);
tasks!(task4 task4_async; A0 A1 A2 A3);
tasks!(task5 task5_async; A0 A1 A2 A3 A4);
tasks!(task6 task6_async; A0 A1 A2 A3 A4 A5);
tasks!(task7 task7_async; A0 A1 A2 A3 A4 A5 A6);
tasks!(task8 task8_async; A0 A1 A2 A3 A4 A5 A6 A7);
tasks!(task9 task9_async; A0 A1 A2 A3 A4 A5 A6 A7 A8);
tasks!(task10 task10_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9);
tasks!(task11 task11_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10);
tasks!(task12 task12_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11);
tasks!(task13 task13_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12);
tasks!(task14 task14_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13);
tasks!(task15 task15_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14);
tasks!(task16 task16_async; A0 A1 A2 A3 A4 A5 A6 A7 A8 A9 A10 A11 A12 A13 A14 A15);

/// Reads the parameters from a call, or `None` when the call stops before the body.
pub type Read<A> = fn(&mut Call) -> Option<A>;

/// Three levels above the split, for the choice of how the value and the error are shown.
pub type Shows<R, T, E> = Pick<Pick<Pick<Parts<R, T, E>>>>;

impl<A: DeserializeOwned, F, R> Pick<Task<A, F, R>> {
    /// The parameter tuple is `DeserializeOwned`: read from the inputs.
    pub fn read(&self) -> Read<A> {
        read::<A>
    }
}

impl<A, F, T, E> Pick<Task<A, F, Result<T, E>>> {
    /// A `Result`: `Ok` is the value, `Err` the error (exit code 1).
    pub fn parts(&self) -> Shows<Result<T, E>, T, E> {
        Pick(Pick(Pick(Parts(|r| r))))
    }
}

impl<A, F, R> Task<A, F, R> {
    /// Any other parameters: the task cannot be given them from the command line.
    pub fn read(&self) -> Read<A> {
        unreadable::<A>
    }

    /// Any other output is the value.
    pub fn parts(&self) -> Shows<R, R, Infallible> {
        Pick(Pick(Pick(Parts(Ok))))
    }
}

/// What the task returned (`R`), split into the value (`T`) and the error (`E`) to show.
#[derive(Debug)]
pub struct Parts<R, T, E>(fn(R) -> Result<T, E>);

/// How the value is shown.
pub type ShowFn<T> = fn(&T) -> Shown;

/// How the error is shown, on stderr.
pub type ErrFn<E> = fn(&E) -> String;

impl<R, E> Shows<R, (), E> {
    /// `()`: nothing to show.
    pub fn show(&self) -> ShowFn<()> {
        |_| Shown::Nothing
    }
}

impl<R, T: Serialize, E> Pick<Pick<Parts<R, T, E>>> {
    /// `Serialize`: JSON.
    pub fn show(&self) -> ShowFn<T> {
        |v| Shown::Json(serde_json::to_string(v))
    }
}

impl<R, T, E: Display> Pick<Pick<Parts<R, T, E>>> {
    /// An error through `Display`.
    pub fn error(&self) -> ErrFn<E> {
        |e| e.to_string()
    }
}

impl<R, T: Debug, E> Pick<Parts<R, T, E>> {
    /// `Debug`: its `{:?}`.
    pub fn show(&self) -> ShowFn<T> {
        |v| Shown::Debug(format!("{v:?}"))
    }
}

impl<R, T, E: Debug> Pick<Parts<R, T, E>> {
    /// An error through `Debug`, when it has no `Display`.
    pub fn error(&self) -> ErrFn<E> {
        |e| format!("{e:?}")
    }
}

impl<R, T, E> Parts<R, T, E> {
    /// Anything else: nothing to show.
    pub fn show(&self) -> ShowFn<T> {
        |_| Shown::Nothing
    }

    /// An error that can show neither.
    pub fn error(&self) -> ErrFn<E> {
        |_| "the task returned an error".into()
    }
}

/// Runs a task for `BIN run` (and for the probe and check calls, which stop before the
/// body): its parameters read from the call, the function called, its result shown; the
/// exit code, or `None` when the call stopped before the body.
pub fn run<A, F, R, T, E>(
    call: &mut Call,
    read: Read<A>,
    show: ShowFn<T>,
    error: ErrFn<E>,
    parts: Shows<R, T, E>,
    task: Pick<Task<A, F, R>>,
) -> Option<i32> {
    let args = read(call)?;
    let Task(f, call_f) = task.0;
    let shown = match (parts.0.0.0.0)(call_f(f, args)) {
        Ok(value) => Ok(show(&value)),
        Err(e) => Err(error(&e)),
    };
    Some(call.finish(shown))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Opaque;

    #[test]
    fn values_are_shown_by_their_traits() {
        let p = task0(|| ()).parts();
        assert!(matches!(p.show()(&()), Shown::Nothing));
        let p = task0(|| 5u8).parts();
        assert!(matches!(p.show()(&5), Shown::Json(Ok(j)) if j == "5"));
        let p = task0(std::time::Instant::now).parts();
        assert!(matches!(
            p.show()(&std::time::Instant::now()),
            Shown::Debug(_)
        ));
        let p = task0(|| Opaque).parts();
        assert!(matches!(p.show()(&Opaque), Shown::Nothing));
    }

    #[test]
    fn results_split_and_errors_are_shown_by_their_traits() {
        let p = task0(|| Err::<u8, &str>("bad")).parts();
        let split = p.0.0.0.0;
        assert_eq!(
            split(Err("bad")).map_err(|e| p.error()(&e)),
            Err("bad".into())
        );
        assert_eq!(split(Ok(1)).ok(), Some(1));
        let p = task0(|| Err::<u8, Option<u8>>(Some(1))).parts();
        assert_eq!(p.error()(&Some(1)), "Some(1)");
        let p = task0(|| Err::<u8, Opaque>(Opaque)).parts();
        assert_eq!(p.error()(&Opaque), "the task returned an error");
        // Not a `Result`: all of it is the value.
        let p = task1(|n: u8| n).parts();
        assert!(matches!((p.0.0.0.0)(7), Ok(7)));
    }

    #[test]
    fn parameters_are_read_when_they_are_deserializable() {
        static DEFS: [super::super::io::InputDef; 1] = [super::super::io::InputDef {
            name: "n",
            ty: "u8",
            optional: false,
        }];
        let mut probe = Call::probe(&DEFS);
        assert!(task1(|n: u8| n).read()(&mut probe).is_none());
        assert!(!probe.not_readable());
        assert!(task1(|_: Opaque| 1).read()(&mut probe).is_none());
        assert!(probe.not_readable());
    }

    #[test]
    fn parameters_are_called_as_one_tuple() {
        let Task(f, call) = task2(|a: u8, b: u8| a + b).0;
        assert_eq!(call(f, (1, 2)), 3);
        let Task(f, call) = task1_async(|n: u8| async move { n * 2 }).0;
        assert_eq!(call(f, (4,)), 8);
    }
}
