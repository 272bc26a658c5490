//! What `#[task]` expands to. The attribute writes one short `task!` call
//! (`flyte::__flyte_task!`) at the top of the function's body and this `macro_rules!` writes
//! the rest: rustc expands a `macro_rules!` far more cheaply than it takes tokens from a proc
//! macro, so most of a task's code is written here, once, and a crate of many tasks stays
//! quick to check. One arm and no nested macro call: each further call per task costs a build
//! of many tasks measurably, and more after an edit. The static's placement differs by target
//! (a link section, or `inventory`), so `task::registry` defines `task!` through
//! [`define_task`] for its target.
//!
//! `task!(NAME SECRETS INPUTS OUTPUT (RUNNER) WHY_NOT [#[allow(..)]] -> RETURN [, async BODY])`:
//! - `SECRETS`, `INPUTS`: the secrets and the parameters, packed into one string literal
//!   each (see `TaskDef`);
//! - `RUNNER`: the runner for `BIN run`, an `Option` (`None` when `WHY_NOT` says why not);
//! - `RETURN`: the return type, or [`Never`] when it cannot be named (`impl Trait`, `!`),
//!   with `#[allow(unreachable_code, ..)]` before the `->` for the arm that cannot be
//!   reached then;
//! - `BODY`: an `async fn`'s body, which runs under the guard; a plain function's body follows
//!   the call and the guard, a local of this macro's (the body cannot see it), lives to its
//!   end.

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

/// Defines `task!` (`__flyte_task`, exported at the crate root; generated code names it
/// `::flyte::__flyte_task!`, as a macro that a macro defines cannot be re-exported) with the
/// attributes that place the static (`PLACE`) and the items that register it (`REGISTER`).
/// `$d` is `$`, for the inner macro's own variables.
macro_rules! define_task {
    ($d:tt [$($place:tt)*] [$($register:tt)*]) => {
        /// See the module documentation of `task::expansion`.
        #[doc(hidden)]
        #[macro_export]
        macro_rules! __flyte_task {
            (
                $d name:literal
                $d secrets:literal $d inputs:literal $d output:literal ($d runner:expr)
                $d why_not:literal $d (#[$d never:meta])? -> $d ret:ty $d (, async $d body:tt)?
            ) => {
                $($place)*
                static __FLYTE_TASK: $d crate::__private::TaskDef = $d crate::__private::TaskDef::new(
                    $d name,
                    ::core::module_path!(),
                    $d secrets,
                    $d inputs,
                    $d output,
                    $d runner,
                    $d why_not,
                );
                $($register)*
                let __flyte_guard = match $d crate::__private::Fail::<$d ret>::pick().enter(&__FLYTE_TASK) {
                    $d crate::__private::Ok(guard) => guard,
                    // Only for `Never`, whose failure was a panic: the `return` is then
                    // unreachable. An attribute on every task would cost each a lint scope.
                    $d (#[$d never])?
                    $d crate::__private::Err(ret) => return ret,
                };
                // A statement, as the rest: the call is always in statement position.
                $d (return $d crate::__private::scoped(__flyte_guard, async move $d body).await;)?
            };
        }
    };
}
pub(crate) use define_task;
