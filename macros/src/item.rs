//! The function an attribute is put on. The tokens before the body are kept as written and
//! scanned for the few facts the expansion needs (name, `async`, arguments, generics, return
//! type); the body stays the compiler's tokens. This runs once per task on every build, in
//! an unoptimised proc-macro, so the usual case does not go through syn: only a head the
//! scan does not understand is handed to syn, for its facts or its error.

use proc_macro2::{Delimiter, Group, Ident, Spacing, Span, TokenStream, TokenTree};
use quote::ToTokens;
use syn::parse::{ParseStream, Parser};
use syn::{Attribute, Signature, Token, Visibility};

/// What the expansion needs to know about a function's signature.
pub(crate) struct Sig {
    pub ident: Ident,
    pub asyncness: Option<Span>,
    pub constness: Option<Span>,
    pub unsafety: bool,
    /// The parameter list (inside the parentheses), taken from the compiler once.
    pub inputs: Vec<TokenTree>,
    /// `<...>` and the `where` clause, as written; empty when there are none.
    pub generics: TokenStream,
    /// The return type; `None` for `()` written as nothing.
    pub output: Option<TokenStream>,
    /// Whether the return type can be written inside the body: not with `impl Trait` in it,
    /// and not `!` (unstable as a type argument).
    pub output_nameable: bool,
}

/// A function item: its tokens up to the body, its signature, and its body.
pub(crate) struct ItemFn {
    /// Attributes, visibility and signature, exactly as written.
    pub head: TokenStream,
    pub sig: Sig,
    /// `#![...]` at the top of the body; they must stay first.
    pub inner_attrs: TokenStream,
    /// The rest of the body.
    pub body: TokenStream,
    /// The whole body as text (as written, comments included, or else as the tokens print):
    /// one call to the compiler, where taking its tokens is one per group, and most passes
    /// only need to know that there is nothing for them.
    pub body_text: String,
    /// The span of the body's braces.
    pub body_span: Span,
    /// Whether the signature (not its attributes) names `Self`.
    mentions_self: bool,
}

impl ItemFn {
    pub(crate) fn from_tokens(item: TokenStream) -> syn::Result<Self> {
        let mut head: Vec<TokenTree> = item.clone().into_iter().collect();
        let body = match head.pop() {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace => g,
            // Not `... { body }`: let syn say what is wrong (`fn f();`, `struct S;`, ...).
            _ => return Err(full_parse_error(item)),
        };
        let sig = match scan(&head) {
            Some(sig) => sig,
            None => from_syn(head_parser.parse2(head.iter().cloned().collect())?),
        };
        let stream = body.stream();
        let body_text = source_text(&body).unwrap_or_else(|| stream.to_string());
        // `#![..]`, or a comment that may be an inner doc comment (`//!`, `/*!`).
        let (inner_attrs, body_rest) = match body_text.trim_start().starts_with(['#', '/']) {
            true => split_inner_attrs(stream),
            false => (TokenStream::new(), stream),
        };
        let mentions_self = signature_has_ident(&head, "Self");
        Ok(ItemFn {
            mentions_self,
            head: head.into_iter().collect(),
            sig,
            inner_attrs,
            body: body_rest,
            body_text,
            body_span: body.span(),
        })
    }

    /// The top-level tokens of the body after its inner attributes.
    pub(crate) fn body_trees(&self) -> Vec<TokenTree> {
        self.body.clone().into_iter().collect()
    }

    /// The item again, with `new_body` as the body (inner attributes first).
    pub(crate) fn with_body(&self, new_body: TokenStream) -> TokenStream {
        // Whole streams, not tree by tree: each tree would cross the proc-macro bridge.
        let mut stream = self.inner_attrs.clone();
        stream.extend([new_body]);
        let mut group = Group::new(Delimiter::Brace, stream);
        group.set_span(self.body_span);
        let mut out = self.head.clone();
        out.extend([TokenTree::Group(group)]);
        out
    }

    /// The return type, `()` (at `span`) when none is written.
    pub(crate) fn return_type(&self, span: Span) -> TokenStream {
        match &self.sig.output {
            None => quote::quote_spanned!(span=> ()),
            Some(ty) => ty.clone(),
        }
    }

