//! An endpoint that is not a well-behaved secret service (a small loopback fake, fault
//! injection only): what it says reaches the terminal with control characters escaped, and
//! an endpoint that is not a Flyte secret service at all is named as such.

use crate::support;

use support::fake::{Fake, Reply};
use support::{Home, texts};

/// Text a hostile server sends to recolor the terminal and forge lines of output.
const HOSTILE: &str = "boom\x1b[31mRED\x1b[0m\nerror: fake line\rXX";
const ESCAPED: &str = r"boom\u{1b}[31mRED\u{1b}[0m\nerror: fake line\rXX";

fn assert_no_controls(text: &str) {
    assert!(
        !text.contains('\x1b') && !text.contains('\r'),
        "raw control characters reached the output: {text:?}"
    );
}

#[test]
fn server_error_messages_are_escaped() {
    let fake = Fake::start(|path| {
        if path.contains("SecretService") {
            Reply::connect_error(500, "internal", HOSTILE)
        } else {
            Reply::not_found()
        }
    });
    let home = Home::new();
    let out = home
        .flyte()
        .args(["--endpoint", &fake.url, "get", "secret", "x"])
        .output()
        .unwrap();
    let (stdout, stderr) = texts(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains(&format!("(server: {ESCAPED})")),
        "{stderr:?}"
    );
    assert_no_controls(&stderr);
    // One line of error, one of hint: no line forged by the server.
    assert!(!stderr.contains("\nerror: fake line"), "{stderr:?}");
}

#[test]
fn names_in_table_output_are_escaped_and_json_stays_json() {
    let page = serde_json::json!({
        "secrets": [{
            "id": { "name": HOSTILE, "organization": "o\x1b]0;title\x07", "project": "p\n", "domain": "d" },
            "secretMetadata": { "secretStatus": { "clusterStatus": [
                { "cluster": { "name": "c\x1b[2J" }, "presenceStatus": "PRESENT" }
            ] } }
        }]
    })
    .to_string();
    let fake = Fake::start(move |path| {
        if path.ends_with("/ListSecrets") {
            Reply {
                status: 200,
                content_type: "application/json",
                body: page.clone().into_bytes(),
            }
        } else {
            Reply::not_found()
        }
    });
    let home = Home::new();
    for format in ["table-simple", "table"] {
        let out = home
            .flyte()
            .args(["--endpoint", &fake.url, "get", "secret", "-o", format])
            .output()
            .unwrap();
        let (stdout, stderr) = texts(&out);
        assert!(out.status.success(), "{stderr}");
        assert!(stdout.contains(ESCAPED), "{format}: {stdout:?}");
        assert!(
            stdout.contains(r"c\u{1b}[2J: PRESENT"),
            "{format}: {stdout:?}"
        );
        assert!(stdout.contains(r"p\n"), "{format}: {stdout:?}");
        assert_no_controls(&stdout);
        assert!(!stdout.contains("\nerror: fake line"), "{stdout:?}");
    }
    // JSON escapes by itself and keeps the server's text exactly.
    let out = home
        .flyte()
        .args(["--endpoint", &fake.url, "get", "secret", "-o", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (stdout, _) = texts(&out);
    assert_no_controls(&stdout);
    let list: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(list[0]["id"]["name"], HOSTILE);
}
