//! The `#[flyte::main(...)]` attribute syntax.
//!
//! ```text
//! args   := (`tasks_from = [` (crate),* `]`)?
//! crate  := an identifier (a crate's name as Rust code names it, `-` written `_`)
//! ```
//!
//! As for `#[task]`, every syntax mistake is one error and the rest is still read; the
//! rules across the list (twice, `self`) are `validate`'s.

use proc_macro2::{Delimiter, Ident, TokenStream, TokenTree};

use super::empty_chunk;
use super::tokens::{after_eq, shown, split_commas};
use crate::diag::{Errors, did_you_mean, error, error_spanned, list};

/// The arguments `#[flyte::main]` accepts.
pub(crate) const MAIN_ARGUMENTS: &[&str] = &["tasks_from"];

const EXAMPLE: &str = "`#[flyte::main(tasks_from = [my_tasks])]`";

/// The parsed attribute: every crate written correctly, with its span.
#[derive(Default)]
pub(crate) struct MainArgs {
    pub tasks_from: Vec<Ident>,
    /// `tasks_from = []`, to report it there.
    pub empty_list: Option<proc_macro2::Span>,
}

/// Parses what it can of the attribute; mistakes go to `errors`.
pub(crate) fn main_args(attr: TokenStream, errors: &mut Errors) -> MainArgs {
    let mut args = MainArgs::default();
    let mut seen = false;
    for chunk in split_commas(attr) {
        let Some((TokenTree::Ident(name), rest)) = chunk.tokens.split_first() else {
            if chunk.tokens.is_empty() {
                errors.push(empty_chunk(&chunk, "an argument"));
            } else {
                errors.push(error_spanned(
                    chunk.stream(),
                    format!(
                        "expected `tasks_from = [...]`, found `{}`",
                        shown(&chunk.tokens)
                    ),
                    format!("name the crates whose tasks to include: {EXAMPLE}"),
                ));
            }
            continue;
        };
        if name != "tasks_from" {
            errors.push(unknown_argument(name));
            continue;
        }
        if seen {
            errors.push(error(
                name.span(),
                "`tasks_from` is given twice",
                "put all crates in one list: `tasks_from = [a, b]`",
            ));
            continue;
        }
        seen = true;
        match after_eq(rest) {
            Some([TokenTree::Group(group)]) if group.delimiter() == Delimiter::Bracket => {
                if group.stream().is_empty() {
                    args.empty_list = Some(group.span());
                }
                crates(group.stream(), &mut args.tasks_from, errors);
            }
            Some([]) | None => errors.push(error_spanned(
                chunk.stream(),
                "expected `tasks_from = [...]`",
                format!("list the crates whose tasks to include: {EXAMPLE}"),
            )),
            Some(value) => errors.push(error_spanned(
                value.iter().cloned().collect::<TokenStream>(),
                format!(
                    "`tasks_from` takes a list of crate names, found `{}`",
                    shown(value)
                ),
                format!("write `tasks_from = [{}]`", shown(value)),
            )),
        }
    }
    args
}

fn unknown_argument(name: &Ident) -> syn::Error {
    let other = name.to_string();
    let help = match did_you_mean(&other, MAIN_ARGUMENTS) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None if other == "secrets" => "secrets are declared on each `#[task]`; the only \
             argument here is `tasks_from = [crate, ...]`, the library crates whose tasks to \
             include"
            .to_owned(),
        None => "the only argument of #[flyte::main] is `tasks_from = [crate, ...]`, the \
                 library crates whose tasks to include"
            .to_owned(),
    };
    error(
        name.span(),
        format!(
            "unknown argument `{other}` of #[flyte::main]; expected {}",
            list(MAIN_ARGUMENTS)
        ),
        help,
    )
}

