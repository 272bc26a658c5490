// A trait's provided function that takes nothing, without `in_impl`: the error names the fix.
use flyte::task;

trait Job {
    #[task]
    fn provided() -> u8 {
        5
    }
}

fn main() {}
