//! The line editing of the hidden prompt: what a terminal does in canonical mode (off while
//! the value is typed, see [`super::NoEcho`]), as Python's getpass, which reads in canonical
//! mode, sees it. A key that is not text is never stored: the terminal's bell rings instead.

use std::io::{self, Read, Write};

use zeroize::Zeroizing;

/// How a hidden entry ended.
pub(crate) enum Entry {
    /// Enter, ^D with nothing new on the line, or the end of input: the line typed.
    Line(Zeroizing<String>),
    /// ^C.
    Interrupted,
}

/// Reads keys up to the end of the entry. Enter ends it, ^C interrupts; backspace erases a
/// character, ^W a word (as Linux does: the non-word characters before the cursor, then the
/// word), ^U the line. ^D hands the line so far over, after which no erase key reaches it
/// (a terminal's read returns it), and a ^D with nothing new since ends the entry: `abc ^D
/// ^D` is `abc`, a ^D on an empty line an empty entry. Other control keys and escape
/// sequences (arrow and function keys) ring `bell`.
pub(crate) fn edit_hidden(input: &mut dyn Read, bell: &mut dyn Write) -> io::Result<Entry> {
    // Room up front, so the value is not left behind in buffers a reallocation frees.
    let mut line = Zeroizing::new(Vec::with_capacity(1024));
    // The bytes before this were handed over by a ^D.
    let mut sent = 0;
    let mut escape = Escape::None;
    while let Some(byte) = next_byte(input)? {
        if escape.swallows(byte) {
            continue;
        }
        match byte {
            0x03 => return Ok(Entry::Interrupted),
            b'\n' | b'\r' => break,
            0x04 if line.len() == sent => break,
            0x04 => sent = line.len(),
            0x15 => line.truncate(sent),
            0x17 => erase_word(&mut line, sent),
            0x7f | 0x08 => {
                let start = last_char_start(&line, sent);
                line.truncate(start);
            }
            b'\t' => line.push(byte),
            0x1b => {
                escape = Escape::Started;
                ring(bell);
            }
            b if b < 0x20 => ring(bell),
            b => line.push(b),
        }
    }
    match String::from_utf8(std::mem::take(&mut *line)) {
        Ok(s) => Ok(Entry::Line(Zeroizing::new(s))),
        Err(e) => {
            drop(Zeroizing::new(e.into_bytes()));
            Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "the value typed is not valid UTF-8",
            ))
        }
    }
}

/// One byte at a time: what follows the entry (typed ahead) stays for the next reader.
fn next_byte(input: &mut dyn Read) -> io::Result<Option<u8>> {
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte) {
            Ok(0) => return Ok(None),
            Ok(_) => return Ok(Some(byte[0])),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
}

/// A failed bell is no reason to fail the entry.
fn ring(bell: &mut dyn Write) {
    let _ = bell.write_all(b"\x07").and_then(|()| bell.flush());
}

/// Where in an escape sequence the keys are. A key sends its whole sequence (ESC `[`
/// parameters final, or ESC `O` letter) at once; anything else after ESC is a key of its own.
#[derive(Clone, Copy)]
enum Escape {
    None,
    Started,
    Csi,
    Ss3,
}

impl Escape {
    /// Whether `byte` belongs to the sequence under way (and so is not text).
    fn swallows(&mut self, byte: u8) -> bool {
        let (next, swallowed) = match (*self, byte) {
            (Escape::None, _) => return false,
            (Escape::Started, b'[') => (Escape::Csi, true),
            (Escape::Started, b'O') => (Escape::Ss3, true),
            (Escape::Csi, 0x20..=0x3f) => (Escape::Csi, true),
            (Escape::Csi | Escape::Ss3, 0x40..=0x7e) => (Escape::None, true),
            _ => (Escape::None, false),
        };
        *self = next;
        swallowed
    }
}

/// Where the last UTF-8 character of `line` starts, not before `sent`.
fn last_char_start(line: &[u8], sent: usize) -> usize {
    if line.len() <= sent {
        return line.len();
    }
    let mut i = line.len() - 1;
    while i > sent && line[i] & 0xc0 == 0x80 {
        i -= 1;
    }
    i
}

