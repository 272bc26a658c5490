//! The name of the type an `impl` block is for, or of the trait a `trait` block declares,
//! from the block's item tokens: how a task inside one is told from a namesake in another
//! block of the same module.

use super::lex::{Kind, Token};

/// Words that may come before the self type's path and are not part of it.
const NOT_A_NAME: [&str; 5] = ["dyn", "mut", "const", "unsafe", "impl"];

/// `item` is the tokens after the `impl` or `trait` keyword up to the block's `{`. For a
/// trait, its name; for an `impl`, the last segment of the self type's path (`Db` in
/// `impl<T> fmt::Debug for db::Db<T> where T: Copy`). `None` for a self type with no path
/// (a tuple, a slice, a reference to either).
pub(super) fn name(item: &[Token<'_>], is_trait: bool) -> Option<String> {
    if is_trait {
        return match item.first()?.kind {
            Kind::Ident(name) => Some(name.to_owned()),
            _ => None,
        };
    }
    // Past the generics right after `impl`.
    let mut start = 0;
    if item.first().is_some_and(|t| t.kind == Kind::Punct('<')) {
        let mut angles = Angles::default();
        start = item.len();
        for (j, token) in item.iter().enumerate() {
            angles.step(&token.kind);
            if angles.depth == 0 {
                start = j + 1;
                break;
            }
        }
    }
    // A trait impl's self type follows its `for`; `where` ends it.
    let mut end = item.len();
    let mut angles = Angles::default();
    for (j, token) in item.iter().enumerate().skip(start) {
        if angles.step(&token.kind) > 0 {
            continue;
        }
        match token.kind {
            Kind::Ident("for") => start = j + 1,
            Kind::Ident("where") => {
                end = j;
                break;
            }
            _ => {}
        }
    }
    // Its path: the identifiers joined by `::` after any `&`, lifetime or `dyn`/`mut`.
    let mut last = None;
    let mut angles = Angles::default();
    for token in item.get(start..end)? {
        if angles.step(&token.kind) > 0 {
            break;
        }
        match token.kind {
            Kind::Ident(word) if NOT_A_NAME.contains(&word) && last.is_none() => {}
            Kind::Ident(word) => last = Some(word),
            Kind::Punct(':') => {}
            Kind::Punct('&') | Kind::Other if last.is_none() => {}
            _ => break,
        }
    }
    last.map(str::to_owned)
}

/// The depth of angle brackets so far; the `>` of `->` closes none.
#[derive(Default)]
struct Angles {
    depth: usize,
    after_dash: bool,
}

impl Angles {
    /// The depth once `kind` is read; a `<` counts as inside, its `>` as outside.
    fn step(&mut self, kind: &Kind<'_>) -> usize {
        let depth = self.depth;
        match kind {
            Kind::Punct('<') => self.depth += 1,
            Kind::Punct('>') if !self.after_dash => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.after_dash = *kind == Kind::Punct('-');
        depth.max(self.depth)
    }
}
