//! Property tests of the request path before the handler: [`read`] (limits, gzip) then
//! [`Codec::decode`]. Never a panic, never more than the limit, and an accepted body is the
//! message that was sent. `PROPTEST_CASES` overrides the 10^5 cases.

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, header};
use flyte_idl::connect::Code;
use flyte_idl::secret_spec::Value;
use flyte_idl::{CreateSecretRequest, ListSecretsRequest, SecretIdentifier, SecretSpec};
use proptest::prelude::*;
use proptest::sample::select;

use super::{gzip, read};
use crate::headers::Headers;
use crate::http::codec::Codec;
use crate::rpc_error::RpcError;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    // XorShift: ChaCha (the default) dominates the time of a debug build.
    ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::with_cases(cases.unwrap_or(100_000))
    }
}

/// The body as the client sends it: its frames, maybe ending in a transport error.
#[derive(Debug, Clone)]
struct Wire {
    frames: Vec<Vec<u8>>,
    broken: bool,
}

fn body(wire: &Wire) -> Body {
    let mut frames: Vec<Result<Bytes, std::io::Error>> = wire
        .frames
        .iter()
        .cloned()
        .map(|f| Ok(Bytes::from(f)))
        .collect();
    if wire.broken {
        frames.push(Err(std::io::Error::other("reset")));
    }
    Body::from_stream(futures::stream::iter(frames))
}

/// Where to cut a body into frames (no `prop_flat_map`: it costs more than the case).
#[derive(Debug, Clone)]
struct Cuts(Vec<prop::sample::Index>);

fn cuts() -> impl Strategy<Value = Cuts> {
    prop::collection::vec(any::<prop::sample::Index>(), 0..4).prop_map(Cuts)
}

/// `bytes` cut into frames at `cuts`.
fn framed(bytes: &[u8], cuts: &Cuts, broken: bool) -> Wire {
    let mut at: Vec<usize> = cuts.0.iter().map(|i| i.index(bytes.len() + 1)).collect();
    at.sort_unstable();
    let mut frames = Vec::new();
    let mut start = 0;
    for cut in at.into_iter().chain([bytes.len()]) {
        frames.push(bytes[start..cut].to_vec());
        start = cut;
    }
    Wire { frames, broken }
}

/// A shared body budget far above any limit here, as the server holds one.
fn budget() -> std::sync::Arc<tokio::sync::Semaphore> {
    static BUDGET: std::sync::OnceLock<std::sync::Arc<tokio::sync::Semaphore>> =
        std::sync::OnceLock::new();
    BUDGET
        .get_or_init(|| std::sync::Arc::new(tokio::sync::Semaphore::new(1 << 30)))
        .clone()
}

/// [`read`] then [`Codec::decode`], checking the limit on the way.
fn serve<M>(headers: &HeaderMap, wire: &Wire, limit: usize) -> Result<M, RpcError>
where
    M: prost::Message + Default + serde::de::DeserializeOwned,
{
    let budget = budget();
    let raw = futures::executor::block_on(read(Headers::new(headers), body(wire), limit, &budget))?;
    assert!(
        raw.len() <= limit,
        "{} bytes past the limit {limit}",
        raw.len()
    );
    let sent: usize = wire.frames.iter().map(Vec::len).sum();
    assert!(
        sent <= limit && !wire.broken,
        "accepted {sent} bytes (limit {limit})"
    );
    let codec = Codec::from_headers(headers).unwrap_or(Codec::Json);
    codec.decode(&raw, "Test", true)
}

fn header_value() -> impl Strategy<Value = Option<Vec<u8>>> {
    const FIXED: &[&str] = &[
        "gzip",
        "GZIP",
        "identity",
        "br",
        "gzip, br",
        "application/proto",
        "application/json",
        "Application/JSON; charset=utf-8",
        "application/protobuf",
        "0",
        "5",
        "+5",
        "-1",
        "18446744073709551616",
        "",
    ];
    prop_oneof![
        Just(None),
        select(FIXED).prop_map(|v| Some(v.as_bytes().to_vec())),
        prop::collection::vec(any::<u8>(), 0..24).prop_map(Some),
    ]
}

