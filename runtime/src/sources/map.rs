//! [`MapSource`]: secrets held in memory, for tests and for programs that fetch values their
//! own way.

use std::collections::HashMap;

use super::{Found, SecretSource};
use crate::Error;
use crate::secret::SecretDef;
use crate::secret::SecretValue;

/// Values by secret name (`key`, or `group/key` for a grouped secret).
#[derive(Debug, Default, Clone)]
pub struct MapSource {
    values: HashMap<String, SecretValue>,
}

impl MapSource {
    /// A source with no values; add them with [`MapSource::with`].
    pub fn new() -> Self {
        MapSource::default()
    }

    /// Adds a value under `name` (`key` or `group/key`).
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<SecretValue>) -> Self {
        self.values.insert(name.into(), value.into());
        self
    }
}

impl<K: Into<String>, V: Into<SecretValue>> FromIterator<(K, V)> for MapSource {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        MapSource {
            values: iter
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        }
    }
}

impl SecretSource for MapSource {
    fn fetch(&self, secret: &SecretDef<'_>) -> Result<Option<Found>, Error> {
        Ok(self
            .values
            .get(&secret.display_name())
            .cloned()
            .map(Found::Value))
    }

    fn looked_at(&self, secret: &SecretDef<'_>) -> String {
        format!("in-memory source (entry {})", secret.display_name())
    }
}
