//! Tasks: their static description, the per-call context that holds their secrets, and the
//! glue generated code calls.

pub(crate) mod context;
pub(crate) mod def;
pub(crate) mod outcome;

pub use def::{SecretDef, TaskDef, registered};
