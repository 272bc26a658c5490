//! Postgres failures as [`StoreError`]s: the server down, restarting or refusing connections is
//! [`StoreError::Unavailable`] (clients see `unavailable` and may retry), naming
//! `HOST:PORT/DATABASE` and never the password; anything else is
//! [`StoreError::Backend`].

use deadpool_postgres::{PoolError, TimeoutType};
use tokio_postgres::error::SqlState;

use crate::store::StoreError;

/// A client error, for the database at `location` (`HOST:PORT/DATABASE`).
pub(super) fn from_client(location: &str, e: tokio_postgres::Error) -> StoreError {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        let unavailable = code.code().starts_with("08")
            || [
                SqlState::ADMIN_SHUTDOWN,
                SqlState::CRASH_SHUTDOWN,
                SqlState::CANNOT_CONNECT_NOW,
                SqlState::TOO_MANY_CONNECTIONS,
            ]
            .contains(code);
        if unavailable {
            return StoreError::Unavailable(format!(
                "the Postgres database {location} is not serving: {}",
                db.message()
            ));
        }
        return StoreError::Backend(Box::new(e));
    }
    if e.is_closed() {
        return StoreError::Unavailable(format!(
            "the connection to the Postgres database {location} was closed"
        ));
    }
    if let Some(io) = std::error::Error::source(&e).and_then(|s| s.downcast_ref::<std::io::Error>())
    {
        return StoreError::Unavailable(format!(
            "cannot reach the Postgres database {location}: {io}"
        ));
    }
    StoreError::Backend(Box::new(e))
}

/// A pool error: no connection could be had.
pub(super) fn from_pool(location: &str, e: PoolError) -> StoreError {
    match e {
        PoolError::Backend(e) => from_client(location, e),
        PoolError::Timeout(TimeoutType::Wait) => StoreError::Unavailable(format!(
            "every connection to the Postgres database {location} is busy"
        )),
        PoolError::Timeout(_) => StoreError::Unavailable(format!(
            "cannot connect to the Postgres database {location} in time"
        )),
        PoolError::Closed => StoreError::Unavailable(format!(
            "the connections to the Postgres database {location} are closed"
        )),
        e => StoreError::Backend(Box::new(e)),
    }
}
