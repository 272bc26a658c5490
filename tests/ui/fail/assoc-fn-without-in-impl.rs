// An associated function that takes nothing looks like a free function to the macro, whose
// runner then cannot call it: the documented fix is `#[task(in_impl, ...)]`.
use flyte::task;

struct Jobs;

impl Jobs {
    #[task(secrets = "my-secret")]
    fn nightly() {}
}

fn main() {
    Jobs::nightly();
}
