//! Property tests of reading `BIN list` output as `Launcher::describe` does: arbitrary bytes
//! and JSON values never panic, and whatever is accepted survives what the launcher does next
//! (secret defs, derived security context, printing it again). `PROPTEST_CASES` overrides
//! the 10^5 cases.

use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

use super::{ListFormat, TaskList};

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

/// What `Launcher::describe` does with the bytes (parse, then check against the secret
/// rules), then what its callers do with the list.
fn read(bytes: &[u8]) {
    let Ok(list) = serde_json::from_slice::<TaskList>(bytes) else {
        return;
    };
    let _ = crate::launch::validate::check_list(&list);
    for task in &list.tasks {
        let _ = task.secret_defs();
        let _ = task.derived_security_context();
    }
    let again: TaskList = serde_json::from_str(&list.render(ListFormat::Json)).unwrap();
    assert_eq!(again, list);
    let _ = list.render(ListFormat::Proto);
}

fn leaf() -> impl Strategy<Value = Value> {
    let words = &["", "k", "A_B", "g/k", "ENV_VAR", "FILE", "ANY", "é\0", "-1"][..];
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(json!(u64::MAX)),
        select(words).prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ]
}

fn any_json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            prop::collection::vec((select(KEYS), inner), 0..4).prop_map(|kv| Value::Object(
                kv.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

const KEYS: &[&str] = &[
    "tasks",
    "name",
    "module",
    "runnable",
    "secrets",
    "security_context",
    "key",
    "group",
    "env_var",
    "file",
    "groupVersion",
    "mountRequirement",
    "envVar",
    "x",
];

/// An object with the given fields, each of the right shape or, sometimes, anything.
fn object(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> BoxedStrategy<Value> {
    let parts: Vec<_> = fields
        .into_iter()
        .map(|(k, v)| {
            (
                Just(k),
                prop_oneof![8 => v.prop_map(Some), 1 => Just(None), 1 => leaf().prop_map(Some)],
            )
        })
        .collect();
    parts
        .prop_map(|kv| {
            let map: Map<String, Value> = kv
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_owned(), v?)))
                .collect();
            Value::Object(map)
        })
        .boxed()
}

fn text() -> BoxedStrategy<Value> {
    prop_oneof![
        select(&["k", "A_B", "g", "", "é\0"][..]).prop_map(Value::from),
        leaf()
    ]
    .boxed()
}

fn list_of(item: BoxedStrategy<Value>) -> BoxedStrategy<Value> {
    prop::collection::vec(item, 0..3)
        .prop_map(Value::from)
        .boxed()
}

/// Values shaped like a task list, so that the fields deep inside get exercised.
fn task_list_like() -> impl Strategy<Value = Value> {
    let secret = object(vec![
        ("key", text()),
        ("group", text()),
        ("env_var", text()),
        ("file", text()),
    ]);
    let core = object(vec![
        ("key", text()),
        ("group", text()),
        ("mountRequirement", text()),
        ("envVar", text()),
    ]);
    let task = object(vec![
        ("name", text()),
        ("module", text()),
        ("runnable", any::<bool>().prop_map(Value::from).boxed()),
        ("secrets", list_of(secret)),
        ("security_context", object(vec![("secrets", list_of(core))])),
    ]);
    object(vec![("tasks", list_of(task))])
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        read(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(value in prop_oneof![any_json(), task_list_like()]) {
        read(&serde_json::to_vec(&value).unwrap());
    }
}
