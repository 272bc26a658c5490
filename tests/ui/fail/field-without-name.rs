// Python's `Secret("api-key")` takes the key by position; here the fields are named, and the
// error says which name the value needs.
use flyte::{Secret, task};

#[task(secrets = Secret("api-key", as_env_var = "API_KEY"))]
fn positional_key() {}

fn main() {}
