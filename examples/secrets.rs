//! The main job: four tasks, each run as its own process with its secrets injected.
//!
//! ```text
//! cargo run --example secrets
//! ```
//!
//! With no arguments this program is the driver: it puts demo values into the embedded
//! default source, then launches itself once per task (`secrets run TASK`) through
//! `flyte::launch::Launcher`. Each task prints what it saw, masked. `secrets list` prints
//! the tasks and their secrets as JSON.

use flyte::launch::Launcher;
use flyte::sources::{DotenvSource, ProcessSource, Resolver};
use flyte::{Secret, task};

/// Shows a value as its length and first character only.
fn masked(value: &str) -> String {
    match value.chars().next() {
        Some(first) => format!("{} chars, starts with {first:?}", value.chars().count()),
        None => "empty".to_owned(),
    }
}

#[task(secrets = "my-secret")]
fn secret_task() {
    let value = std::env::var("MY_SECRET").expect("MY_SECRET is injected");
    println!("secret_task: env MY_SECRET = [{}]", masked(&value));
}

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
    println!("file_secret_task: file {} = [{}]", path.display(), masked(&value));
}

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
        tls.path().map(|p| p.display().to_string()).unwrap_or_default(),
        masked(tls.expose_str().unwrap_or(""))
    );
    Ok(())
}

/// An await point, to show the secrets stay with the task across polls.
async fn tokio_yield() {
    std::future::ready(()).await;
}

/// Demo values, as a developer would keep them in `.flyte/secrets.env`.
const DEMO_SECRETS: &str = "\
my-secret=s3cr3t-value-for-my-secret
api-key=sk-demo-0123456789
config=\"[server]\\nport = 8080\\n\"
db-password=correct-horse-battery-staple
github/token=ghp_demo_token
tls-key='-----BEGIN DEMO KEY-----'
";

#[flyte::main]
fn main() -> std::process::ExitCode {
    let demo = tempfile::tempdir().expect("a temporary directory");
    let dotenv = demo.path().join("secrets.env");
    std::fs::write(&dotenv, DEMO_SECRETS).expect("write the demo secrets file");
    let resolver = Resolver::new().with(ProcessSource::from_env()).with(DotenvSource::new(&dotenv));
    let exe = std::env::current_exe().expect("this program's path");
    let launcher = Launcher::new(exe).resolver(resolver);

    let mut failed = 0;
    for task in ["secret_task", "custom_env_task", "file_secret_task", "many_secrets_task"] {
        match launcher.run(task) {
            Ok(status) if status.success() => {}
            Ok(status) => {
                eprintln!("{task}: exited with {status}");
                failed += 1;
            }
            Err(e) => {
                eprintln!("{task}: {e}");
                failed += 1;
            }
        }
    }
    if failed == 0 {
        println!("all 4 tasks ran with their secrets");
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
