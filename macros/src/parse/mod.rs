//! The `#[task(...)]` attribute syntax, turned into spanned raw values.
//!
//! ```text
//! args   := (arg),*          arg    := `secrets = ` value | `in_impl`
//! value  := item | `[` (item),* `]`
//! item   := "key" | Secret `(` (field),* `)`      (the path may be `flyte::Secret`)
//! field  := (key | group | mount | as_env_var) `=` "string literal"
//! ```
//!
//! Nothing here knows the secret rules: that is `validate`'s job. Every syntax mistake is
//! one error, and a secret with a mistake is left out so that it causes no second error.

pub(crate) mod main_args;
#[cfg(test)]
mod tests;
pub(crate) mod tokens;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};

use crate::diag::{Errors, did_you_mean, error, error_spanned, list};
use tokens::{Chunk, Str, after_eq, is_list, shown, split_commas, string_literal};

/// The arguments `#[task]` accepts.
pub(crate) const ARGUMENTS: &[&str] = &["secrets", "in_impl"];
/// The fields `Secret(...)` accepts.
pub(crate) const FIELDS: &[&str] = &["key", "group", "mount", "as_env_var"];

/// The parsed attribute: every secret that was written correctly.
#[derive(Default)]
pub(crate) struct TaskArgs {
    pub secrets: Vec<RawSecret>,
    /// `in_impl` was given: the function is inside an `impl` (or trait) block.
    pub in_impl: bool,
    /// Each distinct path written for `Secret(...)` (`Secret`, `flyte::Secret`), with the
    /// user's spans: the expansion names them (see `expand::secret_paths`).
    pub secret_paths: Vec<TokenStream>,
}

/// One secret as written; the literals keep their spans for error messages.
pub(crate) struct RawSecret {
    pub key: Str,
    pub group: Option<Str>,
    pub mount: Option<Str>,
    pub as_env_var: Option<Str>,
}

impl RawSecret {
    fn shorthand(key: Str) -> Self {
        RawSecret {
            key,
            group: None,
            mount: None,
            as_env_var: None,
        }
    }
}

/// For tests: the whole attribute, failing with all its syntax errors combined.
impl Parse for TaskArgs {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let mut errors = Errors::default();
        let args = task_args(input.parse()?, &mut errors);
        match errors.into_error() {
            Some(e) => Err(e),
            None => Ok(args),
        }
    }
}

/// Parses what it can of the attribute; mistakes go to `errors`.
pub(crate) fn task_args(attr: TokenStream, errors: &mut Errors) -> TaskArgs {
    let mut args = TaskArgs::default();
    let mut seen_secrets = false;
    for chunk in split_commas(attr) {
        let Some((first, rest)) = chunk.tokens.split_first() else {
            errors.push(empty_chunk(&chunk, "an argument"));
            continue;
        };
        let TokenTree::Ident(name) = first else {
            errors.push(error_spanned(
                chunk.stream(),
                format!("expected `secrets = ...`, found `{}`", shown(&chunk.tokens)),
                format!(
                    "write the secrets as `#[task(secrets = {})]`",
                    shown(&chunk.tokens)
                ),
            ));
            continue;
        };
        match name.to_string().as_str() {
            "in_impl" if rest.is_empty() => args.in_impl = true,
            "in_impl" => errors.push(error_spanned(
                chunk.stream(),
                "`in_impl` takes no value",
                "write just `in_impl`",
            )),
            "secrets" => {
                if seen_secrets {
                    errors.push(error(
                        name.span(),
                        "`secrets` is given twice",
                        "put all secrets in one list: `secrets = [\"a\", \"b\"]`",
                    ));
                    continue;
                }
                seen_secrets = true;
                match after_eq(rest) {
                    Some([]) | None => errors.push(error_spanned(
                        chunk.stream(),
                        "expected `secrets = ...`",
                        "for example `secrets = \"my-secret\"` or `secrets = [\"a\", \"b\"]`",
                    )),
                    Some(value) => secrets_value(value, &mut args, errors),
                }
            }
            other => {
                let help = match did_you_mean(other, ARGUMENTS) {
                    Some(guess) => format!("did you mean `{guess}`?"),
                    None => format!("the arguments of #[task] are {}", list(ARGUMENTS)),
                };
                errors.push(error(
                    name.span(),
                    format!(
                        "unknown argument `{other}` of #[task]; expected one of {}",
                        list(ARGUMENTS)
                    ),
                    help,
                ));
            }
        }
    }
    args
}

