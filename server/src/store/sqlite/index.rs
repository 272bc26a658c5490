//! The in-memory metadata index: every secret's name, type and creation time, per scope,
//! sorted by name. Loaded from SQLite at start and updated after each committed write, so
//! GetSecret and ListSecrets never wait for the database. Values are never in it.
//!
//! It is exact only while this process is the database's one writer; the data directory
//! lock (see `crate::builder`) guarantees that.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::sync::RwLock;

use flyte_idl::Timestamp;
use rusqlite::Connection;

use crate::scope::{Scope, SecretRef};
use crate::store::{ListedSecret, StoredMeta};

#[derive(Debug, Default)]
pub(super) struct Index {
    scopes: RwLock<HashMap<Scope, BTreeMap<String, StoredMeta>>>,
}

impl Index {
    pub(super) fn load(conn: &Connection) -> rusqlite::Result<Index> {
        let mut scopes: HashMap<Scope, BTreeMap<String, StoredMeta>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT organization, project, domain, name, secret_type, created_seconds, created_nanos
             FROM secrets",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let scope = Scope {
                organization: r.get(0)?,
                project: r.get(1)?,
                domain: r.get(2)?,
            };
            let meta = StoredMeta {
                secret_type: r.get(4)?,
                created: Timestamp {
                    seconds: r.get(5)?,
                    nanos: r.get(6)?,
                },
            };
            scopes.entry(scope).or_default().insert(r.get(3)?, meta);
        }
        Ok(Index {
            scopes: RwLock::new(scopes),
        })
    }

    pub(super) fn get(&self, secret: &SecretRef) -> Option<StoredMeta> {
        let scopes = self.scopes.read().unwrap_or_else(|e| e.into_inner());
        scopes.get(&secret.scope)?.get(&secret.name).cloned()
    }

    /// Up to `limit` secrets of `scope` whose names sort after `after`.
    pub(super) fn page(&self, scope: &Scope, after: &str, limit: usize) -> Vec<ListedSecret> {
        let scopes = self.scopes.read().unwrap_or_else(|e| e.into_inner());
        let Some(names) = scopes.get(scope) else {
            return Vec::new();
        };
        names
            .range::<str, _>((Bound::Excluded(after), Bound::Unbounded))
            .take(limit)
            .map(|(name, meta)| ListedSecret {
                name: name.clone(),
                meta: meta.clone(),
            })
            .collect()
    }

    pub(super) fn put(&self, secret: &SecretRef, meta: StoredMeta) {
        let mut scopes = self.scopes.write().unwrap_or_else(|e| e.into_inner());
        scopes
            .entry(secret.scope.clone())
            .or_default()
            .insert(secret.name.clone(), meta);
    }

    pub(super) fn set_type(&self, secret: &SecretRef, secret_type: i32) {
        let mut scopes = self.scopes.write().unwrap_or_else(|e| e.into_inner());
        if let Some(meta) = scopes
            .get_mut(&secret.scope)
            .and_then(|m| m.get_mut(&secret.name))
        {
            meta.secret_type = secret_type;
        }
    }

    pub(super) fn remove(&self, secret: &SecretRef) {
        let mut scopes = self.scopes.write().unwrap_or_else(|e| e.into_inner());
        if let Some(names) = scopes.get_mut(&secret.scope) {
            names.remove(&secret.name);
            if names.is_empty() {
                scopes.remove(&secret.scope);
            }
        }
    }
}
