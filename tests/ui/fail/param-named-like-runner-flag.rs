// `BIN run TASK --inputs JSON` is the runner's own option: an input named `inputs` could
// never be given, so a runnable task cannot have one.
use flyte::task;

#[task(secrets = "token")]
fn train(inputs: Vec<f64>, rate: f64) -> f64 {
    inputs.iter().sum::<f64>() * rate
}

fn main() {
    let _ = train(vec![1.0], 0.5);
}
