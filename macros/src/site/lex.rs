//! A lexer just exact enough to see a source file's nesting: identifiers, brackets and
//! punctuation at their line and column, with comments, strings, characters and lifetimes
//! stepped over. Anything it does not follow gives `None`, and the caller then knows nothing.

/// One token, at its 1-based line and column (in characters, as `proc_macro::Span` counts).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Token<'s> {
    pub kind: Kind<'s>,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind<'s> {
    /// An identifier or keyword; a raw identifier without its `r#`.
    Ident(&'s str),
    Open(char),
    Close(char),
    Punct(char),
    /// A literal, lifetime or label: nothing the nesting depends on.
    Other,
}

/// Over the bytes: this runs in an unoptimised proc-macro, on every file with a task, so it
/// allocates nothing per token and leaves the search for ends of comments to `std`.
struct Cursor<'s> {
    source: &'s str,
    bytes: &'s [u8],
    i: usize,
    line: usize,
    /// Where the current line starts, and how many characters before `i` on it are not
    /// one byte each (counted when a multi-byte character is stepped over).
    line_start: usize,
    extra_bytes: usize,
}

impl<'s> Cursor<'s> {
    fn peek(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.i + ahead).copied()
    }

    fn column(&self) -> usize {
        self.i - self.line_start - self.extra_bytes + 1
    }

    /// One character (of any width).
    fn bump(&mut self) -> Option<u8> {
        let b = self.peek(0)?;
        self.i += 1;
        if b == b'\n' {
            self.line += 1;
            self.line_start = self.i;
            self.extra_bytes = 0;
        } else if b >= 0x80 {
            // A multi-byte character: its continuation bytes count for no column.
            while self.peek(0).is_some_and(|c| (0x80..0xc0).contains(&c)) {
                self.i += 1;
                self.extra_bytes += 1;
            }
        }
        Some(b)
    }

    /// Up to (not including) the next `\n`, or the end.
    fn skip_line(&mut self) {
        let rest = &self.source[self.i..];
        let end = rest.find('\n').unwrap_or(rest.len());
        let skipped = &rest[..end];
        self.extra_bytes += skipped.len() - skipped.chars().count();
        self.i += end;
    }

    fn eat_ident(&mut self) -> &'s str {
        let start = self.i;
        let mut j = self.i;
        // ASCII in a tight loop; a non-ASCII character only when it continues the name.
        let bytes = self.bytes;
        loop {
            while j < bytes.len() && IDENT[bytes[j] as usize] {
                j += 1;
            }
            if j == bytes.len() || bytes[j] < 0x80 {
                break;
            }
            match self.source[j..].chars().next() {
                Some(c) if !c.is_ascii() && c.is_alphanumeric() => {
                    j += c.len_utf8();
                    self.extra_bytes += c.len_utf8() - 1;
                }
                _ => break,
            }
        }
        self.i = j;
        &self.source[start..j]
    }

    /// After an opening `"`: up to and including the closing one.
    fn string(&mut self) -> Option<()> {
        loop {
            // Plain ASCII other than the ends in a tight loop; the rest through `bump`.
            while self.i < self.bytes.len() {
                let b = self.bytes[self.i];
                if b == b'"' || b == b'\\' || b == b'\n' || b >= 0x80 {
                    break;
                }
                self.i += 1;
            }
            match self.bump()? {
                b'\\' => {
                    self.bump()?;
                }
                b'"' => return Some(()),
                _ => {}
            }
        }
    }

    /// At the `#`s or `"` after `r`: up to the closing `"` and as many `#`s.
    fn raw_string(&mut self) -> Option<()> {
        let mut hashes = 0;
        while self.peek(0) == Some(b'#') {
            self.bump();
            hashes += 1;
        }
        if self.bump()? != b'"' {
            return None;
        }
        loop {
            if self.bump()? == b'"' && (0..hashes).all(|k| self.peek(k) == Some(b'#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return Some(());
            }
        }
    }

    /// After an opening `'` of a character literal: up to and including the closing one.
    fn char_literal(&mut self) -> Option<()> {
        if self.bump()? == b'\\' {
            self.bump()?;
        }
        loop {
            if self.bump()? == b'\'' {
                return Some(());
            }
        }
    }

    /// `/* ... */`, nested, after its opening `/*`.
    fn block_comment(&mut self) -> Option<()> {
        let mut depth = 1;
        while depth > 0 {
            match (self.bump()?, self.peek(0)) {
                (b'/', Some(b'*')) => {
                    self.bump();
                    depth += 1;
                }
                (b'*', Some(b'/')) => {
                    self.bump();
                    depth -= 1;
                }
                _ => {}
            }
        }
        Some(())
    }
}

