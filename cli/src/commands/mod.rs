//! One module per command group.

pub mod auth;
pub mod check;
pub mod run;
pub mod secret;

use clap::CommandFactory;

use crate::args::{Cli, CompletionArgs};

/// `flyte completion SHELL`: the script on stdout.
pub fn completion(args: &CompletionArgs) {
    let mut cmd = Cli::command();
    clap_complete::generate(args.shell, &mut cmd, "flyte", &mut std::io::stdout());
}
