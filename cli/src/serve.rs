//! `flyte serve`: runs the local secret service until SIGTERM or Ctrl-C.

use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;

use flyte_server::Server;

/// Arguments of `flyte serve`.
#[derive(Debug, clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct ServeArgs {
    #[command(subcommand)]
    action: Option<ServeAction>,
    #[command(flatten)]
    store: StoreArgs,
    /// Address to listen on (`HOST:PORT`; port 0 picks a free port). A non-loopback address
    /// requires bearer tokens or --oidc-issuer, and TLS.
    #[arg(long, value_name = "ADDR", default_value_t = flyte_server::DEFAULT_LISTEN.to_string())]
    listen: String,
    /// Bearer tokens file: `TOKEN ORG/PROJECT/DOMAIN RIGHTS` per line (see the server
    /// README). Without it (and without FLYTE_SERVER_TOKENS) only loopback is served.
    #[arg(long, value_name = "FILE", env = "FLYTE_SERVER_TOKENS_FILE")]
    tokens: Option<PathBuf>,
    /// Answer SelectCluster for secret calls with this endpoint (e.g. dns:///host:port), as a
    /// control plane routing them to a data plane; clients then send secret calls there.
    #[arg(long, value_name = "URL")]
    cluster_endpoint: Option<String>,
    /// Serve HTTPS (HTTP/1.1 and h2): the certificate chain, PEM.
    #[arg(long, value_name = "PEM", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The private key of --tls-cert, PEM (mode 0600, yours).
    #[arg(long, value_name = "PEM", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Accept bearer JWTs from this OpenID Connect issuer (signature, iss, aud, exp, nbf
    /// checked) and serve AuthMetadataService from its metadata, so clients can log in.
    #[arg(long, value_name = "URL", requires = "oidc_audience")]
    oidc_issuer: Option<String>,
    /// The audience (`aud`) the identity provider's tokens must be for.
    #[arg(long, value_name = "AUD", requires = "oidc_issuer")]
    oidc_audience: Option<String>,
    /// The public client id command-line tools log in as.
    #[arg(long, value_name = "ID", default_value = flyte_server::DEFAULT_OIDC_CLIENT_ID, requires = "oidc_issuer")]
    oidc_client_id: String,
    /// The redirect URI of that client (a loopback URL; port 0: any free port).
    #[arg(long, value_name = "URL", default_value = flyte_server::DEFAULT_REDIRECT_URI, requires = "oidc_issuer")]
    oidc_redirect_uri: String,
    /// The scopes clients request, comma-separated.
    #[arg(
        long,
        value_name = "SCOPES",
        default_value = "all,offline",
        value_delimiter = ',',
        requires = "oidc_issuer"
    )]
    oidc_scopes: Vec<String>,
    /// The claim holding the caller's groups (for `group=` policy entries).
    #[arg(
        long,
        value_name = "CLAIM",
        default_value = "groups",
        requires = "oidc_issuer"
    )]
    oidc_group_claim: String,
    /// The request header clients send the token in (AuthMetadataService tells them); only
    /// it is read.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "authorization",
        requires = "oidc_issuer"
    )]
    oidc_header: String,
    /// Who may do what, by the token's claims: `WHO SCOPE RIGHTS` per line, WHO being
    /// `sub=V`, `client_id=V`, `group=V` or `*` (see the server README). Without it every
    /// valid token may do everything.
    #[arg(long, value_name = "FILE", requires = "oidc_issuer")]
    policy: Option<PathBuf>,
    /// Serve tokens over plain HTTP on a non-loopback address: only behind a proxy that
    /// terminates TLS.
    #[arg(long)]
    allow_plaintext: bool,
}

/// What `flyte serve` does instead of serving.
#[derive(Debug, clap::Subcommand)]
enum ServeAction {
    /// Re-encrypt every stored value under the current key after a key rotation: put the new
    /// key first in FLYTE_SERVER_KEY or the key file, keep the old ones after it, run this,
    /// then remove the old keys. The SQLite store must not be in use by a running server.
    Reseal(StoreArgs),
}

/// Where the secrets are and the keys that seal them.
#[derive(Debug, Clone, clap::Args)]
struct StoreArgs {
    /// Directory for the database, key file and inject token [default: the user data
    /// directory + /flyte, e.g. ~/.local/share/flyte].
    #[arg(long, value_name = "DIR", env = flyte::config::LOCAL_DATA_DIR_ENV)]
    data_dir: Option<PathBuf>,
    /// Where to keep the secrets: `sqlite` (the file secrets.db in the data directory), or
    /// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE` (also `postgresql://`; percent-encode
    /// special characters) for a database several replicas share: each needs the same key,
    /// given with FLYTE_SERVER_KEY or --key-file, and its own data directory (prefer the
    /// variable to the flag for a URL with a password: other users can see arguments), or
    /// `openbao://HOST:PORT/MOUNT`, a KV v2 mount of OpenBao or Vault over HTTPS
    /// (`openbao+http://` for plain HTTP to a loopback host), which encrypts the values
    /// itself; its token comes from --store-token-file, BAO_TOKEN or VAULT_TOKEN.
    #[arg(
        long,
        value_name = "STORE",
        env = "FLYTE_SERVER_STORE",
        hide_env_values = true,
        default_value = "sqlite",
        value_parser = StoreParser
    )]
    store: flyte_server::StoreConfig,
    /// Read the encryption keys from this file (base64, the current key first, older keys
    /// after it) instead of server.key in the data directory; FLYTE_SERVER_KEY overrides it.
    #[arg(long, value_name = "FILE", env = "FLYTE_SERVER_KEY_FILE")]
    key_file: Option<PathBuf>,
    /// For --store openbao://: read the token from this file (mode 0600, yours) instead of
    /// BAO_TOKEN or VAULT_TOKEN.
    #[arg(long, value_name = "FILE", env = "FLYTE_SERVER_STORE_TOKEN_FILE")]
    store_token_file: Option<PathBuf>,
    /// For --store openbao://: also trust these CA certificates (PEM) for its HTTPS, beside
    /// the public roots built in.
    #[arg(long, value_name = "PEM", env = "FLYTE_SERVER_STORE_CA_FILE")]
    store_ca_file: Option<PathBuf>,
}

