// Reading a declared file secret at its cluster path works only as its own process (and
// where /etc/flyte/secrets is writable): a warning (here denied) names `flyte::secret!`.
#![deny(deprecated)]

use flyte::{Secret, task};

#[task(secrets = Secret(key = "config", mount = "/etc/flyte/secrets"))]
fn reads_file() -> Option<String> {
    std::fs::read_to_string("/etc/flyte/secrets/config").ok()
}

fn main() {
    reads_file();
}
