#[flyte::main]
fn start() {}

fn main() {
    start();
}
