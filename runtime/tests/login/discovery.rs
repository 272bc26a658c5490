//! Where to log in comes from the service's AuthMetadataService in the client's codec; the
//! token goes in the header the service names; over TLS with `admin.caCertFilePath`.

use std::sync::Arc;

use flyte::config::Codec;
use flyte::remote::{Error, MemoryTokenStore};
use flyte_test_backends::needs;

use super::oidc_harness::{Idp, IdpOptions};
use super::*;

#[needs(idp)]
#[tokio::test]
async fn the_header_the_service_names_in_both_codecs() {
    let idp = Idp::start(IdpOptions::default());
    // The service reads only `flyte-authorization`, and says so.
    let service = serve(&idp, |c| c.header("flyte-authorization")).await;
    for codec in [Codec::Proto, Codec::Json] {
        let store = Arc::new(MemoryTokenStore::default());
        let secret = idp.client_secret.clone();
        let cfg = flyte::Config::builder()
            .no_file_search()
            .no_env()
            .endpoint(service.server.url())
            .client_id(&idp.ci_client)
            .client_secret(secret)
            .codec(codec)
            .build()
            .unwrap();
        let c = flyte::remote::ClientBuilder::from_config(cfg)
            .token_store(store.clone())
            .max_retries(0)
            .build()
            .unwrap();
        // The first call goes in the default header and is refused; the login learns the
        // header; the retry gets through.
        authorized(&c).await.unwrap();
        authorized(&c).await.unwrap();
    }
}

#[needs(idp)]
#[tokio::test]
async fn login_over_tls_with_the_configured_ca() {
    let idp = Idp::start(IdpOptions::default());
    let certs = super::certs::generate();
    let dir = private_dir();
    let server = flyte_server::Server::builder()
        .data_dir(dir.path())
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
        .tls(&certs.cert, &certs.key)
        .oidc(flyte_server::OidcConfig::new(&idp.issuer, &idp.audience).scopes(vec!["all".into()]))
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let endpoint = format!("dns:///localhost:{}", server.addr().port());
    let config = |ca: &std::path::Path| {
        flyte::Config::builder()
            .no_file_search()
            .no_env()
            .endpoint(endpoint.clone())
            .ca_cert_file_path(ca)
            .client_id(&idp.ci_client)
            .client_secret(idp.client_secret.clone())
            .build()
            .unwrap()
    };
    let store = Arc::new(MemoryTokenStore::default());
    let c = flyte::remote::ClientBuilder::from_config(config(&certs.ca))
        .token_store(store.clone())
        .build()
        .unwrap();
    authorized(&c).await.unwrap();
    assert_eq!(
        c.endpoint(),
        format!("https://localhost:{}", server.addr().port())
    );
    // Trusting another CA: the connection is refused before anything is sent.
    let c = flyte::remote::ClientBuilder::from_config(config(&certs.other_ca))
        .token_store(Arc::new(MemoryTokenStore::default()))
        .max_retries(0)
        .build()
        .unwrap();
    let err = authorized(&c).await.unwrap_err();
    assert!(
        matches!(
            &err,
            Error::Token { .. } | Error::Transport { .. } | Error::SelectCluster { .. }
        ),
        "{err:?}"
    );
    server.shutdown().await.unwrap();
}
