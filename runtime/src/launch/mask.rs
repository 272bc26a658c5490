//! [`Masker`]: replaces secret values in a byte stream with `<secret:NAME>`, as `op run` does.
//!
//! One leftmost-longest Aho-Corasick automaton covers every value, so a value that contains
//! another is masked whole; each line of a multi-line value is a pattern too, and a value
//! longer than [`MAX_PATTERN_LEN`] is its pieces. [`MaskStream`] works on a stream read in pieces: it holds back
//! only a tail that is the start of some value (at most the longest value minus one byte)
//! and emits everything else at once.

use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use zeroize::Zeroizing;

/// Values shorter than this are not masked: they would hit ordinary text too often.
pub(crate) const MIN_MASKED_LEN: usize = 6;

/// The longest pattern: a longer value is masked as pieces of this size, each replaced where
/// it appears. This bounds the work per read (a held-back tail is at most this long) and the
/// automaton, so a secret of megabytes costs the launch no more than its size.
const MAX_PATTERN_LEN: usize = 4096;

/// Total pattern bytes up to which the automaton is a DFA.
const DFA_MAX_BYTES: usize = 2048;

/// `form` as patterns: itself when at most [`MAX_PATTERN_LEN`] long, else its consecutive
/// pieces of that length (the last one taking a remainder too short to mask). Printed whole,
/// the pieces match one after another; only a value that repeats itself at this scale can
/// match out of step and leave less than a piece unmasked.
fn pieces(form: &[u8], mut push: impl FnMut(Zeroizing<Vec<u8>>)) {
    if form.len() <= MAX_PATTERN_LEN {
        return push(Zeroizing::new(form.to_vec()));
    }
    let mut start = 0;
    while start < form.len() {
        let mut end = (start + MAX_PATTERN_LEN).min(form.len());
        if form.len() - end < MIN_MASKED_LEN {
            end = form.len();
        }
        push(Zeroizing::new(form[start..end].to_vec()));
        start = end;
    }
}

/// Set (non-empty, not `0`/`false`/`no`/`off`) to turn masking off for `BIN run` and
/// `flyte run`.
pub const NO_MASKING_ENV: &str = "FLYTE_NO_MASKING";

/// Whether [`NO_MASKING_ENV`] turns masking off, read as clap's `FalseyValueParser` reads it.
pub(crate) fn off_by_env() -> bool {
    std::env::var(NO_MASKING_ENV).is_ok_and(|v| {
        let v = v.trim().to_ascii_lowercase();
        !matches!(v.as_str(), "" | "0" | "n" | "no" | "f" | "false" | "off")
    })
}

/// A byte string to find, and what replaces it.
type Pattern = Zeroizing<Vec<u8>>;
type Marker = Arc<[u8]>;

/// The matcher for one task's secret values. Its `Debug` shows counts, never values.
pub struct Masker {
    automaton: AhoCorasick,
    values: Vec<Pattern>,
    /// The same values, sorted, for the held-back check.
    sorted: Vec<Pattern>,
    markers: Vec<Marker>,
    /// Bytes some value starts with: only there can a held-back tail begin.
    starts: [bool; 256],
    max_len: usize,
}

impl Masker {
    /// A masker for `(display name, value)` pairs; `None` when no value is long enough to
    /// mask (then there is nothing to do).
    pub fn new<'a, N: Into<String>>(
        secrets: impl IntoIterator<Item = (N, &'a [u8])>,
    ) -> Option<Masker> {
        let mut patterns: Vec<(Pattern, Marker)> = Vec::new();
        for (name, value) in secrets {
            let name = name.into();
            if value.len() < MIN_MASKED_LEN {
                tracing::debug!(secret = %name, "value shorter than {MIN_MASKED_LEN} bytes, not masked");
                continue;
            }
            let marker: Marker = format!("<secret:{name}>").into_bytes().into();
            for form in std::iter::once(Zeroizing::new(value.to_vec())).chain(escaped(value)) {
                pieces(&form, |p| patterns.push((p, marker.clone())));
            }
            // A value of several lines (a PEM key, a CA bundle) is often printed line by line.
            if value.contains(&b'\n') {
                for line in value.split(|&b| b == b'\n') {
                    let line = line.strip_suffix(b"\r").unwrap_or(line);
                    if line.len() >= MIN_MASKED_LEN {
                        pieces(line, |p| patterns.push((p, marker.clone())));
                    }
                }
            }
        }
        if patterns.is_empty() {
            return None;
        }
        // Duplicates found by sorting, not a set: a hash set would keep copies of the values
        // outside `Zeroizing`. The automaton gets them in the order given (its search is
        // faster so), the prefix check the sorted copy.
        let mut sorted: Vec<usize> = (0..patterns.len()).collect();
        sorted.sort_by(|&a, &b| patterns[a].0.cmp(&patterns[b].0).then(a.cmp(&b)));
        sorted.dedup_by(|a, b| patterns[*a].0 == patterns[*b].0);
        let mut kept = vec![false; patterns.len()];
        for &i in &sorted {
            kept[i] = true;
        }
        let by_value: Vec<Pattern> = sorted.iter().map(|&i| patterns[i].0.clone()).collect();
        let (values, markers): (Vec<_>, Vec<_>) = patterns
            .into_iter()
            .zip(kept)
            .filter_map(|(p, keep)| keep.then_some(p))
            .unzip();
        let total: usize = values.iter().map(|v| v.len()).sum();
        // A DFA searches fastest, but its construction grows with the square of a repetitive
        // value's length; past a few KiB the contiguous NFA, whose construction is linear.
        let kind = (total > DFA_MAX_BYTES).then_some(AhoCorasickKind::ContiguousNFA);
        let automaton = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(kind)
            .build(values.iter().map(|v| v.as_slice()))
            .ok()?;
        let mut starts = [false; 256];
        for v in &values {
            starts[usize::from(v[0])] = true;
        }
        let max_len = values.iter().map(|v| v.len()).max().unwrap_or(0);
        Some(Masker {
            automaton,
            values,
            sorted: by_value,
            markers,
            starts,
            max_len,
        })
    }

