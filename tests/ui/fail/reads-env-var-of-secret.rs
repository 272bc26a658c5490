// Reading a declared env secret from the process environment works only when the task runs
// as its own process: a warning (here denied, to check its note) names `flyte::secret!`.
#![deny(deprecated)]

use flyte::task;

#[task(secrets = "my-secret")]
fn reads_env() -> Option<String> {
    // A comment between the tokens hides nothing.
    std::env::var(/* as a pod has it */ "MY_SECRET").ok()
}

fn main() {
    reads_env();
}