/// `secrets = <value>`: one item or a list of them.
fn secrets_value(value: &[TokenTree], out: &mut TaskArgs, errors: &mut Errors) {
    match value {
        [TokenTree::Group(list)] if list.delimiter() == Delimiter::Bracket => {
            for chunk in split_commas(list.stream()) {
                if chunk.tokens.is_empty() {
                    errors.push(empty_chunk(&chunk, "a secret"));
                } else if is_list(&chunk.tokens) {
                    errors.push(error_spanned(
                        chunk.stream(),
                        "nested lists are not allowed in `secrets`",
                        "list all secrets in one flat list: `secrets = [\"a\", \"b\"]`",
                    ));
                } else if let Some(secret) = item(&chunk.tokens, out, errors) {
                    out.secrets.push(secret);
                }
            }
        }
        _ => {
            if let Some(secret) = item(value, out, errors) {
                out.secrets.push(secret);
            }
        }
    }
}

/// `"key"` or `Secret(...)`.
fn item(tokens: &[TokenTree], args: &mut TaskArgs, errors: &mut Errors) -> Option<RawSecret> {
    if let Some((path, name, fields)) = secret_call(tokens) {
        let path: TokenStream = path.iter().cloned().collect();
        if !args
            .secret_paths
            .iter()
            .any(|p| p.to_string() == path.to_string())
        {
            args.secret_paths.push(path);
        }
        return secret_fields(name, fields, errors);
    }
    match string_literal(tokens) {
        Ok(key) => Some(RawSecret::shorthand(key)),
        Err(not) => {
            let stream: TokenStream = tokens.iter().cloned().collect();
            errors.push(error_spanned(
                stream,
                format!(
                    "`secrets` takes a string literal, `Secret(...)` or a list `[...]` of them; {}",
                    not.found(tokens)
                ),
                "for example `secrets = [\"my-secret\", Secret(key = \"api-key\", as_env_var = \"API_KEY\")]`; \
                 only literals can be checked at compile time",
            ));
            None
        }
    }
}

/// `Secret(...)`, `flyte::Secret(...)` or `::flyte::Secret(...)`: the path, its last ident
/// and the parenthesised fields. Other paths are reported by `item` (a misspelled `Secrets(...)`
/// also ends up there, with the tokens shown).
fn secret_call(
    tokens: &[TokenTree],
) -> Option<(&[TokenTree], &proc_macro2::Ident, &proc_macro2::Group)> {
    let (TokenTree::Group(fields), path) = tokens.split_last()? else {
        return None;
    };
    if fields.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    let TokenTree::Ident(name) = path.last()? else {
        return None;
    };
    let path_ok = path.iter().all(|t| match t {
        TokenTree::Ident(_) => true,
        TokenTree::Punct(p) => p.as_char() == ':',
        _ => false,
    });
    (path_ok && name == "Secret").then_some((path, name, fields))
}