/// The ASCII bytes that continue an identifier, looked up in one step (this code runs
/// unoptimised, where each method call costs).
const IDENT: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

fn ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

/// The tokens of `source`, or `None` for anything unterminated.
pub(crate) fn tokens(source: &str) -> Option<Vec<Token<'_>>> {
    let mut cur = Cursor {
        source,
        bytes: source.as_bytes(),
        i: 0,
        line: 1,
        line_start: 0,
        extra_bytes: 0,
    };
    // A `#!` first line that is not `#![...]` is a shebang.
    if source.starts_with("#!") && !source.starts_with("#![") {
        cur.skip_line();
    }
    let mut out = Vec::new();
    let bytes = source.as_bytes();
    // Plain indexing and `cur.i += 1` where a byte is known to be ASCII and no newline: in
    // unoptimised code every helper call costs, and this loop runs once per token.
    while cur.i < bytes.len() {
        let b = bytes[cur.i];
        if matches!(
            b,
            b'(' | b'[' | b'{' | b')' | b']' | b'}' | b';' | b':' | b',' | b'.'
        ) {
            let kind = match b {
                b'(' | b'[' | b'{' => Kind::Open(b as char),
                b')' | b']' | b'}' => Kind::Close(b as char),
                _ => Kind::Punct(b as char),
            };
            let column = cur.i - cur.line_start - cur.extra_bytes + 1;
            out.push(Token {
                kind,
                line: cur.line,
                column,
            });
            cur.i += 1;
            continue;
        }
        let (line, column) = (cur.line, cur.column());
        let kind = match b {
            // A run of indentation at once: most of a source file's bytes.
            b' ' | b'\t' | b'\r' => {
                let bytes = cur.bytes;
                let mut j = cur.i + 1;
                while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r') {
                    j += 1;
                }
                cur.i = j;
                continue;
            }
            b'\n' => {
                cur.i += 1;
                cur.line += 1;
                cur.line_start = cur.i;
                cur.extra_bytes = 0;
                continue;
            }
            b'\x0b' | b'\x0c' => {
                cur.i += 1;
                continue;
            }
            b'/' if cur.peek(1) == Some(b'/') => {
                cur.skip_line();
                continue;
            }
            b'/' if cur.peek(1) == Some(b'*') => {
                cur.bump();
                cur.bump();
                cur.block_comment()?;
                continue;
            }
            b'"' => {
                cur.bump();
                cur.string()?;
                Kind::Other
            }
            b'\'' => {
                cur.bump();
                if cur.peek(0) == Some(b'\\') || cur.peek(1) == Some(b'\'') {
                    cur.char_literal()?;
                } else {
                    cur.eat_ident();
                }
                Kind::Other
            }
            b'0'..=b'9' => {
                cur.eat_ident();
                // `1.5`, but not `1..2` or `1.max(2)`.
                if cur.peek(0) == Some(b'.') && cur.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                    cur.bump();
                    cur.eat_ident();
                }
                Kind::Other
            }
            b'(' | b'[' | b'{' => {
                cur.bump();
                Kind::Open(b as char)
            }
            b')' | b']' | b'}' => {
                cur.bump();
                Kind::Close(b as char)
            }
            b if b.is_ascii() && !(b == b'_' || b.is_ascii_alphabetic()) => {
                cur.bump();
                Kind::Punct(b as char)
            }
            _ => {
                // ASCII here is a letter or `_` (the arm above took the rest).
                let c = if b < 0x80 {
                    b as char
                } else {
                    source[cur.i..].chars().next()?
                };
                if b >= 0x80 && !ident_start(c) {
                    // Other whitespace, or a character no token starts with.
                    let white = c.is_whitespace();
                    cur.bump();
                    if white {
                        continue;
                    }
                    out.push(Token {
                        kind: Kind::Punct(c),
                        line,
                        column,
                    });
                    continue;
                }
                let word = cur.eat_ident();
                match (word, cur.peek(0), cur.peek(1)) {
                    ("r" | "br" | "cr", Some(b'"'), _)
                    | ("r" | "br" | "cr", Some(b'#'), Some(b'#' | b'"')) => {
                        cur.raw_string()?;
                        Kind::Other
                    }
                    ("r", Some(b'#'), Some(c)) if ident_start(c as char) || c >= 0x80 => {
                        cur.bump();
                        Kind::Ident(cur.eat_ident())
                    }
                    ("b" | "c", Some(b'"'), _) => {
                        cur.bump();
                        cur.string()?;
                        Kind::Other
                    }
                    ("b", Some(b'\''), _) => {
                        cur.bump();
                        cur.char_literal()?;
                        Kind::Other
                    }
                    _ => Kind::Ident(word),
                }
            }
        };
        out.push(Token { kind, line, column });
    }
    Some(out)
}
