use flyte::task;

#[task(secrets = Secret(key = "api-key", as_env_var = "OPENAI_API_KEY"))]
fn not_imported() {}

fn main() {
    not_imported();
}
