//! Which `use` items bind the name `Secret`, so that the expansion can name the user's
//! import of `flyte::Secret` (which otherwise only the attribute uses, and rustc would call
//! unused) without the costly glob module that works whatever the imports are.

use super::lex::{Kind, Token};

/// What the `use` items of the blocks around a function bind to the name `Secret`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecretImport {
    /// `use flyte::Secret` or `use flyte::{.., Secret, ..}` in the function's module:
    /// naming `self::Secret!` uses it.
    Flyte,
    /// The same in the body of a function around it, which `self::` does not reach: naming
    /// `Secret!` (looked up through the blocks around) uses it.
    FlyteInBlock,
    /// Nothing binds it by name (a glob may): there is no import to mark as used.
    Absent,
    /// Something else does, or the file does not show it: only the glob module is safe.
    Unknown,
}

impl SecretImport {
    /// The binding of the innermost block that has one decides, as in name resolution, up
    /// to the function's module (the file or a `mod`): a module does not see its parent's
    /// imports.
    pub(super) fn of(per_block: &[Option<Self>], module: &[bool], blocks: &[usize]) -> Self {
        for &b in blocks.iter().rev() {
            let is_module = module.get(b) == Some(&true);
            match per_block.get(b).copied().flatten() {
                Some(SecretImport::Flyte) if !is_module => return SecretImport::FlyteInBlock,
                Some(binding) => return binding,
                None if is_module => return SecretImport::Absent,
                None => {}
            }
        }
        SecretImport::Absent
    }
}

/// The binding of `Secret` by the `use` tree in `tokens` (from after `use` to before `;`),
/// if it binds one: `Flyte` only for exactly `flyte::Secret` (a leading `::` allowed).
pub(super) fn secret_binding(tokens: &[Token<'_>]) -> Option<SecretImport> {
    let mut found = None;
    tree(tokens, &mut Vec::new(), &mut found);
    found
}

/// One use tree: `a::b::{..}`, `a::b`, `a::b as c`, `a::*`. `path` is the prefix so far.
fn tree<'s>(tokens: &[Token<'s>], path: &mut Vec<&'s str>, found: &mut Option<SecretImport>) {
    let depth = path.len();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i].kind {
            Kind::Ident("as") => {
                if let Some(Token {
                    kind: Kind::Ident(alias),
                    ..
                }) = tokens.get(i + 1)
                {
                    bind(path, alias, found);
                }
                path.truncate(depth);
                return;
            }
            Kind::Ident(segment) => path.push(segment),
            Kind::Open('{') => {
                let end = super::skip_group(tokens, i) - 1;
                for item in split_commas(&tokens[i + 1..end]) {
                    tree(item, path, found);
                }
                path.truncate(depth);
                return;
            }
            Kind::Punct(':') | Kind::Punct('*') => {}
            _ => {
                // Not a use tree this follows.
                *found = Some(SecretImport::Unknown);
                break;
            }
        }
        i += 1;
    }
    if let Some(&last) = path.last().filter(|_| path.len() > depth) {
        bind(path, last, found);
    }
    path.truncate(depth);
}

fn bind(path: &[&str], name: &str, found: &mut Option<SecretImport>) {
    if name != "Secret" {
        return;
    }
    let this = match path {
        ["flyte", "Secret"] => SecretImport::Flyte,
        _ => SecretImport::Unknown,
    };
    *found = match *found {
        None | Some(SecretImport::Flyte) => Some(this),
        other => other,
    };
}

/// The pieces of a brace group's tokens between top-level commas.
fn split_commas<'a, 's>(tokens: &'a [Token<'s>]) -> Vec<&'a [Token<'s>]> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, 0);
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            Kind::Open(_) => depth += 1,
            Kind::Close(_) => depth = depth.saturating_sub(1),
            Kind::Punct(',') if depth == 0 => {
                out.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&tokens[start..]);
    out
}
