//! The rules of `tasks_from`, across the list: at least one crate, each once, and each a
//! crate of its own (the binary's own tasks are always there).

use proc_macro2::Ident;

use crate::diag::{Errors, error};
use crate::parse::main_args::MainArgs;

/// The crates to link, once each; every broken rule is reported together.
pub(crate) fn main(args: &MainArgs) -> syn::Result<Vec<Ident>> {
    let mut errors = Errors::default();
    if let Some(span) = args.empty_list {
        errors.push(error(
            span,
            "`tasks_from` lists no crate",
            "list the crates whose tasks to include, or remove `tasks_from`",
        ));
    }
    let mut crates: Vec<Ident> = Vec::with_capacity(args.tasks_from.len());
    for name in &args.tasks_from {
        if ["crate", "self", "super", "Self"].contains(&name.to_string().as_str()) {
            errors.push(error(
                name.span(),
                format!("`{name}` is not a library crate"),
                "list the crates the tasks are in; this binary's own tasks are always included",
            ));
        } else if crates.iter().any(|c| c == name) {
            errors.push(error(
                name.span(),
                format!("crate `{name}` is listed twice in `tasks_from`"),
                "remove one of them",
            ));
        } else {
            crates.push(name.clone());
        }
    }
    match errors.into_error() {
        Some(e) => Err(e),
        None => Ok(crates),
    }
}
