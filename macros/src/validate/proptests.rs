//! Property tests of `#[task]`'s parser and validator on attributes built from a grammar of
//! plausible mistakes: no panic, well-formed secrets come out as written, and what passes
//! obeys `flyte_spec` exactly as `Request::resolve` does. `PROPTEST_CASES` overrides 10^5.

use crate::parse::tokens::Str;
use flyte_spec::{
    Declared, MOUNT_PATH, Request, Target, check_task, is_valid_env_name, normalize_mount,
};
use proc_macro2::{Literal, TokenStream};
use proptest::prelude::*;
use proptest::sample::select;

use crate::diag::Errors;
use crate::parse::task_args;

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

/// (key, group, mount, as_env_var).
type Flat = (String, Option<String>, Option<String>, Option<String>);

const CHARS: &[char] = &[
    'a', 'z', 'A', 'Z', '0', '9', '_', '-', '.', '/', 'é', 'ß', 'ſ', '\0', ' ', '\n', '"', '\\',
];

fn string() -> impl Strategy<Value = String> {
    let mounts = &[
        MOUNT_PATH,
        "/etc/flyte/secrets/",
        "//etc/flyte/secrets",
        "/etc//flyte/./secrets",
        "/tmp",
        "",
    ][..];
    prop_oneof![
        4 => prop::collection::vec(select(CHARS), 0..8).prop_map(String::from_iter),
        1 => select(mounts).prop_map(str::to_owned),
        1 => select(&["..", ".", "A", "_", "API_KEY", "1ST", "my-secret"][..]).prop_map(str::to_owned),
    ]
}

/// Values that are not a plain string literal.
const BAD_VALUES: &[&str] = &[
    "1",
    "\"a\"x",
    "b\"a\"",
    "'c'",
    "KEY",
    "concat!(\"a\")",
    "[\"a\"]",
    "= \"a\"",
];

