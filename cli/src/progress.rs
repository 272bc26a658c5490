//! A spinner on stderr for listings, only when stderr is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner that shows how many items arrived; hidden unless stderr is a terminal and
/// `--no-progress` is not given. Cleared when dropped.
#[derive(Debug)]
pub(crate) struct Spinner(ProgressBar);

impl Spinner {
    pub(crate) fn new(message: &str, enabled: bool) -> Spinner {
        if !enabled || !std::io::stderr().is_terminal() {
            return Spinner(ProgressBar::with_draw_target(
                None,
                ProgressDrawTarget::hidden(),
            ));
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        // Plain characters and no color codes, so NO_COLOR has nothing to turn off.
        let style = ProgressStyle::with_template("{spinner} {msg} ({pos} so far, {elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_spinner())
            .tick_chars("|/-\\ ");
        bar.set_style(style);
        bar.set_message(message.to_owned());
        // Draw the first frame now, then keep it turning from a ticker thread.
        bar.tick();
        bar.enable_steady_tick(Duration::from_millis(120));
        Spinner(bar)
    }

    pub(crate) fn inc(&self) {
        self.0.inc(1);
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
