//! Every accepted form of `secrets = ...`, and what the task registers for `BIN list`. A
//! crate that forbids `unsafe` can use tasks (their link-section attribute is flyte's).
#![deny(warnings)]
#![forbid(unsafe_code)]

use flyte::sources::{MapSource, Resolver};
use flyte::{__private::registered, secret::SecretDef};
use flyte::{Secret, task};

#[task(secrets = "my-secret")]
fn secret_task() -> String {
    flyte::secret!("my-secret")
        .unwrap()
        .expose_str()
        .unwrap()
        .to_owned()
}

#[task(secrets = Secret(key = "api-key", as_env_var = "OPENAI_API_KEY"))]
fn custom_env_task() -> Option<&'static str> {
    flyte::secret!("api-key").unwrap().env_var()
}

#[task(secrets = Secret(key = "config", mount = "/etc/flyte/secrets"))]
fn file_secret_task() -> String {
    let secret = flyte::secret!("config").unwrap();
    std::fs::read_to_string(secret.path().unwrap()).unwrap()
}

#[task(secrets = ["db-password", Secret(key = "token", group = "github"),])]
fn many() -> usize {
    let token = flyte::secret!("token", group = "github").unwrap();
    flyte::secret!("db-password").unwrap().expose().len() + token.expose().len()
}

// The path may be written out; a trailing slash on the mount is normalised away; raw strings.
#[task(secrets = [flyte::Secret(group = "g", key = "k", mount = "/etc/flyte/secrets/"), r"raw-key"])]
fn spelled_out() {}

#[task]
fn no_secrets() -> u8 {
    7
}

#[task()]
fn empty_parens() {}

#[task(secrets = [])]
fn empty_list() {}

fn def(
    key: &'static str,
    group: Option<&'static str>,
    env_var: Option<&'static str>,
    file: Option<&'static str>,
) -> SecretDef<'static> {
    match (env_var, file) {
        (Some(env), None) => SecretDef::env(key, group, env),
        (None, Some(file)) => SecretDef::file(key, group, file),
        other => panic!("a secret lands in exactly one place: {other:?}"),
    }
}

fn main() {
    let resolver = Resolver::new().with(
        MapSource::new()
            .with("my-secret", "s1")
            .with("api-key", "s2")
            .with("config", "file-content")
            .with("db-password", "abc")
            .with("github/token", "de")
            .with("g/k", "x")
            .with("raw-key", "y"),
    );
    resolver.clone().run(|| {
        assert_eq!(secret_task(), "s1");
        assert_eq!(custom_env_task(), Some("OPENAI_API_KEY"));
        assert_eq!(file_secret_task(), "file-content");
        assert_eq!(many(), 5);
        spelled_out();
    });
    assert_eq!(no_secrets(), 7);
    empty_parens();
    empty_list();

    let tasks = registered();
    let find = |name: &str| {
        *tasks
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} not registered"))
    };
    assert_eq!(
        find("secret_task").secrets(),
        [def("my-secret", None, Some("MY_SECRET"), None)]
    );
    assert_eq!(
        find("custom_env_task").secrets(),
        [def("api-key", None, Some("OPENAI_API_KEY"), None)]
    );
    assert_eq!(
        find("file_secret_task").secrets(),
        [def("config", None, None, Some("config"))]
    );
    assert_eq!(
        find("many").secrets(),
        [
            def("db-password", None, Some("DB_PASSWORD"), None),
            def("token", Some("github"), Some("GITHUB_TOKEN"), None)
        ]
    );
    assert_eq!(
        find("spelled_out").secrets(),
        [
            def("k", Some("g"), None, Some("k")),
            def("raw-key", None, Some("RAW_KEY"), None)
        ]
    );
    assert!(find("no_secrets").secrets().is_empty());
    for task in &tasks {
        assert!(
            task.runnable(),
            "{} takes nothing, so `BIN run` can run it",
            task.name
        );
        assert_eq!(task.module_path, module_path!());
    }
    assert_eq!(tasks.len(), 8);
}