#[derive(Debug, Clone)]
enum Value {
    Str(String),
    Bad(&'static str),
    /// No `= value` at all.
    Missing,
}

fn value() -> impl Strategy<Value = Value> {
    prop_oneof![
        8 => string().prop_map(Value::Str),
        1 => select(BAD_VALUES).prop_map(Value::Bad),
        1 => Just(Value::Missing),
    ]
}

const FIELD_NAMES: &[&str] = &[
    "key",
    "group",
    "mount",
    "as_env_var",
    "kye",
    "env_var",
    "Key",
];

#[derive(Debug, Clone)]
enum Item {
    Short(String),
    Call {
        path: &'static str,
        fields: Vec<(&'static str, Value)>,
    },
    Bad(&'static str),
}

fn item() -> impl Strategy<Value = Item> {
    let field = (
        prop_oneof![6 => select(&FIELD_NAMES[..4]), 1 => select(FIELD_NAMES)],
        value(),
    );
    let path = select(
        &[
            "Secret",
            "flyte::Secret",
            "::flyte::Secret",
            "Secrets",
            "flyte::secret",
        ][..],
    );
    prop_oneof![
        3 => string().prop_map(Item::Short),
        6 => (prop_oneof![6 => Just("Secret"), 1 => path], prop::collection::vec(field, 0..5))
            .prop_map(|(path, fields)| Item::Call { path, fields }),
        // Not the list: unbracketed it would be a correct `secrets = [...]`.
        1 => select(&BAD_VALUES[..6]).prop_map(Item::Bad),
    ]
}

#[derive(Debug, Clone)]
enum Arg {
    /// `leading_comma`: `[, ...]`, an empty item (a trailing one is allowed).
    Secrets {
        list: bool,
        leading_comma: bool,
        items: Vec<Item>,
    },
    InImpl {
        value: bool,
    },
    Other(&'static str),
}

fn arg() -> impl Strategy<Value = Arg> {
    prop_oneof![
        8 => (any::<bool>(), prop::bool::weighted(0.1), prop::collection::vec(item(), 0..4))
            .prop_map(|(list, leading_comma, items)| Arg::Secrets { list, leading_comma, items }),
        1 => any::<bool>().prop_map(|value| Arg::InImpl { value }),
        1 => select(&["secret = \"a\"", "secrets", "1"][..]).prop_map(Arg::Other),
    ]
}

fn lit(s: &str) -> String {
    Literal::string(s).to_string()
}

/// The attribute's text, and the secrets it declares when written correctly (`None` for
/// an item with a mistake).
fn render(args: &[Arg]) -> (String, Vec<Option<Flat>>, bool) {
    let mut text = Vec::new();
    let mut secrets = Vec::new();
    let mut seen_secrets = false;
    let mut well_formed = true;
    for arg in args {
        match arg {
            Arg::Secrets {
                list,
                leading_comma,
                items,
            } => {
                let first = !seen_secrets;
                seen_secrets = true;
                let rendered: Vec<(String, Option<Flat>)> = items.iter().map(render_item).collect();
                let ok = if *list {
                    let texts: Vec<&str> = rendered.iter().map(|(t, _)| t.as_str()).collect();
                    let comma = if *leading_comma { ", " } else { "" };
                    text.push(format!("secrets = [{comma}{}]", texts.join(", ")));
                    if first {
                        secrets.extend(rendered.iter().map(|(_, f)| f.clone()));
                    }
                    !leading_comma && rendered.iter().all(|(_, f)| f.is_some())
                } else if let Some(((head, flat), rest)) = rendered.split_first() {
                    // Unbracketed, only the first item is the value; the others are
                    // arguments of their own (and mistakes).
                    text.push(format!("secrets = {head}"));
                    text.extend(rest.iter().map(|(t, _)| t.clone()));
                    if first {
                        secrets.push(flat.clone());
                    }
                    flat.is_some() && rest.is_empty()
                } else {
                    text.push("secrets =".to_owned());
                    false
                };
                well_formed &= ok && first;
            }
            Arg::InImpl { value } => {
                text.push(if *value { "in_impl = true" } else { "in_impl" }.to_owned());
                well_formed &= !value;
            }
            Arg::Other(t) => {
                seen_secrets |= t.starts_with("secrets");
                text.push((*t).to_owned());
                well_formed = false;
            }
        }
    }
    (text.join(", "), secrets, well_formed)
}

fn render_item(item: &Item) -> (String, Option<Flat>) {
    match item {
        Item::Short(key) => (lit(key), Some((key.clone(), None, None, None))),
        Item::Bad(t) => ((*t).to_owned(), None),
        Item::Call { path, fields } => {
            let mut values: [Option<String>; 4] = Default::default();
            let mut ok = *path == "Secret" || path.ends_with("::Secret");
            let parts: Vec<String> = fields
                .iter()
                .map(|(name, value)| {
                    let index = ["key", "group", "mount", "as_env_var"]
                        .iter()
                        .position(|f| f == name);
                    match (index, value) {
                        (Some(i), Value::Str(s)) if values[i].is_none() => {
                            values[i] = Some(s.clone())
                        }
                        _ => ok = false,
                    }
                    match value {
                        Value::Str(s) => format!("{name} = {}", lit(s)),
                        Value::Bad(t) => format!("{name} = {t}"),
                        Value::Missing => (*name).to_owned(),
                    }
                })
                .collect();
            let [key, group, mount, as_env_var] = values;
            let flat = key
                .filter(|_| ok)
                .map(|key| (key, group, mount, as_env_var));
            (format!("{path}({})", parts.join(", ")), flat)
        }
    }
}

fn flat(args: &crate::parse::TaskArgs) -> Vec<Flat> {
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

fn request(f: &Flat) -> Request<'_> {
    Request {
        key: &f.0,
        group: f.1.as_deref(),
        mount: f.2.as_deref(),
        as_env_var: f.3.as_deref(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn parse_and_validate_agree_with_the_spec(args in prop::collection::vec(arg(), 0..3)) {
        let (text, declared, well_formed) = render(&args);
        let tokens: TokenStream = text.parse().map_err(|e| TestCaseError::fail(format!("{e}: {text}")))?;
        let mut errors = Errors::default();
        let parsed = task_args(tokens, &mut errors);
        let got = flat(&parsed);
        // Every correct secret comes out as written; one with a mistake is left out.
        let expected: Vec<Flat> = declared.into_iter().flatten().collect();
        prop_assert_eq!(&got, &expected, "{}", text);
        prop_assert_eq!(errors.is_empty(), well_formed, "{}", text);

        let resolved: Vec<_> = got.iter().map(|f| request(f).resolve()).collect();
        let targets: Vec<Option<Target>> = resolved.iter().map(|r| r.clone().ok()).collect();
        let as_declared: Vec<Option<Declared<'_>>> = got
            .iter()
            .zip(&targets)
            .map(|(f, t)| t.as_ref().map(|target| Declared { key: &f.0, group: f.1.as_deref(), target }))
            .collect();
        let spec_ok = resolved.iter().all(Result::is_ok) && check_task(&as_declared).is_empty();
        match super::task(&parsed) {
            Ok(valid) => {
                prop_assert!(spec_ok, "accepted what the spec refuses: {}", text);
                prop_assert_eq!(valid.secrets.len(), got.len());
                for (secret, (f, target)) in valid.secrets.iter().zip(got.iter().zip(&targets)) {
                    prop_assert_eq!(Some(&secret.target), target.as_ref());
                    prop_assert!(!secret.key.is_empty() && secret.group.as_deref() != Some(""));
                    match &secret.target {
                        Target::Env(name) => prop_assert!(is_valid_env_name(name), "{:?}", name),
                        Target::File { relative } => {
                            prop_assert_eq!(relative, &secret.key);
                            prop_assert!(!matches!(relative.as_str(), "." | ".."));
                            prop_assert!(!relative.contains(['/', '\0']), "{:?}", relative);
                            prop_assert_eq!(normalize_mount(f.2.as_deref().unwrap_or_default()), MOUNT_PATH);
                        }
                    }
                }
            }
            Err(_) => prop_assert!(!spec_ok, "refused what the spec accepts: {}", text),
        }
    }
}
