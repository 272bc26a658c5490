//! Whether the walk over a body could find anything to report, read from the body's text.
//! The text is one call to the compiler; the walk takes every group of the body across the
//! proc-macro bridge, on every build. So the walk runs only when the text shows a
//! `secret!(..)` that is not plainly a declared secret, a literal given to a `var` or
//! `var_os` call, or the mount path: the only places where the walk reports something. Any
//! form this reading does not follow sends the body to the walk, so a body is never passed
//! over that the walk would have reported.

use flyte_spec::MOUNT_PATH;

use super::declared;
use crate::validate::ValidTask;

/// `false` only when the walk would find nothing to report in the body written as `text`.
pub(crate) fn needs_walk(text: &str, task: &ValidTask) -> bool {
    if text.contains(MOUNT_PATH) {
        return true;
    }
    let bytes = text.as_bytes();
    let word_at = |at: usize, word: &str| {
        let end = at + word.len();
        (at == 0 || !is_ident_byte(bytes[at - 1]))
            && text[at..].starts_with(word)
            && bytes.get(end).is_none_or(|&b| !is_ident_byte(b))
    };
    for (at, _) in text.match_indices("var") {
        let end = if word_at(at, "var") {
            at + 3
        } else if word_at(at, "var_os") {
            at + 6
        } else {
            continue;
        };
        let mut rest = Rest(&text[end..]);
        // `var("..")` or `var(r".."))`: a literal that may name a declared env var.
        if rest.eat('(') && rest.literal_start() {
            return true;
        }
    }
    for (at, _) in text.match_indices("secret") {
        if !word_at(at, "secret") {
            continue;
        }
        let mut rest = Rest(&text[at + "secret".len()..]);
        if rest.eat('!') && !plainly_declared(&mut rest, task) {
            return true;
        }
    }
    false
}

/// After `secret!`: `("key")`, `("key", group = "g")` (any brackets, a trailing comma
/// allowed), with plain literals naming a declared secret.
fn plainly_declared(rest: &mut Rest<'_>, task: &ValidTask) -> bool {
    let close = match rest.next_char() {
        Some('(') => ')',
        Some('[') => ']',
        Some('{') => '}',
        _ => return false,
    };
    let Some(key) = rest.plain_literal() else {
        return false;
    };
    let comma = rest.eat(',');
    if rest.eat(close) {
        return declared(task, key, None);
    }
    let group = comma && rest.eat_word("group") && rest.eat('=') && !rest.0.starts_with('=');
    let Some(group) = group.then(|| rest.plain_literal()).flatten() else {
        return false;
    };
    rest.eat(',');
    rest.eat(close) && declared(task, key, Some(group))
}

/// The text after the (nested) block comment `text` starts with; nothing if it is not closed.
fn after_block_comment(text: &str) -> &str {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(next) = text[at..].find(['/', '*']) {
        at += next;
        if text[at..].starts_with("/*") {
            depth += 1;
            at += 2;
        } else if text[at..].starts_with("*/") {
            depth -= 1;
            at += 2;
            if depth == 0 {
                return &text[at..];
            }
        } else {
            at += 1;
        }
    }
    ""
}

fn is_ident_byte(b: u8) -> bool {
    b == b'_' || b.is_ascii_alphanumeric() || b >= 0x80
}

/// The text still to read, whitespace and comments skipped before each token (the text
/// may be the source as written).
struct Rest<'a>(&'a str);

impl<'a> Rest<'a> {
    fn skip_space(&mut self) {
        loop {
            self.0 = self.0.trim_start();
            if let Some(rest) = self.0.strip_prefix("//") {
                self.0 = rest.find('\n').map_or("", |end| &rest[end..]);
            } else if self.0.starts_with("/*") {
                self.0 = after_block_comment(self.0);
            } else {
                return;
            }
        }
    }

