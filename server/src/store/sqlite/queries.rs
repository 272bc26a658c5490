//! The statements behind each write and value read. Writes run inside the writer's batch
//! transaction.

use flyte_idl::Timestamp;
use rusqlite::{Connection, ErrorCode, OptionalExtension, params};

use crate::scope::SecretRef;
use crate::store::StoredValue;

/// Inserts a new secret; `false` when the name is taken in its scope.
pub(crate) fn insert(
    conn: &Connection,
    secret: &SecretRef,
    secret_type: i32,
    sealed: &StoredValue,
    now: Timestamp,
) -> rusqlite::Result<bool> {
    let s = &secret.scope;
    let result = conn
        .prepare_cached(
            "INSERT INTO secrets (organization, project, domain, name, secret_type,
                 created_seconds, created_nanos, updated_seconds, updated_nanos, sealed)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?6, ?7, ?8)",
        )?
        .execute(params![
            s.organization,
            s.project,
            s.domain,
            secret.name,
            secret_type,
            now.seconds,
            now.nanos,
            &sealed.0[..]
        ]);
    match result {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == ErrorCode::ConstraintViolation => {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

/// Replaces the value and type of an existing secret; `false` when it does not exist.
pub(crate) fn update(
    conn: &Connection,
    secret: &SecretRef,
    secret_type: i32,
    sealed: &StoredValue,
    now: Timestamp,
) -> rusqlite::Result<bool> {
    let s = &secret.scope;
    let n = conn
        .prepare_cached(
            "UPDATE secrets SET secret_type = ?5, updated_seconds = ?6, updated_nanos = ?7, sealed = ?8
             WHERE organization = ?1 AND project = ?2 AND domain = ?3 AND name = ?4",
        )?
        .execute(params![
            s.organization,
            s.project,
            s.domain,
            secret.name,
            secret_type,
            now.seconds,
            now.nanos,
            &sealed.0[..]
        ])?;
    Ok(n == 1)
}

/// Deletes one secret; `false` when it does not exist.
pub(crate) fn delete(conn: &Connection, secret: &SecretRef) -> rusqlite::Result<bool> {
    let s = &secret.scope;
    let n = conn
        .prepare_cached(
            "DELETE FROM secrets WHERE organization = ?1 AND project = ?2 AND domain = ?3 AND name = ?4",
        )?
        .execute(params![s.organization, s.project, s.domain, secret.name])?;
    Ok(n == 1)
}

/// The type and sealed value of one secret.
pub(crate) fn read_sealed(
    conn: &Connection,
    secret: &SecretRef,
) -> rusqlite::Result<Option<(i32, Vec<u8>)>> {
    let s = &secret.scope;
    conn.prepare_cached(
        "SELECT secret_type, sealed FROM secrets
         WHERE organization = ?1 AND project = ?2 AND domain = ?3 AND name = ?4",
    )?
    .query_row(
        params![s.organization, s.project, s.domain, secret.name],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .optional()
}

/// Every row's key, type and sealed value (for a reseal).
pub(crate) fn all_sealed(conn: &Connection) -> rusqlite::Result<Vec<(SecretRef, i32, Vec<u8>)>> {
    let mut stmt = conn
        .prepare("SELECT organization, project, domain, name, secret_type, sealed FROM secrets")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            SecretRef {
                scope: crate::scope::Scope {
                    organization: r.get(0)?,
                    project: r.get(1)?,
                    domain: r.get(2)?,
                },
                name: r.get(3)?,
            },
            r.get(4)?,
            r.get(5)?,
        ))
    })?;
    rows.collect()
}

/// Replaces one row's sealed value, leaving its type and times.
pub(crate) fn set_sealed(
    conn: &Connection,
    secret: &SecretRef,
    sealed: &[u8],
) -> rusqlite::Result<()> {
    let s = &secret.scope;
    conn.prepare_cached(
        "UPDATE secrets SET sealed = ?5
         WHERE organization = ?1 AND project = ?2 AND domain = ?3 AND name = ?4",
    )?
    .execute(params![
        s.organization,
        s.project,
        s.domain,
        secret.name,
        sealed
    ])?;
    Ok(())
}
