//! Group commit: writes that arrive while a commit is under way wait in a queue for one
//! writer thread, which takes all of them at once, runs them in one transaction and syncs
//! once. A lone write (nothing queued or committing, and the last commit held one write) is
//! committed at once on its own thread instead, sparing it two wake-ups between threads.
//! After a group of several, writes keep going to the queue, where the next ones under the
//! same load join them instead of each taking a sync of its own. Either way a write is
//! acknowledged only after its commit returned, so nothing acknowledged is lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, PoisonError, TryLockError};
use std::thread::JoinHandle;

use flyte_idl::Timestamp;
use rusqlite::Connection;
use tokio::sync::oneshot;

#[cfg(test)]
mod tests;

use super::index::Index;
use super::queries;
use crate::scope::SecretRef;
use crate::store::{StoreError, StoredMeta, StoredValue};

/// Most writes in one transaction: bounds the latency of the first write of a batch.
const MAX_BATCH: usize = 512;

/// One write and what it changes in the index once committed.
#[derive(Debug)]
pub(super) enum Write {
    Insert {
        secret: SecretRef,
        secret_type: i32,
        sealed: StoredValue,
    },
    Update {
        secret: SecretRef,
        secret_type: i32,
        sealed: StoredValue,
    },
    Delete {
        secret: SecretRef,
    },
}

type Reply = oneshot::Sender<Result<bool, StoreError>>;

/// What both ways of committing share: the one write connection, the index it keeps up to
/// date, how many writes wait in the queue or in the writer thread's commit, and how many
/// the last commit held.
#[derive(Debug)]
struct Shared {
    /// Held for a whole commit, so the index sees commits in their order.
    conn: Mutex<Connection>,
    index: Arc<Index>,
    queued: AtomicUsize,
    last_group: AtomicUsize,
}

/// The writer thread and the queue into it. Dropping it lets the thread finish the queued
/// writes, then joins it.
#[derive(Debug)]
pub(super) struct Writer {
    shared: Arc<Shared>,
    queue: Option<mpsc::Sender<(Write, Reply)>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(conn: Connection, index: Arc<Index>) -> std::io::Result<Writer> {
        let shared = Arc::new(Shared {
            conn: Mutex::new(conn),
            index,
            queued: AtomicUsize::new(0),
            last_group: AtomicUsize::new(1),
        });
        let (queue, jobs) = mpsc::channel();
        let thread = {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("flyte-store-writer".into())
                .spawn(move || run(&shared, jobs))?
        };
        Ok(Writer {
            shared,
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Commits `write`, at once or in the next group; resolves once it is committed
    /// (`false`: nothing to change, e.g. the name was taken for an insert).
    pub(super) async fn write(&self, write: Write) -> Result<bool, StoreError> {
        let (reply, answer) = oneshot::channel();
        let job = match self.commit_here((write, reply)) {
            None => return answer.await.map_err(|_| StoreError::WriterGone)?,
            Some(job) => job,
        };
        // Counted before it is sent, so no write commits on its own thread ahead of it.
        self.shared.queued.fetch_add(1, Ordering::SeqCst);
        if self
            .queue
            .as_ref()
            .expect("set until drop")
            .send(job)
            .is_err()
        {
            self.shared.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(StoreError::WriterGone);
        }
        answer.await.map_err(|_| StoreError::WriterGone)?
    }

    /// Commits `job` on this thread if no other write is queued or committing and the last
    /// commit held one write (a larger group means load: the next writes are near); otherwise
    /// gives it back for the queue. Only on a multi-thread runtime, whose other tasks move
    /// to another thread while this one waits for the sync (the store's futures run in the
    /// server's spawned tasks, never in a `LocalSet`, where `block_in_place` would panic).
    fn commit_here(&self, job: (Write, Reply)) -> Option<(Write, Reply)> {
        let multi_thread = tokio::runtime::Handle::try_current()
            .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
        if !multi_thread
            || self.shared.queued.load(Ordering::SeqCst) != 0
            || self.shared.last_group.load(Ordering::SeqCst) > 1
        {
            return Some(job);
        }
        let conn = match self.shared.conn.try_lock() {
            Ok(conn) => conn,
            Err(TryLockError::WouldBlock) => return Some(job),
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
        };
        tokio::task::block_in_place(|| commit(&conn, &self.shared.index, vec![job]));
        // Not always 1 already: a group may have committed between the check and the lock.
        self.shared.last_group.store(1, Ordering::SeqCst);
        None
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn run(shared: &Shared, jobs: mpsc::Receiver<(Write, Reply)>) {
    while let Ok(first) = jobs.recv() {
        // Locked first: what arrives while a write commits on its own thread joins this group.
        let conn = shared.conn.lock().unwrap_or_else(PoisonError::into_inner);
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let n = batch.len();
        commit(&conn, &shared.index, batch);
        // Under the lock: a write that sees zero queued finds the connection free.
        shared.last_group.store(n, Ordering::SeqCst);
        shared.queued.fetch_sub(n, Ordering::SeqCst);
    }
}

/// Runs `batch` in one transaction. A statement that fails fails only its write; a failed
/// commit fails every write of the batch and changes nothing in the index.
fn commit(conn: &Connection, index: &Index, batch: Vec<(Write, Reply)>) {
    let mut results = Vec::with_capacity(batch.len());
    if !conn.is_autocommit() {
        // A commit that panicked half-way left its transaction open: none of it was
        // acknowledged, so it is dropped.
        let _ = conn.execute_batch("ROLLBACK");
    }
    let begun = conn.execute_batch("BEGIN IMMEDIATE");
    if let Err(e) = begun {
        return fail_all(batch, e);
    }
    for (write, _) in &batch {
        let now = Timestamp::now();
        let result = match write {
            Write::Insert {
                secret,
                secret_type,
                sealed,
            } => queries::insert(conn, secret, *secret_type, sealed, now),
            Write::Update {
                secret,
                secret_type,
                sealed,
            } => queries::update(conn, secret, *secret_type, sealed, now),
            Write::Delete { secret } => queries::delete(conn, secret),
        };
        results.push((result, now));
    }
    if let Err(e) = conn.execute_batch("COMMIT") {
        let _ = conn.execute_batch("ROLLBACK");
        return fail_all(batch, e);
    }
    for ((write, reply), (result, now)) in batch.into_iter().zip(results) {
        if let Ok(true) = result {
            match &write {
                Write::Insert {
                    secret,
                    secret_type,
                    ..
                } => index.put(
                    secret,
                    StoredMeta {
                        secret_type: *secret_type,
                        created: now,
                    },
                ),
                Write::Update {
                    secret,
                    secret_type,
                    ..
                } => index.set_type(secret, *secret_type),
                Write::Delete { secret } => index.remove(secret),
            }
        }
        let _ = reply.send(result.map_err(StoreError::from));
    }
}

fn fail_all(batch: Vec<(Write, Reply)>, e: rusqlite::Error) {
    tracing::error!(error = %e, writes = batch.len(), "a write transaction failed");
    for (_, reply) in batch {
        let _ = reply.send(Err(StoreError::Commit(e.to_string())));
    }
}
