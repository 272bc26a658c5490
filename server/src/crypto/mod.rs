//! Encryption at rest: the key and the value cipher.

mod cipher;
mod key;

pub(crate) use cipher::{KeyRing, WhichKey, value_ad};
pub(crate) use key::load_given_key;
pub use key::{KEY_ENV, KEY_FILE, KeyError};
pub(crate) use key::{load_or_create_key, sync_dir};
