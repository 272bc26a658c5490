//! The HTTP client every call of one client shares.

use std::time::Duration;

use crate::config::{Config, ConfigError, Endpoint};
use crate::remote::error::Error;

/// The HTTP client: connect timeout, TLS roots, no redirects (they would carry the token
/// elsewhere), no proxy for loopback endpoints.
pub(crate) fn http_client(cfg: &Config, endpoint: &Endpoint) -> Result<reqwest::Client, Error> {
    let mut b = reqwest::Client::builder()
        .connect_timeout(cfg.connect_timeout)
        .tcp_nodelay(true)
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none());
    if endpoint.is_loopback() {
        b = b.no_proxy();
    }
    if let Some(path) = &cfg.ca_cert_file_path {
        let ca_err = |source: Box<dyn std::error::Error + Send + Sync>| ConfigError::CaCert {
            path: path.clone(),
            source,
        };
        let pem = std::fs::read(path).map_err(|e| ca_err(Box::new(e)))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem).map_err(|e| ca_err(Box::new(e)))?;
        if certs.is_empty() {
            return Err(ca_err("no PEM certificate in the file".into()).into());
        }
        for cert in certs {
            b = b.add_root_certificate(cert);
        }
    }
    if cfg.insecure_skip_verify && !endpoint.is_plaintext(cfg.insecure) {
        tracing::warn!(
            "admin.insecureSkipVerify is set: TLS certificates of {} are NOT verified; anyone on the path can read the secrets sent",
            endpoint
        );
        b = b.danger_accept_invalid_certs(true);
    }
    b.build()
        .map_err(|source| Error::Config(ConfigError::HttpClient { source }))
}
