//! The server behind an identity provider: AuthMetadataService, bearer JWTs validated against
//! the issuer's keys, policies, TLS. Tests that run the real oidc-provider (tests/oidc) say
//! `#[needs(idp)]`: ignored, with the reason, where node or its packages are missing.

#[path = "../../tests/oidc/certs.rs"]
mod certs;
use crate::common;
#[path = "../../tests/oidc/harness.rs"]
mod oidc_harness;

#[path = "oidc/metadata.rs"]
mod metadata;
#[path = "oidc/policy.rs"]
mod policy;
#[path = "oidc/provider.rs"]
mod provider;
#[path = "oidc/python.rs"]
mod python;
#[path = "oidc/tls.rs"]
mod tls;
#[path = "oidc/validation.rs"]
mod validation;

use flyte_server::{OidcConfig, ServerBuilder};

/// A private temporary data directory.
pub(crate) fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap()
}

/// A loopback server trusting `idp`, advertising its `flyte-pkce` client.
pub(crate) fn oidc_builder(dir: &std::path::Path, idp: &oidc_harness::Idp) -> ServerBuilder {
    common::builder(dir).oidc(
        OidcConfig::new(&idp.issuer, &idp.audience)
            .client_id(&idp.pkce_client)
            .redirect_uri("http://127.0.0.1:0/callback")
            .scopes(vec!["all".into()]),
    )
}
