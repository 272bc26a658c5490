//! A lexer just exact enough to see a source file's nesting: identifiers, brackets and
//! punctuation at their line and column, with comments, strings, characters and lifetimes
//! stepped over. Anything it does not follow gives `None`, and the caller then knows nothing.

/// One token, at its 1-based line and column (in characters, as `proc_macro::Span` counts).
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub kind: Kind,
    pub line: usize,
    pub column: usize,
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An identifier or keyword; a raw identifier without its `r#`.
    Ident(String),
    Open(char),
    Close(char),
    Punct(char),
    /// A literal, lifetime or label: nothing the nesting depends on.
    Other,
}

struct Cursor {
    chars: Vec<char>,
    i: usize,
    line: usize,
    column: usize,
}

impl Cursor {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.i += 1;
        if c == '\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
        Some(c)
    }

    fn eat_while(&mut self, keep: impl Fn(char) -> bool) -> String {
        let mut out = String::new();
        while let Some(c) = self.peek(0).filter(|&c| keep(c)) {
            out.push(c);
            self.bump();
        }
        out
    }

    /// After an opening `"`: up to and including the closing one.
    fn string(&mut self) -> Option<()> {
        loop {
            match self.bump()? {
                '\\' => {
                    self.bump()?;
                }
                '"' => return Some(()),
                _ => {}
            }
        }
    }

    /// At the `#`s or `"` after `r`: up to the closing `"` and as many `#`s.
    fn raw_string(&mut self) -> Option<()> {
        let hashes = self.eat_while(|c| c == '#').len();
        if self.bump()? != '"' {
            return None;
        }
        loop {
            if self.bump()? == '"' && (0..hashes).all(|k| self.peek(k) == Some('#')) {
                for _ in 0..hashes {
                    self.bump();
                }
                return Some(());
            }
        }
    }

    /// After an opening `'` of a character literal: up to and including the closing one.
    fn char_literal(&mut self) -> Option<()> {
        if self.bump()? == '\\' {
            self.bump()?;
        }
        loop {
            if self.bump()? == '\'' {
                return Some(());
            }
        }
    }

    /// `/* ... */`, nested, after its opening `/*`.
    fn block_comment(&mut self) -> Option<()> {
        let mut depth = 1;
        while depth > 0 {
            match (self.bump()?, self.peek(0)) {
                ('/', Some('*')) => {
                    self.bump();
                    depth += 1;
                }
                ('*', Some('/')) => {
                    self.bump();
                    depth -= 1;
                }
                _ => {}
            }
        }
        Some(())
    }
}

fn ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// The tokens of `source`, or `None` for anything unterminated.
pub(crate) fn tokens(source: &str) -> Option<Vec<Token>> {
    let mut cur = Cursor {
        chars: source.chars().collect(),
        i: 0,
        line: 1,
        column: 1,
    };
    // A `#!` first line that is not `#![...]` is a shebang.
    if source.starts_with("#!") && !source.starts_with("#![") {
        cur.eat_while(|c| c != '\n');
    }
    let mut out = Vec::new();
    while let Some(c) = cur.peek(0) {
        let (line, column) = (cur.line, cur.column);
        let kind = match c {
            c if c.is_whitespace() => {
                cur.bump();
                continue;
            }
            '/' if cur.peek(1) == Some('/') => {
                cur.eat_while(|c| c != '\n');
                continue;
            }
            '/' if cur.peek(1) == Some('*') => {
                cur.bump();
                cur.bump();
                cur.block_comment()?;
                continue;
            }
            '"' => {
                cur.bump();
                cur.string()?;
                Kind::Other
            }
            '\'' => {
                cur.bump();
                if cur.peek(0) == Some('\\') || cur.peek(1) == Some('\'') {
                    cur.char_literal()?;
                } else {
                    cur.eat_while(ident_continue);
                }
                Kind::Other
            }
            c if c.is_ascii_digit() => {
                cur.eat_while(ident_continue);
                // `1.5`, but not `1..2` or `1.max(2)`.
                if cur.peek(0) == Some('.') && cur.peek(1).is_some_and(|c| c.is_ascii_digit()) {
                    cur.bump();
                    cur.eat_while(ident_continue);
                }
                Kind::Other
            }
            c if ident_start(c) => {
                let word = cur.eat_while(ident_continue);
                match (word.as_str(), cur.peek(0), cur.peek(1)) {
                    ("r" | "br" | "cr", Some('"'), _)
                    | ("r" | "br" | "cr", Some('#'), Some('#' | '"')) => {
                        cur.raw_string()?;
                        Kind::Other
                    }
                    ("r", Some('#'), Some(c)) if ident_start(c) => {
                        cur.bump();
                        Kind::Ident(cur.eat_while(ident_continue))
                    }
                    ("b" | "c", Some('"'), _) => {
                        cur.bump();
                        cur.string()?;
                        Kind::Other
                    }
                    ("b", Some('\''), _) => {
                        cur.bump();
                        cur.char_literal()?;
                        Kind::Other
                    }
                    _ => Kind::Ident(word),
                }
            }
            '(' | '[' | '{' => {
                cur.bump();
                Kind::Open(c)
            }
            ')' | ']' | '}' => {
                cur.bump();
                Kind::Close(c)
            }
            c => {
                cur.bump();
                Kind::Punct(c)
            }
        };
        out.push(Token { kind, line, column });
    }
    Some(out)
}
