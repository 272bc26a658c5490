//! The `ExternalCommand` flow: run `admin.command` and take what it prints as the token.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::AsyncReadExt as _;
use zeroize::Zeroizing;

use crate::remote::error::TokenError;

/// More than any token; a command printing more is not printing a token.
const MAX_OUTPUT: u64 = 64 << 10;

/// Runs `command` (stdin closed, stderr passed through so its own diagnostics reach the
/// person) and returns its trimmed stdout.
pub(super) async fn token(
    command: &[String],
    timeout: Duration,
) -> Result<Zeroizing<String>, TokenError> {
    let shown = command.join(" ");
    let fail = |problem: String| TokenError::Command {
        command: shown.clone(),
        problem,
    };
    let (program, args) = command
        .split_first()
        .ok_or_else(|| fail("is empty (admin.command)".into()))?;
    let mut child = tokio::process::Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| fail(format!("could not start ({e})")))?;
    let mut stdout = child.stdout.take().expect("piped");
    let mut out = Zeroizing::new(Vec::with_capacity(4096));
    let run = async {
        (&mut stdout)
            .take(MAX_OUTPUT + 1)
            .read_to_end(&mut out)
            .await?;
        child.wait().await
    };
    let status = match tokio::time::timeout(timeout, run).await {
        Ok(Ok(status)) => status,
        Ok(Err(e)) => return Err(fail(format!("failed ({e})"))),
        Err(_) => return Err(fail(format!("did not finish within {timeout:?}"))),
    };
    if !status.success() {
        return Err(fail(format!("exited with {status}")));
    }
    if out.len() as u64 > MAX_OUTPUT {
        return Err(fail("printed more than a token".into()));
    }
    let text =
        std::str::from_utf8(&out).map_err(|_| fail("printed something that is not text".into()))?;
    let token = text.trim();
    if token.is_empty() {
        return Err(fail("printed no token".into()));
    }
    if !token.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(fail("printed something that is not a single token".into()));
    }
    Ok(Zeroizing::new(token.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["sh".into(), "-c".into(), script.into()]
    }

    #[tokio::test]
    async fn the_trimmed_output_is_the_token_and_failures_never_show_it() {
        let t = token(&sh("printf '  tok-123\\n'"), Duration::from_secs(5))
            .await
            .unwrap();
        assert_eq!(t.as_str(), "tok-123");
        for (script, want) in [
            ("echo leaked-value; exit 3", "exited with"),
            ("true", "printed no token"),
            ("echo two words", "not a single token"),
            ("sleep 5", "did not finish"),
        ] {
            let err = token(&sh(script), Duration::from_millis(500))
                .await
                .unwrap_err()
                .to_string();
            assert!(err.contains(want), "{script}: {err}");
            assert!(
                !err.contains("leaked-value") || err.contains("echo leaked-value"),
                "{err}"
            );
        }
        let err = token(&["/nonexistent/cmd".into()], Duration::from_secs(1))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("could not start"), "{err}");
        assert!(token(&[], Duration::from_secs(1)).await.is_err());
    }
}
