//! Encryption at rest: the key and the value cipher.

mod cipher;
mod key;

pub(crate) use cipher::{Cipher, SealedValue, value_ad};
pub use key::{KEY_ENV, KEY_FILE, KeyError};
pub(crate) use key::{load_or_create_key, sync_dir};
