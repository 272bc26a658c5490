//! The typed accessor check: `flyte::secret!("key")` (or `secret!("key", group = "g")`) in
//! a task's body must name a secret the task declares. The body is scanned as tokens,
//! nested blocks, closures and async blocks included; a key that is not a literal is left
//! to the run-time check.
//!
//! The same walk finds process-only reads of declared secrets, which get a warning (see
//! [`process_only_reads`]): a string literal that is an argument of a call, checked against
//! the task's env vars (only as the first argument of a `var` / `var_os` call, as in
//! `std::env::var("MY_SECRET")`) and file paths (as any argument of any call, as in
//! `fs::read_to_string("/etc/flyte/secrets/config")`, `File::open(..)`, `Path::new(..)`).
//! A literal bound to a variable first, or built with `format!`, is not seen.

mod text;

pub(crate) use text::needs_walk;

use flyte_spec::{MOUNT_PATH, Target};
use proc_macro2::{Delimiter, Ident, Spacing, Span, TokenTree};

use crate::diag::{Errors, error};
use crate::parse::tokens::{Str, string_literal};
use crate::validate::ValidTask;

/// One `secret!(...)` with a literal key.
pub(crate) struct Use {
    pub key: Str,
    pub group: Option<Str>,
}

/// A string literal passed directly as an argument of a call: `callee(.., "lit", ..)`.
pub(crate) struct CallArg {
    /// The last name before the parentheses (`var` in `std::env::var(..)`).
    pub callee: Ident,
    /// Its position among the arguments, from 0.
    pub index: usize,
    pub lit: Str,
}

/// What the walk over a body finds.
#[derive(Default)]
pub(crate) struct Scan {
    pub uses: Vec<Use>,
    pub call_args: Vec<CallArg>,
}

/// Every `...secret!("key" [, group = "g"])` and every literal call argument in `body`.
pub(crate) fn scan(body: &[TokenTree]) -> Scan {
    let mut found = Scan::default();
    scan_into(body, &mut found);
    found
}

/// Each group's tokens are taken from the compiler once (every call crosses the proc-macro
/// bridge, and this walks every token of every task's body on every build).
fn scan_into(trees: &[TokenTree], found: &mut Scan) {
    for (i, tree) in trees.iter().enumerate() {
        let TokenTree::Group(group) = tree else {
            continue;
        };
        let inner: Vec<TokenTree> = group.stream().into_iter().collect();
        // `secret!(..)`: the name is compared only where a `!` comes before a group.
        if let Some([TokenTree::Ident(name), TokenTree::Punct(bang)]) =
            i.checked_sub(2).map(|j| &trees[j..i])
            && bang.as_char() == '!'
            && group.delimiter() != Delimiter::None
            && name == "secret"
        {
            found.uses.extend(arguments(&inner));
        }
        if group.delimiter() == Delimiter::Parenthesis
            && let Some(TokenTree::Ident(callee)) = i.checked_sub(1).map(|j| &trees[j])
        {
            call_args(callee, &inner, &mut found.call_args);
        }
        scan_into(&inner, found);
    }
}

/// The arguments of `callee(...)` that are one string literal each.
fn call_args(callee: &Ident, args: &[TokenTree], found: &mut Vec<CallArg>) {
    for (index, arg) in args
        .split(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == ','))
        .enumerate()
    {
        if let Ok(lit) = string_literal(arg) {
            found.push(CallArg {
                callee: callee.clone(),
                index,
                lit,
            });
        }
    }
}

/// A read of a declared secret that works only when the task runs as its own process.
pub(crate) struct ProcessOnlyRead {
    /// The literal read.
    pub span: Span,
    /// The secret's key, for `flyte::secret!("key")`.
    pub key: String,
    /// `env var `NAME`` or `file `/etc/...``.
    pub via: String,
    pub file: bool,
}

/// The call arguments that name a declared secret's env var (first argument of `var` /
/// `var_os`) or file path (any argument of any call).
pub(crate) fn process_only_reads(task: &ValidTask, args: &[CallArg]) -> Vec<ProcessOnlyRead> {
    let mut found = Vec::new();
    for arg in args {
        let value = arg.lit.value();
        let is_var = arg.index == 0 && (arg.callee == "var" || arg.callee == "var_os");
        for secret in &task.secrets {
            let hit = match &secret.target {
                Target::Env(name) => is_var && *name == value,
                Target::File { relative } => format!("{MOUNT_PATH}/{relative}") == value,
            };
            if hit {
                let file = matches!(secret.target, Target::File { .. });
                let via = if file {
                    format!("file `{value}`")
                } else {
                    format!("env var `{value}`")
                };
                found.push(ProcessOnlyRead {
                    span: arg.lit.span(),
                    key: secret.key.clone(),
                    via,
                    file,
                });
            }
        }
    }
    found
}

/// `"key"` or `"key", group = "g"` (trailing comma allowed); anything else is not checked.
fn arguments(trees: &[TokenTree]) -> Option<Use> {
    let (first, rest) = trees.split_first()?;
    let key = string_literal(std::slice::from_ref(first)).ok()?;
    let rest = match rest {
        [TokenTree::Punct(comma), rest @ ..] if comma.as_char() == ',' => rest,
        rest => rest,
    };
    let group = match rest {
        [] => None,
        [
            TokenTree::Ident(name),
            TokenTree::Punct(eq),
            value,
            tail @ ..,
        ] if name == "group" && eq.as_char() == '=' && eq.spacing() == Spacing::Alone => {
            let trailing_comma_only = matches!(tail, [] | [TokenTree::Punct(_)]);
            if !trailing_comma_only {
                return None;
            }
            Some(string_literal(std::slice::from_ref(value)).ok()?)
        }
        _ => return None,
    };
    Some(Use { key, group })
}