    /// A stream over this masker, for one output stream.
    pub fn stream(self: &Arc<Self>) -> MaskStream {
        MaskStream {
            masker: Arc::clone(self),
            held: Zeroizing::new(Vec::new()),
            joined: Zeroizing::new(Vec::new()),
        }
    }

    /// Appends `buf` masked to `out`, except a tail that may be the start of a value (unless
    /// `at_end`); returns where that tail begins.
    fn mask_into(&self, buf: &[u8], out: &mut Vec<u8>, at_end: bool) -> usize {
        let unfinished = |from: usize| (!at_end).then(|| self.unfinished_from(buf, from))?;
        // Only a match this close to the end can lose to a longer or earlier value that
        // the next read completes.
        let near_end = buf.len().saturating_sub(self.max_len);
        let mut pos = 0;
        for m in self.automaton.find_iter(buf) {
            if m.start() >= near_end
                && let Some(h) = unfinished(pos).filter(|&h| h <= m.start())
            {
                out.extend_from_slice(&buf[pos..h]);
                return h;
            }
            out.extend_from_slice(&buf[pos..m.start()]);
            out.extend_from_slice(&self.markers[m.pattern().as_usize()]);
            pos = m.end();
        }
        let end = unfinished(pos).unwrap_or(buf.len());
        out.extend_from_slice(&buf[pos..end]);
        end
    }

    /// The first position at or after `from` where the rest of `buf` is a proper prefix of
    /// some value.
    fn unfinished_from(&self, buf: &[u8], from: usize) -> Option<usize> {
        let first = from.max(buf.len().saturating_sub(self.max_len - 1));
        (first..buf.len()).find(|&p| {
            let tail = &buf[p..];
            self.starts[usize::from(tail[0])] && self.is_proper_prefix(tail)
        })
    }

    /// Whether some value starts with `tail` and is longer. In sorted order those that start
    /// with it follow one another from the first value not below it.
    fn is_proper_prefix(&self, tail: &[u8]) -> bool {
        let i = self.sorted.partition_point(|v| v.as_slice() < tail);
        self.sorted[i..]
            .iter()
            .take(2)
            .any(|v| v.len() > tail.len() && v.starts_with(tail))
    }
}

/// The forms a text value takes when a task prints it escaped rather than as is: inside a
/// JSON string (the task's output, `serde_json`) and inside Rust's `{:?}`. A value with a
/// newline, quote, backslash or control character (a PEM key, a JSON credential) would
/// otherwise pass the masker in those forms. Each in a buffer sized up front, so no
/// reallocation leaves a copy behind.
fn escaped(value: &[u8]) -> Vec<Zeroizing<Vec<u8>>> {
    use std::fmt::Write;
    let Ok(text) = std::str::from_utf8(value) else {
        return Vec::new();
    };
    // JSON writes at most 6 bytes per byte (`\u00XX`), Rust's `{:?}` at most 10 per character
    // (`\u{10ffff}`), plus the quotes.
    let mut json = Zeroizing::new(Vec::with_capacity(6 * text.len() + 2));
    let mut debug = Zeroizing::new(String::with_capacity(10 * text.len() + 2));
    let forms = [
        serde_json::to_writer(&mut *json, text)
            .ok()
            .map(|()| std::mem::take(&mut *json)),
        write!(debug, "{text:?}")
            .ok()
            .map(|()| std::mem::take(&mut *debug).into_bytes()),
    ];
    forms
        .into_iter()
        .flatten()
        .map(Zeroizing::new)
        .filter_map(|quoted| {
            // Without the quotes: the value may be part of a longer string.
            let inner = &quoted[1..quoted.len() - 1];
            (inner != value).then(|| Zeroizing::new(inner.to_vec()))
        })
        .collect()
}

