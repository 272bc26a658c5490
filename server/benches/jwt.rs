//! What validating an identity provider's JWT costs a GetSecret, next to a static token: two
//! servers in one run, the same request over one keep-alive HTTP/1.1 connection each. The JWT
//! is a real one (oidc-provider, tests/oidc) whose validation is cached after the first use;
//! the target is at most 20 µs more per call than the static token.
//!
//! `cargo bench -p flyte-server --bench jwt` (`-- --quick` for a short run). Needs node and
//! tests/oidc/node_modules (`bash .ci/setup-node.sh`); prints "skipped" and ends otherwise
//! (the tests that need them say `#[needs(idp)]` instead).

#[path = "../../tests/oidc/harness.rs"]
mod oidc_harness;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{Request, header};
use criterion::Criterion;
use flyte_idl::*;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

const STATIC: &str = "bench-static-token-0123456789";

fn private_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .tempdir_in(if std::path::Path::new("/dev/shm").is_dir() {
            "/dev/shm".into()
        } else {
            std::env::temp_dir()
        })
        .unwrap()
}

async fn connect(addr: SocketAddr) -> SendRequest<Full<Bytes>> {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (send, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(conn);
    send
}

/// `n` GetSecret calls with `token`; every answer must be a success.
async fn calls(send: &mut SendRequest<Full<Bytes>>, token: &str, body: &Bytes, n: u64) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        let req = Request::post(paths::GET_SECRET)
            .header(header::HOST, "127.0.0.1")
            .header(header::CONTENT_TYPE, "application/proto")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Full::new(body.clone()))
            .unwrap();
        send.ready().await.unwrap();
        let resp = send.send_request(req).await.unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        let _ = resp.into_body().collect().await.unwrap();
    }
    start.elapsed()
}

fn main() {
    // A bench is no test: without the provider it says so and ends (CI or not).
    if let Some(why) = oidc_harness::missing() {
        println!("skipped: {why} (run `bash .ci/setup-node.sh` to run this bench)");
        return;
    }
    let idp = oidc_harness::Idp::start(Default::default());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let tokens = flyte_server::TokenSet::parse(&format!("{STATIC} * all")).unwrap();
    let (d1, d2) = (private_dir(), private_dir());
    let start = |dir: &std::path::Path, oidc: bool| {
        let mut b = flyte_server::Server::builder()
            .data_dir(dir)
            .listen("127.0.0.1:0".parse().unwrap())
            .env(|_| None)
            // Criterion pauses between phases: keep the one connection open.
            .header_timeout(Duration::from_secs(3600))
            .idle_timeout(Duration::from_secs(3600));
        b = if oidc {
            b.oidc(flyte_server::OidcConfig::new(&idp.issuer, &idp.audience))
        } else {
            b.tokens(tokens.clone())
        };
        b.build().unwrap().start_background().unwrap()
    };
    let (plain, oidc) = (start(d1.path(), false), start(d2.path(), true));
    let jwt = rt.block_on(idp.client_credentials_token());
    let id = SecretIdentifier {
        name: "bench".into(),
        organization: "127".into(),
        ..Default::default()
    };
    let create = CreateSecretRequest {
        id: Some(id.clone()),
        secret_spec: Some(SecretSpec {
            value: Some(secret_spec::Value::StringValue("v".into())),
            r#type: 0,
        }),
    };
    let get = Bytes::from(
        GetSecretRequest {
            id: Some(id),
            include_system_secrets: false,
        }
        .encode_to_vec(),
    );
    let (mut s_plain, mut s_oidc) = rt.block_on(async {
        let mut a = connect(plain.addr()).await;
        let mut b = connect(oidc.addr()).await;
        for (s, t) in [(&mut a, STATIC), (&mut b, jwt.as_str())] {
            let req = Request::post(paths::CREATE_SECRET)
                .header(header::HOST, "127.0.0.1")
                .header(header::CONTENT_TYPE, "application/proto")
                .header(header::AUTHORIZATION, format!("Bearer {t}"))
                .body(Full::new(Bytes::from(create.encode_to_vec())))
                .unwrap();
            let resp = s.send_request(req).await.unwrap();
            assert!(resp.status().is_success());
            let _ = resp.into_body().collect().await.unwrap();
        }
        (a, b)
    });

    let mut crit = Criterion::default().configure_from_args();
    let mut g = crit.benchmark_group("get_secret");
    g.bench_function("static_token", |b| {
        b.iter_custom(|n| rt.block_on(calls(&mut s_plain, STATIC, &get, n)))
    });
    g.bench_function("oidc_jwt_cached", |b| {
        b.iter_custom(|n| rt.block_on(calls(&mut s_oidc, &jwt, &get, n)))
    });
    g.finish();

    // The figure the README quotes: interleaved rounds, median of per-call differences.
    let mut diffs: Vec<f64> = (0..7)
        .map(|_| {
            rt.block_on(async {
                let n = 2000;
                let a = calls(&mut s_plain, STATIC, &get, n).await;
                let b = calls(&mut s_oidc, &jwt, &get, n).await;
                (b.as_secs_f64() - a.as_secs_f64()) / n as f64 * 1e6
            })
        })
        .collect();
    diffs.sort_by(f64::total_cmp);
    let median = diffs[diffs.len() / 2];
    println!("validating a cached JWT adds {median:.1} µs per GetSecret (target: at most 20 µs)");
    crit.final_summary();
}
