//! Token-level helpers: the attribute is split at top-level commas by hand, so that a
//! mistake in one argument or one secret does not stop the others from being checked.

use proc_macro2::{Delimiter, Spacing, Span, TokenStream, TokenTree};
use syn::Lit;

/// One comma-separated piece of a list, and the comma after it (for pointing at `a,,b`).
pub(crate) struct Chunk {
    pub tokens: Vec<TokenTree>,
    pub comma: Option<Span>,
}

impl Chunk {
    pub(crate) fn stream(&self) -> TokenStream {
        self.tokens.iter().cloned().collect()
    }
}

/// Splits at the commas of this level (commas inside groups belong to the group). A trailing
/// comma gives no empty last chunk.
pub(crate) fn split_commas(tokens: TokenStream) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut current = Vec::new();
    for tree in tokens {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == ',' => {
                chunks.push(Chunk {
                    tokens: std::mem::take(&mut current),
                    comma: Some(p.span()),
                });
            }
            _ => current.push(tree),
        }
    }
    if !current.is_empty() {
        chunks.push(Chunk {
            tokens: current,
            comma: None,
        });
    }
    chunks
}

/// The tokens after a leading `=`, or `None` when there is no lone `=` (`==` is not one).
pub(crate) fn after_eq(tokens: &[TokenTree]) -> Option<&[TokenTree]> {
    match tokens.first() {
        Some(TokenTree::Punct(p)) if p.as_char() == '=' && p.spacing() == Spacing::Alone => {
            Some(&tokens[1..])
        }
        _ => None,
    }
}

/// What a value turned out to be, when it is not the string literal asked for.
pub(crate) enum NotAString {
    /// Some other literal; the description says which kind ("an integer literal").
    Literal(&'static str),
    /// A string literal with a suffix (`"a"x`).
    Suffixed,
    /// Anything else: a constant, an expression, a list.
    Other,
}

/// A string literal's value and where it is written. Kept instead of `syn::LitStr`, which
/// asks the compiler for the literal's text again on every `value()`.
#[derive(Clone, Debug)]
pub(crate) struct Str {
    value: String,
    span: Span,
}

impl Str {
    pub(crate) fn value(&self) -> &str {
        &self.value
    }

    pub(crate) fn span(&self) -> Span {
        self.span
    }
}

/// The string literal `tokens` consist of, or what they are instead.
pub(crate) fn string_literal(tokens: &[TokenTree]) -> Result<Str, NotAString> {
    let [TokenTree::Literal(literal)] = tokens else {
        return Err(NotAString::Other);
    };
    let text = literal.to_string();
    // `"..."` without escapes, by far the usual literal, is its own value; the rest goes
    // through syn's reading of literals.
    // Bytes, not `contains([..])`: a pattern of chars costs 20 times more unoptimised.
    if let Some(value) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"'))
        && !value.bytes().any(|b| b == b'\\' || b == b'"')
    {
        return Ok(Str {
            value: value.to_owned(),
            span: literal.span(),
        });
    }
    match Lit::new(literal.clone()) {
        Lit::Str(s) if s.suffix().is_empty() => Ok(Str {
            value: s.value(),
            span: s.span(),
        }),
        Lit::Str(_) => Err(NotAString::Suffixed),
        Lit::ByteStr(_) => Err(NotAString::Literal("a byte string literal")),
        Lit::CStr(_) => Err(NotAString::Literal("a C string literal")),
        Lit::Byte(_) => Err(NotAString::Literal("a byte literal")),
        Lit::Char(_) => Err(NotAString::Literal("a character literal")),
        Lit::Int(_) => Err(NotAString::Literal("an integer literal")),
        Lit::Float(_) => Err(NotAString::Literal("a float literal")),
        _ => Err(NotAString::Literal("a literal")),
    }
}

impl NotAString {
    /// "found an integer literal `1`" and the like.
    pub(crate) fn found(&self, tokens: &[TokenTree]) -> String {
        let shown = shown(tokens);
        match self {
            NotAString::Literal(kind) => format!("found {kind} `{shown}`"),
            NotAString::Suffixed => format!("found a string literal with a suffix `{shown}`"),
            NotAString::Other if is_list(tokens) => format!("found a list `{shown}`"),
            NotAString::Other => format!("found `{shown}`"),
        }
    }
}

/// A bracketed list `[...]`, alone.
pub(crate) fn is_list(tokens: &[TokenTree]) -> bool {
    matches!(tokens, [TokenTree::Group(g)] if g.delimiter() == Delimiter::Bracket)
}

/// The tokens as the user wrote them (close enough for a message), shortened when long.
pub(crate) fn shown(tokens: &[TokenTree]) -> String {
    let text = tokens.iter().cloned().collect::<TokenStream>().to_string();
    if text.chars().count() > 40 {
        format!("{}...", text.chars().take(37).collect::<String>())
    } else {
        text
    }
}