impl std::fmt::Debug for Masker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Masker")
            .field("values", &self.values.len())
            .field("max_len", &self.max_len)
            .finish_non_exhaustive()
    }
}

/// Masking state of one stream: the held-back tail between reads.
pub struct MaskStream {
    masker: Arc<Masker>,
    held: Zeroizing<Vec<u8>>,
    joined: Zeroizing<Vec<u8>>,
}

impl MaskStream {
    /// Masks the next piece of the stream into `out`, holding back a tail that may be the
    /// start of a value.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<u8>) {
        if self.held.is_empty() {
            let keep = self.masker.mask_into(input, out, false);
            self.held.extend_from_slice(&input[keep..]);
            return;
        }
        self.joined.clear();
        self.joined.extend_from_slice(&self.held);
        self.joined.extend_from_slice(input);
        let keep = self.masker.mask_into(&self.joined, out, false);
        self.held.clear();
        self.held.extend_from_slice(&self.joined[keep..]);
    }

    /// Bytes held back, waiting for the next read to tell whether they start a value.
    pub fn held(&self) -> usize {
        self.held.len()
    }

    /// Emits the held-back tail (masked where it holds whole values): at the end of the
    /// stream, or when no input came for a while.
    pub fn flush(&mut self, out: &mut Vec<u8>) {
        if !self.held.is_empty() {
            self.masker.mask_into(&self.held, out, true);
            self.held.clear();
        }
    }
}

