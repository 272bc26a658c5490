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

/// The later secret's clash with the earlier one, if any.
fn clash_of(a: (&str, Option<&str>, &Target), b: (&str, Option<&str>, &Target)) -> Option<Clash> {
    let d = |(key, group, target)| Some(Declared { key, group, target });
    check_task(&[d(a), d(b)]).pop().map(|c| c.clash)
}

#[test]
fn file_keys_that_differ_in_case_clash_where_an_injector_lower_cases_them() {
    let file = |key: &str| Target::File {
        relative: key.into(),
    };
    let (upper, lower) = (file("Cfg"), file("cfg"));
    // No group: AWS, GCP and Azure mount both at <dir>/cfg.
    let clash = clash_of(("Cfg", None, &upper), ("cfg", None, &lower)).unwrap();
    let Clash::Injected { injectors, target } = &clash else {
        panic!("{clash:?}")
    };
    assert_eq!(target, &file("cfg"));
    assert!(injectors.contains("AWS, GCP and Azure"), "{injectors}");
    assert!(
        !injectors.contains("K8s"),
        "K8s names an ungrouped dir md5(key)"
    );
    // A group: K8s and the cloud injectors mount both at <dir>/team/cfg.
    let clash = clash_of(("Cfg", Some("Team"), &upper), ("cfg", Some("team"), &lower));
    assert_eq!(
        clash,
        Some(Clash::Injected {
            injectors: "the K8s, AWS, GCP and Azure injectors, which lower-case the group and key",
            target: file("team/cfg"),
        })
    );
    let conflict = check_task(&[
        Some(Declared {
            key: "Cfg",
            group: None,
            target: &upper,
        }),
        Some(Declared {
            key: "cfg",
            group: None,
            target: &lower,
        }),
    ]);
    assert_eq!(
        conflict[0].to_string(),
        "secrets #1 and #2 of this task both land on file /etc/flyte/secrets/cfg under the AWS, \
         GCP and Azure injectors, which lower-case the key"
    );
    // Apart under every injector: other letters, or a group dir against none.
    assert_eq!(
        clash_of(("cfg", None, &lower), ("cfh", None, &file("cfh"))),
        None
    );
    assert_eq!(
        clash_of(("cfg", Some("a"), &lower), ("Cfg", None, &upper)),
        None
    );
}

#[test]
fn grouped_env_secrets_clash_where_global_upper_cases_group_and_key() {
    let (a, b) = (Target::Env("A".into()), Target::Env("B".into()));
    let env_clash = |name: &str| {
        Some(Clash::Injected {
            injectors: "the Global and K8s injectors, which upper-case <prefix><group>_<key> \
                        (prefix _UNION_ by default)",
            target: Target::Env(name.into()),
        })
    };
    assert_eq!(
        clash_of(("tok", Some("g"), &a), ("TOK", Some("g"), &b)),
        env_clash("_UNION_G_TOK")
    );
    assert_eq!(
        clash_of(("tok", Some("git"), &a), ("tok", Some("GIT"), &b)),
        // The same key in two groups is the key rule's, which says more.
        Some(Clash::Key("tok".into()))
    );
    // `<group>_<key>` is upper-cased as a whole, so the `_` may move between the two.
    assert_eq!(
        clash_of(("b_c", Some("a"), &a), ("c", Some("a_b"), &b)),
        env_clash("_UNION_A_B_C")
    );
    // Without a group: Global refuses it, K8s names it md5(key), Embedded by its own name.
    assert_eq!(clash_of(("tok", None, &a), ("TOK", None, &b)), None);
    // One secret delivered twice is no clash; `-` is kept by the injectors.
    assert_eq!(
        clash_of(("tok", Some("g"), &a), ("tok", Some("g"), &b)),
        None
    );
    assert_eq!(
        clash_of(("my-tok", Some("g"), &a), ("my_tok", Some("g"), &b)),
        None
    );
    // An env secret and a file secret never share a name.
    let file = Target::File {
        relative: "TOK".into(),
    };
    assert_eq!(
        clash_of(("tok", Some("g"), &a), ("TOK", Some("g"), &file)),
        None
    );
}
