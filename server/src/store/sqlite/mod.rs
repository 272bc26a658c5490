//! SQLite storage: one file `secrets.db` in the data directory, WAL journal with
//! `synchronous=FULL` (an acknowledged write survives a crash or kill -9). Values are stored
//! only as sealed ciphertext. Value reads run on tokio's blocking pool, never on executor
//! threads; a lone write commits at once, and writes under load wait for one writer thread
//! that commits whatever is queued in one transaction ([`writer`], group commit); metadata
//! reads are answered from an in-memory index ([`index`]), exact because the data directory
//! lock makes this server the file's one writer.

mod index;
mod queries;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OpenFlags};

use super::{
    Found, ListedSecret, Resealed, Rewrite, SecretStore, StoreError, StoreFuture, StoredMeta,
    StoredValue,
};
use crate::error::StartError;
use crate::scope::{Scope, SecretRef};

/// Name of the database file in the data directory.
pub const DATABASE_FILE: &str = "secrets.db";
/// Most connections in use at once (and kept open for reuse). SQLite serialises writers
/// anyway; more readers than this only queue on the CPU.
const MAX_CONNECTIONS: usize = 8;

/// The database, a small pool of connections, and the metadata index.
#[derive(Debug)]
pub(crate) struct SqliteStore {
    pool: Arc<Pool>,
    /// Every write goes through it (group commit), so the index sees writes in commit order.
    writer: writer::Writer,
    index: Arc<index::Index>,
}

/// Connections for reads, used on the blocking pool.
#[derive(Debug)]
struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: tokio::sync::Semaphore,
}

impl SqliteStore {
    /// Opens (creating if needed) the database in `data_dir` and loads the metadata index.
    pub(crate) fn open(data_dir: &Path) -> Result<SqliteStore, StartError> {
        let path = data_dir.join(DATABASE_FILE);
        let db_err = |source| StartError::Database {
            path: path.clone(),
            source,
        };
        for suffix in ["", "-wal", "-shm"] {
            let file = PathBuf::from(format!("{}{suffix}", path.display()));
            crate::private::tighten(&file, "database file")?;
        }
        // SQLite creates `-wal` and `-shm` with the database file's mode: create it 0600
        // first (changing the umask instead would affect every thread of the process).
        crate::private::touch(&path).map_err(|source| StartError::Io {
            what: "cannot create",
            path: path.clone(),
            source,
        })?;
        let conn = open_connection(&path).map_err(db_err)?;
        schema::migrate(&conn, &path)?;
        let index = Arc::new(index::Index::load(&conn).map_err(db_err)?);
        let writer =
            writer::Writer::start(conn, Arc::clone(&index)).map_err(|source| StartError::Io {
                what: "cannot start the database writer for",
                path: path.clone(),
                source,
            })?;
        Ok(SqliteStore {
            pool: Arc::new(Pool {
                path,
                idle: Mutex::new(Vec::new()),
                permits: tokio::sync::Semaphore::new(MAX_CONNECTIONS),
            }),
            writer,
            index,
        })
    }
}

impl Pool {
    /// Runs `f` with a connection on the blocking pool, at most `MAX_CONNECTIONS` at once.
    async fn call<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let conn = this.take()?;
            let out = f(&conn);
            this.give_back(conn);
            Ok(out?)
        })
        .await?
    }

    fn take(&self) -> rusqlite::Result<Connection> {
        let pooled = self.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        match pooled {
            Some(c) => Ok(c),
            None => open_connection(&self.path),
        }
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.idle.lock().unwrap_or_else(|e| e.into_inner());
        if idle.len() < MAX_CONNECTIONS {
            idle.push(conn);
        }
    }
}

impl SecretStore for SqliteStore {
    fn describe(&self) -> String {
        format!("the SQLite database {}", self.pool.path.display())
    }

    fn meta<'a>(&'a self, secret: &'a SecretRef) -> StoreFuture<'a, Option<StoredMeta>> {
        Box::pin(std::future::ready(Ok(self.index.get(secret))))
    }

    fn meta_now(&self, secret: &SecretRef) -> Option<Result<Option<StoredMeta>, StoreError>> {
        Some(Ok(self.index.get(secret)))
    }

    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        after: &'a str,
        limit: usize,
    ) -> StoreFuture<'a, Vec<ListedSecret>> {
        Box::pin(std::future::ready(Ok(self.index.page(scope, after, limit))))
    }

    fn insert(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(self.writer.write(writer::Write::Insert {
            secret,
            secret_type,
            sealed: value,
        }))
    }

    fn update(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(self.writer.write(writer::Write::Update {
            secret,
            secret_type,
            sealed: value,
        }))
    }

    fn delete(&self, secret: SecretRef) -> StoreFuture<'_, bool> {
        Box::pin(self.writer.write(writer::Write::Delete { secret }))
    }

    fn read_first(&self, candidates: Vec<SecretRef>) -> StoreFuture<'_, Option<Found>> {
        Box::pin(self.pool.call(move |conn| {
            for r in candidates {
                if let Some((secret_type, sealed)) = queries::read_sealed(conn, &r)? {
                    return Ok(Some((r, secret_type, StoredValue::new(sealed))));
                }
            }
            Ok(None)
        }))
    }

    fn prepare(&self, proposed: Vec<u8>) -> StoreFuture<'_, Vec<u8>> {
        Box::pin(
            self.pool
                .call(move |conn| schema::key_check(conn, &proposed)),
        )
    }

    fn reseal<'a>(&'a self, rewrite: Rewrite<'a>, key_check: Vec<u8>) -> StoreFuture<'a, Resealed> {
        // On this task rather than the blocking pool: `rewrite` is borrowed. A reseal runs
        // from `flyte serve reseal`, with the data directory locked, not beside requests.
        let run = || -> Result<Resealed, StoreError> {
            let conn = self.pool.take()?;
            let tx = conn.unchecked_transaction()?;
            let mut done = Resealed::default();
            for (secret, secret_type, sealed) in queries::all_sealed(&tx)? {
                match rewrite(&secret, secret_type, &sealed).map_err(StoreError::Reseal)? {
                    Some(new) => {
                        queries::set_sealed(&tx, &secret, &new)?;
                        done.rewritten += 1;
                    }
                    None => done.unchanged += 1,
                }
            }
            schema::set_key_check(&tx, &key_check)?;
            tx.commit()?;
            self.pool.give_back(conn);
            Ok(done)
        };
        Box::pin(std::future::ready(run()))
    }
}

fn open_connection(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // WAL is persistent in the file; synchronous is per connection. FULL syncs the WAL on
    // every commit, which is what makes an acknowledged write survive kill -9 and power loss.
    let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
    debug_assert_eq!(mode, "wal");
    conn.execute_batch("PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;")?;
    Ok(conn)
}
