//! Validator tests: each rule of the spec as a compile error with the spec's message and help,
//! the edge cases of env names and mounts, and duplicates across one task.

use syn::parse_quote;

use super::*;

fn valid(args: TaskArgs) -> Vec<ValidSecret> {
    match task(&args) {
        Ok(task) => task.secrets,
        Err(e) => panic!(
            "unexpected errors: {:?}",
            e.into_iter().map(|e| e.to_string()).collect::<Vec<_>>()
        ),
    }
}

fn env(key: &str, group: Option<&str>, name: &str) -> ValidSecret {
    ValidSecret {
        key: key.into(),
        group: group.map(Into::into),
        target: Target::Env(name.into()),
    }
}

fn file(key: &str, group: Option<&str>, relative: &str) -> ValidSecret {
    ValidSecret {
        key: key.into(),
        group: group.map(Into::into),
        target: Target::File {
            relative: relative.into(),
        },
    }
}

/// All error messages for an attribute that parses but breaks rules.
fn errors(args: TaskArgs) -> Vec<String> {
    match task(&args) {
        Ok(task) => panic!("accepted: {task:?}"),
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

fn one_error(args: TaskArgs) -> String {
    let all = errors(args);
    assert_eq!(all.len(), 1, "{all:#?}");
    all.into_iter().next().unwrap()
}

const ENV_HELP_GIVEN: &str =
    "= help: use upper-case ASCII letters, digits and `_`, not starting with a digit";

#[test]
fn accepted_forms_and_where_they_land() {
    assert_eq!(
        valid(parse_quote!(secrets = "my-secret")),
        vec![env("my-secret", None, "MY_SECRET")]
    );
    assert_eq!(
        valid(parse_quote!(
            secrets = Secret(key = "api-key", as_env_var = "OPENAI_API_KEY")
        )),
        vec![env("api-key", None, "OPENAI_API_KEY")]
    );
    assert_eq!(
        valid(parse_quote!(
            secrets = Secret(key = "config", mount = "/etc/flyte/secrets")
        )),
        vec![file("config", None, "config")]
    );
    assert_eq!(
        valid(parse_quote!(
            secrets = ["db-password", Secret(key = "token", group = "github")]
        )),
        vec![
            env("db-password", None, "DB_PASSWORD"),
            env("token", Some("github"), "GITHUB_TOKEN")
        ]
    );
    assert_eq!(
        valid(parse_quote!(
            secrets = Secret(key = "k", group = "g", mount = "/etc/flyte/secrets")
        )),
        // As the default Flyte 2 injector lays it out: no group directory.
        vec![file("k", Some("g"), "k")]
    );
}

#[test]
fn env_name_edge_cases() {
    // `__` and a digit after the first character are valid names (`_` alone is the shell's).
    assert_eq!(
        valid(parse_quote!(secrets = "__")),
        vec![env("__", None, "__")]
    );
    assert_eq!(
        valid(parse_quote!(secrets = "a1")),
        vec![env("a1", None, "A1")]
    );
    assert_eq!(
        valid(parse_quote!(secrets = Secret(key = "k", as_env_var = "A1"))),
        vec![env("k", None, "A1")]
    );
    // A key that is no env name is fine with an explicit name or as a file.
    assert_eq!(
        valid(parse_quote!(
            secrets = Secret(key = "my.key", as_env_var = "MY_KEY")
        )),
        vec![env("my.key", None, "MY_KEY")]
    );
    assert_eq!(
        valid(parse_quote!(
            secrets = Secret(key = "my.key", mount = "/etc/flyte/secrets")
        )),
        vec![file("my.key", None, "my.key")]
    );

    let msg = one_error(parse_quote!(secrets = "1st"));
    assert!(msg.starts_with("Invalid environment variable name: 1ST, must match ^[A-Z_][A-Z0-9_]*$\n= help: the name is derived from the key"), "{msg}");
    let msg = one_error(parse_quote!(secrets = "my.key"));
    assert!(
        msg.starts_with("Invalid environment variable name: MY.KEY, must match"),
        "{msg}"
    );
    assert!(
        msg.contains("set `as_env_var = \"...\"` to a valid name"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(secrets = "café"));
    assert!(
        msg.starts_with("Invalid environment variable name: CAFÉ, must match"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(
        secrets = Secret(key = "k", as_env_var = "my_var")
    ));
    assert!(
        msg.starts_with("Invalid environment variable name: my_var, must match")
            && msg.ends_with(ENV_HELP_GIVEN),
        "{msg}"
    );
    let msg = one_error(parse_quote!(
        secrets = Secret(key = "k", as_env_var = "MY-VAR")
    ));
    assert!(
        msg.starts_with("Invalid environment variable name: MY-VAR, must match"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(secrets = Secret(key = "k", as_env_var = "1X")));
    assert!(
        msg.starts_with("Invalid environment variable name: 1X, must match"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(
        secrets = Secret(key = "k", as_env_var = "X\n")
    ));
    assert!(
        msg.starts_with("Invalid environment variable name: \"X\\n\", must match"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(
        secrets = Secret(key = "k", as_env_var = "ÄPFEL")
    ));
    assert!(
        msg.starts_with("Invalid environment variable name: ÄPFEL, must match"),
        "{msg}"
    );
}

#[test]
fn mount_edge_cases() {
    // Normalised like Python's pathlib before the comparison.
    for mount in [
        "/etc/flyte/secrets/",
        "/etc//flyte/./secrets",
        "///etc/flyte/secrets",
    ] {
        let args: TaskArgs = parse_quote!(secrets = Secret(key = "c", mount = #mount));
        assert_eq!(valid(args), vec![file("c", None, "c")], "{mount}");
    }
    for mount in [
        "/tmp",
        "",
        "etc/flyte/secrets",
        "/etc/flyte/secrets/x",
        "/etc/flyte/../flyte/secrets",
    ] {
        let args: TaskArgs = parse_quote!(secrets = Secret(key = "c", mount = #mount));
        let msg = one_error(args);
        assert_eq!(
            msg,
            format!(
                "Only /etc/flyte/secrets is supported as secret mount path today. (got {mount:?})\n= help: use `mount = \"/etc/flyte/secrets\"`"
            )
        );
    }
}

#[test]
fn escaping_the_mount_dir() {
    for (key, group) in [
        ("..", None),
        (".", None),
        ("a/b", None),
        ("a\0", None),
        ("k", Some("..")),
        ("k", Some("a/b")),
    ] {
        let args: TaskArgs = match group {
            None => parse_quote!(secrets = Secret(key = #key, mount = "/etc/flyte/secrets")),
            Some(group) => {
                parse_quote!(secrets = Secret(key = #key, group = #group, mount = "/etc/flyte/secrets"))
            }
        };
        let msg = one_error(args);
        let (field, value) = group.map_or(("key", key), |g| ("group", g));
        assert!(
            msg.starts_with(&format!(
                "Secret {field} {value:?} would escape the mount directory /etc/flyte/secrets"
            )),
            "{msg}"
        );
    }
}

#[test]
fn empty_key_or_group() {
    let msg = one_error(parse_quote!(secrets = ""));
    assert_eq!(
        msg,
        "Secret key must not be empty\n= help: give the name the secret is stored under"
    );
    let msg = one_error(parse_quote!(secrets = Secret(key = "k", group = "")));
    assert_eq!(
        msg,
        "Secret group must not be empty\n= help: remove `group` or give it a name"
    );
    assert_eq!(
        errors(parse_quote!(secrets = Secret(key = "", group = ""))).len(),
        2
    );
}

#[test]
fn mount_with_env_var() {
    let msg = one_error(parse_quote!(
        secrets = Secret(key = "k", mount = "/etc/flyte/secrets", as_env_var = "K")
    ));
    assert!(
        msg.starts_with(
            "Secret cannot have both `mount` and `as_env_var`\n= help: a secret is either a file"
        ),
        "{msg}"
    );
}

#[test]
fn duplicates_name_the_earlier_secret() {
    let msg = one_error(parse_quote!(
        secrets = ["my-secret", Secret(key = "other", as_env_var = "MY_SECRET")]
    ));
    assert_eq!(
        msg,
        "secret `other` lands on env var MY_SECRET, like secret `my-secret` (secret #1) before it; \
         two secrets of one task must not land on the same env var or file\n\
         = help: remove one, or give one of them its own name with `as_env_var = \"...\"`"
    );
    // Different keys deriving the same name.
    let msg = one_error(parse_quote!(secrets = ["a", "b", "my-key", "MY_KEY"]));
    assert!(
        msg.starts_with(
            "secret `MY_KEY` lands on env var MY_KEY, like secret `my-key` (secret #3)"
        ),
        "{msg}"
    );
    let msg = one_error(parse_quote!(
        secrets = [Secret(key = "k", group = "g"), "g-k"]
    ));
    assert!(
        msg.starts_with("secret `g-k` lands on env var G_K, like secret `g/k` (secret #1)"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(secrets = ["a", "a"]));
    assert!(
        msg.starts_with("secret `a` is declared twice (first as secret #1)"),
        "{msg}"
    );
    let msg = one_error(parse_quote!(
        secrets = [
            Secret(key = "c", mount = "/etc/flyte/secrets"),
            Secret(key = "c", mount = "/etc/flyte/secrets/"),
        ]
    ));
    assert!(msg.starts_with("secret `c` is declared twice"), "{msg}");
    // Same key in different groups: one value on a cluster, so refused at the second.
    let msg = one_error(parse_quote!(
        secrets = [
            Secret(key = "token", group = "github"),
            Secret(key = "token", group = "gitlab")
        ]
    ));
    assert_eq!(
        msg,
        "secret `gitlab/token` has the key `token` of secret `github/token` (secret #1); a \
         Flyte cluster looks secrets up by key alone, not by group, so both would get the same \
         value\n\
         = help: give each secret its own key (store the values under different names)"
    );
    let msg = one_error(parse_quote!(
        secrets = ["k", Secret(key = "k", group = "g")]
    ));
    assert!(
        msg.starts_with("secret `g/k` has the key `k` of secret `k`"),
        "{msg}"
    );
    // Two grouped file secrets with one key land on one file too.
    let msg = one_error(parse_quote!(
        secrets = [
            Secret(key = "c", group = "a", mount = "/etc/flyte/secrets"),
            Secret(key = "c", group = "b", mount = "/etc/flyte/secrets")
        ]
    ));
    assert!(msg.contains("lands on file /etc/flyte/secrets/c"), "{msg}");
    // The same secret as env and as file is fine.
    assert_eq!(
        valid(parse_quote!(
            secrets = [
                Secret(key = "k", group = "a"),
                Secret(key = "k", group = "a", mount = "/etc/flyte/secrets")
            ]
        ))
        .len(),
        2
    );
}

#[test]
fn secrets_an_injector_names_alike_once_it_changes_their_case() {
    let msg = one_error(parse_quote!(
        secrets = [
            Secret(key = "Cfg", mount = "/etc/flyte/secrets"),
            Secret(key = "cfg", mount = "/etc/flyte/secrets")
        ]
    ));
    assert_eq!(
        msg,
        "secret `cfg` lands on file /etc/flyte/secrets/cfg like secret `Cfg` (secret #1) under \
         the AWS, GCP and Azure injectors, which lower-case the key; two secrets of one task \
         must not land on the same env var or file\n\
         = help: give one of them a key (or group) that differs in more than letter case"
    );
    let msg = one_error(parse_quote!(
        secrets = [
            Secret(key = "tok", group = "g", as_env_var = "A"),
            Secret(key = "TOK", group = "g", as_env_var = "B")
        ]
    ));
    assert!(
        msg.starts_with(
            "secret `g/TOK` lands on env var _UNION_G_TOK like secret `g/tok` (secret #1) under \
             the Global and K8s injectors"
        ),
        "{msg}"
    );
    // One key in two groups alike in case: as files both land on `<dir>/cfg` as declared.
    let msg = one_error(parse_quote!(
        secrets = [
            Secret(key = "cfg", group = "Team", mount = "/etc/flyte/secrets"),
            Secret(key = "other", mount = "/etc/flyte/secrets"),
            Secret(key = "cfg", group = "team", mount = "/etc/flyte/secrets")
        ]
    ));
    assert!(
        msg.contains("lands on file /etc/flyte/secrets/cfg, like secret `Team/cfg`"),
        "{msg}"
    );
    // Env secrets without a group: every injector tells `tok` from `TOK`.
    assert_eq!(
        valid(parse_quote!(
            secrets = [
                Secret(key = "tok", as_env_var = "A"),
                Secret(key = "TOK", as_env_var = "B")
            ]
        ))
        .len(),
        2
    );
}

#[test]
fn all_bad_secrets_reported_together() {
    let all = errors(parse_quote!(
        secrets = [
            "ok",
            "my.key",
            Secret(key = "c", mount = "/tmp"),
            Secret(key = "k", as_env_var = "lower"),
            ""
        ]
    ));
    assert_eq!(all.len(), 4, "{all:#?}");
}

#[test]
fn an_invalid_secret_does_not_also_count_as_duplicate() {
    // The invalid one has no target, so "a" is not reported twice.
    let all = errors(parse_quote!(
        secrets = [
            "a",
            Secret(key = "a", as_env_var = "bad-name"),
            Secret(key = "x", as_env_var = "A")
        ]
    ));
    assert_eq!(all.len(), 2, "{all:#?}");
}
