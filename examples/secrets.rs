//! The main job: five tasks, each run as its own process with its secrets injected; the last
//! takes inputs and prints its output as JSON.
//!
//! ```text
//! cargo run --example secrets
//! ```
//!
//! With no arguments this program is the driver. With no endpoint configured, the client uses
//! the local default: the local secret service (SQLite, encrypted at rest), started in-process
//! on a loopback port, here over a temporary data dir. It creates the demo secrets through `flyte::remote::Secret`, then launches itself once per
//! task (`secrets run TASK`) through `flyte::launch::Launcher`, which reads the values from
//! the service. Each task prints what it saw, masked. `secrets list` prints the tasks and
//! their secrets as JSON.

use std::process::ExitCode;

use flyte::launch::Launcher;
use flyte::sources::remote::ServiceSource;
use flyte::sources::{ProcessSource, Resolver};
use flyte::{Secret, task};

/// Shows a value as its length only: no part of a secret belongs in a log.
fn masked(value: &str) -> String {
    format!("{} chars", value.chars().count())
}

// Runs as its own process, where the env var is injected: the read is deliberate.
#[allow(deprecated)]
#[task(secrets = "my-secret")]
fn secret_task() {
    let value = std::env::var("MY_SECRET").expect("MY_SECRET is injected");
    println!("secret_task: env MY_SECRET = [{}]", masked(&value));
}

// Runs as its own process, where the env var is injected: the read is deliberate.
#[allow(deprecated)]
#[task(secrets = Secret(key = "api-key", as_env_var = "OPENAI_API_KEY"))]
fn custom_env_task() {
    let value = std::env::var("OPENAI_API_KEY").expect("OPENAI_API_KEY is injected");
    println!("custom_env_task: env OPENAI_API_KEY = [{}]", masked(&value));
}

#[task(secrets = Secret(key = "config", mount = "/etc/flyte/secrets"))]
fn file_secret_task() {
    // The accessor gives the real path: /etc/flyte/secrets/config where that is writable
    // (root, containers, clusters), else the documented override directory.
    let secret = flyte::secret!("config").expect("declared above");
    let path = secret.path().expect("a file secret has a path");
    let value = std::fs::read_to_string(path).expect("the secret file is readable");
    println!(
        "file_secret_task: file {} = [{}]",
        path.display(),
        masked(&value)
    );
}

// Runs as its own process, where the env var is injected: the read is deliberate.
#[allow(deprecated)]
#[task(secrets = ["db-password", Secret(key = "token", group = "github"), Secret(key = "tls-key", mount = "/etc/flyte/secrets")])]
async fn many_secrets_task() -> Result<(), flyte::Error> {
    let db = std::env::var("DB_PASSWORD").expect("DB_PASSWORD is injected");
    let token = flyte::secret!("token", group = "github")?;
    let tls = flyte::secret!("tls-key")?;
    tokio_yield().await;
    println!("many_secrets_task: env DB_PASSWORD = [{}]", masked(&db));
    println!(
        "many_secrets_task: env {} = [{}]",
        token.env_var().unwrap_or("?"),
        masked(token.expose_str().unwrap_or(""))
    );
    println!(
        "many_secrets_task: file {} = [{}]",
        tls.path()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
        masked(tls.expose_str().unwrap_or(""))
    );
    Ok(())
}

/// Inputs from the command line and a JSON output:
/// `secrets run word_count --text "to be or not" --min-len 2`.
#[task(secrets = "my-secret")]
fn word_count(text: String, min_len: Option<usize>) -> Result<Counted, String> {
    let min_len = min_len.unwrap_or(1);
    if min_len == 0 {
        return Err("min_len must be at least 1".into());
    }
    let token = flyte::secret!("my-secret").map_err(|e| e.to_string())?;
    let words = text.split_whitespace().filter(|w| w.len() >= min_len);
    Ok(Counted {
        words: words.count(),
        secret_chars: token.expose().len(),
    })
}

#[derive(serde::Serialize)]
struct Counted {
    words: usize,
    secret_chars: usize,
}

/// An await point, to show the secrets stay with the task across polls.
async fn tokio_yield() {
    std::future::ready(()).await;
}

/// Demo values: (name on the secret service, value). A secret is stored under its key, the
/// group left out, because that is how a Flyte cluster looks it up (see
/// `flyte::sources::remote`).
const DEMO_SECRETS: [(&str, &str); 6] = [
    ("my-secret", "s3cr3t-value-for-my-secret"),
    ("api-key", "sk-demo-0123456789"),
    ("config", "[server]\nport = 8080\n"),
    ("db-password", "correct-horse-battery-staple"),
    ("token", "ghp_demo_token"),
    ("tls-key", "-----BEGIN DEMO KEY-----"),
];

const TASKS: [&str; 5] = [
    "secret_task",
    "custom_env_task",
    "file_secret_task",
    "many_secrets_task",
    "word_count",
];

/// The local default: with no endpoint configured, the client runs the local secret service
/// in-process (here on a temporary data dir instead of the user's). Secrets are created the
/// way a user would, through the remote API; the launcher reads them back through the same
/// client (the service's inject token is picked up from its data dir).
fn local_service(
    data_dir: &std::path::Path,
) -> Result<(flyte::remote::Client, Launcher), Box<dyn std::error::Error>> {
    let config = flyte::Config::builder()
        .local_data_dir(data_dir)
        .project("demo")
        .domain("development")
        .no_file_search()
        .no_env()
        .build()?;
    flyte::init(config)?;
    for (name, value) in DEMO_SECRETS {
        flyte::remote::blocking::Secret::create(name, value)?;
    }
    let client = flyte::remote::client()?;
    let resolver = Resolver::new()
        .with(ProcessSource::from_env())
        .with(ServiceSource::new(client.clone()));
    let launcher = Launcher::new(std::env::current_exe()?).resolver(resolver);
    Ok((client, launcher))
}

/// An error and its causes on one line (`flyte`'s errors keep their cause in `source()`, as
/// `anyhow`'s `{:#}` would print them).
fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text = format!("{text}: {c}");
        cause = c.source();
    }
    text
}

#[flyte::main]
fn main() -> ExitCode {
    let data_dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .expect("a temporary directory");
    let (client, launcher) = match local_service(data_dir.path()) {
        Ok(pair) => pair,
        Err(e) => {
            eprintln!(
                "cannot start the local secret service: {}",
                with_causes(&*e)
            );
            return ExitCode::FAILURE;
        }
    };
    println!(
        "local secret service on {} with {} secrets",
        client.endpoint(),
        DEMO_SECRETS.len()
    );
    let mut failed = 0;
    let word_count = launcher
        .clone()
        .args(["--text", "to be or not to be", "--min-len", "2"]);
    for task in TASKS {
        let launcher = if task == "word_count" {
            &word_count
        } else {
            &launcher
        };
        match launcher.run(task) {
            Ok(status) if status.success() => {}
            Ok(status) => {
                eprintln!("{task}: exited with {status}");
                failed += 1;
            }
            Err(e) => {
                eprintln!("{task}: {}", with_causes(&e));
                failed += 1;
            }
        }
    }
    drop((launcher, word_count, client));
    if failed == 0 {
        println!("all {} tasks ran with their secrets", TASKS.len());
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
