// A task that a `macro_rules!` writes, its body put in by the macro: the body's `secret!`
// keys are checked as in any other task.
use flyte::task;

macro_rules! task_with_body {
    ($($body:tt)*) => {
        #[task(secrets = "declared")]
        fn from_macro() -> Result<usize, flyte::Error> {
            $($body)*
        }
    };
}

task_with_body! {
    let declared = flyte::secret!("declared")?;
    let other = flyte::secret!("not-declared")?;
    Ok(declared.expose().len() + other.expose().len())
}

fn main() {}
