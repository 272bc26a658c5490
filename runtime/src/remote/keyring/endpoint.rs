//! The keyring service name of an endpoint: the Python SDK's `strip_scheme`, which is
//! `urllib.parse.urlparse` underneath. Reproduced step by step, because one character of
//! difference and the two clients look for their tokens under different names.

/// Strips the scheme from an endpoint the way the Python SDK does:
/// `dns:///x` gives `x`, `https://x/p` gives `x/p`, `x:8089` and `x` are kept as they are.
///
/// Exactly Python's `strip_scheme` (flyte 2.12.1): for `dns:` the URL path without its leading
/// slashes; otherwise `netloc + path` when the URL has a netloc (query, fragment and `;params`
/// dropped, as `urlparse` does), else the input unchanged.
pub fn strip_scheme(url: &str) -> String {
    let parsed = urlparse(url);
    if parsed.scheme == "dns" {
        return parsed.path.trim_start_matches('/').to_owned();
    }
    if parsed.netloc.is_empty() {
        url.to_owned()
    } else {
        format!("{}{}", parsed.netloc, parsed.path)
    }
}

struct Parsed {
    scheme: String,
    netloc: String,
    path: String,
}

const SCHEME_CHARS: &str = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.";
/// Schemes for which `urlparse` splits `;params` off the last path segment.
const USES_PARAMS: [&str; 16] = [
    "", "ftp", "hdl", "prospero", "http", "imap", "https", "shttp", "rtsp", "rtsps", "rtspu",
    "sip", "sips", "mms", "sftp", "tel",
];

/// `urllib.parse.urlparse(url)` (Python 3.11), the parts `strip_scheme` reads.
fn urlparse(url: &str) -> Parsed {
    // urlsplit: strip leading C0 controls and spaces, remove tab/CR/LF anywhere.
    let mut rest: String = url
        .trim_start_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\r' | '\n'))
        .collect();
    let mut scheme = String::new();
    if let Some(i) = rest.find(':') {
        let candidate = &rest[..i];
        let first_ok = candidate
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic());
        if first_ok && candidate.chars().all(|c| SCHEME_CHARS.contains(c)) {
            scheme = candidate.to_ascii_lowercase();
            rest = rest[i + 1..].to_owned();
        }
    }
    let mut netloc = String::new();
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find(['/', '?', '#']).unwrap_or(after.len());
        netloc = after[..end].to_owned();
        rest = after[end..].to_owned();
    }
    if let Some(i) = rest.find('#') {
        rest.truncate(i);
    }
    if let Some(i) = rest.find('?') {
        rest.truncate(i);
    }
    if USES_PARAMS.contains(&scheme.as_str()) && rest.contains(';') {
        let cut = match rest.rfind('/') {
            Some(slash) => rest[slash..].find(';').map(|j| slash + j),
            None => rest.find(';'),
        };
        if let Some(i) = cut {
            rest.truncate(i);
        }
    }
    Parsed {
        scheme,
        netloc,
        path: rest,
    }
}

#[cfg(test)]
mod tests {
    use super::strip_scheme;

    #[test]
    fn python_examples() {
        // The docstring examples of the Python SDK's keyring code.
        assert_eq!(strip_scheme("dns:///foo.com"), "foo.com");
        assert_eq!(strip_scheme("https://foo.com"), "foo.com");
        assert_eq!(strip_scheme("https://foo.com/blah"), "foo.com/blah");
        assert_eq!(strip_scheme("dns:///x"), "x");
        assert_eq!(strip_scheme("https://x/p"), "x/p");
    }

    #[test]
    fn urlparse_corners() {
        // No netloc: the input comes back untouched, even when "scheme" is really a host.
        assert_eq!(strip_scheme("localhost:8090"), "localhost:8090");
        assert_eq!(strip_scheme("foo.com"), "foo.com");
        assert_eq!(strip_scheme(""), "");
        // Port kept, query/fragment dropped, params dropped only for schemes that have them.
        assert_eq!(
            strip_scheme("http://127.0.0.1:8090/a?b=1#c"),
            "127.0.0.1:8090/a"
        );
        assert_eq!(strip_scheme("https://h/a;p/b;q"), "h/a;p/b");
        assert_eq!(strip_scheme("grpc://h/a;q"), "h/a;q");
        // dns: keeps the path only, whatever the netloc; scheme is case-insensitive.
        assert_eq!(strip_scheme("dns://auth/x.y"), "x.y");
        assert_eq!(strip_scheme("DNS:///X"), "X");
        assert_eq!(strip_scheme("dns:x"), "x");
        // Leading blanks and embedded newlines are cleaned before parsing.
        assert_eq!(strip_scheme("  https://h\n/p"), "h/p");
        // A digit cannot start a scheme.
        assert_eq!(strip_scheme("1x://h/p"), "1x://h/p");
    }
}