/// Whether `secret!(key)` (or with `group`) names a secret the task declares.
fn declared(task: &ValidTask, key: &str, group: Option<&str>) -> bool {
    task.secrets
        .iter()
        .any(|s| s.key == key && (group.is_none() || s.group.as_deref() == group))
}

/// An error at each use of a secret the task does not declare.
pub(crate) fn check(task_name: &str, task: &ValidTask, uses: &[Use], errors: &mut Errors) {
    for used in uses {
        let key = used.key.value();
        let group = used.group.as_ref().map(Str::value);
        if declared(task, key, group) {
            continue;
        }
        // Blame the group when the key alone is declared (under another group).
        let key_declared = task.secrets.iter().any(|s| s.key == key);
        let literal = match &used.group {
            Some(group) if key_declared => group,
            _ => &used.key,
        };
        let name = flyte_spec::display_name(key, group);
        let names: Vec<String> = task.secrets.iter().map(|s| s.display_name()).collect();
        let declared = if names.is_empty() {
            "none".to_owned()
        } else {
            names.join(", ")
        };
        errors.push(error(
            literal.span(),
            format!("task `{task_name}` does not declare secret `{name}` (declared: {declared})"),
            "add it to #[task(secrets = ...)]",
        ));
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::*;

    fn keys(body: TokenStream) -> Vec<(String, Option<String>)> {
        scan(&body.into_iter().collect::<Vec<_>>())
            .uses
            .iter()
            .map(|u| {
                (
                    u.key.value().to_owned(),
                    u.group.as_ref().map(|g| g.value().to_owned()),
                )
            })
            .collect()
    }

    #[test]
    fn finds_uses_in_nested_code() {
        let body = quote! {
            let a = flyte::secret!("a")?;
            let b = ::flyte::secret!("b", group = "g");
            let c = || secret!["c",];
            let d = async move { if true { secret!{"d", group = "h",} } };
            vec![(), std::convert::identity(flyte::secret!("e"))];
        };
        let expected = [
            ("a", None),
            ("b", Some("g")),
            ("c", None),
            ("d", Some("h")),
            ("e", None),
        ];
        let expected: Vec<_> = expected
            .iter()
            .map(|(k, g)| (k.to_string(), g.map(str::to_owned)))
            .collect();
        assert_eq!(keys(body), expected);
    }

    #[test]
    fn ignores_what_it_cannot_check() {
        let body = quote! {
            let name = "x";
            flyte::secret!(name);
            flyte::secret!("k", group = name);
            flyte::secret!("k", other = "x");
            my_secret!("k");
            self.secret("k");
            macro_rules! secret { ($k:expr) => { $k } }
            let secret = 1;
        };
        assert_eq!(keys(body), vec![]);
    }

    fn reads(attr: TokenStream, body: TokenStream) -> Vec<(String, String)> {
        let args: crate::parse::TaskArgs = syn::parse2(attr).unwrap();
        let task = crate::validate::task(&args).unwrap();
        process_only_reads(
            &task,
            &scan(&body.into_iter().collect::<Vec<_>>()).call_args,
        )
        .into_iter()
        .map(|r| (r.key, r.via))
        .collect()
    }

    #[test]
    fn finds_process_only_reads() {
        let attr: TokenStream = syn::parse_quote!(
            secrets = [
                "my-secret",
                Secret(key = "config", mount = "/etc/flyte/secrets")
            ]
        );
        let body: TokenStream = syn::parse_quote! {
            let a = std::env::var("MY_SECRET");
            let b = env::var_os(r"MY_SECRET").is_some();
            let c = || var("MY_SECRET");
            let d = std::fs::read_to_string("/etc/flyte/secrets/config");
            let e = File::open("/etc/flyte/secrets/config").map(|f| f.metadata());
            let f = std::fs::read(Path::new("/etc/flyte/secrets/config"));
        };
        let env = ("my-secret".to_owned(), "env var `MY_SECRET`".to_owned());
        let file = (
            "config".to_owned(),
            "file `/etc/flyte/secrets/config`".to_owned(),
        );
        assert_eq!(
            reads(attr, body),
            vec![
                env.clone(),
                env.clone(),
                env,
                file.clone(),
                file.clone(),
                file
            ]
        );
    }

    #[test]
    fn ignores_other_reads() {
        let attr: TokenStream = syn::parse_quote!(
            secrets = [
                "my-secret",
                Secret(key = "config", mount = "/etc/flyte/secrets")
            ]
        );
        let body: TokenStream = syn::parse_quote! {
            let home = std::env::var("HOME");
            let other = std::env::var("MY_SECRET_2");
            let not_var = map.get("MY_SECRET");
            let second = std::env::var(x, "MY_SECRET");
            let name = "MY_SECRET";
            let v = std::env::var(name);
            println!("MY_SECRET");
            let f = std::fs::read_to_string("/etc/flyte/secrets/other");
            let g = std::fs::read_to_string(&"/etc/flyte/secrets/config");
            let s = flyte::secret!("my-secret");
        };
        assert_eq!(reads(attr, body), vec![]);
    }
}
