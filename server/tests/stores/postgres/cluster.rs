//! A private PostgreSQL cluster for the tests: `initdb` into a temporary directory, `pg_ctl
//! start` on a free loopback port (TCP on 127.0.0.1 only, the socket in that directory),
//! password authentication over TCP. As root (CI), the server programs run as an
//! unprivileged user (`postgres` when it exists, else `nobody`), since initdb refuses root.
//!
//! A reaper process outlives nothing: it waits for the test binary's end (its stdin closes,
//! however the binary ends), then stops the cluster and removes its directory. [`Cluster`]
//! also stops it on drop, for a cluster a single test owns.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{ChildStdin, Command, Stdio};

/// The superuser every test connects as.
pub(crate) const USER: &str = "flyte";
/// Its password (never in any output: the tests search for it).
pub(crate) const PASSWORD: &str = "pg-test-pw-4b1d9e";

/// A running cluster.
#[derive(Debug)]
pub(crate) struct Cluster {
    dir: PathBuf,
    bin: PathBuf,
    /// uid and gid the server programs run as, when the tests run as root.
    run_as: Option<(u32, u32)>,
    pub(crate) port: u16,
    /// Closing it (on drop, or when the process ends) lets the reaper stop the cluster.
    reaper: Option<ChildStdin>,
    /// Ends once the reaper has stopped the cluster.
    reaped: Option<std::thread::JoinHandle<()>>,
}

/// The directory holding `initdb` and `pg_ctl`: `FLYTE_TEST_PG_BIN`, else the one on PATH.
fn bin_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FLYTE_TEST_PG_BIN").filter(|d| !d.is_empty()) {
        return dir.into();
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .find(|d| d.join("initdb").is_file() && d.join("pg_ctl").is_file())
        .expect("initdb and pg_ctl: set FLYTE_TEST_PG_BIN (e.g. /usr/lib/postgresql/15/bin)")
}

fn id_of(user: &str, flag: &str) -> Option<u32> {
    let out = Command::new("id").args([flag, user]).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8(out.stdout).ok()?.trim().parse().ok()
}

