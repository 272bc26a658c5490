//! `#[task]` from start to end: parse, validate, check the body's accessor uses, expand.
//! Any error stops before expansion and gives back the function as written plus every error.

use proc_macro2::{Ident, TokenStream};
use syn::ext::IdentExt;

use crate::diag::{Errors, error, original_with};
use crate::item::ItemFn;
use crate::parse::tokens::shown;
use crate::site::Block;
use crate::{accessor, expand, parse, site, validate};

pub(crate) fn task(attr: TokenStream, item: TokenStream) -> TokenStream {
    let function = match ItemFn::from_tokens(item.clone()) {
        Ok(function) => function,
        Err(e) => {
            let e = syn::Error::new(e.span(), format!("#[task] goes on a function: {e}"));
            return original_with(item, e);
        }
    };
    let mut errors = Errors::default();
    if let Some(constness) = function.sig.constness {
        errors.push(error(
            constness,
            "a task cannot be a `const fn`",
            "remove `const`: a task resolves its secrets when it runs",
        ));
    }
    // Only for the error below: showing the attribute costs every task otherwise.
    let shown_attr = || shown(&attr.clone().into_iter().collect::<Vec<_>>());
    let args = parse::task_args(attr.clone(), &mut errors);
    // The runner calls a runnable-looking task as a free function; inside an `impl` or trait
    // that call would fail with rustc's "cannot find function", so say what to write instead.
    let site = site::Lookup::new(&function.sig.ident);
    if expand::runnable(&function, args.in_impl)
        && let Some(block) = site.associated()
    {
        errors.push(in_impl_needed(&function.sig.ident, &shown_attr(), block));
    }
    let valid = match validate::task(&args) {
        Ok(valid) => Some(valid),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    // Only against a complete, valid declaration: otherwise a secret with a typo would also
    // show up as "not declared" in the body.
    let mut reads = Vec::new();
    if let (Some(valid), true) = (&valid, errors.is_empty()) {
        let name = function.sig.ident.unraw().to_string();
        if accessor::needs_walk(&function.body_text, valid) {
            let scan = accessor::scan(&function.body_trees());
            accessor::check(&name, valid, &scan.uses, &mut errors);
            reads = accessor::process_only_reads(valid, &scan.call_args);
        }
    }
    match (errors.into_error(), valid) {
        (None, Some(valid)) => expand::task(&function, &valid, &reads, &site),
        (Some(e), _) if args.secret_paths.is_empty() => original_with(item, e),
        // The function as written, only naming `Secret` as the expansion would, so that its
        // import does not show up as unused next to the real error.
        (Some(e), _) => {
            let mut body =
                expand::secret_paths(&args.secret_paths, &site, function.sig.ident.span());
            body.extend([function.body.clone()]);
            original_with(function.with_body(body), e)
        }
        (None, None) => unreachable!("validation failed without an error"),
    }
}

fn in_impl_needed(name: &Ident, attr: &str, block: Block) -> syn::Error {
    let inside = match block {
        Block::Impl => "an `impl` block",
        Block::Trait => "a trait",
    };
    let fixed = match attr {
        "" => "#[task(in_impl)]".to_owned(),
        attr => format!("#[task(in_impl, {attr})]"),
    };
    error(
        name.span(),
        format!("`{name}` is inside {inside}: the task needs `in_impl`"),
        format!(
            "write `{fixed}`; `BIN run` cannot call a function inside {inside}, so this task \
             is called from Rust code"
        ),
    )
}