/// The names inside `[...]`.
fn crates(list: TokenStream, out: &mut Vec<Ident>, errors: &mut Errors) {
    for chunk in split_commas(list) {
        match &chunk.tokens[..] {
            [] => errors.push(empty_chunk(&chunk, "a crate")),
            [TokenTree::Ident(name)] => out.push(name.clone()),
            tokens => {
                let help = match as_crate_name(tokens) {
                    Some(name) => format!("write the crate's name as Rust code names it: `{name}`"),
                    None => "give the crate's name, as in `use my_tasks::...;`".to_owned(),
                };
                errors.push(error_spanned(
                    chunk.stream(),
                    format!("expected a crate name, found `{}`", shown(tokens)),
                    help,
                ));
            }
        }
    }
}

/// What was probably meant: `"my-lib"` or `my-lib` as `my_lib`.
fn as_crate_name(tokens: &[TokenTree]) -> Option<String> {
    if let [TokenTree::Literal(literal)] = tokens
        && let syn::Lit::Str(s) = syn::Lit::new(literal.clone())
    {
        return Some(s.value().replace('-', "_"));
    }
    let hyphenated = tokens.iter().enumerate().all(|(i, t)| match t {
        TokenTree::Ident(_) => i % 2 == 0,
        TokenTree::Punct(p) => i % 2 == 1 && p.as_char() == '-',
        _ => false,
    });
    (hyphenated && tokens.len() % 2 == 1).then(|| {
        tokens
            .iter()
            .map(|t| match t {
                TokenTree::Ident(i) => i.to_string(),
                _ => "_".to_owned(),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;
    use crate::validate::main_args::main;

    /// The crates, or every error message of parse and validation.
    fn read(attr: TokenStream) -> Result<Vec<String>, Vec<String>> {
        let mut errors = Errors::default();
        let args = main_args(attr, &mut errors);
        let crates = main(&args).unwrap_or_else(|e| {
            errors.push(e);
            Vec::new()
        });
        match errors.into_error() {
            Some(e) => Err(e.into_iter().map(|e| e.to_string()).collect()),
            None => Ok(crates.iter().map(ToString::to_string).collect()),
        }
    }

    fn one_error(attr: TokenStream) -> String {
        let all = read(attr.clone()).expect_err("accepted");
        assert_eq!(all.len(), 1, "{attr}: {all:#?}");
        all.into_iter().next().unwrap()
    }

    #[test]
    fn accepted() {
        assert_eq!(read(quote!()), Ok(vec![]));
        assert_eq!(read(quote!(tasks_from = [a])), Ok(vec!["a".into()]));
        assert_eq!(
            read(quote!(tasks_from = [a, r#b,],)),
            Ok(vec!["a".into(), "r#b".into()])
        );
    }

    #[test]
    fn each_mistake_is_one_error() {
        let cases = [
            (quote!(secrets = "x"), "unknown argument `secrets`"),
            (quote!(task_from = [a]), "did you mean `tasks_from`?"),
            (quote!("a"), "expected `tasks_from = [...]`, found `\"a\"`"),
            (quote!(tasks_from), "expected `tasks_from = [...]`"),
            (quote!(tasks_from = a), "write `tasks_from = [a]`"),
            (quote!(tasks_from = []), "`tasks_from` lists no crate"),
            (quote!(tasks_from = ["my-lib"]), "`my_lib`"),
            (quote!(tasks_from = [my - lib]), "`my_lib`"),
            (
                quote!(tasks_from = [a::b]),
                "expected a crate name, found `a :: b`",
            ),
            (
                quote!(tasks_from = [a,,b]),
                "expected a crate before this comma",
            ),
            (
                quote!(tasks_from = [a], tasks_from = [b]),
                "`tasks_from` is given twice",
            ),
            (quote!(tasks_from = [a, a]), "crate `a` is listed twice"),
            (
                quote!(tasks_from = [crate]),
                "`crate` is not a library crate",
            ),
        ];
        for (attr, expected) in cases {
            let message = one_error(attr.clone());
            assert!(message.contains(expected), "{attr}: {message}");
        }
    }
}
