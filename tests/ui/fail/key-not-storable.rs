// A key no Flyte secret service stores (`.` is outside ^[-a-zA-Z0-9_]+$) is valid, since the
// environment may have it, but a cluster's default injector never finds it: a warning (here
// denied).
#![deny(deprecated)]

use flyte::{Secret, task};

#[task(secrets = Secret(key = "my.key", as_env_var = "MY_KEY"))]
fn dotted_key() {}

fn main() {
    dotted_key();
}