    fn next_char(&mut self) -> Option<char> {
        self.skip_space();
        let c = self.0.chars().next()?;
        self.0 = &self.0[c.len_utf8()..];
        Some(c)
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        match self.0.strip_prefix(c) {
            Some(rest) => {
                self.0 = rest;
                true
            }
            None => false,
        }
    }

    fn eat_word(&mut self, word: &str) -> bool {
        self.skip_space();
        match self.0.strip_prefix(word) {
            Some(rest) if !rest.bytes().next().is_some_and(is_ident_byte) => {
                self.0 = rest;
                true
            }
            _ => false,
        }
    }

    /// Whether a string literal (plain, raw, byte or C) starts here.
    fn literal_start(&mut self) -> bool {
        self.skip_space();
        let t = self.0;
        t.starts_with('"')
            || ["r", "b", "c", "br", "cr"].iter().any(|p| {
                t.strip_prefix(p)
                    .is_some_and(|r| r.starts_with('"') || r.starts_with('#'))
            })
    }

    /// `"text"` without escapes or a suffix: its text. `None` for anything else.
    fn plain_literal(&mut self) -> Option<&'a str> {
        self.skip_space();
        let inner = self.0.strip_prefix('"')?;
        let end = inner.find(['"', '\\'])?;
        let after = &inner[end..];
        let rest = after.strip_prefix('"')?;
        if rest.bytes().next().is_some_and(is_ident_byte) {
            return None;
        }
        self.0 = rest;
        Some(&inner[..end])
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;

    use super::*;

    fn task() -> ValidTask {
        let attr: TokenStream = syn::parse_quote!(
            secrets = [
                "my-secret",
                Secret(key = "token", group = "github"),
                Secret(key = "config", mount = "/etc/flyte/secrets")
            ]
        );
        let args: crate::parse::TaskArgs = syn::parse2(attr).unwrap();
        crate::validate::task(&args).unwrap()
    }

    #[test]
    fn plain_uses_of_declared_secrets_need_no_walk() {
        let task = task();
        for body in [
            "",
            "let s = flyte::secret!(\"my-secret\")?; Ok(s.expose().len())",
            "let t = ::flyte::secret! (\"token\", group = \"github\",); let c = secret![\"config\"];",
            "let secrets = flyte::secrets(); let my_secret = 1; let v = vars(\"x\"); env::var(NAME)",
            "std::env::var_os(name); let variable = 2; format!(\"{}\", var)",
            // The source as written: comments between the tokens.
            "flyte::secret!( /* the /* nested */ key */ \"my-secret\" // why\n )",
            "// flyte::secret!(\"my-secret\")\nlet v = std::env::var(NAME);",
        ] {
            assert!(!needs_walk(body, &task), "{body}");
        }
    }

    #[test]
    fn anything_the_walk_may_report_or_not_read_plainly_needs_it() {
        let task = task();
        for body in [
            "flyte::secret!(\"other\")",
            "flyte::secret!(\"token\", group = \"other\")",
            "flyte::secret!(\"token\", group = \"github\", x)",
            "flyte::secret!(\"my\\x2dsecret\")",
            "flyte::secret!(r\"my-secret\")",
            "flyte::secret!(\"my-secret\"suffix)",
            "flyte::secret!(name)",
            "flyte::secret!(\"token\", group == \"github\")",
            "secret ! { \"token\" , other = \"x\" }",
            "std::env::var(\"MY_SECRET\")",
            "env::var_os ( r\"ANY\" )",
            "std::fs::read(\"/etc/flyte/secrets/config\")",
            "std::env::var(/* c */ \"MY_SECRET\")",
            "std::env::var( // c\n \"MY_SECRET\")",
            "flyte::secret! /* c */ (\"other\")",
            "flyte::secret!(// c\n\"token\", /* c */ group = \"other\")",
            "flyte::secret!(/* not closed",
        ] {
            assert!(needs_walk(body, &task), "{body}");
        }
    }
}
