//! The server behind an identity provider: AuthMetadataService, bearer JWTs validated against
//! the issuer's keys, policies, TLS. Tests named `needs_idp_*` run the real oidc-provider
//! (tests/oidc); see the harness for when they skip.

#[path = "common/mod.rs"]
mod common;
#[path = "../../tests/oidc/harness.rs"]
mod oidc_harness;

#[path = "oidc/metadata.rs"]
mod metadata;
#[path = "oidc/provider.rs"]
mod provider;
