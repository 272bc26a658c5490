//! The statements behind each call, prepared once per connection (`prepare_cached`). Times
//! are the database's clock, in microseconds since the epoch, so that replicas agree.

use deadpool_postgres::Client;
use flyte_idl::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::scope::{Scope, SecretRef};
use crate::store::{ListedSecret, StoredMeta};

type Result<T> = std::result::Result<T, tokio_postgres::Error>;

/// Now, on the database's clock.
const NOW_US: &str = "(extract(epoch FROM clock_timestamp()) * 1000000)::bigint";

const KEY: &str = "organization = $1 AND project = $2 AND domain = $3 AND name = $4";

/// The parameters `$1` to `$4` of [`KEY`].
fn key_args(s: &SecretRef) -> [&(dyn ToSql + Sync); 4] {
    let sc = &s.scope;
    [&sc.organization, &sc.project, &sc.domain, &s.name]
}

fn meta(row: &Row, type_col: usize) -> StoredMeta {
    let us: i64 = row.get(type_col + 1);
    StoredMeta {
        secret_type: row.get(type_col),
        created: Timestamp {
            seconds: us.div_euclid(1_000_000),
            nanos: (us.rem_euclid(1_000_000) * 1000) as i32,
        },
    }
}

pub(super) async fn meta_of(c: &Client, s: &SecretRef) -> Result<Option<StoredMeta>> {
    let stmt = c
        .prepare_cached(&format!(
            "SELECT secret_type, created_us FROM flyte_secrets WHERE {KEY}"
        ))
        .await?;
    let row = c.query_opt(&stmt, &key_args(s)).await?;
    Ok(row.map(|r| meta(&r, 0)))
}

/// Names compare as bytes: the columns are COLLATE "C".
pub(super) async fn page(
    c: &Client,
    sc: &Scope,
    after: &str,
    limit: usize,
) -> Result<Vec<ListedSecret>> {
    let stmt = c
        .prepare_cached(
            "SELECT name, secret_type, created_us FROM flyte_secrets
             WHERE organization = $1 AND project = $2 AND domain = $3 AND name > $4
             ORDER BY name LIMIT $5",
        )
        .await?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = c
        .query(
            &stmt,
            &[&sc.organization, &sc.project, &sc.domain, &after, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ListedSecret {
            name: r.get(0),
            meta: meta(r, 1),
        })
        .collect())
}

/// `false` when the name is taken: of concurrent inserts of one name, exactly one inserts.
pub(super) async fn insert(c: &Client, s: &SecretRef, ty: i32, sealed: &[u8]) -> Result<bool> {
    let sql = format!(
        "INSERT INTO flyte_secrets
             (organization, project, domain, name, secret_type, created_us, updated_us, sealed)
         VALUES ($1, $2, $3, $4, $5, {NOW_US}, {NOW_US}, $6)
         ON CONFLICT DO NOTHING"
    );
    write(c, &sql, s, ty, sealed).await
}

pub(super) async fn update(c: &Client, s: &SecretRef, ty: i32, sealed: &[u8]) -> Result<bool> {
    let sql = format!(
        "UPDATE flyte_secrets SET secret_type = $5, sealed = $6, updated_us = {NOW_US}
         WHERE {KEY}"
    );
    write(c, &sql, s, ty, sealed).await
}

/// Runs an insert or update of one row (`$1`..`$4` the key, `$5` the type, `$6` the value);
/// whether it wrote the row.
async fn write(c: &Client, sql: &str, s: &SecretRef, ty: i32, sealed: &[u8]) -> Result<bool> {
    let stmt = c.prepare_cached(sql).await?;
    let [o, p, d, n] = key_args(s);
    Ok(c.execute(&stmt, &[o, p, d, n, &ty, &sealed]).await? == 1)
}

pub(super) async fn delete(c: &Client, s: &SecretRef) -> Result<bool> {
    let stmt = c
        .prepare_cached(&format!("DELETE FROM flyte_secrets WHERE {KEY}"))
        .await?;
    let n = c.execute(&stmt, &key_args(s)).await?;
    Ok(n == 1)
}

/// The type and sealed value of one secret (a prepared statement: the inject path).
pub(super) async fn read_value(c: &Client, s: &SecretRef) -> Result<Option<(i32, Vec<u8>)>> {
    let stmt = c
        .prepare_cached(&format!(
            "SELECT secret_type, sealed FROM flyte_secrets WHERE {KEY}"
        ))
        .await?;
    let row = c.query_opt(&stmt, &key_args(s)).await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// The type and sealed value of one secret, inside a transaction.
pub(super) async fn read_sealed(
    c: &tokio_postgres::Transaction<'_>,
    s: &SecretRef,
) -> Result<Option<(i32, Vec<u8>)>> {
    let row = c
        .query_opt(
            &format!("SELECT secret_type, sealed FROM flyte_secrets WHERE {KEY}"),
            &key_args(s),
        )
        .await?;
    Ok(row.map(|r| (r.get(0), r.get(1))))
}

/// Every secret, for a reseal.
pub(super) async fn all_refs(tx: &tokio_postgres::Transaction<'_>) -> Result<Vec<SecretRef>> {
    let rows = tx
        .query(
            "SELECT organization, project, domain, name FROM flyte_secrets
             ORDER BY organization, project, domain, name",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| SecretRef {
            scope: Scope {
                organization: r.get(0),
                project: r.get(1),
                domain: r.get(2),
            },
            name: r.get(3),
        })
        .collect())
}

/// Compare-and-swap of one sealed value: replaces it only while it still is `old` with type
/// `ty`, so that a write another server made meanwhile is never overwritten.
pub(super) async fn swap_sealed(
    tx: &tokio_postgres::Transaction<'_>,
    s: &SecretRef,
    ty: i32,
    old: &[u8],
    new: &[u8],
) -> Result<bool> {
    let [o, p, d, n] = key_args(s);
    let n = tx
        .execute(
            &format!(
                "UPDATE flyte_secrets SET sealed = $7
                 WHERE {KEY} AND secret_type = $5 AND sealed = $6"
            ),
            &[o, p, d, n, &ty, &old, &new],
        )
        .await?;
    Ok(n == 1)
}
