//! `secret!` uses of declared secrets compile, anywhere in the body: closures, nested and
//! async blocks, with a group, a trailing comma, or through a path; a key that is not a
//! literal is left to the run-time check.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::{Secret, secret, task};

#[task(secrets = ["alpha", Secret(key = "token", group = "gh"), Secret(key = "deploy", group = "gl")])]
fn uses_them() -> Vec<String> {
    let read = |s: flyte::current::TaskSecret| s.expose_str().unwrap().to_owned();
    let mut out = vec![read(secret!("alpha").unwrap())];
    let in_closure = || flyte::secret!("token", group = "gh",).unwrap();
    out.push(read(in_closure()));
    {
        if !out.is_empty() {
            out.push(read(::flyte::secret!("deploy", group = "gl").unwrap()));
        }
    }
    // Without the group: a key names one secret of a task.
    out.push(read(flyte::secret!("token").unwrap()));
    let dynamic = String::from("alpha");
    out.push(read(flyte::current::secret(&dynamic).unwrap()));
    out
}

#[task(secrets = "alpha")]
async fn in_async_block() -> String {
    let fut = async {
        flyte::secret!("alpha")
            .unwrap()
            .expose_str()
            .unwrap()
            .to_owned()
    };
    fut.await
}

fn main() {
    let resolver = Resolver::new().with(
        MapSource::new()
            .with("alpha", "a")
            .with("gh/token", "h")
            .with("gl/deploy", "l"),
    );
    resolver
        .clone()
        .run(|| assert_eq!(uses_them(), ["a", "h", "l", "h", "a"]));
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(resolver.scope(in_async_block())), "a");
}