fn erase_word(line: &mut Zeroizing<Vec<u8>>, sent: usize) {
    let mut seen_word = false;
    while line.len() > sent {
        let start = last_char_start(line, sent);
        let word = std::str::from_utf8(&line[start..])
            .ok()
            .and_then(|s| s.chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_');
        if seen_word && !word {
            break;
        }
        seen_word |= word;
        line.truncate(start);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The entry `keys` make (`None` for ^C), and the bells rung.
    fn typed(keys: &[u8]) -> (Option<String>, usize) {
        let mut bells = Vec::new();
        let entry = edit_hidden(&mut io::Cursor::new(keys.to_vec()), &mut bells).unwrap();
        assert!(bells.iter().all(|&b| b == 0x07), "{bells:?}");
        let line = match entry {
            Entry::Line(l) => Some(l.to_string()),
            Entry::Interrupted => None,
        };
        (line, bells.len())
    }

    fn line(keys: &[u8]) -> Option<String> {
        typed(keys).0
    }

    #[test]
    fn enter_backspace_kill_and_interrupt() {
        assert_eq!(line(b"abc\rignored").as_deref(), Some("abc"));
        assert_eq!(line(b"abc\n").as_deref(), Some("abc"));
        assert_eq!(
            line("ab\u{e9}\x7f\x7fz\n".as_bytes()).as_deref(),
            Some("az")
        );
        assert_eq!(line(b"\x7f\x7fa\n").as_deref(), Some("a"));
        assert_eq!(line(b"wrong\x15right\x08T\n").as_deref(), Some("righT"));
        assert_eq!(line(b"half-typed\x03rest\n"), None, "^C interrupts");
    }

    #[test]
    fn ctrl_w_erases_the_word_before_the_cursor_as_linux_does() {
        assert_eq!(line(b"ab cd\x17X\r").as_deref(), Some("ab X"));
        assert_eq!(line(b"ab cd  \x17X\r").as_deref(), Some("ab X"));
        assert_eq!(line(b"foo-bar\x17X\r").as_deref(), Some("foo-X"));
        assert_eq!(line(b"foo-!!\x17X\r").as_deref(), Some("X"));
        assert_eq!(
            line("p\u{e4}ss w\u{f6}rd\x17\r".as_bytes()).as_deref(),
            Some("p\u{e4}ss ")
        );
        assert_eq!(line(b"\x17\x17a\r").as_deref(), Some("a"));
    }

    #[test]
    fn ctrl_d_hands_the_line_over_and_ends_it_when_nothing_is_new() {
        assert_eq!(line(b"\x04").as_deref(), Some(""), "empty line: the end");
        assert_eq!(line(b"abc\x04\x04rest").as_deref(), Some("abc"));
        assert_eq!(line(b"abc\x04def\r").as_deref(), Some("abcdef"));
        // As getpass: what a ^D handed over is out of reach of the erase keys.
        assert_eq!(line(b"abc\x04\x7f\x7fX\r").as_deref(), Some("abcX"));
        assert_eq!(line(b"abc\x04de\x15\x17X\x04\x04").as_deref(), Some("abcX"));
        assert_eq!(line(b"abc").as_deref(), Some("abc"), "end of input");
    }

    #[test]
    fn other_control_keys_ring_the_bell_and_are_not_stored() {
        assert_eq!(typed(b"ab\x1a\x1cc\r"), (Some("abc".into()), 2));
        assert_eq!(typed(b"a\x00\x01\x0b\x1fb\r"), (Some("ab".into()), 4));
        assert_eq!(typed(b"a\tb\r"), (Some("a\tb".into()), 0), "tab is text");
        // Arrow and function keys: one bell, none of the sequence stored.
        assert_eq!(
            typed(b"a\x1b[Ab\x1bOPc\x1b[15~d\r"),
            (Some("abcd".into()), 3)
        );
        // ESC then a key that starts no sequence: that key is itself.
        assert_eq!(typed(b"a\x1bb\x1b\r"), (Some("ab".into()), 2));
        assert_eq!(typed(b"a\x1b[\x03"), (None, 1), "^C inside a sequence");
    }
}
