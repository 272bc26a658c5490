//! The code `#[task]` and `#[flyte::main]` generate for a validated declaration. Only absolute
//! paths (`::flyte::__private::...`, `::core::...`), so it works whatever the user imported.

use flyte_spec::{MOUNT_PATH, Target};
use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::ext::IdentExt;

use crate::accessor::ProcessOnlyRead;
use crate::item::ItemFn;
use crate::lit::literal;
use crate::site::{Lookup, SecretImport};
use crate::validate::{ValidSecret, ValidTask};

/// The function, with its signature unchanged and its body wrapped: one `task!` call
/// (`flyte::__flyte_task!`, which writes the task's static, its registration, the resolution
/// of its secrets and the guard that holds them), then the original statements; an `async fn`
/// gives its body to `task!`, which runs it under the guard.
///
/// Every token written here has the span of the function's name (resolved where the function
/// is), not the call site's: tokens of the call site carry this expansion's mark, whose hash
/// changes whenever the attribute moves, so after an edit above a task rustc would check the
/// body again, and build its MIR again, though nothing in it changed. The guard's name is
/// `task!`'s own (hygienic there); nothing here needs hygiene.
pub(crate) fn task(
    item: &ItemFn,
    task: &ValidTask,
    reads: &[ProcessOnlyRead],
    site: &Lookup<'_>,
) -> TokenStream {
    let here = item.sig.ident.span();
    let mut out = secret_paths(&task.secret_paths, site, here);
    out.extend(reads.iter().map(process_only_warning));
    out.extend(
        task.unstorable_keys
            .iter()
            .map(|(key, span)| unstorable_key_warning(key, *span)),
    );
    out.extend(
        crate::io::runner_flag_clashes(item, task.in_impl, site)
            .into_iter()
            .map(|(name, flag, span)| runner_flag_warning(&name, flag, span)),
    );

    let mut name = item.sig.ident.unraw().to_string();
    // `Type::name` in an `impl` or trait block: namesakes in one module stay apart.
    if let Some(owner) = site.owner() {
        name = format!("{owner}::{name}");
    }
    let name = literal(&name, here);
    let secrets = literal(&packed_secrets(&task.secrets), here);
    let io = crate::io::task_io(item, task.in_impl, here, site);
    // `Never` comes with the `allow` for its failure arm, which cannot be reached (`task!`).
    let ret = match item.return_type_nameable() {
        true => {
            let ret = item.return_type(here);
            quote_spanned!(here=> -> #ret)
        }
        false => quote_spanned! {here=>
            #[allow(unreachable_code, clippy::diverging_sub_expression)] -> ::flyte::__private::Never
        },
    };
    let body = &item.body;
    if item.sig.asyncness.is_some() {
        let hint = async_return_hint(item, here);
        out.extend([quote_spanned! {here=>
            ::flyte::__flyte_task!(#name #secrets #io #ret, async { #hint #body });
        }]);
    } else {
        out.extend([quote_spanned! {here=>
            ::flyte::__flyte_task!(#name #secrets #io #ret);
        }]);
        out.extend([body.clone()]);
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

/// `Secret(...)` in the attribute is read by the macro and needs no import, but an import of
/// `flyte::Secret` that only the attribute uses must count as used. It is the macro namespace
/// that is named (the hidden `flyte::Secret!`), which a user's own `Secret` type stays out of.
/// A bare `Secret` is named as the `use` items around the task (`function`, as the source
/// file shows them) bind it:
/// - to `flyte::Secret`, in the task's module: `self::Secret! {}`, which uses that import
///   (a path, which rustc resolves in the module; a bare name it looks up through every
///   macro call before it, which costs a crate of many tasks a lot);
/// - to `flyte::Secret`, in the body of a function around the task: `Secret! {}`, which
///   finds that import through the blocks around (where `self::` does not look);
/// - not at all: nothing, there is no import to use;
/// - otherwise, or when the file does not show it: in a module that sees the user's names
///   through `pub(super) use super::*` and flyte's through a private glob. When both hold it,
///   the more visible binding (the user's) wins whatever the order, and its import is used;
///   alone, flyte's fills in. This always works, but costs rustc a glob of the whole module
///   per task, so it is the last resort.
///
/// A path (`flyte::Secret(...)`) must name flyte's `Secret`.
///
/// `span` is where the written tokens are (see [`task`]).
pub(crate) fn secret_paths(paths: &[TokenStream], site: &Lookup<'_>, span: Span) -> TokenStream {
    let mut out = TokenStream::new();
    let mut import = None;
    for path in paths {
        let mut tokens = path.clone().into_iter();
        match (tokens.next(), tokens.next()) {
            (Some(TokenTree::Ident(name)), None) => {
                match *import.get_or_insert_with(|| site.secret_import()) {
                    SecretImport::Flyte => out.extend([quote_spanned!(span=> self::#name! {})]),
                    SecretImport::FlyteInBlock => out.extend([quote_spanned!(span=> #name! {})]),
                    SecretImport::Absent => {}
                    SecretImport::Unknown => out.extend([quote_spanned! {span=>
                        #[allow(unused_imports)]
                        mod __flyte_secret_name {
                            use ::flyte::__private::secret_name::*;
                            pub(super) use super::*;
                            #name! {}
                        }
                    }]),
                }
            }
            _ => out.extend([quote_spanned! {span=>
                let _: ::core::marker::PhantomData<::flyte::Secret> = ::core::marker::PhantomData::<#path>;
            }]),
        }
    }
    out
}

/// A `deprecated` warning at the literal of a process-only read: a local deprecated item
/// (so that the note can name the key) used with the literal's span. `#[allow(deprecated)]`
/// on the task silences it.
fn process_only_warning(read: &ProcessOnlyRead) -> TokenStream {
    let key = &read.key;
    let note = match read.file {
        // The literal path is the default (Embedded) injector's layout; the others nest the
        // file in a directory named after the group (their exact layouts are the runtime's,
        // `sources::pod`, which `secret!` reads).
        true => format!(
            "this reads secret `{key}` through the path `{MOUNT_PATH}/{key}`, which holds it \
             only when the task runs as its own process (`BIN run`, `flyte run`, a cluster) \
             and can write {MOUNT_PATH} (root, containers, clusters), and on a cluster only \
             under the default (Embedded) injector: the K8s, Vault and cloud injectors put it \
             in a directory named after its group; called in-process (tests, other code) the \
             read fails. `flyte::secret!(\"{key}\")` (with `.path()`) finds it in every case. \
             To keep this read, put #[allow(deprecated)] on the task"
        ),
        false => format!(
            "this reads secret `{key}` through its {via}, which holds it only when the task \
             runs as its own process (`BIN run`, `flyte run`, a cluster); called in-process \
             (tests, other code) the read fails. `flyte::secret!(\"{key}\")` works everywhere. \
             To keep this read, put #[allow(deprecated)] on the task",
            via = read.via,
        ),
    };
    let name = Ident::new("process_only_secret_read", read.span);
    quote_spanned! {read.span=>
        {
            #[deprecated(note = #note)]
            fn #name() {}
            #name();
        }
    }
}

/// A `deprecated` warning at the literal of a key no secret service stores, like
/// [`process_only_warning`]: valid (the process or a dotenv file may have it, and Python
/// accepts it), but a cluster's default injector, which looks secrets up on the service by key,
/// never finds it.
fn unstorable_key_warning(key: &str, span: Span) -> TokenStream {
    let note = format!(
        "no Flyte secret service stores a secret named {key:?}: a name is {}. On a cluster \
         the default (Embedded) injector looks the key up there and will not find it, so the \
         pod would not start; the key can still come from the environment, a dotenv file or \
         another injector. To keep it, put #[allow(deprecated)] on the task",
        flyte_spec::SERVICE_NAME_RULE
    );
    let name = Ident::new("unstorable_secret_key", span);
    quote_spanned! {span=>
        {
            #[deprecated(note = #note)]
            fn #name() {}
            #name();
        }
    }
}

/// A `deprecated` warning at a parameter named like one of `BIN run`'s options, like
/// [`process_only_warning`]: in-process calls are unaffected, and the input can still be given
/// inside `--inputs` JSON.
fn runner_flag_warning(name: &str, flag: &str, span: Span) -> TokenStream {
    let note = format!(
        "parameter `{name}` has the name of `BIN run`'s own option `--{flag}`: `BIN run TASK \
         --{flag} ...` is the runner's, so this input can be given only inside the JSON \
         (`--inputs '{{\"{name}\": ...}}'`); rename it, or to keep it put #[allow(deprecated)] \
         on the task"
    );
    let fun = Ident::new("runner_option_parameter", span);
    quote_spanned! {span=>
        {
            #[deprecated(note = #note)]
            fn #fun() {}
            #fun();
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
/// `tracing::instrument` does). Its binding is in its own block: the body cannot see it.
fn async_return_hint(item: &ItemFn, span: Span) -> TokenStream {
    if !item.return_type_nameable() || item.sig.output.is_none() {
        return TokenStream::new();
    }
    let ret = item.return_type(span);
    quote_spanned! {span=>
        #[allow(unreachable_code, clippy::diverging_sub_expression, clippy::empty_loop)]
        if false {
            let __flyte_return_type: #ret = loop {};
            return __flyte_return_type;
        }
    }
}

/// The secrets of the `task!` call, packed (the layout `flyte::__private::TaskDef`
/// documents): key, group or nothing, `e` + env var or `f` + file.
fn packed_secrets(secrets: &[ValidSecret]) -> String {
    let targets: Vec<String> = secrets
        .iter()
        .map(|s| match &s.target {
            Target::Env(name) => format!("e{name}"),
            Target::File { relative } => format!("f{relative}"),
        })
        .collect();
    flyte_spec::packed::pack(secrets.iter().zip(&targets).flat_map(|(s, target)| {
        [
            s.key.as_str(),
            s.group.as_deref().unwrap_or(""),
            target.as_str(),
        ]
    }))
}
