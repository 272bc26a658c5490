//! Property tests of [`parse`]: no panic on any text, round-trip of every quoting style,
//! errors that never quote a value. `PROPTEST_CASES` overrides the 10^5 cases.

use std::collections::HashMap;

use proptest::prelude::*;
use proptest::sample::select;

use super::parse;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    // XorShift: ChaCha (the default) dominates the time of a debug build.
    ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::with_cases(cases.unwrap_or(100_000))
    }
}

/// Characters that mean something to the parser, and some that merely look like they might.
const SPECIAL: &[char] = &[
    '=', '"', '\'', '\\', '#', ' ', '\t', '\r', '\n', '\0', 'n', 't', 'r', 'x', '$', 'é', '\u{a0}',
    '\u{2028}', '€',
];

fn char_mix() -> impl Strategy<Value = char> {
    prop_oneof![3 => select(SPECIAL), 1 => any::<char>()]
}

fn text_of(len: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(char_mix(), 0..len).prop_map(String::from_iter)
}

/// Entry names as written: no whitespace, `=` or `#` (the parser refuses those), and not
/// `export` (ambiguous with the prefix before ` = `). No regex strategy: it is compiled again
/// for every case.
fn name() -> impl Strategy<Value = String> {
    const FIRST: &[char] = &['a', 'Z', '_', '\'', '"', 'é', '.', '/', '-'];
    const REST: &[char] = &[
        'a', 'e', 'x', 'Z', '0', '9', '_', '\'', '"', 'é', '€', '.', '/', '-',
    ];
    (select(FIRST), prop::collection::vec(select(REST), 0..10))
        .prop_map(|(first, rest)| std::iter::once(first).chain(rest).collect::<String>())
        .prop_filter("the export prefix", |n| n != "export")
}

#[derive(Debug, Clone, Copy)]
enum Style {
    Unquoted,
    Single,
    /// Double quotes, `\n` escaped.
    Double,
    /// Double quotes, newlines written as they are (the value spans lines).
    DoubleLines,
}

fn unquoted_ok(v: &str) -> bool {
    v.trim() == v
        && !v.contains(['\n', '\r'])
        && !v.starts_with(['"', '\''])
        && !v.contains(" #")
        && !v.contains("\t#")
}

/// A CR before an LF reads as a CRLF line end, by design.
fn single_ok(v: &str) -> bool {
    !v.contains('\'') && !v.contains("\r\n")
}

fn double_quoted(v: &str, lines: bool) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\r' => out.push_str("\\r"),
            '\n' if !lines => out.push_str("\\n"),
            '\t' if !lines => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `value` in `style`, or in double quotes when `style` cannot hold it.
fn written(v: &str, style: Style) -> String {
    match style {
        Style::Unquoted if unquoted_ok(v) => v.to_owned(),
        Style::Single if single_ok(v) => format!("'{v}'"),
        Style::DoubleLines => double_quoted(v, true),
        _ => double_quoted(v, false),
    }
}

#[derive(Debug, Clone)]
struct Entry {
    name: String,
    value: String,
    style: Style,
    export: bool,
    spaced: bool,
    comment: bool,
    /// A blank or comment line before the entry.
    filler: Option<String>,
}

fn entry() -> impl Strategy<Value = Entry> {
    let style = prop_oneof![
        Just(Style::Unquoted),
        Just(Style::Single),
        Just(Style::Double),
        Just(Style::DoubleLines)
    ];
    let filler = prop_oneof![
        Just(None),
        Just(Some(String::new())),
        Just(Some(" \t".to_owned())),
        text_of(12).prop_map(|c| Some(format!("# {}", c.replace('\n', " ")))),
    ];
    (name(), text_of(24), style, any::<[bool; 3]>(), filler).prop_map(
        |(name, value, style, [export, spaced, comment], filler)| Entry {
            name,
            value,
            style,
            export,
            spaced,
            comment,
            filler,
        },
    )
}

fn render(entries: &[Entry], crlf: bool) -> String {
    let eol = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    for e in entries {
        if let Some(filler) = &e.filler {
            text.push_str(filler);
            text.push_str(eol);
        }
        let value = written(&e.value, e.style);
        let export = if e.export { "export " } else { "" };
        let eq = if e.spaced { " = " } else { "=" };
        // After an empty unquoted value, `# c` would be the value (as in python-dotenv).
        let comment = if e.comment && !value.is_empty() {
            " # c"
        } else {
            ""
        };
        text.push_str(&format!("{export}{}{eq}{value}{comment}{eol}", e.name));
    }
    text
}

/// A line that may or may not be valid, every value carrying [`MARK`].
const MARK: &str = "Zq7";

fn messy_line() -> impl Strategy<Value = String> {
    let value = text_of(12).prop_map(|v| format!("{MARK}{v}"));
    let shape = select(
        &[
            "{n}={v}",
            "{n}=\"{v}",
            "{n}='{v}",
            "{n}=\"{v}\" {v}",
            "{n}='{v}'{v}",
            "{v}",
            "{n} x={v}",
            "={v}",
            "{n}={v}\"",
            "export {v}",
        ][..],
    );
    (name(), value, shape).prop_map(|(n, v, shape)| shape.replace("{n}", &n).replace("{v}", &v))
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(text in prop_oneof![any::<String>(), text_of(80)]) {
        let _ = parse(&text);
    }

    #[test]
    fn every_quoting_style_round_trips(entries in prop::collection::vec(entry(), 0..6), crlf: bool) {
        let text = render(&entries, crlf);
        let parsed: HashMap<String, String> = parse(&text)
            .map_err(|e| TestCaseError::fail(format!("{e} in {text:?}")))?
            .into_iter()
            .collect();
        let expected: HashMap<String, String> =
            entries.into_iter().map(|e| (e.name, e.value)).collect();
        prop_assert_eq!(parsed, expected, "{:?}", text);
    }

    #[test]
    fn errors_never_quote_a_value(lines in prop::collection::vec(messy_line(), 1..6)) {
        if let Err(e) = parse(&lines.join("\n")) {
            prop_assert!(!e.to_string().contains(MARK), "{}", e);
        }
    }
}