impl std::fmt::Debug for MaskStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MaskStream")
            .field("held", &self.held.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masker(values: &[(&str, &str)]) -> Arc<Masker> {
        Arc::new(Masker::new(values.iter().map(|(n, v)| (*n, v.as_bytes()))).unwrap())
    }

    fn mask_in_pieces(m: &Arc<Masker>, pieces: &[&[u8]]) -> Vec<u8> {
        let mut s = m.stream();
        let mut out = Vec::new();
        for p in pieces {
            s.feed(p, &mut out);
        }
        s.flush(&mut out);
        out
    }

    #[test]
    fn a_value_longer_than_a_pattern_is_masked_whole_in_pieces() {
        // Repetitive and random, both longer than several patterns; a DFA of the first would
        // take minutes to build.
        let repetitive = "x".repeat(3 * MAX_PATTERN_LEN + 100);
        let mut rng = fastrand::Rng::with_seed(7);
        let random: String = (0..5 * MAX_PATTERN_LEN + 3)
            .map(|_| rng.alphanumeric())
            .collect();
        let m = masker(&[("rep", &repetitive), ("rnd", &random)]);
        for (value, name) in [(&repetitive, "rep"), (&random, "rnd")] {
            let text = format!("start {value} end");
            let whole = mask_in_pieces(&m, &[text.as_bytes()]);
            let cut: Vec<&[u8]> = text.as_bytes().chunks(1000).collect();
            for out in [whole, mask_in_pieces(&m, &cut)] {
                let out = String::from_utf8(out).unwrap();
                let marker = format!("<secret:{name}>");
                let rest = out.replace(&marker, "");
                assert_eq!(rest, "start  end", "{name}: {} bytes left", rest.len());
            }
        }
    }

    #[test]
    fn each_line_of_a_multi_line_value_is_masked_on_its_own() {
        let pem = "-----BEGIN KEY-----\r\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\r\nshort\r\n-----END KEY-----\r\n";
        let m = masker(&[("key", pem)]);
        let mut printed = String::new();
        for line in pem.lines() {
            printed.push_str(&format!("line: {line}\n"));
        }
        let out = String::from_utf8(mask_in_pieces(&m, &[printed.as_bytes()])).unwrap();
        assert_eq!(
            out,
            "line: <secret:key>\nline: <secret:key>\nline: short\nline: <secret:key>\n"
        );
        // Printed whole, it is one match.
        let out = mask_in_pieces(&m, &[pem.as_bytes()]);
        assert_eq!(out, b"<secret:key>");
    }

    #[test]
    fn every_split_point_gives_the_same_masked_text() {
        let m = masker(&[
            ("a", "secret-alpha"),
            ("grp/b", "alpha-beta-42"),
            ("c", "secret-alpha-long"),
            ("d", "tokentoken"),
            ("e", "abcabcabd"),
        ]);
        let text = b"x secret-alpha-beta-42 y secret-alpha-long! secret-alphsecret-alpha \
            tokentokentokentoken abcabcabcabd abcabcab\xff\x00 end secret-alpha";
        let expected = b"x <secret:a>-beta-42 y <secret:c>! secret-alph<secret:a> \
            <secret:d><secret:d> abc<secret:e> abcabcab\xff\x00 end <secret:a>"
            .to_vec();
        assert_eq!(mask_in_pieces(&m, &[text]), expected);
        for i in 0..=text.len() {
            assert_eq!(
                mask_in_pieces(&m, &[&text[..i], &text[i..]]),
                expected,
                "split at {i}"
            );
            for j in i..=text.len() {
                let got = mask_in_pieces(&m, &[&text[..i], &text[i..j], &text[j..]]);
                assert_eq!(got, expected, "split at {i} and {j}");
            }
        }
    }

    #[test]
    fn random_pieces_match_masking_the_whole_text_at_once() {
        // Overlapping values over a two-letter alphabet: the worst case for holding back.
        let named = [
            ("p", "ababab"),
            ("q", "abababba"),
            ("r", "babbab"),
            ("s", "bbbbbbb"),
        ];
        let m = masker(&named);
        let markers: Vec<String> = named.iter().map(|(n, _)| format!("<secret:{n}>")).collect();
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as usize % n
        };
        for _ in 0..300 {
            let text: Vec<u8> = (0..next(60)).map(|_| b"ab"[next(2)]).collect();
            let expected = m.automaton.replace_all_bytes(&text, &markers);
            let mut pieces = Vec::new();
            let mut rest = text.as_slice();
            while !rest.is_empty() {
                let (piece, tail) = rest.split_at(1 + next(rest.len()));
                pieces.push(piece);
                rest = tail;
            }
            assert_eq!(mask_in_pieces(&m, &pieces), expected, "{pieces:?}");
        }
    }

    #[test]
    fn a_longer_value_spanning_a_read_wins_over_a_shorter_one_inside_it() {
        // "cretXY" is complete in the first piece, but "secretXYZ" starts earlier.
        let m = masker(&[("short", "cretXY"), ("long", "secretXYZ")]);
        assert_eq!(
            mask_in_pieces(&m, &[b"a secretXY", b"Z b"]),
            b"a <secret:long> b"
        );
        assert_eq!(
            mask_in_pieces(&m, &[b"a secretXY", b"W b"]),
            b"a se<secret:short>W b"
        );
    }

    #[test]
    fn only_a_possible_value_start_is_held_back() {
        let m = masker(&[("a", "secret-alpha")]);
        let mut s = m.stream();
        let mut out = Vec::new();
        s.feed(b"line one\nand secr", &mut out);
        assert_eq!(out, b"line one\nand ");
        assert_eq!(s.held(), 4);
        s.feed(b"ets\n", &mut out);
        assert_eq!(out, b"line one\nand secrets\n");
        assert_eq!(s.held(), 0);
    }

    #[test]
    fn a_value_printed_escaped_is_masked_too() {
        let pem = "-----BEGIN KEY-----\nMIIBhunter2\\\"x\u{1b}é\n-----END KEY-----\n";
        let m = masker(&[("tls-key", pem)]);
        let json = serde_json::to_string(pem).unwrap();
        let debug = format!("{pem:?}");
        for (form, text) in [
            ("raw", format!("a {pem} b")),
            ("json", format!("{{\"out\": {json}}}")),
            ("debug", format!("Some({debug})")),
        ] {
            let out = String::from_utf8(mask_in_pieces(&m, &[text.as_bytes()])).unwrap();
            assert!(!out.contains("hunter2"), "{form}: {out}");
            assert!(out.contains("<secret:tls-key>"), "{form}: {out}");
        }
        // A value with nothing to escape adds no form.
        let plain = Masker::new([("k", b"plain-value".as_slice())]).unwrap();
        assert_eq!(plain.values.len(), 1);
    }

    #[test]
    fn short_values_are_not_masked() {
        assert!(Masker::new([("k", b"12345".as_slice())]).is_none());
        let m = Arc::new(
            Masker::new([("k", b"12345".as_slice()), ("long", b"123456".as_slice())]).unwrap(),
        );
        assert_eq!(
            mask_in_pieces(&m, &[b"12345 123456"]),
            b"12345 <secret:long>"
        );
    }

    #[test]
    fn debug_shows_no_value() {
        let m = masker(&[("a", "secret-alpha")]);
        let shown = format!("{m:?} {:?}", m.stream());
        assert!(!shown.contains("secret-alpha"), "{shown}");
    }
}
