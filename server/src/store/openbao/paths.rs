//! Where a secret lives in the mount: `flyte/ORG/PROJECT/DOMAIN/NAME`, every scope part
//! escaped into one path segment, so that the organization-wide scope (`flyte/ORG/~/~/NAME`),
//! each project/domain scope and each organization are distinct subtrees and no value of a
//! part can reach outside its segment.
//!
//! Names are already `[-A-Za-z0-9_]+` (validated). A scope part may hold any character but
//! control characters ([`crate::service::validate`]); it is written as:
//! - `~` when empty;
//! - otherwise byte by byte: ASCII letters, digits, `-` and `_` as they are, `.` as it is
//!   unless it is the first byte or follows a `.`, and every other byte (`/`, `~`, `%`,
//!   spaces, non-ASCII) as `~XX` (two upper-case hex digits).
//!
//! So a segment never is or starts with `.`, never contains `..` or `/`, and decodes to
//! exactly one part (the mapping is injective: `~` alone only for the empty part, and a
//! literal `~` is always `~7E`). Every segment is made of URL-unreserved characters, so
//! paths go into request URLs as they are.

use crate::scope::{Scope, SecretRef};

/// The folder of the mount every secret of this service is under.
pub(crate) const ROOT: &str = "flyte";

/// One scope part as a path segment.
pub(crate) fn segment(part: &str) -> String {
    if part.is_empty() {
        return "~".into();
    }
    let mut out = String::with_capacity(part.len());
    let mut prev = None;
    for b in part.bytes() {
        let plain = b.is_ascii_alphanumeric()
            || b == b'-'
            || b == b'_'
            || (b == b'.' && prev.is_some() && prev != Some(b'.'));
        if plain {
            out.push(b as char);
        } else {
            out.push_str(&format!("~{b:02X}"));
        }
        prev = Some(b);
    }
    out
}

/// The folder of a scope, ending in `/`.
pub(crate) fn scope_dir(scope: &Scope) -> String {
    format!(
        "{ROOT}/{}/{}/{}/",
        segment(&scope.organization),
        segment(&scope.project),
        segment(&scope.domain)
    )
}

/// The path of a secret in the mount.
pub(crate) fn secret_path(secret: &SecretRef) -> String {
    debug_assert!(
        flyte_spec::is_storable_name(&secret.name),
        "names are validated before they reach the store"
    );
    format!("{}{}", scope_dir(&secret.scope), secret.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(o: &str, p: &str, d: &str) -> Scope {
        Scope {
            organization: o.into(),
            project: p.into(),
            domain: d.into(),
        }
    }

    #[test]
    fn readable_and_escaped() {
        assert_eq!(
            scope_dir(&scope("127", "proj", "dev")),
            "flyte/127/proj/dev/"
        );
        assert_eq!(scope_dir(&scope("acme.com", "", "")), "flyte/acme.com/~/~/");
        assert_eq!(segment("."), "~2E");
        assert_eq!(segment(".."), "~2E~2E");
        assert_eq!(segment("a..b"), "a.~2Eb");
        assert_eq!(segment("../x"), "~2E~2E~2Fx");
        assert_eq!(segment("~"), "~7E");
        assert_eq!(segment("a b/c%"), "a~20b~2Fc~25");
        assert_eq!(segment("ü"), "~C3~BC");
    }

    #[test]
    fn no_collisions_or_traversal() {
        let parts = [
            "", "~", "~7E", ".", "..", "...", "a", "a.", ".a", "a..b", "a/b", "a~2Fb", "a/", "/",
            "%2F", "ü", "~~", "-", "_",
        ];
        let mut seen = std::collections::HashMap::new();
        for p in parts {
            let s = segment(p);
            assert!(!s.is_empty() && !s.starts_with('.') && !s.contains("..") && !s.contains('/'));
            assert!(
                s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')),
                "{s}"
            );
            assert_eq!(
                seen.insert(s.clone(), p),
                None,
                "{p:?} and another part give {s}"
            );
        }
        // The organization-wide scope is not any project/domain scope.
        assert_ne!(
            scope_dir(&scope("o", "", "")),
            scope_dir(&scope("o", "~", "~"))
        );
        assert_ne!(
            scope_dir(&scope("o", "", "d")),
            scope_dir(&scope("o", "d", ""))
        );
    }
}
