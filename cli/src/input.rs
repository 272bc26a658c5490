//! Interactive input: hidden prompts on a terminal, or piped stdin. Behind [`Input`] so the
//! prompt logic is tested with scripted input as well as through a real pseudo-terminal.

use std::io::{self, BufRead, IsTerminal, Read, Write};

use zeroize::Zeroizing;

mod edit;
mod no_echo;

use edit::{Entry, edit_hidden};
use no_echo::NoEcho;

/// Where a command reads what was not given as a flag.
pub(crate) trait Input {
    /// Whether a person is at a terminal (prompt) or input is piped (read stdin).
    fn interactive(&self) -> bool;
    /// A hidden entry on the terminal, without its newline.
    fn hidden(&mut self, prompt: &str) -> io::Result<Zeroizing<String>>;
    /// A visible entry on the terminal, without its newline.
    fn visible(&mut self, prompt: &str) -> io::Result<String>;
    /// All of piped stdin.
    fn read_all(&mut self) -> io::Result<Zeroizing<Vec<u8>>>;
    /// The next line of piped stdin without its line ending, `None` at the end.
    fn read_line(&mut self) -> io::Result<Option<Zeroizing<String>>>;
}

/// The process's terminal and stdin. Prompts go to the terminal (hidden ones to `/dev/tty`,
/// read from it with echo off, put back on every way out: [`NoEcho`]) or stderr, never stdout.
#[derive(Debug)]
pub(crate) struct Console {
    interactive: bool,
}

impl Console {
    pub(crate) fn new() -> Self {
        Console {
            interactive: io::stdin().is_terminal(),
        }
    }
}

impl Input for Console {
    fn interactive(&self) -> bool {
        self.interactive
    }

    fn hidden(&mut self, prompt: &str) -> io::Result<Zeroizing<String>> {
        let tty = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/dev/tty")?;
        (&tty).write_all(format!("{prompt}: ").as_bytes())?;
        let entry = {
            let _quiet = NoEcho::set(&tty)?;
            edit_hidden(&mut &tty, &mut &tty)
        };
        // The Enter (or ^C) typed was not echoed either.
        let _ = (&tty).write_all(b"\n");
        match entry? {
            Entry::Line(line) => Ok(line),
            Entry::Interrupted => Err(io::Error::other(Aborted)),
        }
    }

    fn visible(&mut self, prompt: &str) -> io::Result<String> {
        let mut err = io::stderr().lock();
        write!(err, "{prompt}: ")?;
        err.flush()?;
        let mut line = String::new();
        io::stdin().lock().read_line(&mut line)?;
        Ok(trim_newline(&line).to_owned())
    }

    fn read_all(&mut self) -> io::Result<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(Vec::new());
        io::stdin().lock().read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn read_line(&mut self) -> io::Result<Option<Zeroizing<String>>> {
        let mut line = Zeroizing::new(String::new());
        if io::stdin().lock().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(Zeroizing::new(trim_newline(&line).to_owned())))
    }
}

/// ^C at a hidden prompt: the command stops, `Aborted.` as the Python CLI says.
#[derive(Debug, thiserror::Error)]
#[error("Aborted.")]
pub(crate) struct Aborted;

/// Whether a failed read was ^C at a prompt.
pub(crate) fn is_aborted(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Aborted>())
}

pub(crate) fn trim_newline(s: &str) -> &str {
    s.strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(s)
}

/// Drops one final line ending from piped bytes (`echo value |` adds one).
pub(crate) fn trim_newline_bytes(mut v: Zeroizing<Vec<u8>>) -> Zeroizing<Vec<u8>> {
    if v.last() == Some(&b'\n') {
        v.pop();
        if v.last() == Some(&b'\r') {
            v.pop();
        }
    }
    v
}

/// Scripted input for tests: answers prompts from a reader through the terminal's line
/// editing ([`edit_hidden`]; its bell rings in `shown`), recording every prompt shown.
#[cfg(test)]
#[derive(Debug)]
pub(crate) struct Scripted {
    pub interactive: bool,
    pub input: io::Cursor<Vec<u8>>,
    pub shown: Vec<u8>,
}

#[cfg(test)]
impl Scripted {
    pub(crate) fn new(interactive: bool, input: &str) -> Self {
        Scripted {
            interactive,
            input: io::Cursor::new(input.as_bytes().to_vec()),
            shown: Vec::new(),
        }
    }

    pub(crate) fn shown(&self) -> String {
        String::from_utf8_lossy(&self.shown).into_owned()
    }
}

#[cfg(test)]
impl Input for Scripted {
    fn interactive(&self) -> bool {
        self.interactive
    }
    fn hidden(&mut self, prompt: &str) -> io::Result<Zeroizing<String>> {
        write!(self.shown, "{prompt}: ")?;
        match edit_hidden(&mut self.input, &mut self.shown)? {
            Entry::Line(line) => Ok(line),
            Entry::Interrupted => Err(io::Error::other(Aborted)),
        }
    }
    fn visible(&mut self, prompt: &str) -> io::Result<String> {
        write!(self.shown, "{prompt}: ")?;
        let mut line = String::new();
        self.input.read_line(&mut line)?;
        Ok(trim_newline(&line).to_owned())
    }
    fn read_all(&mut self) -> io::Result<Zeroizing<Vec<u8>>> {
        let mut buf = Zeroizing::new(Vec::new());
        self.input.read_to_end(&mut buf)?;
        Ok(buf)
    }
    fn read_line(&mut self) -> io::Result<Option<Zeroizing<String>>> {
        let mut line = String::new();
        if self.input.read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(Zeroizing::new(trim_newline(&line).to_owned())))
    }
}
