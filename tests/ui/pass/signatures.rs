//! The function keeps its signature: generics, `where` clauses, lifetimes, `impl Trait` in
//! argument and return position, visibility, doc comments and other attributes, raw names.
#![deny(warnings)]

use std::fmt::Display;

use flyte::task;

/// A documented task.
#[task(secrets = "s")]
#[inline]
#[must_use]
pub fn generic<T: Clone + Display>(value: &T) -> String
where
    T: std::fmt::Debug,
{
    format!("{value}")
}

#[task(secrets = "s")]
pub(crate) fn lifetimes<'a, 'b: 'a>(a: &'a str, _b: &'b str) -> &'a str {
    a
}

#[task(secrets = "s")]
fn impl_trait_arg(items: impl IntoIterator<Item = u8>) -> u32 {
    items.into_iter().map(u32::from).sum()
}

#[task(secrets = "s")]
fn impl_trait_return(n: u8) -> impl Iterator<Item = u8> {
    0..n
}

#[task(secrets = "s")]
fn impl_trait_return_runnable() -> impl Display {
    "shown"
}

#[task(secrets = "s")]
fn const_generic<const N: usize>() -> [u8; N] {
    [0; N]
}

#[task(secrets = "s")]
fn r#type() -> &'static str {
    "raw"
}

mod nested {
    #[flyte::task(secrets = "s")]
    pub fn in_module() -> &'static str {
        module_path!()
    }
}

#[task(secrets = "s")]
unsafe fn unsafe_task() -> u8 {
    1
}

#[task(secrets = "s")]
extern "C" fn extern_task() -> u8 {
    2
}

#[allow(clippy::too_many_arguments)]
#[task(secrets = "s")]
fn destructured((a, b): (u8, u8), [c, ..]: [u8; 2], mut d: u8) -> u8 {
    d += 1;
    a + b + c + d
}

fn main() {
    let resolver =
        flyte::sources::Resolver::new().with(flyte::sources::MapSource::new().with("s", "v"));
    resolver.run(|| {
        assert_eq!(generic(&5), "5");
        assert_eq!(lifetimes("a", "b"), "a");
        assert_eq!(impl_trait_arg([1, 2]), 3);
        assert_eq!(impl_trait_return(3).count(), 3);
        assert_eq!(impl_trait_return_runnable().to_string(), "shown");
        assert_eq!(const_generic::<3>(), [0, 0, 0]);
        assert_eq!(r#type(), "raw");
        assert_eq!(nested::in_module(), concat!(module_path!(), "::nested"));
        #[allow(unsafe_code)]
        let one = unsafe { unsafe_task() };
        assert_eq!(one, 1);
        assert_eq!(extern_task(), 2);
        assert_eq!(destructured((1, 2), [3, 4], 5), 12);
    });
    let tasks = flyte::__private::registered();
    let names = |runnable: bool| -> Vec<&str> {
        tasks
            .iter()
            .filter(|t| t.runnable() == runnable)
            .map(|t| t.name)
            .collect()
    };
    assert_eq!(
        names(true),
        [
            "extern_task",
            "impl_trait_return",
            "impl_trait_return_runnable",
            "in_module",
            "type"
        ]
    );
    assert_eq!(
        names(false),
        [
            "const_generic",
            "destructured",
            "generic",
            "impl_trait_arg",
            "lifetimes",
            "unsafe_task"
        ]
    );
    let in_module = tasks.iter().find(|t| t.name == "in_module").unwrap();
    assert_eq!(in_module.module_path, concat!(module_path!(), "::nested"));
}
