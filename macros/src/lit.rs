//! Literals the expansion writes at a chosen span.

use proc_macro2::{Literal, Span, TokenTree};

/// A string literal at `span`; `quote`'s own has the call site's.
pub(crate) fn literal(text: &str, span: Span) -> TokenTree {
    let mut lit = Literal::string(text);
    lit.set_span(span);
    TokenTree::Literal(lit)
}
