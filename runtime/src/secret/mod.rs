//! Secret requests at run time ([`Secret`], built with [`SecretBuilder`], landing at a
//! [`Target`]) and secret values ([`SecretValue`]). Invalid requests are
//! [`SpecError`](crate::SpecError).

mod request;
mod value;

pub use flyte_spec::Target;
pub use request::{Secret, SecretBuilder};
pub use value::SecretValue;
