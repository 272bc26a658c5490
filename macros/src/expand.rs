//! The code `#[task]` and `#[flyte::main]` generate for a validated declaration. Only absolute
//! paths (`::flyte::__private::...`, `::core::...`), so it works whatever the user imported.

use flyte_spec::Target;
use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;

use crate::accessor::ProcessOnlyRead;
use crate::item::ItemFn;
use crate::validate::{ValidSecret, ValidTask};

/// The function, with its signature unchanged and its body wrapped: register the task,
/// resolve its secrets, then run the original statements.
pub(crate) fn task(item: &ItemFn, task: &ValidTask, reads: &[ProcessOnlyRead]) -> TokenStream {
    let sig = &item.sig;
    let mut out = statics(item, task);

    out.extend(secret_paths(&task.secret_paths));
    out.extend(reads.iter().map(process_only_warning));

    // Hygienic: the body cannot see or shadow these.
    let guard = Ident::new("__flyte_guard", Span::mixed_site());
    let err = Ident::new("__flyte_err", Span::mixed_site());
    let on_error = if item.return_type_nameable() {
        let ret = item.return_type();
        quote! {
            return {
                #[allow(unused_imports)]
                use ::flyte::__private::{ViaErr as _, ViaPanic as _};
                (&&::flyte::__private::Fail::<#ret>::new()).fail(#err)
            }
        }
    } else {
        // `!`: no `return`, which would be unreachable code.
        quote!(::flyte::__private::fail_panic(#err))
    };
    out.extend(quote! {
        let #guard = match ::flyte::__private::enter(&__FLYTE_TASK) {
            ::core::result::Result::Ok(#guard) => #guard,
            ::core::result::Result::Err(#err) => #on_error,
        };
    });

    let body = &item.body;
    if sig.asyncness.is_some() {
        let hint = async_return_hint(item);
        out.extend(quote! {
            ::flyte::__private::scoped(#guard, async move { #hint #body }).await
        });
    } else {
        out.extend(body.clone());
    }
    item.with_body(out)
}

/// `#[flyte::main]`: the `tasks_from` crates loaded, then flyte's entry point, then the body.
/// rustc links a crate only when the binary names it; `extern crate` names it, and then its
/// tasks' registrations are linked like any `#[used]` static of a linked crate.
pub(crate) fn main(item: &ItemFn, tasks_from: &[Ident]) -> TokenStream {
    let links = tasks_from
        .iter()
        .map(|name| quote_spanned! {name.span()=> extern crate #name as _; });
    let body = &item.body;
    item.with_body(quote! {
        #(#links)*
        ::flyte::__private::main_entry();
        #body
    })
}

/// The task's static description (with, when it can be run as the whole process, its runner:
/// see `io`) and its registration for `BIN list`.
fn statics(item: &ItemFn, task: &ValidTask) -> TokenStream {
    let name = item.sig.ident.unraw().to_string();
    let secrets = task.secrets.iter().map(secret_def);
    let io_fields = crate::io::task_io(item, task.in_impl);
    quote! {
        static __FLYTE_TASK: ::flyte::__private::TaskDef = ::flyte::__private::TaskDef {
            name: #name,
            module_path: ::core::module_path!(),
            secrets: &[#(#secrets),*],
            #io_fields
        };
        ::flyte::__private::register_task!(__FLYTE_TASK);
    }
}

/// `Secret(...)` in the attribute is read by the macro and needs no import, but an import of
/// `flyte::Secret` that only the attribute uses must count as used. So a bare `Secret` is named
/// in a module that sees the user's names through `pub(super) use super::*` and flyte's through
/// a private glob: when both hold it, the more visible binding (the user's) wins whatever the
/// order, and its import is used; alone, flyte's fills in. It is the macro namespace that is
/// named (the hidden `flyte::Secret!`), which a user's own `Secret` type stays out of. A path
/// (`flyte::Secret(...)`) must name flyte's `Secret`.
pub(crate) fn secret_paths(paths: &[TokenStream]) -> TokenStream {
    let mut out = TokenStream::new();
    for path in paths {
        let mut tokens = path.clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Ident(name)), None) => out.extend(quote! {
                #[allow(unused_imports)]
                mod __flyte_secret_name {
                    use ::flyte::__private::secret_name::*;
                    pub(super) use super::*;
                    #name! {}
                }
            }),
            _ => out.extend(quote! {
                let _: ::core::marker::PhantomData<::flyte::Secret> = ::core::marker::PhantomData::<#path>;
            }),
        }
    }
    out
}

/// A `deprecated` warning at the literal of a process-only read: a local deprecated item
/// (so that the note can name the key) used with the literal's span. `#[allow(deprecated)]`
/// on the task silences it.
fn process_only_warning(read: &ProcessOnlyRead) -> TokenStream {
    let key = &read.key;
    let where_ = if read.file {
        "only when the task runs as its own process (`BIN run`, `flyte run`, a cluster) \
         and can write /etc/flyte/secrets (root, containers, clusters)"
    } else {
        "only when the task runs as its own process (`BIN run`, `flyte run`, a cluster)"
    };
    let note = format!(
        "this reads secret `{key}` through its {via}, which holds it {where_}; called \
         in-process (tests, other code) the read fails. `flyte::secret!(\"{key}\")`{path} \
         works everywhere. To keep this read, put #[allow(deprecated)] on the task",
        via = read.via,
        path = if read.file { " (with `.path()`)" } else { "" },
    );
    let name = Ident::new("process_only_secret_read", read.span);
    quote_spanned! {read.span=>
        {
            #[deprecated(note = #note)]
            fn #name() {}
            #name();
        }
    }
}

/// Whether the task looks like a free function `BIN run NAME` calls without inputs, which
/// inside an `impl` needs `in_impl` (see the crate docs).
pub(crate) fn runnable(item: &ItemFn, in_impl: bool) -> bool {
    let sig = &item.sig;
    sig.inputs.is_empty()
        && sig.generics.is_empty()
        && !sig.unsafety
        && !in_impl
        && !item.mentions_self_type()
}

/// `?` in an async block needs the block's return type, which is not inferred from the
/// outer function; an unreachable typed `return` at the top states it (as
/// `tracing::instrument` does).
fn async_return_hint(item: &ItemFn) -> TokenStream {
    if !item.return_type_nameable() || item.sig.output.is_none() {
        return TokenStream::new();
    }
    let ret = item.return_type();
    let fake = Ident::new("__flyte_return_type", Span::mixed_site());
    quote! {
        #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::empty_loop)]
        if false {
            let #fake: #ret = loop {};
            return #fake;
        }
    }
}

/// One `SecretDef`, through the short constructors of `__private`.
fn secret_def(secret: &ValidSecret) -> TokenStream {
    let key = &secret.key;
    match (&secret.target, &secret.group) {
        (Target::Env(name), None) => quote!(::flyte::__private::env(#key, #name)),
        (Target::Env(name), Some(group)) => quote!(::flyte::__private::env_in(#group, #key, #name)),
        (Target::File { relative }, None) => quote!(::flyte::__private::file(#key, #relative)),
        (Target::File { relative }, Some(group)) => {
            quote!(::flyte::__private::file_in(#group, #key, #relative))
        }
    }
}
