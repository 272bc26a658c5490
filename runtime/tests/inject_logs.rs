//! No secret value reaches the logs: every resolution path runs under a TRACE subscriber that
//! writes into a buffer, which is then searched for the values used.

use std::io::Write;
use std::sync::{Arc, Mutex};

use flyte::sources::{DotenvSource, MapSource, Resolver};
use flyte::{Secret, task};

#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Write for Buffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[task(secrets = ["log-env", Secret(key = "log-file", mount = "/etc/flyte/secrets")])]
fn logged_task() -> Result<usize, flyte::Error> {
    Ok(flyte::current::secrets()?.len())
}

#[task(secrets = ["log-env", "log-absent"])]
fn logged_missing() -> Result<(), flyte::Error> {
    Ok(())
}

#[test]
fn values_never_appear_in_logs() {
    const ENV_VALUE: &str = "LOGGED-ENV-VALUE-3b1d";
    const FILE_VALUE: &str = "LOGGED-FILE-VALUE-77aa";
    let buffer = Buffer::default();
    let writer = buffer.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    tracing::subscriber::with_default(subscriber, || {
        let dir = tempfile::tempdir().unwrap();
        let dotenv = dir.path().join("s.env");
        std::fs::write(
            &dotenv,
            format!("log-file={FILE_VALUE}\nbroken line {ENV_VALUE}\n"),
        )
        .unwrap();
        let good = Resolver::new().with(
            MapSource::new()
                .with("log-env", ENV_VALUE)
                .with("log-file", FILE_VALUE),
        );
        assert_eq!(good.run(logged_task).unwrap(), 2);
        let missing = Resolver::new().with(MapSource::new().with("log-env", ENV_VALUE));
        let err = missing.run(logged_missing).unwrap_err();
        assert!(!err.to_string().contains(ENV_VALUE));
        // A dotenv file that fails to parse: the error names the line, not its text.
        let broken = Resolver::new().with(DotenvSource::new(&dotenv));
        let err = broken.run(logged_task).unwrap_err();
        // The line is in the cause (the parser's error), not repeated in the message.
        let cause = std::error::Error::source(&err).expect("the parse error");
        let shown = format!("{err}: {cause} {err:?}");
        assert!(cause.to_string().starts_with("line 2:"), "{shown}");
        assert!(
            !shown.contains(ENV_VALUE) && !shown.contains(FILE_VALUE),
            "{shown}"
        );
    });
    let logs = String::from_utf8(buffer.0.lock().unwrap().clone()).unwrap();
    assert!(
        logs.contains("secret resolved"),
        "the test must see the resolution logs:\n{logs}"
    );
    assert!(logs.contains("log-absent"), "{logs}");
    assert!(!logs.contains(ENV_VALUE), "{logs}");
    assert!(!logs.contains(FILE_VALUE), "{logs}");
}
