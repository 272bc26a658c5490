//! Sync bodies keep their control flow: early `return`, `?` on Result and Option, a tail
//! expression, inner attributes; a task that cannot start returns the error through
//! `From<flyte::Error>` or panics with a message naming the secret.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::task;

#[derive(Debug, PartialEq)]
enum MyError {
    Flyte(String),
    Parse,
}

impl From<flyte::Error> for MyError {
    fn from(e: flyte::Error) -> Self {
        MyError::Flyte(e.to_string())
    }
}

impl From<std::num::ParseIntError> for MyError {
    fn from(_: std::num::ParseIntError) -> Self {
        MyError::Parse
    }
}

#[task(secrets = "number")]
fn parse_secret(early: bool) -> Result<i32, MyError> {
    #![allow(clippy::needless_return)]
    if early {
        return Ok(-1);
    }
    let text = flyte::secret!("number")?;
    let n: i32 = text.expose_str().unwrap_or("").parse()?;
    Ok(n * 2)
}

#[task(secrets = "number")]
fn first_char(s: &str) -> Option<char> {
    let c = s.chars().next()?;
    Some(c)
}

#[task(secrets = "number")]
fn with_flyte_error() -> Result<usize, flyte::Error> {
    // A comment before an inner attribute, which must still come first.
    #![allow(unused_mut)]
    let mut len = flyte::secret!("number")?.expose().len();
    Ok(len)
}

#[task(secrets = "absent")]
fn plain_value() -> u32 {
    unreachable!("the body must not run when a secret is missing")
}

#[task(secrets = "absent")]
fn result_without_from() -> Result<u32, String> {
    unreachable!("the body must not run when a secret is missing")
}

fn main() {
    let resolver = Resolver::new().with(MapSource::new().with("number", "21"));
    resolver.clone().run(|| {
        assert_eq!(parse_secret(true), Ok(-1));
        assert_eq!(parse_secret(false), Ok(42));
        assert_eq!(first_char("xy"), Some('x'));
        assert_eq!(first_char(""), None);
        assert_eq!(with_flyte_error().unwrap(), 2);
    });
    Resolver::new()
        .with(MapSource::new().with("number", "NaN"))
        .run(|| {
            assert_eq!(parse_secret(false), Err(MyError::Parse));
        });
    // Missing secrets: the error type takes it, or the task panics with the message.
    std::panic::set_hook(Box::new(|_| {}));
    Resolver::new().run(|| {
        let err = parse_secret(false).unwrap_err();
        assert!(
            matches!(&err, MyError::Flyte(m) if m.contains("number")),
            "{err:?}"
        );
        let panic = std::panic::catch_unwind(plain_value).unwrap_err();
        let msg = panic.downcast_ref::<String>().unwrap();
        assert!(
            msg.contains("plain_value") && msg.contains("absent"),
            "{msg}"
        );
        assert!(std::panic::catch_unwind(result_without_from).is_err());
    });
}
