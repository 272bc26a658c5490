//! [`printable`]: text from a server, made safe to show on a terminal.

/// `text` safe to print on a terminal: control characters (ESC, `\n`, `\r`, DEL, C1) and the
/// bidirectional overrides are shown escaped, as Rust writes them (`\u{1b}`, `\n`), so that
/// text from a server cannot move the cursor, recolor, or forge lines of output.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !text.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if unsafe_char(c) {
            out.extend(c.escape_debug());
            // `escape_debug` leaves some of them as they are.
            if out.ends_with(c) {
                out.pop();
                out.extend(c.escape_unicode());
            }
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_escapes_what_a_terminal_would_act_on() {
        assert!(matches!(
            printable("plain é ü"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("boom\x1b[31mRED\x1b[0m\nerror: fake line\rXX\t\u{7f}\u{9b}\u{202e}"),
            r"boom\u{1b}[31mRED\u{1b}[0m\nerror: fake line\rXX\t\u{7f}\u{9b}\u{202e}"
        );
    }
}
