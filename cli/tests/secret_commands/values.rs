//! Where `create secret` takes its value from (flag, file, pipe, stdin, empty on purpose) and
//! what it says when the value cannot be read or is too large.

use super::flyte;
use super::support::{Home, Serve, assert_not_shown, texts};

#[test]
fn value_from_flag_file_and_stdin_is_stored_and_never_shown() {
    let (home, serve) = (Home::new(), Serve::start());

    let out = flyte(&home, &serve)
        .args(["create", "secret", "from-flag", "--value", "flag-v4lue-9d1"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "flag-v4lue-9d1");
    assert_eq!(
        serve.read_value("from-flag", "", "").unwrap(),
        b"flag-v4lue-9d1"
    );

    let file = home.path().join("value.bin");
    std::fs::write(&file, b"file-v4lue-\x00\xff\nline2\n").unwrap();
    let out = flyte(&home, &serve)
        .args(["create", "secret", "from-file", "--from-file"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "file-v4lue");
    assert_eq!(
        serve.read_value("from-file", "", "").unwrap(),
        b"file-v4lue-\x00\xff\nline2\n",
        "bytes as is"
    );

    let out = flyte(&home, &serve)
        .args(["create", "secret", "from-stdin"])
        .write_stdin("stdin-v4lue-77\nsecond line\n")
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "stdin-v4lue-77");
    assert_eq!(
        serve.read_value("from-stdin", "", "").unwrap(),
        b"stdin-v4lue-77\nsecond line",
        "one final newline dropped"
    );
    let (stdout, stderr) = texts(&out);
    assert_eq!(stdout, "", "create prints nothing on stdout");
    assert!(stderr.contains("from-stdin"), "{stderr}");
}

/// An empty value given on purpose is stored (as the Python CLI does, and a Kubernetes Secret
/// holds): `--value ""`, an empty file, `/dev/null`, empty piped stdin.
#[test]
fn explicit_empty_values_are_stored() {
    let (home, serve) = (Home::new(), Serve::start());
    let file = home.path().join("empty-file");
    std::fs::write(&file, b"").unwrap();
    let cases: [(&str, Vec<std::ffi::OsString>, Option<&str>); 4] = [
        ("e-flag", vec!["--value".into(), "".into()], None),
        ("e-file", vec!["--from-file".into(), file.into()], None),
        (
            "e-null",
            vec!["--from-file".into(), "/dev/null".into()],
            None,
        ),
        ("e-stdin", vec![], Some("")),
    ];
    for (name, args, stdin) in cases {
        let mut cmd = flyte(&home, &serve);
        cmd.args(["create", "secret", name]).args(&args);
        if let Some(input) = stdin {
            cmd.write_stdin(input);
        }
        let out = cmd.output().unwrap();
        assert!(out.status.success(), "{name}: {:?}", texts(&out));
        assert_eq!(
            serve.read_value(name, "", "").as_deref(),
            Some(&b""[..]),
            "{name}"
        );
    }
    // update too
    flyte(&home, &serve)
        .args(["create", "secret", "e-upd", "--value", "was-set-v4lue"])
        .assert()
        .success();
    let out = flyte(&home, &serve)
        .args(["update", "secret", "e-upd", "--from-file", "/dev/null"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "was-set-v4lue");
    assert_eq!(serve.read_value("e-upd", "", "").as_deref(), Some(&b""[..]));
}

/// `--from-file` reads anything that is not a directory as a stream: a FIFO (what `<(cmd)`
/// gives as `/dev/fd/N`).
#[test]
fn from_file_reads_a_fifo() {
    let (home, serve) = (Home::new(), Serve::start());
    let fifo = home.path().join("value.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        // Opening for writing blocks until the CLI opens it for reading.
        std::thread::spawn(move || std::fs::write(&fifo, b"fifo-v4lue-\x00-42").unwrap())
    };
    let out = flyte(&home, &serve)
        .args(["create", "secret", "from-fifo", "--from-file"])
        .arg(&fifo)
        .output()
        .unwrap();
    assert!(out.status.success(), "{:?}", texts(&out));
    assert_not_shown(&out, "fifo-v4lue");
    writer.join().unwrap();
    assert_eq!(
        serve.read_value("from-fifo", "", "").unwrap(),
        b"fifo-v4lue-\x00-42"
    );
}

#[test]
fn from_file_refuses_a_directory_or_a_missing_path() {
    let (home, serve) = (Home::new(), Serve::start());
    let out = flyte(&home, &serve)
        .args(["create", "secret", "d", "--from-file"])
        .arg(home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{:?}", texts(&out));
    assert!(
        texts(&out).1.contains("is a directory"),
        "{:?}",
        texts(&out)
    );
    let out = flyte(&home, &serve)
        .args(["create", "secret", "d", "--from-file", "no-such-file"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{:?}", texts(&out));
    assert!(
        texts(&out).1.contains("file `no-such-file` does not exist"),
        "{:?}",
        texts(&out)
    );
    assert_eq!(serve.read_value("d", "", ""), None);
}

/// A value over the service's 1 MiB limit: the service refuses the declared length and may
/// close before reading the body, so the send fails with a reset or broken pipe. Either way
/// the message is about the value's size, never "is the service running?".
#[test]
fn a_value_over_the_size_limit_is_named_as_such() {
    let (home, serve) = (Home::new(), Serve::start());
    // Incompressible (the client gzips large bodies), 5 MiB.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut value = b"big-v4lue-marker-".to_vec();
    value.resize(5 * 1024 * 1024, 0);
    for b in &mut value[17..] {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let file = home.path().join("big.dat");
    std::fs::write(&file, &value).unwrap();
    // Several runs: whether the answer or the reset arrives first varies.
    for _ in 0..3 {
        let out = flyte(&home, &serve)
            .args(["create", "secret", "big", "--from-file"])
            .arg(&file)
            .output()
            .unwrap();
        let (_, err) = texts(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert_not_shown(&out, "big-v4lue-marker");
        assert!(!err.contains("check that the service is running"), "{err}");
        let refused = err.contains("larger than the limit of 1048576 bytes");
        let cut = err.contains(
            "the service closed the connection while the value of 5.0 MiB (5242880 bytes) was \
             being sent, most likely because the value is over its size limit (1 MiB by default \
             on the local service; a Kubernetes Secret",
        );
        assert!(refused || cut, "{err}");
    }
    assert_eq!(serve.read_value("big", "", ""), None);
}
