//! Parser tests: accepted forms come out as raw values, each malformed input gives exactly
//! one error naming what was found and what is allowed.

use quote::quote;
use syn::parse_quote;

use super::*;

/// (key, group, mount, as_env_var) of each parsed secret.
type Flat = (String, Option<String>, Option<String>, Option<String>);

fn flat(args: &TaskArgs) -> Vec<Flat> {
    let v = |l: &Option<Str>| l.as_ref().map(|s| s.value().to_owned());
    args.secrets
        .iter()
        .map(|s| {
            (
                s.key.value().to_owned(),
                v(&s.group),
                v(&s.mount),
                v(&s.as_env_var),
            )
        })
        .collect()
}

fn key(k: &str) -> Flat {
    (k.into(), None, None, None)
}

/// The messages of all errors of a malformed attribute.
fn errors(tokens: TokenStream) -> Vec<String> {
    let mut errors = Errors::default();
    task_args(tokens, &mut errors);
    errors
        .into_error()
        .map(|e| e.into_iter().map(|e| e.to_string()).collect())
        .unwrap_or_default()
}

fn one_error(tokens: TokenStream) -> String {
    let all = errors(tokens.clone());
    assert_eq!(all.len(), 1, "{tokens}: {all:#?}");
    all.into_iter().next().unwrap()
}

#[test]
fn accepted_forms() {
    let args: TaskArgs = parse_quote!(secrets = "my-secret");
    assert_eq!(flat(&args), vec![key("my-secret")]);

    let args: TaskArgs =
        parse_quote!(secrets = Secret(key = "api-key", as_env_var = "OPENAI_API_KEY"));
    assert_eq!(
        flat(&args),
        vec![("api-key".into(), None, None, Some("OPENAI_API_KEY".into()))]
    );

    let args: TaskArgs =
        parse_quote!(secrets = flyte::Secret(key = "config", mount = "/etc/flyte/secrets",));
    assert_eq!(
        flat(&args),
        vec![(
            "config".into(),
            None,
            Some("/etc/flyte/secrets".into()),
            None
        )]
    );

    let args: TaskArgs = parse_quote!(
        secrets = [
            "db-password",
            ::flyte::Secret(group = "github", key = "token")
        ],
    );
    assert_eq!(
        flat(&args),
        vec![
            key("db-password"),
            ("token".into(), Some("github".into()), None, None)
        ]
    );
    assert!(!args.in_impl);

    let args: TaskArgs = parse_quote!(in_impl, secrets = [r"raw", "esc\x41ped"]);
    assert_eq!(flat(&args), vec![key("raw"), key("escAped")]);
    assert!(args.in_impl);

    let args: TaskArgs = parse_quote!();
    assert!(args.secrets.is_empty());
    let args: TaskArgs = parse_quote!(secrets = []);
    assert!(args.secrets.is_empty());
}

#[test]
fn values_keep_their_literal_for_errors() {
    // Syntax-only: the parser accepts what the rules will refuse, with the literal's span.
    let args: TaskArgs = parse_quote!(secrets = ["", "my.key", Secret(key = "k", group = "")]);
    assert_eq!(
        flat(&args),
        vec![
            key(""),
            key("my.key"),
            ("k".into(), Some("".into()), None, None)
        ]
    );
}

#[test]
fn unknown_argument_lists_the_allowed_ones() {
    let msg = one_error(quote!(secret = "x"));
    assert!(
        msg.starts_with(
            "unknown argument `secret` of #[task]; expected one of `secrets`, `in_impl`"
        ),
        "{msg}"
    );
    assert!(msg.ends_with("= help: did you mean `secrets`?"), "{msg}");
    let msg = one_error(quote!(timeout = 5));
    assert!(
        msg.contains("= help: the arguments of #[task] are `secrets`, `in_impl`"),
        "{msg}"
    );
}

#[test]
fn unknown_field_suggests_the_right_one() {
    let msg = one_error(quote!(secrets = Secret(kee = "api-key")));
    assert!(
        msg.starts_with("unknown field `kee` of `Secret(...)`; expected one of `key`, `group`, `mount`, `as_env_var`"),
        "{msg}"
    );
    assert!(msg.ends_with("did you mean `key`?"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(key = "k", env_var = "X")));
    assert!(msg.ends_with("did you mean `as_env_var`?"), "{msg}");
}

