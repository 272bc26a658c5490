use flyte::task;

#[task(secrets = Secret(key = "token", group = "github"))]
async fn wrong_group() {
    let _ = async { flyte::secret!("token", group = "gitlab") };
}

fn main() {}
