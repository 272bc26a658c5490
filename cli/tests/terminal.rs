//! Behaviour on a real terminal, through a pseudo-terminal made by util-linux `script`: the
//! hidden prompt (the value typed is never echoed or printed; its editing keys; the terminal
//! put back after ^C, SIGTERM and SIGHUP), the image-pull prompts, and colors with and without `NO_COLOR`.

use crate::support;

use std::io::{Read, Write};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flyte_test_backends::needs;
use support::{Home, Serve, texts};

/// Single-quotes for `sh -c`.
fn quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `flyte ARGS`, quoted for `sh -c`.
fn flyte_line(args: &[&str]) -> String {
    let mut line = quote(support::flyte_exe().to_str().unwrap());
    for a in args {
        line.push(' ');
        line.push_str(&quote(a));
    }
    line
}

/// The signals the prompt catches, back at their default action in `cmd`'s process. A
/// signal ignored on entry stays ignored across `exec`, and flyte rightly leaves such a one
/// alone (`nohup` ignores SIGHUP; a shell's background job ignores SIGINT and SIGQUIT), so a
/// test run from either would otherwise see no signal arrive.
#[allow(unsafe_code)]
fn default_signals(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: the closure runs in the forked child before `exec` and calls only `signal`,
    // which is async-signal-safe; it touches no memory of the parent's.
    unsafe {
        cmd.pre_exec(|| {
            for signal in [libc::SIGHUP, libc::SIGINT, libc::SIGQUIT, libc::SIGTERM] {
                libc::signal(signal, libc::SIG_DFL);
            }
            Ok(())
        });
    }
}

/// `flyte ARGS` on a pseudo-terminal; answers each prompt once it is shown.
struct Pty {
    child: Child,
    seen: Arc<Mutex<Vec<u8>>>,
}

impl Pty {
    /// The tests that call this say `#[needs(script)]`.
    fn spawn(home: &Home, args: &[&str], env: &[(&str, &str)]) -> Pty {
        Pty::spawn_shell(home, &flyte_line(args), env)
    }

    /// A shell command line on the pseudo-terminal.
    fn spawn_shell(home: &Home, line: &str, env: &[(&str, &str)]) -> Pty {
        let mut cmd = home.command("script");
        cmd.args(["-q", "-e", "-f", "-c", line, "/dev/null"]);
        default_signals(&mut cmd);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (mut out, sink) = (child.stdout.take().unwrap(), Arc::clone(&seen));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = out.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        Pty { child, seen }
    }

    fn transcript(&self) -> String {
        String::from_utf8_lossy(&self.seen.lock().unwrap()).into_owned()
    }

    /// Waits for `prompt` to appear after `from` bytes, then types `answer` and Enter.
    fn answer(&mut self, prompt: &str, answer: &str) {
        self.keys(prompt, format!("{answer}\r").as_bytes());
    }

