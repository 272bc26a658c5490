//! Versioned migrations and the key check row. Every server runs [`prepare`] at start, inside
//! one transaction holding an advisory lock, so that several replicas starting at once migrate
//! the database exactly once; a database migrated by newer code is refused.

use tokio_postgres::Transaction;

/// `pg_advisory_xact_lock` key of the migration (any fixed number; "flyte" in ASCII).
const MIGRATION_LOCK: i64 = 0x66_6c79_7465;

/// The migrations, in order: the schema version is the number of them applied.
const MIGRATIONS: &[&str] = &[
    // 1: secrets and the key check. Names compare as bytes (COLLATE "C"), whatever the
    // database's locale, so that listing order is the same on every replica and page tokens
    // stay valid.
    r#"CREATE TABLE flyte_secrets (
           organization text COLLATE "C" NOT NULL,
           project      text COLLATE "C" NOT NULL,
           domain       text COLLATE "C" NOT NULL,
           name         text COLLATE "C" NOT NULL,
           secret_type  integer NOT NULL,
           created_us   bigint  NOT NULL,
           updated_us   bigint  NOT NULL,
           sealed       bytea   NOT NULL,
           PRIMARY KEY (organization, project, domain, name)
       );
       CREATE TABLE flyte_meta (key text PRIMARY KEY, value bytea NOT NULL);"#,
];

/// The schema version this code writes and reads.
pub(super) const VERSION: i32 = MIGRATIONS.len() as i32;

/// Why a database cannot be used by this code.
#[derive(Debug, thiserror::Error)]
pub(super) enum SchemaError {
    #[error(
        "its schema version {found} is newer than this server's ({VERSION}): a newer flyte \
         serve migrated it; upgrade this one"
    )]
    Newer { found: i32 },
    #[error(transparent)]
    Client(#[from] tokio_postgres::Error),
}

/// Migrates to [`VERSION`] and returns the key check, storing `proposed` when there is none.
pub(super) async fn prepare(tx: &Transaction<'_>, proposed: &[u8]) -> Result<Vec<u8>, SchemaError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    // (Without the NOTICE "relation already exists, skipping" in every start's log.)
    tx.batch_execute(
        "SET LOCAL client_min_messages = warning;
         CREATE TABLE IF NOT EXISTS flyte_schema (
             singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
             version   integer NOT NULL
         );
         INSERT INTO flyte_schema (version) VALUES (0) ON CONFLICT DO NOTHING;",
    )
    .await?;
    let found: i32 = tx
        .query_one("SELECT version FROM flyte_schema", &[])
        .await?
        .get(0);
    if found > VERSION {
        return Err(SchemaError::Newer { found });
    }
    for (i, migration) in MIGRATIONS.iter().enumerate().skip(found.max(0) as usize) {
        tracing::info!(version = i + 1, "migrating the Postgres schema");
        tx.batch_execute(migration).await?;
    }
    if found < VERSION {
        tx.execute("UPDATE flyte_schema SET version = $1", &[&VERSION])
            .await?;
    }
    tx.execute(
        "INSERT INTO flyte_meta (key, value) VALUES ('key_check', $1) ON CONFLICT DO NOTHING",
        &[&proposed],
    )
    .await?;
    Ok(tx
        .query_one("SELECT value FROM flyte_meta WHERE key = 'key_check'", &[])
        .await?
        .get(0))
}

/// Replaces the key check (after a reseal, inside its transaction).
pub(super) async fn set_key_check(
    tx: &Transaction<'_>,
    check: &[u8],
) -> Result<(), tokio_postgres::Error> {
    tx.execute(
        "UPDATE flyte_meta SET value = $1 WHERE key = 'key_check'",
        &[&check],
    )
    .await?;
    Ok(())
}
