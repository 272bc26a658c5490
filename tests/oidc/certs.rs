//! A throwaway CA and a server certificate it signed for `localhost` and `127.0.0.1`, made
//! with rcgen for one test, in a private temporary directory. Included like the harness:
//! `#[path = "../../tests/oidc/certs.rs"] mod certs;`.

#![allow(dead_code)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

/// The PEM files of one test.
#[derive(Debug)]
pub(crate) struct TestCerts {
    /// The CA certificate: what clients trust (`admin.caCertFilePath`).
    pub(crate) ca: PathBuf,
    /// The server's chain (`--tls-cert`).
    pub(crate) cert: PathBuf,
    /// The server's key (`--tls-key`), mode 0600.
    pub(crate) key: PathBuf,
    /// Another CA's certificate, which did not sign the server's.
    pub(crate) other_ca: PathBuf,
    _dir: tempfile::TempDir,
}

fn ca(name: &str) -> (CertificateParams, KeyPair, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let pem = params.self_signed(&key).unwrap().pem();
    (params, key, pem)
}

/// Generates the CA, the server certificate and an unrelated CA.
pub(crate) fn generate() -> TestCerts {
    let dir = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .unwrap();
    let (ca_params, ca_key, ca_pem) = ca("flyte-rs test CA");
    let (_, _, other_pem) = ca("another CA");
    let key = KeyPair::generate().unwrap();
    let mut params =
        CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()]).unwrap();
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let issuer = Issuer::new(ca_params, ca_key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        path
    };
    TestCerts {
        ca: write("ca.pem", &ca_pem),
        cert: write("server.pem", &cert.pem()),
        key: write("server.key", &key.serialize_pem()),
        other_ca: write("other-ca.pem", &other_pem),
        _dir: dir,
    }
}