    /// Waits for `prompt`, then types `keys` as they are.
    fn keys(&mut self, prompt: &str, keys: &[u8]) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.transcript().contains(prompt) {
            assert!(
                Instant::now() < deadline,
                "prompt `{prompt}` never shown: {:?}",
                self.transcript()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        // Let the program switch the terminal to no-echo after printing the prompt, as a
        // person's typing would.
        std::thread::sleep(Duration::from_millis(400));
        let stdin = self.child.stdin.as_mut().unwrap();
        stdin.write_all(keys).unwrap();
        stdin.flush().unwrap();
    }

    /// Waits for the program to end; its exit code and everything the terminal showed.
    fn finish(mut self) -> (Option<i32>, String) {
        let deadline = Instant::now() + Duration::from_secs(30);
        let status = loop {
            if let Some(s) = self.child.try_wait().unwrap() {
                break s;
            }
            assert!(
                Instant::now() < deadline,
                "flyte did not finish: {:?}",
                self.transcript()
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        drop(self.child.stdin.take());
        std::thread::sleep(Duration::from_millis(100));
        (status.code(), self.transcript())
    }
}

#[needs(script)]
#[test]
fn hidden_prompt_on_a_terminal_never_echoes_the_value() {
    let (home, serve) = (Home::new(), Serve::start());
    let mut pty = Pty::spawn(
        &home,
        &["--endpoint", &serve.url, "create", "secret", "typed"],
        &[],
    );
    pty.answer("Enter secret value: ", "typed-v4lue-31337");
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0), "{shown:?}");
    assert!(
        !shown.contains("typed-v4lue"),
        "the typed value was echoed or printed: {shown:?}"
    );
    assert!(shown.contains("Created secret `typed`"), "{shown:?}");
    assert_eq!(
        serve.read_value("typed", "", "").unwrap(),
        b"typed-v4lue-31337"
    );
}

/// ^C at the hidden prompt: `Aborted.`, exit 130, and the terminal as it was (echo on),
/// which `stty -a` run on the same terminal afterwards shows.
#[needs(script)]
#[test]
fn ctrl_c_at_the_hidden_prompt_restores_the_terminal() {
    let (home, serve) = (Home::new(), Serve::start());
    let flyte = flyte_line(&["--endpoint", &serve.url, "create", "secret", "interrupted"]);
    let line = format!("stty echo; {flyte}; echo \"rc=$?\"; stty -a");
    let mut pty = Pty::spawn_shell(&home, &line, &[]);
    pty.keys("Enter secret value: ", b"half-typ3d-v4lue\x03");
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0), "{shown:?}");
    assert!(shown.contains("Aborted."), "{shown:?}");
    assert!(shown.contains("rc=130"), "{shown:?}");
    assert_terminal_restored(&shown, "rc=130");
    assert!(!shown.contains("half-typ3d"), "{shown:?}");
    assert_eq!(serve.read_value("interrupted", "", ""), None);
}

/// Whether `stty -a` (printed after `after` in `shown`) lists echo, line editing and signal
/// keys as on.
fn assert_terminal_restored(shown: &str, after: &str) {
    let after = &shown[shown.find(after).unwrap()..];
    let words: Vec<&str> = after
        .split(|c: char| c == ';' || c.is_whitespace())
        .collect();
    for mode in ["echo", "icanon", "isig"] {
        assert!(words.contains(&mode), "`{mode}` not back on: {after:?}");
    }
}

/// `signal` sent by another process while the hidden prompt waits: the terminal is put back
/// and the process ends as that signal ends it (a shell reports 128 + its number).
fn signal_at_the_hidden_prompt(signal: rustix::process::Signal, status: i32) {
    let (home, serve) = (Home::new(), Serve::start());
    let flyte = flyte_line(&["--endpoint", &serve.url, "create", "secret", "signalled"]);
    // `exec` after printing its pid: the process signalled is flyte itself.
    let line = format!(
        "stty echo; sh -c 'echo \"pid=$$\"; exec \"$0\" \"$@\"' {flyte}; echo \"rc=$?\"; stty -a"
    );
    let mut pty = Pty::spawn_shell(&home, &line, &[]);
    pty.keys("Enter secret value: ", b"half-typ3d-v4lue");
    let shown = pty.transcript();
    let pid: i32 = shown
        .split("pid=")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|pid| pid.parse().ok())
        .unwrap_or_else(|| panic!("no pid: {shown:?}"));
    // Let the keys be read, as they would be before a signal came.
    std::thread::sleep(Duration::from_millis(300));
    let pid = rustix::process::Pid::from_raw(pid).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0), "{shown:?}");
    let rc = format!("rc={status}");
    assert!(shown.contains(&rc), "{shown:?}");
    assert_terminal_restored(&shown, &rc);
    assert!(!shown.contains("half-typ3d"), "{shown:?}");
    assert_eq!(serve.read_value("signalled", "", ""), None);
}

#[needs(script)]
#[test]
fn sigterm_at_the_hidden_prompt_restores_the_terminal() {
    signal_at_the_hidden_prompt(rustix::process::Signal::TERM, 143);
}

#[needs(script)]
#[test]
fn sighup_at_the_hidden_prompt_restores_the_terminal() {
    signal_at_the_hidden_prompt(rustix::process::Signal::HUP, 129);
}