#[test]
fn a_value_without_its_field_name_gets_the_name_in_pythons_order() {
    let msg = one_error(quote!(secrets = Secret("api-key", as_env_var = "API_KEY")));
    assert!(
        msg.starts_with("`Secret(...)` takes its fields by name; found the bare value \"api-key\""),
        "{msg}"
    );
    assert!(msg.ends_with("write `key = \"api-key\"`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(key = "token", "github")));
    assert!(msg.ends_with("write `group = \"github\"`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(group = "github", "token")));
    assert!(msg.ends_with("write `key = \"token\"`"), "{msg}");
    let msg = one_error(quote!(
        secrets = Secret(mount = "/etc/flyte/secrets", "cfg")
    ));
    assert!(msg.ends_with("write `key = \"cfg\"`"), "{msg}");
    let msg = one_error(quote!(
        secrets = Secret(key = "k", group = "g", mount = "/m", as_env_var = "X", "c")
    ));
    assert!(msg.starts_with("an extra value \"c\""), "{msg}");
}

#[test]
fn none_for_a_field_says_to_leave_it_out() {
    let msg = one_error(quote!(secrets = Secret(key = "k", group = None)));
    assert!(
        msg.starts_with("`group` takes a string literal; found `None`"),
        "{msg}"
    );
    assert!(
        msg.ends_with("leave `group` out: a field that is not given has no value"),
        "{msg}"
    );
}

#[test]
fn wrong_literal_types() {
    let msg = one_error(quote!(secrets = Secret(key = 1)));
    assert!(
        msg.starts_with("`key` takes a string literal; found an integer literal `1`"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = Secret(key = "k", group = b"g")));
    assert!(
        msg.contains("found a byte string literal `b\"g\"`"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = Secret(key = KEY)));
    assert!(msg.contains("found `KEY`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(key = true)));
    assert!(msg.contains("found `true`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(key = "a" "b")));
    assert!(msg.contains("takes a string literal"), "{msg}");
    let msg = one_error(quote!(secrets = 42));
    assert!(
        msg.starts_with("`secrets` takes a string literal, `Secret(...)` or a list `[...]` of them; found an integer literal `42`"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = -1));
    assert!(msg.contains("found `- 1`"), "{msg}");
    let msg = one_error(quote!(secrets = 'c'));
    assert!(msg.contains("found a character literal"), "{msg}");
    let msg = one_error(quote!(secrets = MY_SECRETS));
    assert!(msg.contains("found `MY_SECRETS`"), "{msg}");
}

#[test]
fn structural_mistakes() {
    let msg = one_error(quote!(secrets = [["a"], "b"]));
    assert!(
        msg.starts_with("nested lists are not allowed in `secrets`"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = Secret(group = "g")));
    assert!(msg.starts_with("`Secret(...)` needs a `key`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret()));
    assert!(msg.starts_with("`Secret(...)` needs a `key`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(key = "a", key = "b")));
    assert!(
        msg.starts_with("`key` is given twice in this `Secret(...)`"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = "a", secrets = "b"));
    assert!(msg.starts_with("`secrets` is given twice"), "{msg}");
    let msg = one_error(quote!(secrets));
    assert!(msg.starts_with("expected `secrets = ...`"), "{msg}");
    let msg = one_error(quote!(secrets =));
    assert!(msg.starts_with("expected `secrets = ...`"), "{msg}");
    let msg = one_error(quote!("a"));
    assert!(
        msg.starts_with("expected `secrets = ...`, found `\"a\"`"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = ["a",, "b"]));
    assert!(
        msg.starts_with("expected a secret before this comma"),
        "{msg}"
    );
    let msg = one_error(quote!(secrets = Secret(key)));
    assert!(msg.starts_with("expected `key = \"...\"`"), "{msg}");
    let msg = one_error(quote!(secrets = Secret(key == "k")));
    assert!(msg.starts_with("expected `key = \"...\"`"), "{msg}");
    let msg = one_error(quote!(secrets = Secrets(key = "k")));
    assert!(msg.contains("found `Secrets (key = \"k\")`"), "{msg}");
    let msg = one_error(quote!(in_impl = true));
    assert!(msg.starts_with("`in_impl` takes no value"), "{msg}");
}

#[test]
fn every_mistake_is_reported_once_and_good_secrets_survive() {
    let mut errs = Errors::default();
    let args = task_args(
        quote!(
            secrets = [
                "ok",
                Secret(kee = "a"),
                7,
                Secret(key = "b", mount = 1),
                "also-ok"
            ],
            sekrets = "x"
        ),
        &mut errs,
    );
    let all: Vec<String> = errs
        .into_error()
        .unwrap()
        .into_iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(all.len(), 4, "{all:#?}");
    // The broken secrets are left out whole, so validation cannot add a second error.
    assert_eq!(flat(&args), vec![key("ok"), key("also-ok")]);
}

#[test]
fn parse_impl_fails_with_all_errors() {
    let err = syn::parse2::<TaskArgs>(quote!(secrets = [1, 2]))
        .err()
        .unwrap();
    assert_eq!(err.into_iter().count(), 2);
}

#[test]
fn literal_values_with_and_without_escapes() {
    let cases = [
        (quote!("plain-key"), "plain-key"),
        (quote!("a\x2db"), "a-b"),
        (quote!("tab\tend"), "tab\tend"),
        (quote!(r"raw\n"), "raw\\n"),
        (quote!(r#"say "hi""#), "say \"hi\""),
    ];
    for (tokens, value) in cases {
        let trees: Vec<_> = tokens.clone().into_iter().collect();
        let lit = tokens::string_literal(&trees).unwrap_or_else(|_| panic!("{tokens}"));
        assert_eq!(lit.value(), value, "{tokens}");
    }
    let suffixed: Vec<_> = quote!("a"x).into_iter().collect();
    assert!(matches!(
        tokens::string_literal(&suffixed),
        Err(tokens::NotAString::Suffixed)
    ));
}
