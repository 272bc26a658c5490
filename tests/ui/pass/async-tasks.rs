//! Async tasks: `?` and `return` in the body, the resolution error as the task's own error,
//! and a task with secrets that cannot start.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::{Secret, task};

#[derive(Debug)]
enum MyError {
    Flyte(String),
    TooBig(u32),
}

impl From<flyte::Error> for MyError {
    fn from(e: flyte::Error) -> Self {
        MyError::Flyte(e.to_string())
    }
}

#[task(secrets = ["db-password", Secret(key = "token", group = "github")])]
async fn many(x: u32) -> Result<u32, MyError> {
    if x == 0 {
        return Ok(0);
    }
    let token = flyte::secret!("token", group = "github")?;
    let extra = checked(x).await?;
    Ok(extra + token.expose().len() as u32)
}

async fn checked(x: u32) -> Result<u32, MyError> {
    if x > 100 {
        Err(MyError::TooBig(x))
    } else {
        Ok(x)
    }
}

/// A `?` on another error type, converted by `From`, inferred without annotations.
#[task(secrets = "db-password")]
async fn parse_it(text: &str) -> Result<i64, Box<dyn std::error::Error>> {
    let n: i64 = text.parse()?;
    Ok(n)
}

#[task]
async fn no_secrets_no_return() {}

#[task(secrets = "db-password")]
pub(crate) async fn borrowed<'a>(items: &'a [String]) -> Option<&'a str> {
    let first = items.first()?;
    Some(first.as_str())
}

#[task(secrets = "missing-one")]
async fn cannot_start() -> Result<(), MyError> {
    unreachable!("the body must not run when a secret is missing")
}

fn main() {
    let resolver = Resolver::new().with(
        MapSource::new()
            .with("db-password", "pw")
            .with("github/token", "tok"),
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(resolver.scope(async {
        assert_eq!(many(0).await.unwrap(), 0);
        assert_eq!(many(5).await.unwrap(), 8);
        assert!(matches!(many(500).await, Err(MyError::TooBig(500))));
        assert_eq!(parse_it("42").await.unwrap(), 42);
        assert!(parse_it("x").await.is_err());
        no_secrets_no_return().await;
        let items = vec!["a".to_owned()];
        assert_eq!(borrowed(&items).await, Some("a"));
        assert_eq!(borrowed(&[]).await, None);
        match cannot_start().await {
            Err(MyError::Flyte(msg)) => assert!(msg.contains("missing-one"), "{msg}"),
            other => panic!("expected the resolution error, got {other:?}"),
        }
    }));
    let runnable: Vec<_> = flyte::__private::registered()
        .iter()
        .filter(|t| t.runnable())
        .map(|t| t.name)
        .collect();
    // `many` takes a `u32`, which `BIN run many --x 5` can give it.
    assert_eq!(runnable, ["cannot_start", "many", "no_secrets_no_return"]);
}
