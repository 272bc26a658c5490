//! Bearer tokens on every RPC, rights and scopes, the loopback-only rule, and the inject
//! extension's permission check.

use crate::common;

use common::*;
use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_server::{Server, StartError, TokenSet};

const ADMIN: &str = "admin-token-0123456789";
const READER: &str = "reader-token-0123456789";
const PROJ_WRITER: &str = "proj-writer-0123456789";
const INJECTOR: &str = "injector-token-0123456";

fn tokens() -> TokenSet {
    TokenSet::parse(&format!(
        "{ADMIN} */*/* read,write\n{READER} 127/*/* read\n{PROJ_WRITER} 127/proj/dev read,write\n{INJECTOR} 127/*/* inject"
    ))
    .unwrap()
}

/// Calls every RPC once with `c`, returning each outcome's code (None for success).
async fn every_rpc(c: &Client, name: &str) -> Vec<(&'static str, Option<Code>)> {
    let code = |r: Result<(), Failure>| r.err().map(|f| f.code());
    vec![
        ("create", code(c.create_str(pid(name), "v").await)),
        ("get", code(c.get(pid(name)).await.map(|_| ()))),
        ("update", code(c.update_str(pid(name), "v2").await)),
        ("list", code(c.list_page(PROJ, 0, "").await.map(|_| ()))),
        (
            "select",
            code(
                c.call::<_, SelectClusterResponse>(
                    paths::SELECT_CLUSTER,
                    &SelectClusterRequest::default(),
                )
                .await
                .map(|_| ()),
            ),
        ),
        ("inject", code(c.read_value(pid(name)).await.map(|_| ()))),
        ("delete", code(c.delete(pid(name)).await)),
    ]
}

