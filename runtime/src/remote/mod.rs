//! The client of the Flyte secret service, and the OAuth2 token cache.

pub mod auth;
