//! Each task's `flyteidl2.core.SecurityContext` against the Python SDK's
//! `get_security_context` for the same declarations, in binary and proto3 JSON.

use super::*;

/// One declared secret of a generated task, as Python's `secrets=` takes it.
#[derive(Clone, Debug)]
enum Declared {
    /// A plain key, `"my-secret"`.
    Key(String),
    /// `Secret(key, group, mount, as_env_var)`.
    Full(Case),
}

impl Declared {
    fn secret(&self) -> Result<Secret, flyte_spec::SpecError> {
        match self {
            Declared::Key(key) => Secret::new(key.clone()),
            Declared::Full(c) => {
                let mut b = Secret::builder(c.key.clone());
                if let Some(g) = &c.group {
                    b = b.group(g.clone());
                }
                if let Some(m) = &c.mount {
                    b = b.mount(m.clone());
                }
                if let Some(e) = &c.as_env_var {
                    b = b.as_env_var(e.clone());
                }
                b.build()
            }
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Declared::Key(key) => json!(key),
            Declared::Full(c) => {
                json!({"key": c.key, "group": c.group, "mount": c.mount, "as_env_var": c.as_env_var})
            }
        }
    }
}

/// Valid declarations only: keys with `-`, upper case and digits, with and without a group,
/// as the default env var, `as_env_var` and a file under the mount; every one alone, then
/// in tasks of two to five, and one task without secrets.
fn security_context_tasks() -> Vec<Vec<Declared>> {
    let keys = [
        "a",
        "my-secret",
        "MY_SECRET",
        "api-key-2",
        "Key1",
        "x-Y-z",
        "db-PASS-9",
        "9lives",
        "token",
        "A-1-b-2",
    ];
    let groups = [
        None,
        Some("g"),
        Some("my-group"),
        Some("Grp-2"),
        Some("team1"),
    ];
    let envs = [None, Some("OPENAI_API_KEY"), Some("X"), Some("_A1")];
    let mut singles = Vec::new();
    for key in keys {
        singles.push(Declared::Key(key.to_owned()));
        for group in groups {
            for env in envs {
                singles.push(Declared::Full(Case {
                    key: key.to_owned(),
                    group: group.map(str::to_owned),
                    mount: None,
                    as_env_var: env.map(str::to_owned),
                }));
            }
            singles.push(Declared::Full(Case {
                key: key.to_owned(),
                group: group.map(str::to_owned),
                mount: Some(MOUNT.to_owned()),
                as_env_var: None,
            }));
        }
    }
    // A digit-first key has no valid default env name without a group: not a valid
    // declaration, so it is left out (the rules test covers refusals).
    singles.retain(|d| d.secret().is_ok());
    let mut tasks: Vec<Vec<Declared>> = singles.iter().map(|d| vec![d.clone()]).collect();
    let mut start = 0;
    let mut size = 2;
    while start + size <= singles.len() {
        // A stride of 7 mixes keys, groups and mounts within a task.
        tasks.push(
            (0..size)
                .map(|i| singles[(start + i * 7) % singles.len()].clone())
                .collect(),
        );
        start += size;
        size = size % 4 + 2;
    }
    tasks.push(Vec::new());
    tasks
}

/// serde_json with Python's `json.dumps` separators (`", "` and `": "`), so our JSON can be
/// compared byte for byte with Python's default output. (`json.dumps` also escapes
/// non-ASCII; the generated declarations are ASCII, which the test checks.)
struct PythonSeparators;

impl serde_json::ser::Formatter for PythonSeparators {
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first { Ok(()) } else { w.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b": ")
    }
}

fn python_json<T: serde::Serialize>(v: &T) -> String {
    let mut out = Vec::new();
    v.serialize(&mut serde_json::Serializer::with_formatter(
        &mut out,
        PythonSeparators,
    ))
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// Our `SecurityContext` for every generated task against Python's `get_security_context`:
/// `json.dumps(MessageToDict(sc))` byte for byte against ours with the same separators,
/// `SerializeToString()` against prost's encoding, and both decode to the same message.
#[flyte_test_backends::needs(python)]
#[test]
fn security_contexts_match_the_python_sdk() {
    use flyte_idl::Message as _;
    use flyte_idl::core::SecurityContext;

    let interpreter = interpreter();
    let tasks = security_context_tasks();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/python/security_context.py"
    );
    let input: Vec<Vec<Value>> = tasks
        .iter()
        .map(|t| t.iter().map(Declared::to_json).collect())
        .collect();
    let body = serde_json::to_vec(&input).unwrap();
    assert!(body.is_ascii());
    let mut child = Command::new(&interpreter)
        .arg(script)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {interpreter}: {e}"));
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(&body));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "{script} failed");
    let theirs: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(theirs.len(), tasks.len());

    let mut mismatches = Vec::new();
    let (mut secrets, mut files, mut grouped, mut several) = (0, 0, 0, 0);
    for (task, theirs) in tasks.iter().zip(&theirs) {
        let requests: Vec<Secret> = task.iter().map(|d| d.secret().unwrap()).collect();
        let defs: Vec<_> = requests.iter().map(Secret::as_def).collect();
        let sc = flyte::secret::security_context(&defs);
        // The run-time request gives the same message, secret by secret.
        for (r, s) in requests.iter().zip(&sc.secrets) {
            assert_eq!(&r.core_secret(), s);
        }
        secrets += sc.secrets.len();
        files += sc.secrets.iter().filter(|s| s.env_var.is_empty()).count();
        grouped += sc.secrets.iter().filter(|s| !s.group.is_empty()).count();
        several += usize::from(task.len() > 1);

        let their_json = theirs["json"].as_str().unwrap();
        let their_bin: Vec<u8> = {
            let hex = theirs["hex"].as_str().unwrap();
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect()
        };
        let our_json = python_json(&sc);
        let our_bin = sc.encode_to_vec();
        if our_json != their_json || our_bin != their_bin {
            mismatches.push(format!(
                "{task:?}\n  ours:   {our_json} {our_bin:02x?}\n  python: {their_json} {their_bin:02x?}"
            ));
            continue;
        }
        assert_eq!(SecurityContext::decode(their_bin.as_slice()).unwrap(), sc);
        assert_eq!(
            serde_json::from_str::<SecurityContext>(their_json).unwrap(),
            sc
        );
    }
    println!(
        "{} tasks ({several} with several secrets), {secrets} secrets ({files} files, {grouped} grouped): \
         same JSON and binary as Python",
        tasks.len()
    );
    assert!(
        mismatches.is_empty(),
        "{} tasks differ from Python:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    assert!(secrets > 300 && files > 30 && grouped > 200 && several > 50);
}
