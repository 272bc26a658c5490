//! Building requests without I/O: an RPC message in, an [`http::Request`] out. The client
//! sends what these functions return; tests inspect them directly.

use std::time::Duration;

use flyte_idl::method::{self, Method};
use flyte_idl::paths;
use http::HeaderMap;
use http::header::{
    ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT,
};
use http::uri::{Authority, PathAndQuery, Scheme, Uri};

use super::codec::{self, WireMessage};
use super::error::Op;
use crate::config::Codec;

/// One unary RPC, keyed by its request message: its method in the shared table (path,
/// response) and what it does (for messages and the retry policy).
pub(crate) trait Rpc: WireMessage {
    type Method: Method<Request = Self>;
    const OP: Op;
    /// The size of the secret value the request carries (0 for none), for an error about
    /// sending it.
    fn value_len(&self) -> usize {
        0
    }
}

/// The response of `R`.
pub(crate) type Response<R> = <<R as Rpc>::Method as Method>::Response;

// `Method<Request = Self>` makes a row naming the wrong request type a compile error.
macro_rules! rpc {
    ($($req:ident: $method:ident, $op:expr $(, value in $spec:ident)?;)*) => {$(
        impl Rpc for flyte_idl::$req {
            type Method = method::$method;
            const OP: Op = $op;
            $(fn value_len(&self) -> usize {
                self.$spec.as_ref().and_then(|s| s.value.as_ref()).map_or(0, |v| v.as_bytes().len())
            })?
        }
    )*};
}

rpc! {
    CreateSecretRequest: CreateSecret, Op::Create, value in secret_spec;
    UpdateSecretRequest: UpdateSecret, Op::Update, value in secret_spec;
    GetSecretRequest: GetSecret, Op::Get;
    DeleteSecretRequest: DeleteSecret, Op::Delete;
    ListSecretsRequest: ListSecrets, Op::List;
    ReadSecretValueRequest: ReadSecretValue, Op::ReadValue;
    SelectClusterRequest: SelectCluster, Op::SelectCluster;
    GetOAuth2MetadataRequest: GetOAuth2Metadata, Op::AuthMetadata;
    GetPublicClientConfigRequest: GetPublicClientConfig, Op::AuthMetadata;
}

const USER_AGENT_VALUE: &str = concat!("flyte-rs/", env!("CARGO_PKG_VERSION"));

/// Everything about a request that does not change from call to call, with the constant
/// headers and the URI parts built once rather than per call.
#[derive(Debug, Clone)]
pub(crate) struct RequestTemplate {
    /// `http(s)://host[:port][/prefix]`, no trailing slash.
    pub base_url: String,
    pub codec: Codec,
    /// Bodies of at least this many bytes are gzip-compressed.
    pub gzip_threshold: usize,
    /// Sent as `connect-timeout-ms` so the server can give up when the client has.
    pub timeout: Option<Duration>,
    headers: HeaderMap,
    /// Scheme and authority of `base_url` when it has no path prefix; else URIs are formed
    /// from the whole string.
    origin: Option<(Scheme, Authority)>,
}

impl RequestTemplate {
    pub(crate) fn new(
        base_url: String,
        codec: Codec,
        gzip_threshold: usize,
        timeout: Option<Duration>,
    ) -> Self {
        let mut headers = HeaderMap::with_capacity(8);
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(codec.content_type()));
        headers.insert(
            HeaderName::from_static(paths::CONNECT_PROTOCOL_VERSION_HEADER),
            HeaderValue::from_static(paths::CONNECT_PROTOCOL_VERSION),
        );
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
        if let Some(timeout) = timeout {
            headers.insert(
                HeaderName::from_static("connect-timeout-ms"),
                HeaderValue::from(timeout.as_millis().clamp(1, 9_999_999_999) as u64),
            );
        }
        let origin = base_url.parse::<Uri>().ok().and_then(|u| {
            let p = u.into_parts();
            let bare = p
                .path_and_query
                .as_ref()
                .is_none_or(|pq| pq.as_str() == "/");
            Some((p.scheme?, p.authority?)).filter(|_| bare)
        });
        RequestTemplate {
            base_url,
            codec,
            gzip_threshold,
            timeout,
            headers,
            origin,
        }
    }

    /// The same settings against another base URL.
    pub(crate) fn rebased(&self, base_url: String) -> Self {
        Self::new(base_url, self.codec, self.gzip_threshold, self.timeout)
    }

    fn uri(&self, path: &'static str) -> Result<Uri, http::Error> {
        match &self.origin {
            Some((scheme, authority)) => Uri::builder()
                .scheme(scheme.clone())
                .authority(authority.clone())
                .path_and_query(PathAndQuery::from_static(path))
                .build(),
            None => Ok(Uri::try_from(format!("{}{path}", self.base_url))?),
        }
    }
}

/// The credential header of one request, e.g. `authorization: Bearer ...`.
#[derive(Clone)]
pub struct AuthHeader {
    pub name: HeaderName,
    pub value: HeaderValue,
}

