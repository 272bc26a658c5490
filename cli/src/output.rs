//! Printing secrets: the Python CLI's table columns, or JSON (the proto3 JSON mapping of each
//! `Secret`, as the Python CLI's `MessageToDict`). A secret carries no value, so none can be
//! printed.

use std::io::{self, IsTerminal, Write};

use flyte::remote::{StoredSecret, printable};
use flyte_idl::ProtoEnum;

use crate::args::OutputFormat;

/// The Python CLI's columns (`Secret.__rich_repr__`, capitalised by its table formatter).
const HEADERS: [&str; 7] = [
    "Project",
    "Domain",
    "Name",
    "Type",
    "Created_time",
    "Status",
    "Cluster_status",
];

/// Whether to color stdout: a terminal, and `NO_COLOR` unset or empty (no-color.org).
pub(crate) fn color_stdout() -> bool {
    io::stdout().is_terminal() && no_color_allows(std::env::var_os("NO_COLOR"))
}

/// Whether to color stderr.
pub(crate) fn color_stderr() -> bool {
    io::stderr().is_terminal() && no_color_allows(std::env::var_os("NO_COLOR"))
}

fn no_color_allows(value: Option<std::ffi::OsString>) -> bool {
    value.is_none_or(|v| v.is_empty())
}

/// Writes `secrets` in `format`.
pub(crate) fn write(
    out: &mut dyn Write,
    secrets: &[StoredSecret],
    format: OutputFormat,
    color: bool,
) -> io::Result<()> {
    match format {
        OutputFormat::Json | OutputFormat::JsonRaw => {
            let list: Vec<serde_json::Value> = secrets
                .iter()
                .map(|s| serde_json::to_value(s.as_proto()).unwrap_or(serde_json::Value::Null))
                .collect();
            let text = if format == OutputFormat::Json {
                serde_json::to_string_pretty(&list)
            } else {
                serde_json::to_string(&list)
            };
            writeln!(out, "{}", text.map_err(io::Error::other)?)
        }
        OutputFormat::Table => table(out, &rows(secrets), true, color),
        OutputFormat::TableSimple => table(out, &rows(secrets), false, color),
    }
}

fn rows(secrets: &[StoredSecret]) -> Vec<[String; 7]> {
    secrets.iter().map(row).collect()
}

fn row(s: &StoredSecret) -> [String; 7] {
    let pb = s.as_proto();
    let meta = pb.secret_metadata.as_ref();
    let created = s
        .created_time()
        .map(|t| t.to_string())
        .unwrap_or_else(|| "-".into());
    let status = meta.and_then(|m| m.secret_status.as_ref());
    let overall = status.map_or(0, |st| st.overall_status);
    let overall = flyte_idl::OverallStatus::try_from(overall)
        .map(|o| o.as_str_name().to_owned())
        .unwrap_or_else(|_| overall.to_string());
    let clusters = status
        .map(|st| {
            st.cluster_status
                .iter()
                .map(|c| {
                    let name = c.cluster.as_ref().map_or("", |id| id.name.as_str());
                    let name = printable(name);
                    let presence = flyte_idl::SecretPresenceStatus::try_from(c.presence_status)
                        .map(|p| p.as_str_name().to_owned())
                        .unwrap_or_else(|_| c.presence_status.to_string());
                    format!("{name}: {presence}")
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    // Every cell is the server's text; `clusters` is escaped per name above.
    let cell = |s: &str| printable(s).into_owned();
    [
        cell(s.project().unwrap_or("-")),
        cell(s.domain().unwrap_or("-")),
        cell(s.name()),
        cell(&s.secret_type().to_string()),
        cell(&created),
        cell(&overall),
        clusters,
    ]
}

fn table(out: &mut dyn Write, rows: &[[String; 7]], boxed: bool, color: bool) -> io::Result<()> {
    let mut widths = HEADERS.map(|h| h.chars().count());
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w - s.chars().count()));
    let (bold, reset) = if color {
        ("\x1b[1m", "\x1b[0m")
    } else {
        ("", "")
    };
    if boxed {
        let rule = |l: &str, m: &str, r: &str, fill: &str| {
            let parts: Vec<String> = widths.iter().map(|w| fill.repeat(w + 2)).collect();
            format!("{l}{}{r}", parts.join(m))
        };
        writeln!(out, "{}", rule("┌", "┬", "┐", "─"))?;
        let head: Vec<String> = HEADERS
            .iter()
            .zip(widths)
            .map(|(h, w)| format!(" {bold}{}{reset} ", pad(h, w)))
            .collect();
        writeln!(out, "│{}│", head.join("│"))?;
        writeln!(out, "{}", rule("╞", "╪", "╡", "═"))?;
        for r in rows {
            let cells: Vec<String> = r
                .iter()
                .zip(widths)
                .map(|(c, w)| format!(" {} ", pad(c, w)))
                .collect();
            writeln!(out, "│{}│", cells.join("│"))?;
        }
        writeln!(out, "{}", rule("└", "┴", "┘", "─"))?;
    } else {
        let head: Vec<String> = HEADERS
            .iter()
            .zip(widths)
            .map(|(h, w)| format!("{bold}{}{reset}", pad(h, w)))
            .collect();
        writeln!(out, "{}", head.join("  ").trim_end())?;
        for r in rows {
            let cells: Vec<String> = r.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
            writeln!(out, "{}", cells.join("  ").trim_end())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_rule() {
        assert!(no_color_allows(None));
        assert!(no_color_allows(Some("".into())));
        assert!(!no_color_allows(Some("1".into())));
    }

    #[test]
    fn empty_table_has_headers_and_no_escape_codes_without_color() {
        let mut out = Vec::new();
        write(&mut out, &[], OutputFormat::TableSimple, false).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("Project  Domain  Name"), "{text}");
        assert!(!text.contains('\x1b'));
        let mut out = Vec::new();
        write(&mut out, &[], OutputFormat::Table, true).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("\x1b[1mProject"));
        let mut out = Vec::new();
        write(&mut out, &[], OutputFormat::Json, false).unwrap();
        assert_eq!(String::from_utf8(out).unwrap().trim(), "[]");
    }
}
