//! Only reads of a declared secret's own env var or file get the process-only warning: a
//! non-secret env var and `secret!` compile without warnings, and `#[allow(deprecated)]` on
//! the task keeps a deliberate process-only read quiet.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::{secret, task};

#[task(secrets = "my-secret")]
fn reads_home_and_secret() -> (bool, String) {
    let home = std::env::var("HOME").is_ok() || std::env::var_os("HOME").is_none();
    let value = secret!("my-secret").unwrap().expose_str().unwrap().to_owned();
    (home, value)
}

#[allow(deprecated)]
#[task(secrets = "my-secret")]
fn reads_env_on_purpose() -> bool {
    let _ = std::env::var("MY_SECRET");
    true
}

fn main() {
    let resolver = Resolver::new().with(MapSource::new().with("my-secret", "v"));
    let (home, value) = resolver.clone().run(reads_home_and_secret);
    assert!(home);
    assert_eq!(value, "v");
    assert!(resolver.run(reads_env_on_purpose));
}