/// The fields of one `Secret(...)`. `None` when any field is wrong: the secret is then left
/// out entirely, so a typo gives one error and not also a "missing key".
fn secret_fields(
    name: &proc_macro2::Ident,
    fields: &proc_macro2::Group,
    errors: &mut Errors,
) -> Option<RawSecret> {
    let mut values: [Option<Str>; 4] = Default::default();
    let mut broken = false;
    let mut bare_before = false;
    for (position, chunk) in split_commas(fields.stream()).into_iter().enumerate() {
        if let Ok(value) = string_literal(&chunk.tokens) {
            errors.push(bare_value(&value, position, &values, bare_before));
            (broken, bare_before) = (true, true);
            continue;
        }
        match field(&chunk, &values) {
            Ok((index, value)) => values[index] = Some(value),
            Err(e) => {
                errors.push(e);
                broken = true;
            }
        }
    }
    if broken {
        return None;
    }
    let [key, group, mount, as_env_var] = values;
    let Some(key) = key else {
        errors.push(error_spanned(
            quote::quote!(#name #fields),
            "`Secret(...)` needs a `key`",
            "give the name the secret is stored under: `Secret(key = \"my-secret\", ...)`",
        ));
        return None;
    };
    Some(RawSecret {
        key,
        group,
        mount,
        as_env_var,
    })
}

/// `Secret("api-key", ...)`, as Python's `Secret("api-key")` reads: the fields are named
/// here, so say which name the value needs. A first bare value is the key unless the key is
/// given; later ones take their place in Python's order (key, group, mount, as_env_var),
/// else the first field not given.
fn bare_value(
    value: &Str,
    position: usize,
    seen: &[Option<Str>; 4],
    bare_before: bool,
) -> syn::Error {
    let unseen = |i: &usize| seen[*i].is_none();
    let name = match (bare_before, seen[0].is_none()) {
        (false, true) => Some(0),
        _ => Some(position)
            .filter(|p| *p < FIELDS.len() && unseen(p))
            .or_else(|| (0..FIELDS.len()).find(unseen)),
    };
    let shown = value.value();
    match name {
        Some(i) => error(
            value.span(),
            format!("`Secret(...)` takes its fields by name; found the bare value {shown:?}"),
            format!("write `{} = {shown:?}`", FIELDS[i]),
        ),
        None => error(
            value.span(),
            format!("an extra value {shown:?}: every field of this `Secret(...)` is given"),
            "remove it",
        ),
    }
}

/// `name = "value"`, as its index in [`FIELDS`] and the literal.
fn field(chunk: &Chunk, seen: &[Option<Str>; 4]) -> syn::Result<(usize, Str)> {
    let Some((first, rest)) = chunk.tokens.split_first() else {
        return Err(empty_chunk(chunk, "a field"));
    };
    let TokenTree::Ident(name) = first else {
        return Err(error_spanned(
            chunk.stream(),
            format!(
                "expected a field such as `key = \"...\"`, found `{}`",
                shown(&chunk.tokens)
            ),
            format!("the fields of `Secret(...)` are {}", list(FIELDS)),
        ));
    };
    let name_str = name.to_string();
    let Some(index) = FIELDS.iter().position(|f| *f == name_str) else {
        let help = match did_you_mean(&name_str, FIELDS) {
            Some(guess) => format!("did you mean `{guess}`?"),
            None => format!("the fields of `Secret(...)` are {}", list(FIELDS)),
        };
        return Err(error(
            name.span(),
            format!(
                "unknown field `{name_str}` of `Secret(...)`; expected one of {}",
                list(FIELDS)
            ),
            help,
        ));
    };
    if seen[index].is_some() {
        return Err(error(
            name.span(),
            format!("`{name_str}` is given twice in this `Secret(...)`"),
            format!("keep one `{name_str} = ...`"),
        ));
    }
    let value = match after_eq(rest) {
        Some(value) if !value.is_empty() => value,
        _ => {
            return Err(error_spanned(
                chunk.stream(),
                format!("expected `{name_str} = \"...\"`"),
                format!("give `{name_str}` a string literal"),
            ));
        }
    };
    match string_literal(value) {
        Ok(lit) => Ok((index, lit)),
        // Python's default, written out.
        Err(_) if matches!(value, [TokenTree::Ident(none)] if none == "None") => {
            Err(error_spanned(
                value.iter().cloned().collect::<TokenStream>(),
                format!("`{name_str}` takes a string literal; found `None`"),
                format!("leave `{name_str}` out: a field that is not given has no value"),
            ))
        }
        Err(not) => Err(error_spanned(
            value.iter().cloned().collect::<TokenStream>(),
            format!("`{name_str}` takes a string literal; {}", not.found(value)),
            format!("write `{name_str} = \"...\"`; only literals can be checked at compile time"),
        )),
    }
}

/// `a,,b` or a leading comma: point at the comma that has nothing before it.
pub(super) fn empty_chunk(chunk: &Chunk, what: &str) -> syn::Error {
    error(
        chunk.comma.unwrap_or_else(Span::call_site),
        format!("expected {what} before this comma"),
        "remove the extra comma",
    )
}
