// `secret!` checks its key at compile time, so the key must be a literal: a const or a
// variable gets an error that says so and names the run-time alternative.
use flyte::task;

const KEY: &str = "declared";

#[task(secrets = "declared")]
fn key_from_a_const() -> Result<usize, flyte::Error> {
    let s = flyte::secret!(KEY)?;
    Ok(s.expose().len())
}

fn main() {}
