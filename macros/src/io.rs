//! A task's parameters and return type, for `BIN list`, and the runner `BIN run` calls with
//! the inputs. Which types can be read (`DeserializeOwned`) or shown (`Serialize`, `Debug`)
//! is left to the runtime's autoref dispatch: here only what the tokens show.

use proc_macro2::{Delimiter, Ident, Spacing, Span, TokenStream, TokenTree};
use quote::quote_spanned;
use syn::ext::IdentExt;

use crate::item::{ItemFn, has_ident, has_ident_in};
use crate::lit::literal;
use crate::site::{Lookup, Site};

/// serde reads tuples of up to 16 elements.
const MAX_INPUTS: usize = 16;

/// One parameter: its name (when it is a plain name), its type, and the type as written.
pub(crate) struct Param {
    name: Option<String>,
    /// Where the name is written (the call site for a pattern).
    name_span: Span,
    ty: TokenStream,
    shown: String,
}

/// The parts of the `task!` call that describe the parameters and return type, and the
/// runner (or why the task has none): `INPUTS OUTPUT (RUNNER) WHY_NOT`, written at `span`.
pub(crate) fn task_io(item: &ItemFn, in_impl: bool, span: Span, site: &Lookup<'_>) -> TokenStream {
    let params = params(&item.sig.inputs);
    // Packed (the layout `flyte::__private::TaskDef` documents): name, type, `o` or `r`.
    let inputs = flyte_spec::packed::pack(
        params
            .iter()
            .filter_map(|p| p.name.as_ref().map(|name| (name, p)))
            .flat_map(|(name, p)| {
                [
                    name.as_str(),
                    p.shown.as_str(),
                    if is_option(&p.ty) { "o" } else { "r" },
                ]
            }),
    );
    let output = item
        .sig
        .output
        .as_ref()
        .map_or_else(|| "()".into(), type_text);
    let (runner, why) = match why_not(item, in_impl, &params, site) {
        Some(why) => (quote_spanned!(span=> ::core::option::Option::None), why),
        None => {
            let runner = runner(item, &params, span);
            (
                quote_spanned!(span=> ::core::option::Option::Some(#runner)),
                String::new(),
            )
        }
    };
    let [inputs, output, why] = [&inputs, &output, &why].map(|t| literal(t, span));
    quote_spanned!(span=> #inputs #output (#runner) #why)
}

/// The parameters of a task that looks runnable named like one of `BIN run`'s own options
/// ([`flyte_spec::RUNNER_FLAGS`]), each with the option and where the name is written:
/// `--inputs 5` is read as the runner's, so such an input can be given only inside the
/// `--inputs` JSON. Whether the types can be read is known only at run time, so this is a
/// warning, not an error.
pub(crate) fn runner_flag_clashes(
    item: &ItemFn,
    in_impl: bool,
    site: &Lookup<'_>,
) -> Vec<(String, &'static str, Span)> {
    // Most tasks have no such name: the signature's idents are enough to tell.
    let named = |t: &TokenTree| matches!(t, TokenTree::Ident(id) if flyte_spec::runner_flag(&id.unraw().to_string()).is_some());
    if !item.sig.inputs.iter().any(named) {
        return Vec::new();
    }
    let params = params(&item.sig.inputs);
    if why_not(item, in_impl, &params, site).is_some() {
        return Vec::new();
    }
    params
        .iter()
        .filter_map(|p| {
            let name = p.name.as_deref()?;
            Some((name.to_owned(), flyte_spec::runner_flag(name)?, p.name_span))
        })
        .collect()
}

/// Why `BIN run` cannot call the task, as far as the signature shows.
fn why_not(item: &ItemFn, in_impl: bool, params: &[Param], site: &Lookup<'_>) -> Option<String> {
    let sig = &item.sig;
    if !sig.generics.is_empty() {
        return Some("it has generic parameters".into());
    }
    if sig.unsafety {
        return Some("it is `unsafe`".into());
    }
    if in_impl || item.mentions_self_type() || has_ident_in(&sig.inputs, "self") {
        return Some("it is inside an `impl` or trait block".into());
    }
    if params.len() > MAX_INPUTS {
        return Some(format!("it has more than {MAX_INPUTS} parameters"));
    }
    for p in params {
        let Some(name) = &p.name else {
            return Some("a parameter is a pattern, not a name".into());
        };
        if matches!(p.ty.clone().into_iter().next(), Some(TokenTree::Punct(c)) if c.as_char() == '&')
        {
            return Some(format!(
                "parameter `{name}` is a reference (`{}`): an owned type can be read",
                p.shown
            ));
        }
        if has_ident(&p.ty, "impl") {
            return Some(format!("parameter `{name}` is `impl Trait`"));
        }
    }
    // The runner calls it as a free function: an associated one would not be found. So a
    // runner only where the source file shows a free function (a task that takes nothing
    // keeps its runner, and `in_impl` when it needs one: see `task::in_impl_needed`).
    if params.is_empty() {
        return None;
    }
    match site.site() {
        Site::Free => None,
        Site::In(_) => Some("it is inside an `impl` or trait block".into()),
        Site::Unknown => Some(
            "another macro wrote it, and its source file does not show whether it is \
             inside an `impl` block, from where `BIN run` could not call it"
                .into(),
        ),
    }
}

/// The runner, a closure in the task's static: the task, its parameter tuple and the ways
/// its types are read and shown (chosen by the runtime's inherent methods on markers, see
/// `flyte::__private::Pick`), given to the one generic runner, `__private::run`. Only these
/// few method calls are compiled per task.
fn runner(item: &ItemFn, params: &[Param], span: Span) -> TokenStream {
    let callee = &item.sig.ident;
    let types: Vec<_> = params.iter().map(|p| &p.ty).collect();
    // An `extern "C" fn` item implements no `Fn` trait: a closure calls it.
    let callee = match is_extern(&item.head) {
        false => quote_spanned!(span=> #callee),
        true => {
            let names: Vec<Ident> = (0..params.len())
                .map(|i| Ident::new(&format!("__flyte_{i}"), span))
                .collect();
            quote_spanned!(span=> |#(#names: #types),*| #callee(#(#names),*))
        }
    };
    let marker = match item.sig.asyncness {
        Some(_) => format!("task{}_async", params.len()),
        None => format!("task{}", params.len()),
    };
    let marker = Ident::new(&marker, span);
    quote_spanned! {span=>
        |__c| {
            let __t = ::flyte::__private::#marker(#callee);
            let __p = __t.parts();
            ::flyte::__private::run(__c, __t.read(), __p.show(), __p.error(), __p, __t)
        }
    }
}

/// `extern "ABI" fn`: the head has `extern` before `fn`.
fn is_extern(head: &TokenStream) -> bool {
    head.clone()
        .into_iter()
        .map_while(|t| match t {
            TokenTree::Ident(id) if id == "fn" => None,
            t => Some(t),
        })
        .any(|t| matches!(t, TokenTree::Ident(id) if id == "extern"))
}

/// The parameters, split at top-level commas (a `,` inside `<...>` is not in a group).
fn params(inputs: &[TokenTree]) -> Vec<Param> {
    let mut out = Vec::new();
    let mut current: Vec<TokenTree> = Vec::new();
    let mut depth = 0usize;
    let mut prev_joint_dash = false;
    for tree in inputs.iter().cloned() {
        if let TokenTree::Punct(p) = &tree {
            match p.as_char() {
                '<' => depth += 1,
                '>' if !prev_joint_dash => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    out.extend(param(std::mem::take(&mut current)));
                    continue;
                }
                _ => {}
            }
            prev_joint_dash = p.as_char() == '-' && p.spacing() == Spacing::Joint;
        } else {
            prev_joint_dash = false;
        }
        current.push(tree);
    }
    out.extend(param(current));
    out
}

/// `#[attr]* pattern: Type`; `None` for an empty piece (a trailing comma).
fn param(mut tokens: Vec<TokenTree>) -> Option<Param> {
    // Outer attributes on the parameter.
    while matches!(tokens.first(), Some(TokenTree::Punct(p)) if p.as_char() == '#')
        && matches!(tokens.get(1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
    {
        tokens.drain(..2);
    }
    if tokens.is_empty() {
        return None;
    }
    // The first `:` that is not half of `::`.
    let colon = (0..tokens.len()).find(|&i| {
        let is_colon =
            |j: usize| matches!(tokens.get(j), Some(TokenTree::Punct(p)) if p.as_char() == ':');
        is_colon(i) && !is_colon(i + 1) && !(i > 0 && is_colon(i - 1))
    });
    let (pattern, ty) = match colon {
        Some(i) => (&tokens[..i], &tokens[i + 1..]),
        None => (&tokens[..], &[][..]),
    };
    let (name, name_span) = match pattern {
        [TokenTree::Ident(name)] | [TokenTree::Ident(_), TokenTree::Ident(name)]
            if pattern.len() == 1 || pattern[0].to_string() == "mut" =>
        {
            let span = name.span();
            let name = name.to_string();
            let name = name.strip_prefix("r#").unwrap_or(&name).to_owned();
            ((name != "self" && name != "_").then_some(name), span)
        }
        _ => (None, Span::call_site()),
    };
    let ty: TokenStream = ty.iter().cloned().collect();
    Some(Param {
        name,
        name_span,
        shown: type_text(&ty),
        ty,
    })
}

/// `Option<...>`, `std::option::Option<...>`: a missing input is `None`.
fn is_option(ty: &TokenStream) -> bool {
    let mut last = None;
    for tree in ty.clone() {
        match tree {
            TokenTree::Ident(id) => last = Some(id.to_string()),
            TokenTree::Punct(p) if p.as_char() == ':' => {}
            TokenTree::Punct(p) if p.as_char() == '<' => break,
            _ => return false,
        }
    }
    last.as_deref() == Some("Option")
}

/// A type as people write it: `Vec<Option<String>>`, `&'a str`, `[u8; 4]`.
pub(crate) fn type_text(ty: &TokenStream) -> String {
    let mut out = String::new();
    // After a name or literal, the next one needs a space (`mut str`, `dyn Trait`).
    let mut after_word = false;
    for tree in ty.clone() {
        match &tree {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if after_word {
                    out.push(' ');
                }
                out.push_str(&tree.to_string());
                after_word = true;
                continue;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                out.push_str(type_text(&g.stream()).trim_end_matches(", "));
                out.push_str(close);
            }
            TokenTree::Punct(p) => match p.as_char() {
                ',' => out.push_str(", "),
                ';' => out.push_str("; "),
                '+' => out.push_str(" + "),
                '=' => out.push_str(" = "),
                '\'' if after_word => out.push_str(" '"),
                c => out.push(c),
            },
        }
        after_word = false;
    }
    out.replace(", >", ">").trim_end_matches(", ").to_owned()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    #[test]
    fn types_read_as_written() {
        assert_eq!(
            type_text(&quote!(Vec<Option<String>>)),
            "Vec<Option<String>>"
        );
        assert_eq!(type_text(&quote!(&'a mut str)), "&'a mut str");
        assert_eq!(
            type_text(&quote!(std::collections::HashMap<String, u8>)),
            "std::collections::HashMap<String, u8>"
        );
        assert_eq!(type_text(&quote!((u8, bool))), "(u8, bool)");
        assert!(is_option(&quote!(Option<u8>)));
        assert!(is_option(&quote!(::std::option::Option<u8>)));
        assert!(!is_option(&quote!(Vec<Option<u8>>)));
    }

    fn params(tokens: TokenStream) -> Vec<Param> {
        super::params(&tokens.into_iter().collect::<Vec<_>>())
    }

    #[test]
    fn parameters_split_at_top_level_commas() {
        let ps = params(
            quote!(mut n: u32, m: HashMap<String, u8>, #[allow(unused)] r#type: Option<u8>,),
        );
        let names: Vec<_> = ps.iter().map(|p| p.name.clone().unwrap()).collect();
        assert_eq!(names, ["n", "m", "type"]);
        assert_eq!(ps[1].shown, "HashMap<String, u8>");
        assert!(params(quote!((a, b): (u8, u8)))[0].name.is_none());
        assert!(params(quote!(&self))[0].name.is_none());
    }
}
