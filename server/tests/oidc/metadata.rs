//! `flyteidl2.auth.AuthMetadataService`: public, in both codecs.

use flyte_idl::connect::Code;
use flyte_idl::*;

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
