//! What `#[task]` expands to. The attribute writes one short `task!` call at the top of the
//! function's body and this `macro_rules!` writes the rest: rustc expands a `macro_rules!`
//! far more cheaply than it takes tokens from a proc macro, so most of a task's code is
//! written here, once, and a crate of many tasks stays quick to check. One arm and one
//! nested call (the static, whose attributes depend on the target): each further macro call
//! per task costs a build of many tasks measurably.
//!
//! `task!(GUARD NAME SECRETS INPUTS OUTPUT (RUNNER) WHY_NOT [#[allow(..)]] -> RETURN)`:
//! - `GUARD`: the name of the running task's guard, which the attribute gives a hygienic
//!   span (the body cannot see it; an `async fn`'s wrapper can);
//! - `SECRETS`, `INPUTS`: the secrets and the parameters, packed into one string literal
//!   each (see `TaskDef`);
//! - `RUNNER`: the runner for `BIN run`, an `Option` (`None` when `WHY_NOT` says why not);
//! - `RETURN`: the return type, or [`Never`] when it cannot be named (`impl Trait`, `!`),
//!   with `#[allow(unreachable_code, ..)]` before the `->` for the arm that cannot be
//!   reached then.

/// `!` as a type that can be named on stable Rust, for a task whose return type cannot be
/// (`impl Trait`, `!`): its failure to start is a panic, whose type is `!`.
pub type Never = <fn() -> ! as HasOutput>::Output;

/// The return type of a function pointer type; only for [`Never`].
pub trait HasOutput {
    /// The return type.
    type Output;
}

impl<T> HasOutput for fn() -> T {
    type Output = T;
}

/// See the module documentation.
#[doc(hidden)]
#[macro_export]
macro_rules! __flyte_task {
    (
        $guard:ident $name:literal
        $secrets:literal $inputs:literal $output:literal ($runner:expr) $why_not:literal
        $(#[$never:meta])? -> $ret:ty
    ) => {
        // One group: the inner macro matches one token tree, not each of its tokens.
        $crate::__private::task_static!((
            $name,
            ::core::module_path!(),
            $secrets,
            $inputs,
            $output,
            $runner,
            $why_not
        ));
        let $guard = match $crate::__private::Fail::<$ret>::pick().enter(&__FLYTE_TASK) {
            $crate::__private::Ok(guard) => guard,
            // Only for `Never`, whose failure was a panic: the `return` is then unreachable.
            // An attribute on every task would cost each a lint scope.
            $(#[$never])?
            $crate::__private::Err(ret) => return ret,
        };
    };
}
