//! Secret requests at run time ([`Secret`], built with [`SecretBuilder`], landing at a
//! [`Target`]), declared secrets as sources see them ([`SecretDef`]) and secret values
//! ([`SecretValue`]). Invalid requests are
//! [`SpecError`](crate::SpecError).

mod def;
mod request;
mod value;

pub use def::{Landing, SecretDef, security_context};
/// The `flyteidl2.core` messages [`security_context`] and [`SecretDef::core_secret`] return.
pub use flyte_idl::core::{Secret as CoreSecret, SecurityContext, secret::MountType};
pub use flyte_spec::Target;
pub use request::{Secret, SecretBuilder};
pub use value::SecretValue;
