//! Tasks: their static description, the per-call context that holds their secrets, the
//! typed accessor, and the glue generated code calls.

pub(crate) mod access;
pub(crate) mod context;
pub(crate) mod def;
pub(crate) mod expansion;
mod input_error;
pub(crate) mod io;
pub(crate) mod outcome;
pub(crate) mod registry;
pub(crate) mod runner;
mod task_secret;

pub(crate) use def::TaskDef;
pub use input_error::InputError;
pub(crate) use registry::registered;
