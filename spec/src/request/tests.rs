use super::*;

fn req(key: &str) -> Request<'_> {
    Request::new(key)
}

#[test]
fn accepted_forms() {
    assert_eq!(
        req("my-secret").resolve(),
        Ok(Target::Env("MY_SECRET".into()))
    );
    let custom = Request {
        as_env_var: Some("OPENAI_API_KEY"),
        ..req("api-key")
    };
    assert_eq!(custom.resolve(), Ok(Target::Env("OPENAI_API_KEY".into())));
    let file = Request {
        mount: Some("/etc/flyte/secrets"),
        ..req("config")
    };
    assert_eq!(
        file.resolve(),
        Ok(Target::File {
            relative: "config".into()
        })
    );
    let grouped = Request {
        group: Some("g"),
        ..req("k")
    };
    assert_eq!(grouped.resolve(), Ok(Target::Env("G_K".into())));
    let grouped_file = Request {
        group: Some("g"),
        mount: Some("/etc/flyte/secrets/"),
        ..req("k")
    };
    // Where the default Flyte 2 injector puts it: no group directory.
    assert_eq!(
        grouped_file.resolve().unwrap().mount_path().as_deref(),
        Some("/etc/flyte/secrets/k")
    );
    // A key that is no env name is fine with an explicit name or as a file.
    let dotted = Request {
        as_env_var: Some("MY_KEY"),
        ..req("my.key")
    };
    assert!(dotted.resolve().is_ok());
}

#[test]
fn python_messages() {
    let err = req("my.key").resolve().unwrap_err();
    assert_eq!(
        err[0].to_string(),
        "Invalid environment variable name: MY.KEY, must match ^[A-Z_][A-Z0-9_]*$"
    );
    let err = Request {
        mount: Some("/tmp"),
        ..req("k")
    }
    .resolve()
    .unwrap_err();
    assert_eq!(
        err[0].to_string(),
        "Only /etc/flyte/secrets is supported as secret mount path today."
    );
    // Python's line names nothing for an empty name; the help says what is empty.
    let err = Request {
        as_env_var: Some(""),
        ..req("k")
    }
    .resolve()
    .unwrap_err();
    assert!(
        err[0].help().starts_with("`as_env_var` is empty"),
        "{}",
        err[0].help()
    );
}

#[test]
fn an_empty_group_is_reported_first_and_the_name_derived_without_it() {
    let errors = Request {
        group: Some(""),
        ..req("my.key")
    }
    .resolve()
    .unwrap_err();
    assert_eq!(
        errors,
        vec![
            SpecError::EmptyGroup,
            SpecError::InvalidEnvName {
                name: "MY.KEY".into(),
                derived: true,
            },
        ]
    );
}

#[test]
fn refusals() {
    let cases: Vec<(Request<'_>, SpecError)> = vec![
        (
            req("1st"),
            SpecError::InvalidEnvName {
                name: "1ST".into(),
                derived: true,
            },
        ),
        (req(""), SpecError::EmptyKey),
        (
            Request {
                group: Some(""),
                ..req("k")
            },
            SpecError::EmptyGroup,
        ),
        (
            Request {
                as_env_var: Some("my-var"),
                ..req("k")
            },
            SpecError::InvalidEnvName {
                name: "my-var".into(),
                derived: false,
            },
        ),
        (
            Request {
                as_env_var: Some("X\n"),
                ..req("k")
            },
            SpecError::InvalidEnvName {
                name: "X\n".into(),
                derived: false,
            },
        ),
        (
            req("café"),
            SpecError::InvalidEnvName {
                name: "CAFÉ".into(),
                derived: true,
            },
        ),
        (
            Request {
                mount: Some("/etc/flyte/secrets"),
                as_env_var: Some("X"),
                ..req("k")
            },
            SpecError::MountWithEnvVar,
        ),
        (
            Request {
                mount: Some("/etc/flyte/secrets"),
                ..req("..")
            },
            SpecError::EscapesMount {
                field: Field::Key,
                value: "..".into(),
            },
        ),
        (
            Request {
                mount: Some("/etc/flyte/secrets"),
                group: Some("a/b"),
                ..req("k")
            },
            SpecError::EscapesMount {
                field: Field::Group,
                value: "a/b".into(),
            },
        ),
        (
            Request {
                mount: Some("/etc/flyte/secrets"),
                ..req("a\0")
            },
            SpecError::EscapesMount {
                field: Field::Key,
                value: "a\0".into(),
            },
        ),
        (
            Request {
                mount: Some("/etc/flyte/secrets"),
                ..req(".flyte-runs")
            },
            SpecError::HiddenFile {
                field: Field::Key,
                value: ".flyte-runs".into(),
            },
        ),
        (
            Request {
                mount: Some("/etc/flyte/secrets"),
                group: Some(".git"),
                ..req("k")
            },
            SpecError::HiddenFile {
                field: Field::Group,
                value: ".git".into(),
            },
        ),
    ];
    for (request, expected) in cases {
        let errors = request.resolve().unwrap_err();
        assert!(errors.contains(&expected), "{request:?}: {errors:?}");
    }
}

