use flyte::task;

// A Flyte cluster looks a secret up by key alone: both would get the value stored as `token`.
#[task(secrets = [
    Secret(key = "token", group = "github"),
    Secret(key = "token", group = "gitlab"),
])]
fn two_tokens() {}

fn main() {}
