//! The group commit against the real SQLite, with its commit hook as the probe and the
//! fault: where a write commits, how writes that wait are grouped, a commit that fails, and a
//! process killed inside one.

use std::io::Write as _;
use std::path::Path;

use super::*;
use crate::scope::Scope;
use crate::store::sqlite::{DATABASE_FILE, SqliteStore, open_connection};

fn secret(name: &str) -> SecretRef {
    SecretRef {
        scope: Scope {
            organization: String::new(),
            project: "p".into(),
            domain: "d".into(),
        },
        name: name.into(),
    }
}

/// The database of `dir` as the store opens it (file modes, schema, the index loaded from the
/// file), then a connection and an index of its own, as the writer thread has.
fn open(dir: &Path) -> (Connection, Index) {
    drop(SqliteStore::open(dir).unwrap());
    let conn = open_connection(&dir.join(DATABASE_FILE)).unwrap();
    let index = Index::load(&conn).unwrap();
    (conn, index)
}

/// A group of writes, and where each one's answer arrives.
type Answers = Vec<oneshot::Receiver<Result<bool, StoreError>>>;

fn group(writes: Vec<Write>) -> (Vec<(Write, Reply)>, Answers) {
    writes
        .into_iter()
        .map(|w| {
            let (reply, answer) = oneshot::channel();
            ((w, reply), answer)
        })
        .unzip()
}

fn insert(name: &str, value: &[u8]) -> Write {
    Write::Insert {
        secret: secret(name),
        secret_type: 1,
        sealed: StoredValue::new(value.to_vec()),
    }
}

