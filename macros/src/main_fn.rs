//! `#[flyte::main]`: hands the process to flyte's entry point before the user's `main` runs,
//! so `BIN run TASK` / `BIN list` work before anything else in the program starts (a task
//! missing secrets relaunches the binary with them, which never writes this process's
//! environment). Parse, validate and expand as for `#[task]`; the rules on `fn main` itself
//! are here.

use proc_macro2::{Ident, TokenStream, TokenTree};
use quote::quote;

use crate::diag::{Errors, error, error_spanned, original_with};
use crate::item::ItemFn;
use crate::{expand, parse, validate};

pub(crate) fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = match ItemFn::from_tokens(item.clone()) {
        Ok(function) => function,
        Err(e) => {
            let e = syn::Error::new(e.span(), format!("#[flyte::main] goes on `fn main`: {e}"));
            return original_with(item, e);
        }
    };
    let mut errors = Errors::default();
    let args = parse::main_args::main_args(attr, &mut errors);
    let tasks_from = validate::main_args::main(&args).unwrap_or_else(|e| {
        errors.push(e);
        Vec::new()
    });
    check(&function, &mut errors);
    if let Some(e) = errors.into_error() {
        return original_with(without_rustc_errors(&function, item), e);
    }
    expand::main(&function, &tasks_from)
}

/// rustc refuses a `main` that is async, takes arguments or is generic; the function is
/// kept under another name and a plain `main` stands in, so the mistake is reported once,
/// by us, with the fix.
fn without_rustc_errors(function: &ItemFn, item: TokenStream) -> TokenStream {
    let sig = &function.sig;
    let refused_by_rustc =
        sig.asyncness.is_some() || !sig.inputs.is_empty() || !sig.generics.is_empty();
    if sig.ident != "main" || !refused_by_rustc {
        return item;
    }
    let renamed = item.into_iter().map(|tree| match tree {
        TokenTree::Ident(ident) if ident == "main" => {
            TokenTree::Ident(Ident::new("__flyte_refused_main", ident.span()))
        }
        other => other,
    });
    let renamed: TokenStream = renamed.collect();
    quote! {
        #[allow(dead_code)]
        #renamed
        #[allow(dead_code)]
        fn main() {}
    }
}

fn check(function: &ItemFn, errors: &mut Errors) {
    let sig = &function.sig;
    if sig.ident != "main" {
        errors.push(error(
            sig.ident.span(),
            format!(
                "#[flyte::main] goes on `fn main`, not on `fn {}`",
                sig.ident
            ),
            "put it on the binary's `fn main()`",
        ));
    }
    if let Some(asyncness) = &sig.asyncness {
        errors.push(error(
            *asyncness,
            "#[flyte::main] cannot be put on an `async fn`",
            "flyte's entry point runs before the program starts anything (an async runtime \
             included): put `#[tokio::main]` above `#[flyte::main]`, or start the runtime \
             inside a sync `fn main`",
        ));
    }
    if !sig.inputs.is_empty() {
        errors.push(error_spanned(
            sig.inputs
                .iter()
                .cloned()
                .collect::<proc_macro2::TokenStream>(),
            "`fn main` takes no arguments",
            "read them with `std::env::args()`",
        ));
    }
    if !sig.generics.is_empty() {
        errors.push(error_spanned(
            &sig.generics,
            "`fn main` cannot be generic",
            "remove the generic parameters",
        ));
    }
}
