// An associated function that takes nothing, without `in_impl`: `BIN run` cannot call it,
// and the error names the fix, `#[task(in_impl, ...)]`.
use flyte::task;

struct Jobs;

impl Jobs {
    #[task(secrets = "my-secret")]
    fn nightly() {}
}

fn main() {
    Jobs::nightly();
}
