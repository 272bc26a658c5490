//! One module per command group.

pub(crate) mod auth;
pub(crate) mod check;
pub(crate) mod run;
pub(crate) mod secret;

use clap::CommandFactory;

use crate::args::{Cli, CompletionArgs};

/// `flyte completion SHELL`: the script on stdout. A closed pipe (`| head`) is not an error.
pub(crate) fn completion(args: &CompletionArgs) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut cmd = Cli::command();
    // clap_complete panics on a failed write: generate in memory, then write.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "flyte", &mut script);
    let mut out = std::io::stdout().lock();
    match out.write_all(&script).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r,
    }
}
