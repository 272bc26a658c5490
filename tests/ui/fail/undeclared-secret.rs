use flyte::task;

#[task(secrets = ["db-password", Secret(key = "token", group = "github")])]
fn undeclared() {
    let _ok = flyte::secret!("db-password");
    let _bad = || flyte::secret!("api-key");
}

fn main() {}
