//! Group commit: every write goes through one writer thread, which takes all writes waiting
//! at that moment, runs them in one transaction and syncs once. A write is acknowledged only
//! after that commit returned, so nothing acknowledged is lost; under load one fsync serves
//! many writes instead of one each.

use std::sync::Arc;
use std::sync::mpsc;
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

/// The writer thread and the queue into it. Dropping it lets the thread finish the queued
/// writes, then joins it.
#[derive(Debug)]
pub(super) struct Writer {
    queue: Option<mpsc::Sender<(Write, Reply)>>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub(super) fn start(conn: Connection, index: Arc<Index>) -> std::io::Result<Writer> {
        let (queue, jobs) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("flyte-store-writer".into())
            .spawn(move || run(conn, &index, jobs))?;
        Ok(Writer {
            queue: Some(queue),
            thread: Some(thread),
        })
    }

    /// Queues `write`; resolves once it is committed (`false`: nothing to change, e.g. the
    /// name was taken for an insert).
    pub(super) async fn write(&self, write: Write) -> Result<bool, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .as_ref()
            .expect("set until drop")
            .send((write, reply))
            .map_err(|_| StoreError::WriterGone)?;
        answer.await.map_err(|_| StoreError::WriterGone)?
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

fn run(conn: Connection, index: &Index, jobs: mpsc::Receiver<(Write, Reply)>) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit(&conn, index, batch);
    }
}

/// Runs `batch` in one transaction. A statement that fails fails only its write; a failed
/// commit fails every write of the batch and changes nothing in the index.
fn commit(conn: &Connection, index: &Index, batch: Vec<(Write, Reply)>) {
    let mut results = Vec::with_capacity(batch.len());
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
