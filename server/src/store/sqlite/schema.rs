//! Schema creation and the key check row.

use std::path::Path;

use rusqlite::{Connection, params};

use crate::error::StartError;

const VERSION: i64 = 1;

/// Creates the tables of a new database; refuses one from a newer version.
pub(super) fn migrate(conn: &Connection, path: &Path) -> Result<(), StartError> {
    let db_err = |source| StartError::Database {
        path: path.to_owned(),
        source,
    };
    let version: i64 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(db_err)?;
    if version > VERSION {
        return Err(StartError::Database {
            path: path.to_owned(),
            source: rusqlite::Error::InvalidParameterName(format!(
                "schema version {version} is newer than this server's ({VERSION})"
            )),
        });
    }
    conn.execute_batch(
        "BEGIN IMMEDIATE;
         CREATE TABLE IF NOT EXISTS secrets (
             organization    TEXT    NOT NULL,
             project         TEXT    NOT NULL,
             domain          TEXT    NOT NULL,
             name            TEXT    NOT NULL,
             secret_type     INTEGER NOT NULL,
             created_seconds INTEGER NOT NULL,
             created_nanos   INTEGER NOT NULL,
             updated_seconds INTEGER NOT NULL,
             updated_nanos   INTEGER NOT NULL,
             sealed          BLOB    NOT NULL,
             PRIMARY KEY (organization, project, domain, name)
         );
         CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value BLOB NOT NULL);
         PRAGMA user_version = 1;
         COMMIT;",
    )
    .map_err(db_err)
}

/// The database's key check, writing `proposed` first into a new database (OR IGNORE: a
/// concurrent first start may have written its own, which then wins).
pub(super) fn key_check(conn: &Connection, proposed: &[u8]) -> rusqlite::Result<Vec<u8>> {
    conn.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', ?1)",
        params![proposed],
    )?;
    conn.query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
        r.get(0)
    })
}

/// Replaces the key check (after a reseal, inside its transaction).
pub(super) fn set_key_check(conn: &Connection, check: &[u8]) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE meta SET value = ?1 WHERE key = 'key_check'",
        params![check],
    )?;
    Ok(())
}