    /// Whether the return type can be written inside the body: not with `impl Trait` in it,
    /// and not `!` (unstable as a type argument).
    pub(crate) fn return_type_nameable(&self) -> bool {
        self.sig.output_nameable
    }

    /// Whether the signature names `Self`: then the function is certainly inside an `impl`.
    pub(crate) fn mentions_self_type(&self) -> bool {
        self.mentions_self
    }
}

/// Reads the head the way it is almost always written:
/// `#[attr]* vis? (const|async|unsafe|safe|default|extern "abi"?)* fn name <generics>? (inputs)
/// (-> type)? (where ...)?`. `None` for anything else, which syn then reads.
fn scan(head: &[TokenTree]) -> Option<Sig> {
    let mut i = 0;
    let punct =
        |i: usize, c: char| matches!(head.get(i), Some(TokenTree::Punct(p)) if p.as_char() == c);
    let ident = |i: usize| match head.get(i) {
        Some(TokenTree::Ident(id)) => Some(id),
        _ => None,
    };
    // Outer attributes.
    while punct(i, '#') {
        match head.get(i + 1) {
            Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket => i += 2,
            _ => return None,
        }
    }
    // Visibility.
    if ident(i).is_some_and(|id| id == "pub") {
        i += 1;
        if matches!(head.get(i), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
        {
            i += 1;
        }
    }
    // Qualifiers.
    let (mut asyncness, mut constness, mut unsafety) = (None, None, false);
    loop {
        let id = ident(i)?;
        match id.to_string().as_str() {
            "async" => asyncness = Some(id.span()),
            "const" => constness = Some(id.span()),
            "unsafe" => unsafety = true,
            "safe" | "default" => {}
            "extern" => {
                if matches!(head.get(i + 1), Some(TokenTree::Literal(_))) {
                    i += 1;
                }
            }
            "fn" => break,
            _ => return None,
        }
        i += 1;
    }
    let name = ident(i + 1)?.clone();
    i += 2;
    // Generics: `<` ... matching `>`, where `->` inside (`F: Fn() -> u8`) is no closer.
    let generics_start = i;
    if punct(i, '<') {
        let mut depth = 0usize;
        loop {
            match head.get(i)? {
                TokenTree::Punct(p) if p.as_char() == '<' => depth += 1,
                TokenTree::Punct(p)
                    if p.as_char() == '-' && p.spacing() == Spacing::Joint && punct(i + 1, '>') =>
                {
                    i += 1
                }
                TokenTree::Punct(p) if p.as_char() == '>' => {
                    depth -= 1;
                    if depth == 0 {
                        i += 1;
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    let mut generics: TokenStream = head[generics_start..i].iter().cloned().collect();
    let TokenTree::Group(inputs) = head.get(i)? else {
        return None;
    };
    if inputs.delimiter() != Delimiter::Parenthesis {
        return None;
    }
    i += 1;
    // Return type, up to `where` (which cannot appear inside a type at this level).
    let mut output = None;
    let mut output_nameable = true;
    if matches!(head.get(i), Some(TokenTree::Punct(p)) if p.as_char() == '-' && p.spacing() == Spacing::Joint)
        && punct(i + 1, '>')
    {
        let start = i + 2;
        let end = (start..head.len())
            .find(|&j| ident(j).is_some_and(|id| id == "where"))
            .unwrap_or(head.len());
        if end == start {
            return None;
        }
        output = Some(head[start..end].iter().cloned().collect());
        output_nameable = nameable(&head[start..end]);
        i = end;
    }
    if ident(i).is_some_and(|id| id == "where") {
        generics.extend(head[i..].iter().cloned());
    } else if i != head.len() {
        return None;
    }
    Some(Sig {
        ident: name,
        asyncness,
        constness,
        unsafety,
        inputs: inputs.stream().into_iter().collect(),
        generics,
        output,
        output_nameable,
    })
}

/// See [`Sig::output_nameable`].
fn nameable(ty: &[TokenTree]) -> bool {
    let never = matches!(ty, [TokenTree::Punct(p)] if p.as_char() == '!');
    !never && !has_ident_in(ty, "impl")
}

fn from_syn(sig: Signature) -> Sig {
    let (generics, where_clause) = (&sig.generics, &sig.generics.where_clause);
    let generics = if sig.generics.params.is_empty() && where_clause.is_none() {
        TokenStream::new()
    } else {
        quote::quote!(#generics #where_clause)
    };
    Sig {
        asyncness: sig.asyncness.map(|t| t.span),
        constness: sig.constness.map(|t| t.span),
        unsafety: sig.unsafety.is_some() || sig.variadic.is_some(),
        inputs: sig.inputs.to_token_stream().into_iter().collect(),
        generics,
        output_nameable: match &sig.output {
            syn::ReturnType::Default => true,
            syn::ReturnType::Type(_, ty) => {
                nameable(&ty.to_token_stream().into_iter().collect::<Vec<_>>())
            }
        },
        output: match sig.output {
            syn::ReturnType::Default => None,
            syn::ReturnType::Type(_, ty) => Some(ty.to_token_stream()),
        },
        ident: sig.ident,
    }
}

/// Outer attributes, visibility, signature, and nothing else.
fn head_parser(input: ParseStream<'_>) -> syn::Result<Signature> {
    input.call(Attribute::parse_outer)?;
    input.parse::<Visibility>()?;
    input.parse()
}

/// The error of parsing the whole item as a function with a body.
fn full_parse_error(item: TokenStream) -> syn::Error {
    let parser = |input: ParseStream<'_>| {
        let sig = head_parser(input)?;
        if input.peek(Token![;]) {
            return Err(input.error("the function needs a body"));
        }
        let _body: syn::Block = input.parse()?;
        Ok(sig)
    };
    match parser.parse2(item) {
        Err(e) => e,
        Ok(sig) => syn::Error::new_spanned(sig.fn_token, "expected a function with a body"),
    }
}

/// `#![...]` attributes at the start of a body, and the rest (only for a body that starts
/// with `#`: the usual body has none and is passed on untouched).
/// The text between the braces of `body` as written in the source: the compiler slices it
/// out of the file, where printing the tokens costs it far more. `None` when the braces are
/// not in a file, or when the text holds a `$`: a `macro_rules!` body's `{ $($body)* }`
/// does not show the tokens put in its place. Comments are in the text, so a reader of it
/// must take a comment for something it may have to look at.
fn source_text(body: &Group) -> Option<String> {
    let text = body.span().source_text()?;
    let inner = text.strip_prefix('{')?.strip_suffix('}')?;
    (!inner.contains('$')).then(|| inner.to_owned())
}

fn split_inner_attrs(body: TokenStream) -> (TokenStream, TokenStream) {
    let trees: Vec<TokenTree> = body.clone().into_iter().collect();
    let mut n = 0;
    while let [
        TokenTree::Punct(pound),
        TokenTree::Punct(bang),
        TokenTree::Group(g),
        ..,
    ] = &trees[n..]
        && pound.as_char() == '#'
        && bang.as_char() == '!'
        && g.delimiter() == Delimiter::Bracket
    {
        n += 3;
    }
    if n == 0 {
        // The compiler's own stream is passed on as it is.
        return (TokenStream::new(), body);
    }
    (
        trees[..n].iter().cloned().collect(),
        trees[n..].iter().cloned().collect(),
    )
}

/// Whether `name` occurs as an identifier anywhere in `tokens`, groups included.
pub(crate) fn has_ident(tokens: &TokenStream, name: &str) -> bool {
    has_ident_in(&tokens.clone().into_iter().collect::<Vec<_>>(), name)
}

/// [`has_ident`] over trees already taken from the compiler.
pub(crate) fn has_ident_in(trees: &[TokenTree], name: &str) -> bool {
    trees.iter().any(|tree| match tree {
        TokenTree::Ident(ident) => ident == name,
        TokenTree::Group(group) => has_ident(&group.stream(), name),
        _ => false,
    })
}

/// [`has_ident_in`] the head of a function, its outer attributes left out (they are not its
/// signature, and each `///` line is a group the compiler would be asked for).
fn signature_has_ident(head: &[TokenTree], name: &str) -> bool {
    let mut i = 0;
    while let [TokenTree::Punct(pound), TokenTree::Group(g), ..] = &head[i..]
        && pound.as_char() == '#'
        && g.delimiter() == Delimiter::Bracket
    {
        i += 2;
    }
    has_ident_in(&head[i..], name)
}

#[cfg(test)]
mod tests;
