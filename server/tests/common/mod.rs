//! Shared test helpers: start a real server on 127.0.0.1:0 and call it over HTTP.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;

use flyte_idl::connect::{Code, ErrorBody};
use flyte_idl::*;
use flyte_server::{RunningServer, Server, ServerBuilder};
use serde::Serialize;
use serde::de::DeserializeOwned;

pub(crate) const ORG: &str = "127";

/// A builder on a data dir, listening on a free loopback port, with a fixed environment.
pub(crate) fn builder(dir: &Path) -> ServerBuilder {
    Server::builder()
        .data_dir(dir)
        .listen("127.0.0.1:0".parse().unwrap())
        .env(|_| None)
}

pub(crate) async fn start(dir: &Path) -> RunningServer {
    builder(dir).build().unwrap().start().await.unwrap()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Codec {
    Proto,
    Json,
}

/// A Connect client for the tests, with knobs for codec, gzip and auth.
#[derive(Debug, Clone)]
pub(crate) struct Client {
    pub http: reqwest::Client,
    pub base: String,
    pub codec: Codec,
    pub gzip_request: bool,
    pub accept_gzip: bool,
    pub token: Option<String>,
    pub auth_header: &'static str,
}

/// A failed call: HTTP status and the Connect error body.
#[derive(Debug, Clone)]
pub(crate) struct Failure {
    pub status: u16,
    pub body: ErrorBody,
}

impl Failure {
    pub(crate) fn code(&self) -> Code {
        self.body.code
    }
}

pub(crate) fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

pub(crate) fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

impl Client {
    pub(crate) fn new(addr: std::net::SocketAddr) -> Self {
        Client {
            http: reqwest::Client::new(),
            base: format!("http://{addr}"),
            codec: Codec::Proto,
            gzip_request: false,
            accept_gzip: false,
            token: None,
            auth_header: "authorization",
        }
    }

    pub(crate) fn json(mut self) -> Self {
        self.codec = Codec::Json;
        self
    }

    pub(crate) fn token(mut self, t: &str) -> Self {
        self.token = Some(t.to_owned());
        self
    }

    /// Raw call: returns status, headers, and the (decompressed) body.
    pub(crate) async fn raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        extra: &[(&str, &str)],
    ) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
        let mut req = self
            .http
            .post(format!("{}{}", self.base, path))
            .header("content-type", content_type);
        if !extra.iter().any(|(k, _)| *k == "connect-protocol-version") {
            req = req.header("connect-protocol-version", "1");
        }
        let body = if self.gzip_request {
            req = req.header("content-encoding", "gzip");
            gzip(&body)
        } else {
            body
        };
        if self.accept_gzip {
            req = req.header("accept-encoding", "gzip");
        }
        if let Some(t) = &self.token {
            req = req.header(self.auth_header, format!("Bearer {t}"));
        }
        for (k, v) in extra {
            req = req.header(*k, *v);
        }
        let resp = req.body(body).send().await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let mut bytes = resp.bytes().await.unwrap().to_vec();
        if headers.get("content-encoding").is_some_and(|v| v == "gzip") {
            bytes = gunzip(&bytes);
        }
        (status, headers, bytes)
    }

    pub(crate) async fn call<Req, Resp>(&self, path: &str, req: &Req) -> Result<Resp, Failure>
    where
        Req: Message + Serialize,
        Resp: Message + Default + DeserializeOwned,
    {
        let (ct, body) = match self.codec {
            Codec::Proto => ("application/proto", req.encode_to_vec()),
            Codec::Json => ("application/json", serde_json::to_vec(req).unwrap()),
        };
        let (status, headers, bytes) = self.raw(path, ct, body, &[]).await;
        if status != 200 {
            assert_eq!(
                headers["content-type"], "application/json",
                "errors are JSON"
            );
            let body: ErrorBody = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("status {status}, not a Connect error body ({e})"));
            assert_eq!(body.code.http_status(), status, "status matches the code");
            return Err(Failure { status, body });
        }
        assert_eq!(
            headers["content-type"], ct,
            "response uses the request codec"
        );
        Ok(match self.codec {
            Codec::Proto => Resp::decode(bytes.as_slice()).unwrap(),
            Codec::Json => serde_json::from_slice(&bytes).unwrap(),
        })
    }

    pub(crate) async fn create(
        &self,
        id: SecretIdentifier,
        value: secret_spec::Value,
        ty: SecretType,
    ) -> Result<(), Failure> {
        let req = CreateSecretRequest {
            id: Some(id),
            secret_spec: Some(SecretSpec {
                value: Some(value),
                r#type: ty.into(),
            }),
        };
        self.call::<_, CreateSecretResponse>(paths::CREATE_SECRET, &req)
            .await
            .map(|_| ())
    }

    pub(crate) async fn create_str(
        &self,
        id: SecretIdentifier,
        value: &str,
    ) -> Result<(), Failure> {
        self.create(
            id,
            secret_spec::Value::StringValue(value.into()),
            SecretType::Generic,
        )
        .await
    }

    pub(crate) async fn update_str(
        &self,
        id: SecretIdentifier,
        value: &str,
    ) -> Result<(), Failure> {
        let req = UpdateSecretRequest {
            id: Some(id),
            secret_spec: Some(SecretSpec {
                value: Some(secret_spec::Value::StringValue(value.into())),
                r#type: 0,
            }),
        };
        self.call::<_, UpdateSecretResponse>(paths::UPDATE_SECRET, &req)
            .await
            .map(|_| ())
    }

    pub(crate) async fn get(&self, id: SecretIdentifier) -> Result<Secret, Failure> {
        let req = GetSecretRequest {
            id: Some(id),
            include_system_secrets: false,
        };
        let resp: GetSecretResponse = self.call(paths::GET_SECRET, &req).await?;
        Ok(resp.secret.expect("GetSecretResponse.secret"))
    }

    pub(crate) async fn delete(&self, id: SecretIdentifier) -> Result<(), Failure> {
        let req = DeleteSecretRequest {
            id: Some(id),
            include_system_secrets: false,
        };
        self.call::<_, DeleteSecretResponse>(paths::DELETE_SECRET, &req)
            .await
            .map(|_| ())
    }

    pub(crate) async fn list_page(
        &self,
        scope: (&str, &str, &str),
        limit: i32,
        token: &str,
    ) -> Result<ListSecretsResponse, Failure> {
        let req = ListSecretsRequest {
            organization: scope.0.into(),
            project: scope.1.into(),
            domain: scope.2.into(),
            limit,
            token: token.into(),
            per_cluster_tokens: HashMap::new(),
            include_system_secrets: false,
        };
        self.call(paths::LIST_SECRETS, &req).await
    }

    /// Every name of a scope, following tokens.
    pub(crate) async fn list_all(&self, scope: (&str, &str, &str), limit: i32) -> Vec<String> {
        let mut names = Vec::new();
        let mut token = String::new();
        loop {
            let page = self.list_page(scope, limit, &token).await.unwrap();
            names.extend(page.secrets.into_iter().map(|s| s.id.unwrap().name));
            if page.token.is_empty() {
                return names;
            }
            token = page.token;
        }
    }

    pub(crate) async fn read_value(
        &self,
        id: SecretIdentifier,
    ) -> Result<ReadSecretValueResponse, Failure> {
        self.call(
            paths::READ_SECRET_VALUE,
            &ReadSecretValueRequest { id: Some(id) },
        )
        .await
    }
}