/// Parses `--store` without clap's echo of the value in its errors: it may hold a password
/// (the error shows it as `***`).
#[derive(Debug, Clone, Copy)]
struct StoreParser;

impl clap::builder::TypedValueParser for StoreParser {
    type Value = flyte_server::StoreConfig;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Self::Value, clap::Error> {
        use clap::error::ErrorKind;
        let text = value.to_str().ok_or_else(|| {
            clap::Error::raw(ErrorKind::InvalidUtf8, "--store is not valid UTF-8\n").with_cmd(cmd)
        })?;
        text.parse().map_err(|e: flyte_server::StoreConfigError| {
            clap::Error::raw(ErrorKind::ValueValidation, format!("--store: {e}\n")).with_cmd(cmd)
        })
    }
}

impl StoreArgs {
    fn apply(self, mut builder: flyte_server::ServerBuilder) -> flyte_server::ServerBuilder {
        if let Some(dir) = self.data_dir {
            builder = builder.data_dir(dir);
        }
        if let Some(file) = self.key_file {
            builder = builder.key_file(file);
        }
        if let Some(file) = self.store_token_file {
            builder = builder.store_token_file(file);
        }
        if let Some(file) = self.store_ca_file {
            builder = builder.store_ca_file(file);
        }
        builder.store(self.store)
    }
}

/// `flyte serve reseal`: prints what it did on stderr, like the server's log.
fn reseal(args: StoreArgs) -> ExitCode {
    let server = match args.apply(Server::builder()).build() {
        Ok(s) => s,
        Err(e) => return report(&e),
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return report(&e),
    };
    match runtime.block_on(server.reseal()) {
        Ok(done) => {
            eprintln!(
                "flyte serve reseal: {} values re-encrypted under the current key, {} already \
                 under it",
                done.rewritten, done.unchanged
            );
            ExitCode::SUCCESS
        }
        Err(e) => report(&e),
    }
}

/// Prints an error with its causes on one line.
fn report(err: &dyn std::error::Error) -> ExitCode {
    eprintln!("flyte serve: error: {}", crate::error::one_line(err));
    ExitCode::FAILURE
}

fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    if let Ok(addr) = text.parse() {
        return Ok(addr);
    }
    // Host names (e.g. `localhost:8090`): take the first address they resolve to.
    text.to_socket_addrs()
        .ok()
        .and_then(|mut it| it.next())
        .ok_or_else(|| {
            format!("invalid --listen `{text}`: expected HOST:PORT, e.g. 127.0.0.1:8090")
        })
}

pub(crate) fn run(args: ServeArgs) -> ExitCode {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_env_filter(filter)
        .init();
    if let Some(ServeAction::Reseal(store)) = args.action {
        return reseal(store);
    }

    let listen = match parse_listen(&args.listen) {
        Ok(a) => a,
        Err(msg) => {
            eprintln!("flyte serve: error: {msg}");
            return ExitCode::from(2);
        }
    };
    let mut builder = args
        .store
        .apply(Server::builder().listen(listen).advertise(true));
    if let Some(file) = args.tokens {
        builder = builder.tokens_file(file);
    }
    if let Some(endpoint) = args.cluster_endpoint {
        tracing::info!(%endpoint, "SelectCluster routes secret calls to this cluster endpoint");
        builder = builder.cluster_endpoint(endpoint);
    }
    if let (Some(cert), Some(key)) = (args.tls_cert, args.tls_key) {
        builder = builder.tls(cert, key);
    }
    if let (Some(issuer), Some(audience)) = (args.oidc_issuer, args.oidc_audience) {
        builder = builder.oidc(
            flyte_server::OidcConfig::new(issuer, audience)
                .client_id(args.oidc_client_id)
                .redirect_uri(args.oidc_redirect_uri)
                .scopes(args.oidc_scopes)
                .group_claim(args.oidc_group_claim)
                .header(args.oidc_header),
        );
    }
    if let Some(policy) = args.policy {
        builder = builder.policy_file(policy);
    }
    builder = builder.allow_plaintext(args.allow_plaintext);
    let server = match builder.build() {
        Ok(s) => s,
        Err(e) => return report(&e),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return report(&e),
    };
    runtime.block_on(async move {
        let running = match server.start().await {
            Ok(r) => r,
            Err(e) => return report(&e),
        };
        if running.inject_token().is_some() {
            tracing::info!(
                "no tokens configured: serving loopback only without auth; the inject extension \
                 needs the token in {}",
                running
                    .data_dir()
                    .join(flyte_server::INJECT_TOKEN_FILE)
                    .display()
            );
        }
        // The one stdout line: scripts and tests wait for it to learn the address.
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{}", running.ready_line());
        let _ = out.flush();
        drop(out);

        wait_for_signal().await;
        tracing::info!("shutting down");
        match running.shutdown().await {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => report(&e),
        }
    })
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
