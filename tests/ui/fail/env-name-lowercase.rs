use flyte::{Secret, task};

#[task(secrets = Secret(key = "api-key", as_env_var = "openai_api_key"))]
fn lowercase() {}

fn main() {}
