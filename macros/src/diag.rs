//! Compile errors in rustc's style (message, then `= help:` on its own line) and the
//! collection of many of them into the one `syn::Error` a macro returns.

use std::fmt::Display;

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;

/// An error at `span` with a help line saying how to fix it.
pub(crate) fn error(span: Span, message: impl Display, help: impl Display) -> syn::Error {
    syn::Error::new(span, with_help(message, help))
}

/// Like [`error`], spanning all of `tokens` (e.g. a negative number, which is two tokens).
pub(crate) fn error_spanned(
    tokens: impl ToTokens,
    message: impl Display,
    help: impl Display,
) -> syn::Error {
    syn::Error::new_spanned(tokens, with_help(message, help))
}

/// rustc indents the message's second line under its first, so the help reads like one of
/// its own `= help:` lines.
pub(crate) fn with_help(message: impl Display, help: impl Display) -> String {
    format!("{message}\n= help: {help}")
}

/// Every error found so far; they are all reported together.
#[derive(Default)]
pub(crate) struct Errors(Option<syn::Error>);

impl Errors {
    pub(crate) fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    pub(crate) fn into_error(self) -> Option<syn::Error> {
        self.0
    }
}

/// On any error: the item exactly as written plus the errors, so the user sees only the
/// mistake and not follow-on errors from a half-expanded item.
pub(crate) fn original_with(item: TokenStream, error: syn::Error) -> TokenStream {
    let mut out = item;
    out.extend([error.to_compile_error()]);
    out
}

/// The allowed name the user probably meant: same word in another case, a prefix or suffix
/// of it, or at most a third of its letters different.
pub(crate) fn did_you_mean<'a>(word: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    allowed.iter().copied().find(|candidate| {
        let limit = (candidate.len() / 3).max(1);
        candidate.contains(word.as_str()) && word.len() >= 3
            || word.contains(candidate)
            || edit_distance(&word, candidate) <= limit
    })
}

/// Levenshtein distance over bytes (argument names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// `allowed` as "`a`, `b`, `c`" for messages.
pub(crate) fn list(allowed: &[&str]) -> String {
    allowed
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        let fields = ["key", "group", "mount", "as_env_var"];
        assert_eq!(did_you_mean("kee", &fields), Some("key"));
        assert_eq!(did_you_mean("Key", &fields), Some("key"));
        assert_eq!(did_you_mean("grup", &fields), Some("group"));
        assert_eq!(did_you_mean("env_var", &fields), Some("as_env_var"));
        assert_eq!(did_you_mean("mount_path", &fields), Some("mount"));
        assert_eq!(did_you_mean("value", &fields), None);
        assert_eq!(
            did_you_mean("secret", &["secrets", "in_impl"]),
            Some("secrets")
        );
        assert_eq!(did_you_mean("x", &["secrets", "in_impl"]), None);
    }

    #[test]
    fn distance() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("abc", "abc"), 0);
    }
}
