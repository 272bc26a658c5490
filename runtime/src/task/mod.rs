//! Tasks: their static description, the per-call context that holds their secrets, the
//! typed accessor, and the glue generated code calls.

pub(crate) mod access;
pub(crate) mod context;
pub(crate) mod def;
pub(crate) mod outcome;

pub use access::TaskSecret;
pub use def::{SecretDef, TaskDef, registered, security_context};
/// The `flyteidl2.core` messages [`security_context`] and [`SecretDef::core_secret`] return.
pub use flyte_idl::core::{Secret as CoreSecret, SecurityContext, secret::MountType};