/// `kill -QUIT` (the key sends none while the prompt waits); 131 whether or not a core is
/// dumped.
#[needs(script)]
#[test]
fn sigquit_at_the_hidden_prompt_restores_the_terminal() {
    signal_at_the_hidden_prompt(rustix::process::Signal::QUIT, 131);
}

/// `keys` typed at the hidden prompt of `flyte create secret NAME`: the value stored (`None`
/// for none) and what the terminal showed, which never holds `secret`.
fn stored_after_keys(name: &str, keys: &[u8], secret: &str) -> (Option<Vec<u8>>, String) {
    let (home, serve) = (Home::new(), Serve::start());
    let mut pty = Pty::spawn(
        &home,
        &["--endpoint", &serve.url, "create", "secret", name],
        &[],
    );
    pty.keys("Enter secret value: ", keys);
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0), "{shown:?}");
    assert!(!shown.contains(secret), "{shown:?}");
    (serve.read_value(name, "", ""), shown)
}

/// ^U erases the line and ^W the word before the cursor, as the terminal's own editing.
#[needs(script)]
#[test]
fn ctrl_u_and_ctrl_w_at_the_hidden_prompt_erase() {
    let keys = b"junk-v4lue\x15k3ep-this typ0\x17s3cond\r";
    let (value, _) = stored_after_keys("erased", keys, "k3ep-this");
    assert_eq!(value.as_deref(), Some(&b"k3ep-this s3cond"[..]));
}

/// ^D after text ends the entry as with Python's getpass: the first hands the text over,
/// the second (nothing new on the line) ends it.
#[needs(script)]
#[test]
fn ctrl_d_after_text_ends_the_hidden_entry() {
    let (value, _) = stored_after_keys("ended", b"d0ne-v4lue\x04\x04", "d0ne-v4lue");
    assert_eq!(value.as_deref(), Some(&b"d0ne-v4lue"[..]));
}

/// ^Z, ^\, other control keys and an arrow key ring the bell and are not stored.
#[needs(script)]
#[test]
fn control_keys_at_the_hidden_prompt_are_not_stored() {
    let keys = b"ab\x1a\x1cc\x00d\x1b[Ae\x02f\r";
    let (value, shown) = stored_after_keys("controls", keys, "abcdef");
    assert_eq!(value.as_deref(), Some(&b"abcdef"[..]));
    assert!(shown.contains('\x07'), "no bell: {shown:?}");
}

/// Enter alone at the prompt is most likely an accident: refused, with how to store an empty
/// value on purpose.
#[needs(script)]
#[test]
fn an_empty_answer_at_the_prompt_is_refused() {
    let (home, serve) = (Home::new(), Serve::start());
    let mut pty = Pty::spawn(
        &home,
        &["--endpoint", &serve.url, "create", "secret", "blank"],
        &[("NO_COLOR", "1")],
    );
    pty.answer("Enter secret value: ", "");
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(1), "{shown:?}");
    assert!(
        shown.contains("error: no value entered for secret `blank` at the prompt")
            && shown.contains("pass `--value ''` or `--from-file /dev/null`"),
        "{shown:?}"
    );
    assert_eq!(serve.read_value("blank", "", ""), None);
}

#[needs(script)]
#[test]
fn image_pull_prompts_hide_only_the_password() {
    use base64::Engine as _;
    let (home, serve) = (Home::new(), Serve::start());
    let args = [
        "--endpoint",
        &serve.url,
        "create",
        "secret",
        "regcreds",
        "--type",
        "image_pull",
    ];
    let mut pty = Pty::spawn(&home, &args, &[]);
    pty.answer("Registry (e.g., ghcr.io, docker.io): ", "ghcr.io");
    pty.answer("Username: ", "octocat");
    pty.answer("Password: ", "pw-t0p-s3cret");
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0), "{shown:?}");
    assert!(!shown.contains("pw-t0p-s3cret"), "{shown:?}");
    let auth = base64::engine::general_purpose::STANDARD.encode("octocat:pw-t0p-s3cret");
    let expected = format!(r#"{{"auths": {{"ghcr.io": {{"auth": "{auth}"}}}}}}"#);
    assert_eq!(
        String::from_utf8(serve.read_value("regcreds", "", "").unwrap()).unwrap(),
        expected
    );
    assert!(!shown.contains(&auth), "{shown:?}");

    // --registry and --username given: only the password is asked for.
    let args = [
        "--endpoint",
        &serve.url,
        "create",
        "secret",
        "r2",
        "--type",
        "image_pull",
        "--registry",
        "quay.io",
        "--username",
        "me",
    ];
    let mut pty = Pty::spawn(&home, &args, &[]);
    pty.answer("Password: ", "second-pw-999");
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0), "{shown:?}");
    assert!(
        !shown.contains("Username") && !shown.contains("second-pw-999"),
        "{shown:?}"
    );
}

