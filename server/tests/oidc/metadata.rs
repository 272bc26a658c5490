//! `flyteidl2.auth.AuthMetadataService`: public, in both codecs.

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_test_backends::needs;

use super::common::*;

#[tokio::test]
async fn auth_metadata_is_unimplemented_without_an_identity_provider() {
    let dir = tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir()
        .unwrap();
    let tokens = flyte_server::TokenSet::parse("admin-token-0123456789 * all").unwrap();
    let server = builder(dir.path())
        .tokens(tokens)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    for client in [
        Client::new(server.addr()),
        Client::new(server.addr()).json(),
    ] {
        // No token: the method is public, so the answer is about the method, not the caller.
        let err = client
            .call::<_, GetOAuth2MetadataResponse>(
                paths::GET_OAUTH2_METADATA,
                &GetOAuth2MetadataRequest {},
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);
        assert!(err.body.message.contains("--oidc-issuer"), "{:?}", err.body);
        let err = client
            .call::<_, GetPublicClientConfigResponse>(
                paths::GET_PUBLIC_CLIENT_CONFIG,
                &GetPublicClientConfigRequest {},
            )
            .await
            .unwrap_err();
        assert_eq!(err.code(), Code::Unimplemented);
    }
    server.shutdown().await.unwrap();
}

#[needs(idp)]
#[tokio::test]
async fn auth_metadata_comes_from_the_issuer() {
    let idp = super::oidc_harness::Idp::start(Default::default());
    let dir = super::private_dir();
    let server = super::oidc_builder(dir.path(), &idp)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    for client in [
        Client::new(server.addr()),
        Client::new(server.addr()).json(),
    ] {
        let meta: GetOAuth2MetadataResponse = client
            .call(paths::GET_OAUTH2_METADATA, &GetOAuth2MetadataRequest {})
            .await
            .unwrap();
        assert_eq!(meta.issuer, idp.issuer);
        assert_eq!(meta.token_endpoint, format!("{}/token", idp.issuer));
        assert_eq!(meta.authorization_endpoint, format!("{}/auth", idp.issuer));
        assert_eq!(
            meta.device_authorization_endpoint,
            format!("{}/device/auth", idp.issuer)
        );
        assert_eq!(meta.jwks_uri, format!("{}/jwks", idp.issuer));
        assert!(
            meta.code_challenge_methods_supported
                .contains(&"S256".to_owned())
        );
        let public: GetPublicClientConfigResponse = client
            .call(
                paths::GET_PUBLIC_CLIENT_CONFIG,
                &GetPublicClientConfigRequest {},
            )
            .await
            .unwrap();
        assert_eq!(public.client_id, idp.pkce_client);
        assert_eq!(public.audience, idp.audience);
        assert_eq!(public.scopes, ["all"]);
        assert_eq!(public.authorization_metadata_key, "authorization");
    }
    server.shutdown().await.unwrap();
}