pub(crate) fn id(name: &str, project: &str, domain: &str) -> SecretIdentifier {
    SecretIdentifier {
        name: name.into(),
        organization: ORG.into(),
        domain: domain.into(),
        project: project.into(),
    }
}

pub(crate) fn pid(name: &str) -> SecretIdentifier {
    id(name, "proj", "dev")
}

pub(crate) fn org_id(name: &str) -> SecretIdentifier {
    id(name, "", "")
}

pub(crate) const PROJ: (&str, &str, &str) = (ORG, "proj", "dev");

/// Every file under `dir` (recursively) that contains `needle`.
pub(crate) fn files_containing(dir: &Path, needle: &[u8]) -> Vec<std::path::PathBuf> {
    let mut hits = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            hits.extend(files_containing(&path, needle));
        } else if let Ok(data) = std::fs::read(&path)
            && data.windows(needle.len()).any(|w| w == needle)
        {
            hits.push(path);
        }
    }
    hits
}

pub(crate) fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

pub(crate) fn mode_of(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

/// Writes a file with mode 0600 (what a tokens file must have).
pub(crate) fn write_private(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
    chmod(path, 0o600);
}

/// A temporary directory with mode 0700, as a data directory must have (`tempdir()` follows
/// the umask, usually giving 0755).
pub(crate) fn private_tempdir() -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o700))
        .tempdir()
        .unwrap()
}