impl std::fmt::Debug for AuthHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuthHeader({}: [REDACTED])", self.name)
    }
}

impl AuthHeader {
    /// `name: Bearer <token>`, marked sensitive so HTTP libraries do not log it. `None` when
    /// the token holds characters a header cannot carry.
    pub fn bearer(name: &HeaderName, token: &str) -> Option<AuthHeader> {
        let mut value = HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
        value.set_sensitive(true);
        Some(AuthHeader {
            name: name.clone(),
            value,
        })
    }
}

/// Builds the Connect unary request for `msg`: `POST {base_url}{PATH}`, the codec's
/// content type, `connect-protocol-version: 1`, `accept-encoding: gzip`, the body gzipped
/// (with `content-encoding: gzip`) when it reaches the threshold, and the auth header.
pub(super) fn build<R: Rpc>(
    t: &RequestTemplate,
    msg: &R,
    auth: Option<&AuthHeader>,
) -> Result<http::Request<Vec<u8>>, http::Error> {
    let body = codec::encode(t.codec, msg);
    let (body, gzipped) = if body.len() >= t.gzip_threshold {
        (codec::gzip(&body), true)
    } else {
        (body, false)
    };
    let mut req = http::Request::new(body);
    *req.method_mut() = http::Method::POST;
    *req.uri_mut() = t.uri(<R::Method as Method>::PATH)?;
    let headers = req.headers_mut();
    *headers = t.headers.clone();
    if gzipped {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Some(auth) = auth {
        headers.insert(auth.name.clone(), auth.value.clone());
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use flyte_idl::{
        CreateSecretRequest, ListSecretsRequest, Message, SecretIdentifier, SecretSpec, secret_spec,
    };

    fn template(codec: Codec, gzip_threshold: usize) -> RequestTemplate {
        RequestTemplate::new(
            "http://127.0.0.1:8090".into(),
            codec,
            gzip_threshold,
            Some(Duration::from_secs(30)),
        )
    }

    fn create(value: &str) -> CreateSecretRequest {
        CreateSecretRequest {
            id: Some(SecretIdentifier {
                name: "db".into(),
                organization: "127".into(),
                ..Default::default()
            }),
            secret_spec: Some(SecretSpec {
                value: Some(secret_spec::Value::StringValue(value.into())),
                r#type: 0,
            }),
        }
    }

    #[test]
    fn proto_request_has_the_connect_shape() {
        let auth = AuthHeader::bearer(&HeaderName::from_static("authorization"), "tok").unwrap();
        let req = build(&template(Codec::Proto, 1024), &create("v"), Some(&auth)).unwrap();
        assert_eq!(req.method(), http::Method::POST);
        assert_eq!(
            req.uri(),
            "http://127.0.0.1:8090/flyteidl2.secret.SecretService/CreateSecret"
        );
        let h = req.headers();
        assert_eq!(h["content-type"], "application/proto");
        assert_eq!(h["connect-protocol-version"], "1");
        assert_eq!(h["accept-encoding"], "gzip");
        assert_eq!(h["connect-timeout-ms"], "30000");
        assert_eq!(h["authorization"], "Bearer tok");
        assert!(h["authorization"].is_sensitive());
        assert!(h.get("content-encoding").is_none());
        assert_eq!(
            CreateSecretRequest::decode(req.body().as_slice()).unwrap(),
            create("v")
        );
    }

    #[test]
    fn json_request_and_custom_auth_header() {
        let auth =
            AuthHeader::bearer(&HeaderName::from_static("flyte-authorization"), "tok").unwrap();
        let list = ListSecretsRequest {
            organization: "o".into(),
            limit: 20,
            ..Default::default()
        };
        let req = build(&template(Codec::Json, 1024), &list, Some(&auth)).unwrap();
        assert_eq!(
            req.uri().path(),
            "/flyteidl2.secret.SecretService/ListSecrets"
        );
        assert_eq!(req.headers()["content-type"], "application/json");
        assert_eq!(req.headers()["flyte-authorization"], "Bearer tok");
        assert!(req.headers().get("authorization").is_none());
        assert_eq!(req.body().as_slice(), br#"{"organization":"o","limit":20}"#);
    }

    #[test]
    fn large_bodies_are_gzipped() {
        let big = "x".repeat(4096);
        let req = build(&template(Codec::Proto, 1024), &create(&big), None).unwrap();
        assert_eq!(req.headers()["content-encoding"], "gzip");
        assert!(req.body().len() < 4096);
        let plain = codec::gunzip(req.body()).unwrap();
        assert_eq!(
            CreateSecretRequest::decode(plain.as_slice()).unwrap(),
            create(&big)
        );
    }

    #[test]
    fn auth_header_debug_is_redacted_and_bad_tokens_refused() {
        let auth =
            AuthHeader::bearer(&HeaderName::from_static("authorization"), "tok-value").unwrap();
        assert!(!format!("{auth:?}").contains("tok-value"));
        assert!(AuthHeader::bearer(&HeaderName::from_static("authorization"), "a\nb").is_none());
    }
}
