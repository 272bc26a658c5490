//! Compile-time behaviour of `#[task]` and `#[flyte::main]` (trybuild, pinned toolchain).
//!
//! `ui/fail/`: one mistake per file, named after the rule; each `.stderr` shows exactly one
//! error per mistake, at the offending literal. `ui/pass/`: every accepted form compiles
//! without warnings and behaves as documented when run.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("tests/ui/pass/*.rs");
    cases.compile_fail("tests/ui/fail/*.rs");
}
