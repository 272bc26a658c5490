//! Asking a person to log in: [`LoginPrompt`], and the default [`SystemBrowser`] (`$BROWSER`,
//! else the platform's opener; the URL printed when none opens).

use std::fmt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Where the device flow's code is entered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeviceCode {
    /// The page to open (on any device).
    pub verification_uri: String,
    /// The same page with the code filled in, when the provider gives one.
    pub verification_uri_complete: Option<String>,
    /// The code to enter there. Short-lived, and useless without the person approving.
    pub user_code: String,
    /// How long the code stays valid.
    pub expires_in: Duration,
}

/// How a person is asked to log in. The default is [`SystemBrowser`]; tests and GUIs plug in
/// their own with [`ClientBuilder::login_prompt`](crate::remote::ClientBuilder::login_prompt).
/// Called off the async runtime's worker threads, so implementations may block briefly.
pub trait LoginPrompt: Send + Sync + fmt::Debug {
    /// PKCE: open (or show) `url`, where the browser logs in and is sent back to this client.
    fn open(&self, url: &str);
    /// Device flow: show where to enter the code.
    fn device_code(&self, code: &DeviceCode);
    /// Why nobody can be asked to log in in a browser here, if so: the PKCE flow then fails at
    /// once instead of waiting out its deadline. The default: someone can.
    fn unattended(&self) -> Option<String> {
        None
    }
}

/// Opens the login page with `$BROWSER` (a `:`-separated list of commands; `%s` stands for
/// the URL, else it is the last argument), else `xdg-open` / `open` / the Windows URL
/// handler, and prints the URL on stderr when none opens. Device codes go to stderr.
#[derive(Debug, Clone, Default)]
pub struct SystemBrowser {
    _private: (),
}

impl SystemBrowser {
    /// `$BROWSER`, else the platform's opener, else the URL printed on stderr.
    pub fn new() -> Self {
        SystemBrowser::default()
    }
}

/// How long an opener may take to say whether it worked. One still running then is taken as
/// a browser in the foreground: opened.
const OPENER_WAIT: Duration = Duration::from_secs(5);

/// Commands to try, each a program and its arguments, the URL in place.
fn openers(url: &str, browser_env: Option<&str>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    if let Some(list) = browser_env.filter(|b| !b.trim().is_empty()) {
        for entry in list.split(':').filter(|e| !e.trim().is_empty()) {
            let mut words: Vec<String> = entry.split_whitespace().map(str::to_owned).collect();
            if words.iter().any(|w| w.contains("%s")) {
                for w in &mut words {
                    *w = w.replace("%s", url);
                }
            } else {
                words.push(url.to_owned());
            }
            out.push(words);
        }
        return out;
    }
    let platform: &[&str] = if cfg!(target_os = "macos") {
        &["open"]
    } else if cfg!(windows) {
        &["rundll32", "url.dll,FileProtocolHandler"]
    } else {
        &["xdg-open"]
    };
    let mut words: Vec<String> = platform.iter().map(|s| s.to_string()).collect();
    words.push(url.to_owned());
    out.push(words);
    out
}

/// Runs one opener: exit 0, or still running after [`OPENER_WAIT`], counts as opened.
fn try_open(words: &[String]) -> bool {
    let Some((program, args)) = words.split_first() else {
        return false;
    };
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let Ok(mut child) = child else {
        return false;
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return status.success(),
            Ok(None) if start.elapsed() >= OPENER_WAIT => {
                // Reap it whenever it ends.
                std::thread::spawn(move || child.wait());
                return true;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(_) => return false,
        }
    }
}

/// Why no one can see a PKCE login, given `$BROWSER`, whether a display is set (always on
/// macOS and Windows, whose openers need none) and whether stderr (where the link goes) is a
/// terminal.
fn unattended(browser_env: Option<&str>, display: bool, stderr_terminal: bool) -> Option<String> {
    let browser = browser_env.is_some_and(|b| !b.trim().is_empty());
    if browser || display || stderr_terminal {
        return None;
    }
    Some(
        "no browser can be opened (no $BROWSER, no DISPLAY or WAYLAND_DISPLAY) and stderr is not \
         a terminal, so nobody would see the login link"
            .into(),
    )
}

impl LoginPrompt for SystemBrowser {
    fn unattended(&self) -> Option<String> {
        let set = |v: &str| std::env::var_os(v).is_some_and(|v| !v.is_empty());
        let display =
            !cfg!(unix) || cfg!(target_os = "macos") || set("DISPLAY") || set("WAYLAND_DISPLAY");
        unattended(
            std::env::var("BROWSER").ok().as_deref(),
            display,
            std::io::IsTerminal::is_terminal(&std::io::stderr()),
        )
    }

    fn open(&self, url: &str) {
        let browser = std::env::var("BROWSER").ok();
        let opened = openers(url, browser.as_deref())
            .iter()
            .any(|words| try_open(words));
        if opened {
            eprintln!("Opened the login page in your browser; waiting for the login to finish.");
        } else {
            eprintln!("Open this link in your browser to log in:\n  {url}");
        }
    }

    fn device_code(&self, code: &DeviceCode) {
        let url = code
            .verification_uri_complete
            .as_deref()
            .unwrap_or(&code.verification_uri);
        eprintln!(
            "To log in, open {url} and enter the code {} (valid for {} s).",
            code.user_code,
            code.expires_in.as_secs()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_env_is_a_list_with_optional_placeholder() {
        let got = openers("http://x/a?b=1", Some("firefox --new-tab %s:lynx"));
        assert_eq!(
            got,
            vec![
                vec!["firefox", "--new-tab", "http://x/a?b=1"],
                vec!["lynx", "http://x/a?b=1"]
            ]
        );
        assert_eq!(
            openers("u", Some("  ")).len(),
            1,
            "blank means the platform's"
        );
    }

    #[test]
    fn unattended_only_without_browser_display_and_terminal() {
        assert!(unattended(None, false, false).is_some());
        assert!(unattended(Some(" "), false, false).is_some());
        assert!(unattended(Some("false"), false, false).is_none());
        assert!(unattended(None, true, false).is_none());
        assert!(unattended(None, false, true).is_none());
    }

    #[test]
    fn a_failing_or_missing_opener_is_not_opened() {
        assert!(!try_open(&["false".into()]));
        assert!(!try_open(&["/nonexistent/browser".into(), "u".into()]));
        assert!(try_open(&["true".into()]));
    }
}
