//! Schema creation and the key check row.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::crypto::Cipher;
use crate::error::StartError;

const VERSION: i64 = 1;
const KEY_CHECK_AD: &[u8] = b"flyte-key-check-v1";
const KEY_CHECK_TEXT: &[u8] = b"flyte-server key check";

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

/// True when `cipher` opens the database's key check (writing one into a new database).
pub(super) fn check_key(conn: &Connection, cipher: &Cipher) -> rusqlite::Result<bool> {
    let stored: Option<Vec<u8>> = conn
        .query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
            r.get(0)
        })
        .optional()?;
    match stored {
        Some(sealed) => Ok(cipher
            .open(KEY_CHECK_AD, &sealed)
            .is_some_and(|p| p[..] == *KEY_CHECK_TEXT)),
        None => {
            let sealed = cipher.seal(KEY_CHECK_AD, KEY_CHECK_TEXT);
            // OR IGNORE: a concurrent first start may have written its own; check again.
            conn.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('key_check', ?1)",
                params![sealed.0],
            )?;
            let again: Vec<u8> =
                conn.query_row("SELECT value FROM meta WHERE key = 'key_check'", [], |r| {
                    r.get(0)
                })?;
            Ok(cipher.open(KEY_CHECK_AD, &again).is_some())
        }
    }
}