/// SGR (color/style) escape sequences; cursor movement of the spinner is not color.
fn has_color(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find("\x1b[") {
        let tail = &rest[i + 2..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == ';'))
            .unwrap_or(tail.len());
        if tail[end..].starts_with('m') {
            return true;
        }
        rest = tail;
    }
    false
}

#[needs(script)]
#[test]
fn colors_on_a_terminal_unless_no_color() {
    let (home, serve) = (Home::new(), Serve::start());
    home.flyte()
        .args([
            "--endpoint",
            &serve.url,
            "create",
            "secret",
            "c",
            "--value",
            "v",
        ])
        .assert()
        .success();
    let pty = Pty::spawn(&home, &["--endpoint", &serve.url, "get", "secret"], &[]);
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0));
    assert!(has_color(&shown) && shown.contains("Project"), "{shown:?}");

    let pty = Pty::spawn(
        &home,
        &["--endpoint", &serve.url, "get", "secret"],
        &[("NO_COLOR", "1")],
    );
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0));
    assert!(!has_color(&shown) && shown.contains("Project"), "{shown:?}");

    // Errors: a red label on a terminal, plain with NO_COLOR.
    let pty = Pty::spawn(
        &home,
        &["--endpoint", &serve.url, "get", "secret", "nope"],
        &[],
    );
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(1));
    assert!(shown.contains("\x1b[1;31merror:"), "{shown:?}");
    let pty = Pty::spawn(
        &home,
        &["--endpoint", &serve.url, "get", "secret", "nope"],
        &[("NO_COLOR", "1")],
    );
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(1));
    assert!(
        !has_color(&shown) && shown.contains("error: get secret `nope`"),
        "{shown:?}"
    );
}

#[test]
fn nothing_on_stderr_when_piped() {
    // No spinner, prompt or color when stderr and stdout are not terminals.
    let (home, serve) = (Home::new(), Serve::start());
    let out = home
        .flyte()
        .args(["--endpoint", &serve.url, "get", "secret"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let (stdout, stderr) = texts(&out);
    assert_eq!(stderr, "");
    assert!(!has_color(&stdout));
}

#[needs(script)]
#[test]
fn spinner_on_a_terminal_only_and_not_with_no_progress() {
    let (home, serve) = (Home::new(), Serve::start());
    for i in 0..3 {
        home.flyte()
            .args([
                "--endpoint",
                &serve.url,
                "create",
                "secret",
                &format!("p{i}"),
                "--value",
                "v",
            ])
            .assert()
            .success();
    }
    let list = [
        "--endpoint",
        &serve.url,
        "get",
        "secret",
        "--page-size",
        "1",
        "-o",
        "json-raw",
    ];
    let pty = Pty::spawn(&home, &list, &[("TERM", "xterm")]);
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0));
    assert!(
        shown.contains("Listing secrets") && shown.contains("\"p2\""),
        "{shown:?}"
    );

    let mut quiet = vec!["--no-progress"];
    quiet.extend_from_slice(&list);
    let pty = Pty::spawn(&home, &quiet, &[("TERM", "xterm")]);
    let (code, shown) = pty.finish();
    assert_eq!(code, Some(0));
    assert!(
        !shown.contains("Listing secrets") && shown.contains("\"p2\""),
        "{shown:?}"
    );
}
