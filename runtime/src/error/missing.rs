//! The "missing secrets" report: every missing secret and every place looked.

use std::fmt::Write;

/// One declared secret no source had, and where each source looked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missing {
    /// `key` or `group/key`.
    pub secret: String,
    /// One line per place looked, e.g. `env var MY_SECRET`, `file /etc/flyte/secrets/x`.
    pub looked: Vec<String>,
}

pub(crate) fn describe(task: &str, missing: &[Missing]) -> String {
    let mut out = format!(
        "task `{task}` cannot start: {} secret{} not found",
        missing.len(),
        if missing.len() == 1 { "" } else { "s" }
    );
    for m in missing {
        let _ = match m.looked.is_empty() {
            // A `Resolver::new()` given no source: say so rather than list nothing.
            true => write!(
                out,
                "\n  - `{}`: no secret sources configured (add one with `Resolver::with`)",
                m.secret
            ),
            false => write!(
                out,
                "\n  - `{}`, looked in: {}",
                m.secret,
                m.looked.join("; ")
            ),
        };
    }
    // With no source at all, where to store a secret is not the fix.
    if missing.iter().all(|m| m.looked.is_empty()) {
        return out;
    }
    out.push_str(
        "\n  fix: store each under its key on the secret service (`flyte create secret KEY`, in \
         the task's project and domain, its domain, or organization-wide), or for a local run \
         add `KEY=value` to the dotenv file or set the env var",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_resolver_without_sources_says_so() {
        let text = describe(
            "t",
            &[Missing {
                secret: "k".into(),
                looked: vec![],
            }],
        );
        assert!(
            text.contains("- `k`: no secret sources configured")
                && !text.contains("looked in")
                && !text.contains("fix:"),
            "{text}"
        );
        let text = describe(
            "t",
            &[Missing {
                secret: "k".into(),
                looked: vec!["env var K".into()],
            }],
        );
        assert!(
            text.contains("- `k`, looked in: env var K") && text.contains("fix:"),
            "{text}"
        );
    }
}
