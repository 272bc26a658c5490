use flyte::task;

// Four mistakes, four errors, one compile; the good secrets cause none.
#[task(secrets = [
    "good",
    "my.key",
    Secret(key = "config", mount = "/tmp"),
    Secret(key = "api", as_env_var = "lower"),
    Secret(kee = "typo"),
    Secret(key = "also-good", group = "g"),
])]
fn many_mistakes() {}

fn main() {}
