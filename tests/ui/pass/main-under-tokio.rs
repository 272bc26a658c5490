//! An async main: `#[tokio::main]` above `#[flyte::main]`, so flyte's entry point runs
//! before the runtime starts any thread.
#![deny(warnings)]

#[flyte::task]
async fn hello() -> &'static str {
    "hello"
}

#[tokio::main(flavor = "current_thread")]
#[flyte::main]
async fn main() {
    assert_eq!(hello().await, "hello");
}
