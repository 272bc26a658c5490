//! SQLite storage: one file `secrets.db` in the data directory, WAL journal with
//! `synchronous=FULL` (an acknowledged write survives a crash or kill -9). Values are stored
//! only as sealed ciphertext. Value reads run on tokio's blocking pool, never on executor
//! threads; writes go through one writer thread that commits whatever is queued in one
//! transaction ([`writer`], group commit); metadata reads are answered from an in-memory
//! index ([`index`]).

mod index;
mod queries;
mod schema;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use flyte_idl::Timestamp;
use rusqlite::{Connection, OpenFlags};

use crate::crypto::{Cipher, KeyError, SealedValue};
use crate::error::StartError;
use crate::scope::{Scope, SecretRef};

/// Name of the database file in the data directory.
pub const DATABASE_FILE: &str = "secrets.db";
/// Most connections in use at once (and kept open for reuse). SQLite serialises writers
/// anyway; more readers than this only queue on the CPU.
const MAX_CONNECTIONS: usize = 8;

/// Metadata of a stored secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredMeta {
    pub(crate) secret_type: i32,
    pub(crate) created: Timestamp,
}

/// One row of a listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListedSecret {
    pub(crate) name: String,
    pub(crate) meta: StoredMeta,
}

/// A storage failure; details are logged, clients see `internal`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub(crate) enum StoreError {
    #[error("database error")]
    Sqlite(#[from] rusqlite::Error),
    #[error("the database task panicked or was cancelled")]
    Task(#[from] tokio::task::JoinError),
    /// The write transaction of a batch failed: none of its writes happened.
    #[error("the write transaction failed: {0}")]
    Commit(String),
    #[error("the writer thread has stopped")]
    WriterGone,
}

/// The database, a small pool of connections, and the metadata index.
#[derive(Debug)]
pub(crate) struct Store {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: tokio::sync::Semaphore,
    /// Every write goes through it (group commit), so the index sees writes in commit order.
    writer: writer::Writer,
    index: Arc<index::Index>,
}

impl Store {
    /// Opens (creating if needed) the database in `data_dir`, checks that `cipher` holds
    /// the key the database was created with, and loads the metadata index.
    pub(crate) fn open(
        data_dir: &Path,
        cipher: &Cipher,
        key_origin: &str,
    ) -> Result<Store, StartError> {
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
        if !schema::check_key(&conn, cipher).map_err(db_err)? {
            return Err(KeyError::Mismatch {
                origin: key_origin.to_owned(),
                data_dir: data_dir.to_owned(),
            }
            .into());
        }
        let index = Arc::new(index::Index::load(&conn).map_err(db_err)?);
        let writer =
            writer::Writer::start(conn, Arc::clone(&index)).map_err(|source| StartError::Io {
                what: "cannot start the database writer for",
                path: path.clone(),
                source,
            })?;
        Ok(Store {
            path,
            idle: Mutex::new(Vec::new()),
            permits: tokio::sync::Semaphore::new(MAX_CONNECTIONS),
            writer,
            index,
        })
    }

    /// Runs `f` with a connection on the blocking pool, at most `MAX_CONNECTIONS` at once.
    async fn call<T, F>(self: &Arc<Self>, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(&Store, &Connection) -> rusqlite::Result<T> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .expect("the semaphore is never closed");
        let this = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let conn = this.take()?;
            let out = f(&this, &conn);
            this.give_back(conn);
            Ok(out?)
        })
        .await?
    }

    /// Metadata of one secret (from the index).
    pub(crate) fn meta(&self, secret: &SecretRef) -> Option<StoredMeta> {
        self.index.get(secret)
    }

    /// Up to `limit` secrets of `scope` after `after` in name order (from the index).
    pub(crate) fn page(&self, scope: &Scope, after: &str, limit: usize) -> Vec<ListedSecret> {
        self.index.page(scope, after, limit)
    }

    /// Inserts a new secret; `false` when the name is taken in its scope.
    pub(crate) async fn insert(
        &self,
        secret: SecretRef,
        secret_type: i32,
        sealed: SealedValue,
    ) -> Result<bool, StoreError> {
        self.writer
            .write(writer::Write::Insert {
                secret,
                secret_type,
                sealed,
            })
            .await
    }

    /// Replaces the value and type of a secret; `false` when it does not exist.
    pub(crate) async fn update(
        &self,
        secret: SecretRef,
        secret_type: i32,
        sealed: SealedValue,
    ) -> Result<bool, StoreError> {
        self.writer
            .write(writer::Write::Update {
                secret,
                secret_type,
                sealed,
            })
            .await
    }

    /// Deletes a secret; `false` when it does not exist.
    pub(crate) async fn delete(&self, secret: SecretRef) -> Result<bool, StoreError> {
        self.writer.write(writer::Write::Delete { secret }).await
    }

    /// The first of `candidates` that exists, with its type and sealed value.
    pub(crate) async fn read_first(
        self: &Arc<Self>,
        candidates: Vec<SecretRef>,
    ) -> Result<Option<(SecretRef, i32, Vec<u8>)>, StoreError> {
        self.call(move |_, conn| {
            for r in candidates {
                if let Some((secret_type, sealed)) = queries::read_sealed(conn, &r)? {
                    return Ok(Some((r, secret_type, sealed)));
                }
            }
            Ok(None)
        })
        .await
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