#[test]
fn loader_inherited_launch_and_shell_names_are_reserved() {
    let reserved = |name: &str, derived| SpecError::ReservedEnvName {
        name: name.into(),
        derived,
    };
    for (request, expected) in [
        (
            Request {
                as_env_var: Some("LD_PRELOAD"),
                ..req("k")
            },
            reserved("LD_PRELOAD", false),
        ),
        (
            Request {
                as_env_var: Some("DYLD_INSERT_LIBRARIES"),
                ..req("k")
            },
            reserved("DYLD_INSERT_LIBRARIES", false),
        ),
        (req("path"), reserved("PATH", true)),
        (
            Request {
                group: Some("lc"),
                ..req("all")
            },
            reserved("LC_ALL", true),
        ),
        (
            Request {
                as_env_var: Some("FLYTE_INTERNAL_TASK_NAME"),
                ..req("k")
            },
            reserved("FLYTE_INTERNAL_TASK_NAME", false),
        ),
        (
            Request {
                as_env_var: Some("FLYTE_TASK_LAUNCHED"),
                ..req("k")
            },
            reserved("FLYTE_TASK_LAUNCHED", false),
        ),
        (
            Request {
                as_env_var: Some("FLYTE_SECRETS_DEFAULT_DIR"),
                ..req("k")
            },
            reserved("FLYTE_SECRETS_DEFAULT_DIR", false),
        ),
        (req("pwd"), reserved("PWD", true)),
        (req("_"), reserved("_", true)),
    ] {
        let errors = request.resolve().unwrap_err();
        assert_eq!(errors, std::slice::from_ref(&expected), "{request:?}");
        assert_eq!(
            errors[0].field(),
            match expected {
                SpecError::ReservedEnvName { derived: true, .. } => Field::Key,
                _ => Field::AsEnvVar,
            }
        );
        assert!(
            errors[0].to_string().contains("is reserved"),
            "{}",
            errors[0]
        );
    }
    // Names that only look alike are fine.
    for name in ["PATHS", "MY_PATH", "LDX", "LC", "HOME_DIR", "OLD_PATH"] {
        let request = Request {
            as_env_var: Some(name),
            ..req("k")
        };
        assert_eq!(request.resolve(), Ok(Target::Env(name.into())), "{name}");
    }
}

#[test]
fn conflicts() {
    let env_a = Target::Env("A".into());
    let file_a = Target::File {
        relative: "a".into(),
    };
    let env_b = Target::Env("B".into());
    let d = |key, group, target| Some(Declared { key, group, target });
    let secrets = [
        d("a", None, &env_a),
        // Same key and group, another target: the same secret delivered twice, fine.
        d("a", None, &file_a),
        None,
        d("x", None, &env_a),
        // Same key in another group: one value on a cluster.
        d("a", Some("g"), &env_b),
    ];
    let found = check_task(&secrets);
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[0].first, found[0].second), (0, 3));
    assert_eq!(
        found[0].to_string(),
        "secrets #1 and #4 of this task both land on env var A"
    );
    assert_eq!((found[1].first, found[1].second), (0, 4));
    assert_eq!(found[1].clash, Clash::Key("a".into()));
}