#[tokio::test]
async fn every_rpc_needs_a_valid_token() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .tokens(tokens())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(
        server
            .ready_line()
            .contains("bearer tokens required, 4 configured")
    );
    for c in [
        Client::new(server.addr()),
        Client::new(server.addr()).token("wrong-token-0123456789"),
        Client::new(server.addr()).token(""),
    ] {
        for (rpc, code) in every_rpc(&c, "x").await {
            assert_eq!(
                code,
                Some(Code::Unauthenticated),
                "{rpc} with {:?}",
                c.token
            );
        }
    }
    // A non-Bearer scheme is refused as well.
    let mut basic = Client::new(server.addr());
    let (status, _, body) = basic
        .raw(
            paths::GET_SECRET,
            "application/proto",
            vec![],
            &[("authorization", "Basic YTpi")],
        )
        .await;
    assert_eq!(status, 401);
    assert!(String::from_utf8_lossy(&body).contains("Bearer"));
    // The admin token does everything but inject; `flyte-authorization` works like `authorization`.
    basic.token = Some(ADMIN.into());
    basic.auth_header = "flyte-authorization";
    for (rpc, code) in every_rpc(&basic, "y").await {
        let want = if rpc == "inject" {
            Some(Code::PermissionDenied)
        } else {
            None
        };
        assert_eq!(code, want, "{rpc}");
    }
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn rights_and_scopes_give_permission_denied() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .tokens(tokens())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let admin = Client::new(server.addr()).token(ADMIN);
    admin.create_str(pid("r"), "v").await.unwrap();
    admin
        .create_str(id("r", "proj", "prod"), "v")
        .await
        .unwrap();

    let reader = Client::new(server.addr()).token(READER);
    reader.get(pid("r")).await.unwrap();
    reader.list_page(PROJ, 0, "").await.unwrap();
    for e in [
        reader.create_str(pid("n"), "v").await.unwrap_err(),
        reader.update_str(pid("r"), "v").await.unwrap_err(),
        reader.delete(pid("r")).await.unwrap_err(),
        reader.read_value(pid("r")).await.unwrap_err(),
    ] {
        assert_eq!(e.code(), Code::PermissionDenied);
        assert_eq!(e.status, 403);
        assert!(e.body.message.contains("lacks the"), "{}", e.body.message);
    }
    // The reader's org pattern is 127: another org is out of scope.
    let other_org = SecretIdentifier {
        name: "r".into(),
        organization: "acme".into(),
        project: "proj".into(),
        domain: "dev".into(),
    };
    let e = reader.get(other_org).await.unwrap_err();
    assert_eq!(e.code(), Code::PermissionDenied);
    assert!(
        e.body.message.contains("does not cover"),
        "{}",
        e.body.message
    );

    let pw = Client::new(server.addr()).token(PROJ_WRITER);
    pw.update_str(pid("r"), "v2").await.unwrap();
    assert_eq!(
        pw.update_str(id("r", "proj", "prod"), "v2")
            .await
            .unwrap_err()
            .code(),
        Code::PermissionDenied
    );
    assert_eq!(
        pw.list_page((ORG, "proj", "prod"), 0, "")
            .await
            .unwrap_err()
            .code(),
        Code::PermissionDenied
    );
    assert_eq!(
        pw.create_str(org_id("o"), "v").await.unwrap_err().code(),
        Code::PermissionDenied
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn non_loopback_needs_tokens() {
    let dir = private_tempdir();
    for addr in ["0.0.0.0:0", "[::]:0", "192.0.2.1:8090"] {
        let err = Server::builder()
            .data_dir(dir.path())
            .listen(addr.parse().unwrap())
            .env(|_| None)
            .build()
            .unwrap_err();
        assert!(matches!(err, StartError::NeedsTokens(_)), "{addr}: {err}");
        assert!(err.to_string().contains("bearer tokens"), "{err}");
    }
    // Nothing was created before the refusal.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // With tokens (from the injected environment), a wildcard address needs TLS.
    let env_tokens = format!("{ADMIN} * all");
    let plain = env_tokens.clone();
    let err = Server::builder()
        .data_dir(dir.path())
        .listen("0.0.0.0:0".parse().unwrap())
        .env(move |k| (k == flyte_server::TOKENS_ENV).then(|| plain.clone()))
        .build()
        .unwrap_err();
    assert!(matches!(err, StartError::NeedsTls(_)), "{err}");
    assert!(err.to_string().contains("--tls-cert"), "{err}");
    // Behind a proxy that terminates TLS, plain HTTP can be allowed.
    let server = Server::builder()
        .data_dir(dir.path())
        .listen("0.0.0.0:0".parse().unwrap())
        .env(move |k| (k == flyte_server::TOKENS_ENV).then(|| env_tokens.clone()))
        .allow_plaintext(true)
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    let c = Client::new(
        format!("127.0.0.1:{}", server.addr().port())
            .parse()
            .unwrap(),
    )
    .token(ADMIN);
    c.create_str(pid("k"), "v").await.unwrap();
    server.shutdown().await.unwrap();
    // Loopback in IPv6 and IPv4-mapped form is fine without tokens.
    for addr in ["[::1]:0", "[::ffff:127.0.0.1]:0"] {
        let b = Server::builder()
            .data_dir(dir.path())
            .listen(addr.parse().unwrap())
            .env(|_| None);
        b.build().unwrap();
    }
}

#[tokio::test]
async fn malformed_tokens_refuse_to_start() {
    let dir = private_tempdir();
    let file = dir.path().join("tokens");
    write_private(&file, "secret-token-123456789 127/*/* read,admin\n");
    let err = builder(dir.path()).tokens_file(&file).build().unwrap_err();
    let text = format!("{err}: {}", std::error::Error::source(&err).unwrap());
    assert!(
        text.contains("unknown right `admin`") && text.contains("entry 1"),
        "{text}"
    );
    assert!(!text.contains("secret-token-123456789"));
    write_private(&file, "# nothing\n");
    let err = builder(dir.path()).tokens_file(&file).build().unwrap_err();
    assert!(
        std::error::Error::source(&err)
            .unwrap()
            .to_string()
            .contains("no token")
    );
}

#[tokio::test]
async fn inject_extension_reads_values_only_with_the_inject_right() {
    let dir = private_tempdir();
    let server = builder(dir.path())
        .tokens(tokens())
        .build()
        .unwrap()
        .start()
        .await
        .unwrap();
    assert!(server.inject_token().is_none());
    let admin = Client::new(server.addr()).token(ADMIN);
    admin.create_str(pid("db"), "project-value").await.unwrap();
    admin
        .create(
            org_id("shared"),
            secret_spec::Value::BinaryValue(vec![0, 1, 2]),
            SecretType::Generic,
        )
        .await
        .unwrap();

    for inj in [
        Client::new(server.addr()).token(INJECTOR),
        Client::new(server.addr()).token(INJECTOR).json(),
    ] {
        let r = inj.read_value(pid("db")).await.unwrap();
        assert_eq!(r.id.unwrap(), pid("db"));
        assert_eq!(
            r.secret_spec.unwrap().value,
            Some(secret_spec::Value::StringValue("project-value".into()))
        );
        // Falls back to the organization-wide secret and says so.
        let r = inj.read_value(pid("shared")).await.unwrap();
        assert_eq!(r.id.unwrap(), org_id("shared"));
        assert_eq!(
            r.secret_spec.unwrap().value,
            Some(secret_spec::Value::BinaryValue(vec![0, 1, 2]))
        );
        assert_eq!(
            inj.read_value(pid("absent")).await.unwrap_err().code(),
            Code::NotFound
        );
        // The injector cannot use the Flyte API.
        assert_eq!(
            inj.get(pid("db")).await.unwrap_err().code(),
            Code::PermissionDenied
        );
        // Out of its org.
        let acme = SecretIdentifier {
            name: "db".into(),
            organization: "acme".into(),
            project: "proj".into(),
            domain: "dev".into(),
        };
        assert_eq!(
            inj.read_value(acme).await.unwrap_err().code(),
            Code::PermissionDenied
        );
    }
    assert_eq!(
        admin.read_value(pid("db")).await.unwrap_err().code(),
        Code::PermissionDenied
    );
    assert_eq!(
        Client::new(server.addr())
            .read_value(pid("db"))
            .await
            .unwrap_err()
            .code(),
        Code::Unauthenticated
    );
    server.shutdown().await.unwrap();
}

#[tokio::test]
async fn open_mode_protects_inject_with_the_data_dir_token() {
    let dir = private_tempdir();
    let server = start(dir.path()).await;
    assert!(server.ready_line().contains("(loopback only, no auth)"));
    let open = Client::new(server.addr());
    open.create_str(pid("db"), "open-value").await.unwrap();
    let e = open.read_value(pid("db")).await.unwrap_err();
    assert_eq!(e.code(), Code::Unauthenticated);
    assert!(e.body.message.contains(flyte_server::INJECT_TOKEN_FILE));
    assert_eq!(
        open.clone()
            .token("not-the-inject-token")
            .read_value(pid("db"))
            .await
            .unwrap_err()
            .code(),
        Code::Unauthenticated
    );
    // The token from the file (what the launcher reads) works and equals the server's.
    let from_file = flyte_server::read_inject_token(dir.path()).unwrap();
    assert_eq!(&from_file, server.inject_token().unwrap());
    assert!(!format!("{from_file:?}").contains(from_file.expose()));
    let inj = open.clone().token(from_file.expose());
    let r = inj.read_value(pid("db")).await.unwrap();
    assert_eq!(
        r.secret_spec.unwrap().value,
        Some(secret_spec::Value::StringValue("open-value".into()))
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.path().join(flyte_server::INJECT_TOKEN_FILE))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    server.shutdown().await.unwrap();
    // The same token survives a restart.
    let again = start(dir.path()).await;
    assert_eq!(again.inject_token().unwrap(), &from_file);
    again.shutdown().await.unwrap();
}
