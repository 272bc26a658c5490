// `BIN run TASK --inputs JSON` is the runner's own option: an input named `inputs` can be
// given only inside that JSON, so the parameter's name is a warning (here denied).
#![deny(deprecated)]

use flyte::task;

#[task(secrets = "token")]
fn train(inputs: Vec<f64>, rate: f64) -> f64 {
    inputs.iter().sum::<f64>() * rate
}

// A raw identifier is the same name.
#[task]
fn score(r#inputs: u8) -> u8 {
    r#inputs
}

fn main() {
    let _ = train(vec![1.0], 0.5);
    let _ = score(1);
}
