//! PostgreSQL storage, for several servers (replicas) on one database: every call reads or
//! writes the database (no in-memory index, since other replicas write too), values are
//! sealed by the server with the key every replica is given, and names compare as bytes
//! (COLLATE "C") so that every replica lists in the same order. Migrations run at start
//! under an advisory lock ([`schema`]). A database that cannot be reached gives
//! [`StoreError::Unavailable`] ([`errors`]).

mod errors;
mod queries;
mod schema;
mod url;

use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};

pub use url::PostgresConfig;
pub(crate) use url::redact;

use super::{
    Found, ListedSecret, Resealed, Rewrite, SecretStore, StoreError, StoreFuture, StoredMeta,
    StoredValue,
};
use crate::error::StartError;
use crate::scope::{Scope, SecretRef};

/// Most connections one server keeps to the database.
const MAX_CONNECTIONS: usize = 16;
/// How long a call waits for a free connection, or for a new one to be made.
const CONNECTION_WAIT: Duration = Duration::from_secs(10);

/// A pool of connections to one database.
#[derive(Debug)]
pub(crate) struct PostgresStore {
    pool: Pool,
    /// `HOST:PORT/DATABASE`, for messages.
    location: String,
}

impl PostgresStore {
    /// Sets up the pool; connects only when first used ([`SecretStore::prepare`]).
    pub(crate) fn new(config: &PostgresConfig) -> Result<PostgresStore, StartError> {
        let location = config.location();
        let manager = Manager::from_config(
            config.client_config(),
            tokio_postgres::NoTls,
            ManagerConfig {
                // A connection the server closed (a restart) is dropped, not handed out.
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(MAX_CONNECTIONS)
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(CONNECTION_WAIT))
            .create_timeout(Some(CONNECTION_WAIT))
            .recycle_timeout(Some(CONNECTION_WAIT))
            .build()
            .map_err(|e| StartError::Store {
                store: format!("the Postgres database {location}"),
                source: Box::new(e),
            })?;
        Ok(PostgresStore { pool, location })
    }

    async fn client(&self) -> Result<deadpool_postgres::Client, StoreError> {
        self.pool
            .get()
            .await
            .map_err(|e| errors::from_pool(&self.location, e))
    }

    fn db(&self) -> impl Fn(tokio_postgres::Error) -> StoreError + '_ {
        |e| errors::from_client(&self.location, e)
    }
}

impl SecretStore for PostgresStore {
    fn describe(&self) -> String {
        format!("the Postgres database {}", self.location)
    }

    fn meta<'a>(&'a self, secret: &'a SecretRef) -> StoreFuture<'a, Option<StoredMeta>> {
        Box::pin(async move {
            let c = self.client().await?;
            queries::meta_of(&c, secret).await.map_err(self.db())
        })
    }

    fn page<'a>(
        &'a self,
        scope: &'a Scope,
        after: &'a str,
        limit: usize,
    ) -> StoreFuture<'a, Vec<ListedSecret>> {
        Box::pin(async move {
            let c = self.client().await?;
            queries::page(&c, scope, after, limit)
                .await
                .map_err(self.db())
        })
    }

    fn insert(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let c = self.client().await?;
            queries::insert(&c, &secret, secret_type, &value.0)
                .await
                .map_err(self.db())
        })
    }

    fn update(
        &self,
        secret: SecretRef,
        secret_type: i32,
        value: StoredValue,
    ) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let c = self.client().await?;
            queries::update(&c, &secret, secret_type, &value.0)
                .await
                .map_err(self.db())
        })
    }

    fn delete(&self, secret: SecretRef) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let c = self.client().await?;
            queries::delete(&c, &secret).await.map_err(self.db())
        })
    }

    fn read_first(&self, candidates: Vec<SecretRef>) -> StoreFuture<'_, Option<Found>> {
        Box::pin(async move {
            let c = self.client().await?;
            for r in candidates {
                if let Some((ty, sealed)) = queries::read_value(&c, &r).await.map_err(self.db())? {
                    return Ok(Some((r, ty, StoredValue::new(sealed))));
                }
            }
            Ok(None)
        })
    }

    fn prepare(&self, proposed: Vec<u8>) -> StoreFuture<'_, Vec<u8>> {
        Box::pin(async move {
            let mut c = self.client().await?;
            let tx = c.transaction().await.map_err(self.db())?;
            let check = match schema::prepare(&tx, &proposed).await {
                Ok(check) => check,
                Err(schema::SchemaError::Client(e)) => return Err(self.db()(e)),
                Err(e) => return Err(StoreError::Schema(e.to_string())),
            };
            tx.commit().await.map_err(self.db())?;
            Ok(check)
        })
    }

    /// One transaction: a value no key opens rolls everything back. Each value is replaced by
    /// compare-and-swap; when a live server changed it meanwhile, the new value is read and
    /// passed through `rewrite` again, so that its write is never overwritten.
    fn reseal<'a>(&'a self, rewrite: Rewrite<'a>, key_check: Vec<u8>) -> StoreFuture<'a, Resealed> {
        Box::pin(async move {
            let mut c = self.client().await?;
            let tx = c.transaction().await.map_err(self.db())?;
            let mut done = Resealed::default();
            for secret in queries::all_refs(&tx).await.map_err(self.db())? {
                // Gone (deleted meanwhile): nothing to do.
                while let Some((ty, sealed)) = queries::read_sealed(&tx, &secret)
                    .await
                    .map_err(self.db())?
                {
                    let Some(new) = rewrite(&secret, ty, &sealed).map_err(StoreError::Reseal)?
                    else {
                        done.unchanged += 1;
                        break;
                    };
                    if queries::swap_sealed(&tx, &secret, ty, &sealed, &new)
                        .await
                        .map_err(self.db())?
                    {
                        done.rewritten += 1;
                        break;
                    }
                }
            }
            schema::set_key_check(&tx, &key_check)
                .await
                .map_err(self.db())?;
            tx.commit().await.map_err(self.db())?;
            Ok(done)
        })
    }
}