fn unprivileged() -> Option<(u32, u32)> {
    if !rustix::process::geteuid().is_root() {
        return None;
    }
    let user = ["postgres", "nobody"]
        .into_iter()
        .find(|u| id_of(u, "-u").is_some())
        .expect("running as root, and neither user postgres nor nobody exists");
    Some((id_of(user, "-u").unwrap(), id_of(user, "-g").unwrap()))
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// initdb and start; panics with the server log when it cannot start.
    pub(crate) fn start() -> Cluster {
        let dir = tempfile::Builder::new()
            .prefix("flyte-pg-")
            .tempdir()
            .unwrap()
            .keep();
        let run_as = unprivileged();
        let mut cluster = Cluster {
            dir,
            bin: bin_dir(),
            run_as,
            port: 0,
            reaper: None,
            reaped: None,
        };
        cluster.spawn_reaper();
        let pwfile = cluster.dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if let Some((uid, gid)) = run_as {
            std::os::unix::fs::chown(&cluster.dir, Some(uid), Some(gid)).unwrap();
            std::os::unix::fs::chown(&pwfile, Some(uid), Some(gid)).unwrap();
        }
        let out = cluster
            .program("initdb")
            .arg("-D")
            .arg(cluster.data())
            .args(["-U", USER, "-E", "UTF8", "--locale=C.UTF-8"])
            .args(["--auth-host=scram-sha-256", "--auth-local=trust"])
            .arg(format!("--pwfile={}", pwfile.display()))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let _ = std::fs::remove_file(&pwfile);
        // A port another process took between our probe and the server's bind: try again.
        for attempt in 0.. {
            cluster.port = free_port();
            let options = format!(
                "-c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=400",
                cluster.port,
                cluster.dir.display()
            );
            let ok = cluster
                .pg_ctl(&["start", "-w", "-t", "60", "-o", &options])
                .success();
            if ok {
                break;
            }
            assert!(attempt < 5, "pg_ctl start failed:\n{}", cluster.log());
        }
        cluster
    }

    fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("log")).unwrap_or_default()
    }

    /// A server program, as the unprivileged user when running as root.
    fn program(&self, name: &str) -> Command {
        let mut cmd = match self.run_as {
            Some((uid, gid)) => {
                let mut c = Command::new("setpriv");
                c.arg(format!("--reuid={uid}"))
                    .arg(format!("--regid={gid}"))
                    .args(["--clear-groups", "--"])
                    .arg(self.bin.join(name));
                c
            }
            None => Command::new(self.bin.join(name)),
        };
        cmd.current_dir(&self.dir).stdin(Stdio::null());
        cmd
    }

    /// Runs `pg_ctl ARGS -D DATA -l LOG`.
    fn pg_ctl(&self, args: &[&str]) -> std::process::ExitStatus {
        self.program("pg_ctl")
            .args(args)
            .arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap()
    }

    /// Stops the server (fast shutdown: connections are closed).
    pub(crate) fn stop(&self) {
        assert!(
            self.pg_ctl(&["stop", "-m", "fast", "-w"]).success(),
            "{}",
            self.log()
        );
    }

    /// Starts it again after [`Cluster::stop`], with the same options.
    pub(crate) fn restart_stopped(&self) {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c max_connections=400",
            self.port,
            self.dir.display()
        );
        assert!(
            self.pg_ctl(&["start", "-w", "-t", "60", "-o", &options])
                .success(),
            "{}",
            self.log()
        );
    }

    /// The reaper: a shell in its own process group (Ctrl-C of the tests does not reach it)
    /// that waits for its stdin to close, then stops the cluster and removes its directory.
    fn spawn_reaper(&mut self) {
        let mut stop: Vec<String> = match self.run_as {
            Some((uid, gid)) => vec![
                "setpriv".into(),
                format!("--reuid={uid}"),
                format!("--regid={gid}"),
                "--clear-groups".into(),
                "--".into(),
            ],
            None => vec![],
        };
        stop.push(self.bin.join("pg_ctl").display().to_string());
        let script = r#"cat >/dev/null; cd /; "$@" stop -m immediate -w -D "$DIR/data" >/dev/null 2>&1; rm -rf "$DIR"; echo reaped"#;
        let mut child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .arg("reaper")
            .args(&stop)
            .env("DIR", &self.dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap();
        self.reaper = child.stdin.take();
        // Reaped on drop: the reaper's "reaped" line tells that the cluster is gone.
        let out = child.stdout.take().unwrap();
        self.reaped = Some(std::thread::spawn(move || {
            let _ = BufReader::new(out).lines().next();
            let _ = child.wait();
        }));
    }

    /// A new database (ICU en-US collation, where `B` sorts after `a`: names must still list
    /// in byte order) and its `--store` URL, password included.
    pub(crate) async fn database(&self, name: &str) -> String {
        let admin = self.admin("postgres").await;
        admin
            .batch_execute(&format!(
                "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' \
                 LOCALE 'C.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
            ))
            .await
            .unwrap();
        self.url(name)
    }

    pub(crate) fn url(&self, database: &str) -> String {
        format!(
            "postgres://{USER}:{PASSWORD}@127.0.0.1:{}/{database}",
            self.port
        )
    }

    /// A connection of our own, to look at or tamper with what the server stored.
    pub(crate) async fn admin(&self, database: &str) -> tokio_postgres::Client {
        let (client, conn) = tokio_postgres::Config::new()
            .host("127.0.0.1")
            .port(self.port)
            .user(USER)
            .password(PASSWORD)
            .dbname(database)
            .connect(tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Closing the pipe lets the reaper stop the cluster and remove its directory.
        drop(self.reaper.take());
        if let Some(reaped) = self.reaped.take() {
            let _ = reaped.join();
        }
    }
}
