//! Where secret values come from: the process (env var or mounted file), a local dotenv
//! file, the configured secret service, or a source of the user's.

pub mod missing;