fn headers() -> impl Strategy<Value = HeaderMap> {
    (header_value(), header_value(), header_value()).prop_map(|(ct, ce, cl)| {
        let mut map = HeaderMap::new();
        for (name, value) in [
            (header::CONTENT_TYPE, ct),
            (header::CONTENT_ENCODING, ce),
            (header::CONTENT_LENGTH, cl),
        ] {
            // Bytes that are no header value never reach the server.
            if let Some(v) = value.and_then(|v| HeaderValue::from_bytes(&v).ok()) {
                map.insert(name, v);
            }
        }
        map
    })
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        prop::collection::vec(
            select(&['a', 'Z', '-', '"', '\\', '\0', 'é', '😀'][..]),
            0..12
        )
        .prop_map(String::from_iter),
    ]
}

fn create() -> impl Strategy<Value = CreateSecretRequest> {
    let id = (text(), text(), text(), text()).prop_map(|(name, organization, domain, project)| {
        SecretIdentifier {
            name,
            organization,
            domain,
            project,
        }
    });
    let value = prop_oneof![
        Just(None),
        text().prop_map(|s| Some(Value::StringValue(s))),
        prop::collection::vec(any::<u8>(), 0..32).prop_map(|b| Some(Value::BinaryValue(b))),
    ];
    let r#type = prop_oneof![Just(0), Just(1), any::<i32>()];
    let spec = (value, r#type).prop_map(|(value, r#type)| SecretSpec { value, r#type });
    (prop::option::of(id), prop::option::of(spec))
        .prop_map(|(id, secret_spec)| CreateSecretRequest { id, secret_spec })
}

fn list() -> impl Strategy<Value = ListSecretsRequest> {
    let tokens = prop::collection::hash_map(text(), text(), 0..3);
    (
        (text(), text(), text(), text()),
        any::<i32>(),
        tokens,
        any::<bool>(),
    )
        .prop_map(
            |((organization, domain, project, token), limit, per_cluster_tokens, include)| {
                ListSecretsRequest {
                    organization,
                    domain,
                    project,
                    limit,
                    token,
                    per_cluster_tokens,
                    include_system_secrets: include,
                }
            },
        )
}

fn with(codec: Codec, gzipped: bool, len: Option<usize>) -> HeaderMap {
    let mut map = HeaderMap::new();
    map.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(codec.content_type()),
    );
    if gzipped {
        map.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    if let Some(len) = len {
        map.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    }
    map
}

fn codec() -> impl Strategy<Value = Codec> {
    prop_oneof![Just(Codec::Proto), Just(Codec::Json)]
}

/// `msg` as sent: encoded, maybe gzipped, cut into frames.
fn sent<M: prost::Message + serde::Serialize>(
    msg: &M,
    codec: Codec,
    gzipped: bool,
    cuts: &Cuts,
) -> Wire {
    let plain = codec.encode(msg);
    let bytes = if gzipped { gzip(&plain) } else { plain };
    framed(&bytes, cuts, false)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bodies_and_headers_never_panic(
        headers in headers(),
        bytes in prop::collection::vec(any::<u8>(), 0..96),
        cuts in cuts(),
        broken in prop::bool::weighted(0.05),
        limit in 0..128usize,
    ) {
        let wire = framed(&bytes, &cuts, broken);
        let _ = serve::<CreateSecretRequest>(&headers, &wire, limit);
        let _ = serve::<ListSecretsRequest>(&headers, &wire, limit);
    }

    #[test]
    fn arbitrary_gzip_streams_never_panic(
        // Random bytes around a run: compressible, with back references (per-byte
        // strategies would cost more than the gzip).
        payload in (prop::collection::vec(any::<u8>(), 0..48), 0..256usize).prop_map(|(b, run)| {
            let mut p = b.clone();
            p.resize(b.len() + run, b.first().copied().unwrap_or(0));
            p.extend_from_slice(&b);
            p
        }),
        damage in prop_oneof![
            Just(None),
            (any::<prop::sample::Index>(), 0..8u8).prop_map(Some),
        ],
        cut in prop::option::of(any::<prop::sample::Index>()),
        limit in 0..400usize,
    ) {
        let mut z = gzip(&payload);
        if let Some((at, bit)) = damage {
            let i = at.index(z.len());
            z[i] ^= 1 << bit;
        }
        if let Some(at) = cut {
            z.truncate(at.index(z.len()));
        }
        let intact = damage.is_none() && cut.is_none();
        let headers = with(Codec::Proto, true, None);
        let wire = Wire { frames: vec![z.clone()], broken: false };
        match futures::executor::block_on(read(Headers::new(&headers), body(&wire), limit, &budget())) {
            Ok(raw) => {
                prop_assert!(raw.len() <= limit);
                if intact {
                    prop_assert_eq!(&raw[..], &payload[..]);
                }
            }
            Err(e) => {
                prop_assert!(matches!(e.code, Code::ResourceExhausted | Code::InvalidArgument), "{:?}", e);
                prop_assert!(!intact || payload.len() > limit || z.len() > limit, "{:?}", e);
            }
        }
    }

    #[test]
    fn oversized_and_bomb_like_bodies_are_refused(
        byte: u8,
        limit in 1..256usize,
        factor in 2..64usize,
        declared in any::<bool>(),
        gzipped in any::<bool>(),
    ) {
        let plain = vec![byte; limit + 1 + limit * factor / 8];
        let bytes = if gzipped { gzip(&plain) } else { plain };
        let headers = with(Codec::Proto, gzipped, declared.then_some(bytes.len()));
        let wire = Wire { frames: vec![bytes], broken: false };
        let e = futures::executor::block_on(read(Headers::new(&headers), body(&wire), limit, &budget())).unwrap_err();
        prop_assert_eq!(e.code, Code::ResourceExhausted);
    }

    #[test]
    fn an_accepted_create_request_round_trips(
        msg in create(),
        codec in codec(),
        gzipped: bool,
        declared: bool,
        cuts in cuts(),
        slack in 0..64usize,
    ) {
        let wire = sent(&msg, codec, gzipped, &cuts);
        let size: usize = wire.frames.iter().map(Vec::len).sum();
        let headers = with(codec, gzipped, declared.then_some(size));
        let limit = codec.encode(&msg).len().max(size) + slack;
        prop_assert_eq!(serve::<CreateSecretRequest>(&headers, &wire, limit)?, msg);
    }

    #[test]
    fn an_accepted_list_request_round_trips(
        msg in list(),
        codec in codec(),
        gzipped: bool,
        cuts in cuts(),
        slack in 0..64usize,
    ) {
        let wire = sent(&msg, codec, gzipped, &cuts);
        let size: usize = wire.frames.iter().map(Vec::len).sum();
        let limit = codec.encode(&msg).len().max(size) + slack;
        let got = serve::<ListSecretsRequest>(&with(codec, gzipped, None), &wire, limit)?;
        prop_assert_eq!(&got, &msg);
        // One byte less than the larger of wire and decoded size: refused, not truncated
        // (a quarter of the cases: it doubles their cost).
        let tight = codec.encode(&got).len().max(size);
        if tight > 0 && slack % 4 == 0 {
            let e = serve::<ListSecretsRequest>(&with(codec, gzipped, None), &wire, tight - 1);
            prop_assert_eq!(e.map(|_| ()).unwrap_err().code, Code::ResourceExhausted);
        }
    }
}

/// `RpcError` is no `std::error::Error`; `?` in the properties needs this.
impl From<RpcError> for TestCaseError {
    fn from(e: RpcError) -> Self {
        TestCaseError::fail(format!("{:?}: {}", e.code, e.message))
    }
}