/// The names and values in the file, read by a connection of its own.
fn rows(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let conn = open_connection(&dir.join(DATABASE_FILE)).unwrap();
    let mut stmt = conn
        .prepare("SELECT name, sealed FROM secrets ORDER BY name")
        .unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

/// A writer over a fresh database in `dir`, whose commit hook records the committing
/// thread's name, then runs `then`.
fn probed_writer(
    dir: &Path,
    mut then: impl FnMut() + Send + 'static,
) -> (Writer, Arc<Index>, std::sync::mpsc::Receiver<String>) {
    let (conn, index) = open(dir);
    let (seen, commits) = std::sync::mpsc::channel();
    conn.commit_hook(Some(move || {
        let name = std::thread::current().name().unwrap_or("").to_owned();
        let _ = seen.send(name);
        then();
        false
    }));
    let index = Arc::new(index);
    (
        Writer::start(conn, Arc::clone(&index)).unwrap(),
        index,
        commits,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn a_lone_write_on_a_multi_thread_runtime_commits_on_its_own_thread() {
    let dir = tempfile::tempdir().unwrap();
    let (writer, index, commits) = probed_writer(dir.path(), || {});
    assert!(writer.write(insert("lone", b"v")).await.unwrap());
    let thread = commits.try_recv().expect("committed before the answer");
    assert_ne!(thread, "flyte-store-writer");
    assert!(index.get(&secret("lone")).is_some());
    assert_eq!(rows(dir.path()), [("lone".to_owned(), b"v".to_vec())]);
}

#[tokio::test(flavor = "current_thread")]
async fn on_a_current_thread_runtime_every_write_goes_to_the_writer_thread() {
    // There no other thread would run the runtime's tasks while this one syncs.
    let dir = tempfile::tempdir().unwrap();
    let (writer, _, commits) = probed_writer(dir.path(), || {});
    assert!(writer.write(insert("lone", b"v")).await.unwrap());
    assert_eq!(commits.try_recv().unwrap(), "flyte-store-writer");
}

/// The first write commits on its own thread and is held inside its commit; 50 more arrive
/// meanwhile. They are answered only after a commit of their own, and all in that one; the
/// write after such a group goes to the queue.
#[tokio::test(flavor = "multi_thread", worker_threads = 1)]
async fn writes_that_arrive_during_a_commit_wait_and_commit_together() {
    let dir = tempfile::tempdir().unwrap();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let mut first = true;
    let (writer, index, commits) = probed_writer(dir.path(), move || {
        if std::mem::take(&mut first) {
            held.recv().unwrap();
        }
    });
    let writer = Arc::new(writer);
    let lead = tokio::spawn({
        let writer = Arc::clone(&writer);
        async move { writer.write(insert("lead", b"v")).await }
    });
    let (first_thread, commits) =
        tokio::task::spawn_blocking(move || (commits.recv().unwrap(), commits))
            .await
            .unwrap();
    assert_ne!(first_thread, "flyte-store-writer");
    // The only worker is inside that commit: these run because it handed its tasks on.
    let rest: Vec<_> = (0..50)
        .map(|i| {
            let writer = Arc::clone(&writer);
            tokio::spawn(async move { writer.write(insert(&name("rest", i), b"v")).await })
        })
        .collect();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while writer.shared.queued.load(Ordering::SeqCst) < 50 {
        assert!(
            std::time::Instant::now() < deadline,
            "the writes spawned during the commit did not run: the worker did not hand them on"
        );
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    assert!(rest.iter().all(|t| !t.is_finished()) && !lead.is_finished());
    assert!(index.get(&secret("rest-000")).is_none());
    release.send(()).unwrap();
    assert!(lead.await.unwrap().unwrap());
    for t in rest {
        assert!(t.await.unwrap().unwrap());
    }
    let later: Vec<String> = commits.try_iter().collect();
    assert_eq!(later, ["flyte-store-writer"], "the 50 in one commit");
    assert_eq!(rows(dir.path()).len(), 51);
    assert_eq!(writer.shared.queued.load(Ordering::SeqCst), 0);

    // After a group of 50 the next write is queued, as the next under load would be; after
    // its group of one, a lone write commits on its own thread again.
    assert!(writer.write(insert("after", b"v")).await.unwrap());
    assert_eq!(commits.try_recv().unwrap(), "flyte-store-writer");
    assert!(writer.write(insert("quiet", b"v")).await.unwrap());
    assert_ne!(commits.try_recv().unwrap(), "flyte-store-writer");
    assert_eq!(rows(dir.path()).len(), 53);
}

#[test]
fn a_commit_that_fails_fails_every_write_of_its_group_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (conn, index) = open(dir.path());
    let (batch, mut answers) = group(vec![insert("kept", b"first")]);
    commit(&conn, &index, batch);
    assert!(matches!(answer(answers.pop().unwrap()), Ok(true)));

    // The hook turns the group's COMMIT into a rollback, after all its statements ran.
    conn.commit_hook(Some(|| true));
    let writes = || {
        vec![
            insert("a", b"a-value"),
            insert("b", b"b-value"),
            Write::Update {
                secret: secret("kept"),
                secret_type: 2,
                sealed: StoredValue::new(b"second".to_vec()),
            },
            Write::Delete {
                secret: secret("kept"),
            },
        ]
    };
    let (batch, answers) = group(writes());
    commit(&conn, &index, batch);
    for rx in answers {
        match answer(rx) {
            Err(StoreError::Commit(msg)) => assert!(!msg.contains("value"), "{msg}"),
            other => panic!("a write of a failed group answered {other:?}"),
        }
    }
    assert!(index.get(&secret("a")).is_none());
    assert!(index.get(&secret("b")).is_none());
    assert_eq!(index.get(&secret("kept")).unwrap().secret_type, 1);
    assert_eq!(rows(dir.path()), [("kept".to_owned(), b"first".to_vec())]);

    // The connection is usable again: the same group, committed now, all succeed.
    conn.commit_hook(None::<fn() -> bool>);
    let (batch, answers) = group(writes());
    commit(&conn, &index, batch);
    for rx in answers {
        assert!(matches!(answer(rx), Ok(true)));
    }
    assert!(index.get(&secret("a")).is_some() && index.get(&secret("kept")).is_none());
    assert_eq!(
        rows(dir.path()),
        [
            ("a".to_owned(), b"a-value".to_vec()),
            ("b".to_owned(), b"b-value".to_vec())
        ]
    );
}

#[test]
fn a_transaction_left_open_is_rolled_back_before_the_next_group() {
    // What a commit that panicked half-way would leave; nothing of it was acknowledged.
    let dir = tempfile::tempdir().unwrap();
    let (conn, index) = open(dir.path());
    conn.execute_batch("BEGIN IMMEDIATE").unwrap();
    let half = StoredValue::new(b"half".to_vec());
    queries::insert(&conn, &secret("half"), 1, &half, Timestamp::now()).unwrap();
    let (batch, mut answers) = group(vec![insert("next", b"v")]);
    commit(&conn, &index, batch);
    assert!(matches!(answer(answers.pop().unwrap()), Ok(true)));
    assert_eq!(rows(dir.path()), [("next".to_owned(), b"v".to_vec())]);
}

/// Set in the child of the test below: the data dir whose database it writes.
const CUT_ENV: &str = "FLYTE_TEST_CUT_COMMIT_DIR";
const FIRST: usize = 20;
const SECOND: usize = 200;

/// A child process commits one group, prints what was acknowledged, then is killed with
/// SIGKILL inside the commit of a second group, whose pages are by then in the WAL (the
/// cache is kept small so that they spill before the commit). Reopened, the database holds
/// the first group whole and nothing of the second, and takes writes.
#[test]
#[cfg(unix)]
fn a_group_cut_mid_commit_leaves_none_of_it_and_keeps_what_was_acknowledged() {
    use std::os::unix::process::ExitStatusExt;

    if let Some(dir) = std::env::var_os(CUT_ENV) {
        return cut_child(Path::new(&dir));
    }
    let dir = tempfile::tempdir().unwrap();
    let test = module_path!().split_once("::").unwrap().1;
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .arg(format!(
            "{test}::a_group_cut_mid_commit_leaves_none_of_it_and_keeps_what_was_acknowledged"
        ))
        .args(["--exact", "--nocapture", "--test-threads=1"])
        .env(CUT_ENV, dir.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.signal(),
        Some(9),
        "the child was to be killed in the commit: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let acked: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once("ACKED ").map(|(_, name)| name))
        .collect();
    let first: Vec<String> = (0..FIRST).map(|i| name("first", i)).collect();
    assert_eq!(acked, first, "{stdout}");
    let (wal_before, wal_at_cut) = stdout
        .lines()
        .find_map(|l| l.split_once("CUT ").map(|(_, sizes)| sizes.to_owned()))
        .and_then(|s| {
            let (a, b) = s.split_once(' ')?;
            Some((a.parse::<u64>().ok()?, b.parse::<u64>().ok()?))
        })
        .unwrap_or_else(|| panic!("the commit hook did not run: {stdout}"));
    assert!(
        wal_at_cut > wal_before + 100 * 4096,
        "the second group's pages were not in the WAL when it was cut ({wal_before} -> {wal_at_cut} bytes)"
    );

    // As the server starts: the index from the file, every acknowledged write there whole.
    let (conn, index) = open(dir.path());
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");
    let rows = rows(dir.path());
    let names: Vec<&str> = rows.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, first);
    assert!(rows.iter().all(|(n, v)| *v == value(n)));
    assert!(first.iter().all(|n| index.get(&secret(n)).is_some()));
    assert!(index.get(&secret("second-000")).is_none());
    let (batch, mut answers) = group(vec![insert("second-000", b"again")]);
    commit(&conn, &index, batch);
    assert!(matches!(answer(answers.pop().unwrap()), Ok(true)));
}

/// The name of write `i` of the child's group `prefix`.
fn name(prefix: &str, i: usize) -> String {
    format!("{prefix}-{i:03}")
}

/// A value of its own per name, of 4 KiB: a page each.
fn value(name: &str) -> Vec<u8> {
    name.bytes().cycle().take(4096).collect()
}

#[cfg(unix)]
fn cut_child(dir: &Path) {
    let (conn, index) = open(dir);
    let writes = |prefix: &str, n: usize| {
        (0..n)
            .map(|i| {
                let name = name(prefix, i);
                insert(&name, &value(&name))
            })
            .collect()
    };
    let (batch, answers) = group(writes("first", FIRST));
    let printer = print_acks("first", answers);
    commit(&conn, &index, batch);
    printer.join().unwrap();
    let wal = dir.join(format!("{}-wal", DATABASE_FILE));
    let wal_size = move || std::fs::metadata(&wal).map_or(0, |m| m.len());
    let before = wal_size();
    conn.execute_batch("PRAGMA cache_size = 10").unwrap();
    conn.commit_hook(Some(move || {
        println!("CUT {before} {}", wal_size());
        let _ = std::io::stdout().flush();
        let me = rustix::process::getpid();
        let _ = rustix::process::kill_process(me, rustix::process::Signal::KILL);
        loop {
            std::thread::park();
        }
    }));
    // Printed as they come: an answer sent before the group is durable would show.
    let (batch, answers) = group(writes("second", SECOND));
    let _printer = print_acks("second", answers);
    commit(&conn, &index, batch);
}

/// Prints `ACKED NAME` for each write answered `Ok(true)`, as the answers arrive.
fn print_acks(prefix: &'static str, answers: Answers) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for (i, rx) in answers.into_iter().enumerate() {
            if let Ok(true) = answer(rx) {
                println!("ACKED {}", name(prefix, i));
            }
        }
    })
}

/// The answer to a write, which `commit` sends for every write it is given.
fn answer(rx: oneshot::Receiver<Result<bool, StoreError>>) -> Result<bool, StoreError> {
    rx.blocking_recv().expect("commit answers every write")
}
