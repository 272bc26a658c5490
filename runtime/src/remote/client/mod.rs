//! [`Client`]: the secret service client. Cheap to clone (an `Arc` inside).

mod builder;
mod credentials;
mod http_client;
mod list;
mod messages;
mod routing;

pub use list::SecretList;

use std::fmt;
use std::sync::{Arc, OnceLock};

pub use builder::ClientBuilder;
pub(crate) use http_client::http_client;
pub use messages::Operation;
pub(crate) use messages::list as list_message;

use super::error::{DecodeError, Error, Op};
use super::request::{AuthHeader, Rpc};
use super::secret::{SecretData, SecretType, StoredSecret};
use super::transport::Transport;
use crate::config::{Codec, Config};
use crate::secret::SecretValue;
use routing::{Route, Router};

/// The scope secrets are created in and looked up from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scope {
    pub org: String,
    pub project: String,
    pub domain: String,
}

/// A client of the Flyte secret service (`flyteidl2.secret.SecretService` over Connect).
///
/// ```no_run
/// # async fn demo() -> Result<(), flyte::remote::Error> {
/// use flyte::remote::{Client, SecretType};
/// use futures::TryStreamExt;
///
/// let client = Client::builder().endpoint("http://127.0.0.1:8090").project("p").domain("d").build()?;
/// client.create("db-password", "s3cr3t").await?;
/// let s = client.get("db-password").await?;
/// assert_eq!(s.secret_type(), SecretType::Regular);
/// let names: Vec<String> = client.listall(100).map_ok(|s| s.name().to_owned()).try_collect().await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// Shared by the clients [`Client::with_scope`] derives: one connection pool, one token.
    /// The configured endpoint; calls go where `router` says.
    pub transport: Arc<Transport>,
    /// Shared the same way, so one SelectCluster answer serves every derived client.
    pub router: Arc<Router>,
    /// This scope's route, looked up in `router` on first use.
    pub route: OnceLock<Route>,
    pub scope: Scope,
    pub codec: Codec,
    /// The local service behind the endpoint when none was configured; kept alive (an
    /// in-process one runs) as long as any clone of the client.
    pub local: Option<builder::Local>,
    /// The login flow (none with an API key or a custom token source).
    pub login: Option<Arc<crate::remote::login::Login>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("endpoint", &self.inner.transport.endpoint)
            .field("scope", &self.inner.scope)
            .field("codec", &self.inner.codec)
            .field("auth", &self.inner.transport.tokens.is_some())
            .finish()
    }
}

impl Client {
    /// A client for this configuration (endpoint, TLS, scope, codec, timeouts, credentials).
    pub fn new(config: &Config) -> Result<Client, Error> {
        ClientBuilder::from_config(config.clone()).build()
    }

    /// A builder starting from defaults; nothing is read from env vars or config files.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// The local service this client uses when no endpoint was configured.
    #[cfg(feature = "local")]
    pub fn local_service(&self) -> Option<&crate::local::LocalService> {
        self.inner.local.as_deref()
    }

    /// The base URL requests go to.
    pub fn endpoint(&self) -> &str {
        &self.inner.transport.endpoint
    }

    /// The organization sent with every request (`""` when none).
    pub fn org(&self) -> &str {
        &self.inner.scope.org
    }

    /// The project sent with every request, if any.
    pub fn project(&self) -> Option<&str> {
        Some(self.inner.scope.project.as_str()).filter(|s| !s.is_empty())
    }

    /// The domain sent with every request, if any.
    pub fn domain(&self) -> Option<&str> {
        Some(self.inner.scope.domain.as_str()).filter(|s| !s.is_empty())
    }

    /// The wire codec requests and answers use.
    pub fn codec(&self) -> Codec {
        self.inner.codec
    }

    /// The same client (endpoint, connections, credentials, codec) in another scope of the
    /// same organization: `project` and `domain` as given, `None` for none. A cluster looks a
    /// task's secret up in project+domain, then domain, then organization-wide scope; this
    /// is how a caller asks each in turn.
    pub fn with_scope(&self, project: Option<&str>, domain: Option<&str>) -> Client {
        Client {
            inner: Arc::new(Inner {
                transport: self.inner.transport.clone(),
                router: self.inner.router.clone(),
                route: OnceLock::new(),
                scope: Scope {
                    org: self.inner.scope.org.clone(),
                    project: project.unwrap_or_default().to_owned(),
                    domain: domain.unwrap_or_default().to_owned(),
                },
                codec: self.inner.codec,
                local: self.inner.local.clone(),
                login: self.inner.login.clone(),
            }),
        }
    }

    /// Logs in now with the configured flow (`admin.authType`), whatever is stored, and
    /// stores the tokens (the OS keyring, in the Python SDK's layout). Fails when the client
    /// authenticates otherwise (an API key, a custom token source).
    pub async fn login(&self) -> Result<crate::remote::LoginInfo, Error> {
        let call = || self.inner.transport.call_info(Op::Login, None);
        let Some(login) = &self.inner.login else {
            return Err(Error::Token {
                call: call(),
                source: Box::new(super::error::TokenError::Other(
                    "this client uses an API key or its own token source; there is no login".into(),
                )),
            });
        };
        login.login().await.map_err(|source| Error::Token {
            call: call(),
            source: Box::new(source),
        })
    }

    /// The HTTP request for `op`, exactly as it would be sent (with `auth` as the credential
    /// header), without any I/O. Validation (e.g. the image-pull scope rule) happens here.
    pub fn build_request(
        &self,
        op: &Operation<'_>,
        auth: Option<&AuthHeader>,
    ) -> Result<http::Request<Vec<u8>>, Error> {
        messages::build(self, op, auth)
    }

    /// Creates a `regular` secret. Text goes as `string_value`, bytes as `binary_value`.
    /// Not retried once the request may have reached the server.
    pub async fn create(&self, name: &str, value: impl Into<SecretData>) -> Result<(), Error> {
        self.create_with(name, value, SecretType::Regular).await
    }

    /// Creates a secret of the given type. An [`SecretType::ImagePull`] secret is refused
    /// before sending when a project or domain is configured.
    pub async fn create_with(
        &self,
        name: &str,
        value: impl Into<SecretData>,
        ty: SecretType,
    ) -> Result<(), Error> {
        let value = value.into();
        let msg = messages::create(self, name, &value, ty)?;
        self.send_value(name, msg, |m| &mut m.secret_spec).await
    }

    /// Replaces the value of an existing `regular` secret.
    pub async fn update(&self, name: &str, value: impl Into<SecretData>) -> Result<(), Error> {
        self.update_with(name, value, SecretType::Regular).await
    }

    /// Replaces the value (and type) of an existing secret.
    pub async fn update_with(
        &self,
        name: &str,
        value: impl Into<SecretData>,
        ty: SecretType,
    ) -> Result<(), Error> {
        let value = value.into();
        let msg = messages::update(self, name, &value, ty)?;
        self.send_value(name, msg, |m| &mut m.secret_spec).await
    }

    /// Sends a request that carries a value, then wipes the request's copy of the value,
    /// whatever the outcome.
    async fn send_value<R: Rpc>(
        &self,
        name: &str,
        mut msg: R,
        spec: fn(&mut R) -> &mut Option<flyte_idl::SecretSpec>,
    ) -> Result<(), Error> {
        let result = match self.route(R::OP, Some(name)).await {
            Ok(t) => t.call(&msg, Some(name)).await.map(drop),
            Err(e) => Err(e),
        };
        messages::wipe(spec(&mut msg));
        result
    }

    /// Where a call of `op` in this client's scope goes (the request messages carry exactly
    /// this scope, so it is the request's own).
    pub(crate) async fn route(
        &self,
        op: Op,
        secret: Option<&str>,
    ) -> Result<Arc<Transport>, Error> {
        let inner = &self.inner;
        let route = inner.route.get_or_init(|| inner.router.route(&inner.scope));
        inner.router.transport(route, op, secret).await
    }

    /// The secret's metadata (never its value).
    pub async fn get(&self, name: &str) -> Result<StoredSecret, Error> {
        let msg = messages::get(self, name)?;
        let t = self.route(Op::Get, Some(name)).await?;
        let resp = t.call(&msg, Some(name)).await?;
        resp.secret
            .map(StoredSecret::from_proto)
            .ok_or_else(|| Error::Decode {
                call: t.call_info(Op::Get, Some(name)),
                source: DecodeError::Missing("secret"),
            })
    }

    /// Deletes a secret; [`Error::NotFound`] when there is none of that name in the scope.
    pub async fn delete(&self, name: &str) -> Result<(), Error> {
        let msg = messages::delete(self, name)?;
        let t = self.route(Op::Delete, Some(name)).await?;
        t.call(&msg, Some(name)).await.map(drop)
    }

    /// Every secret of the configured scope, as a lazy stream: `limit` per page (0: the
    /// server's default), following the page token to the end, one page in memory at a time.
    pub fn listall(&self, limit: u32) -> SecretList {
        SecretList::new(self.clone(), limit)
    }

    /// Reads a secret's value. **Local service only**: this calls the local server's own
    /// extension `flyte.local.v1.InjectService/ReadSecretValue`, which the task launcher uses to
    /// inject values; a Flyte cluster never returns values to clients and answers
    /// `unimplemented` (a Connect server without the service, or HTTP 404).
    pub async fn read_value(&self, name: &str) -> Result<SecretValue, Error> {
        let msg = messages::read_value(self, name)?;
        let t = self.route(Op::ReadValue, Some(name)).await?;
        let resp = t.call(&msg, Some(name)).await?;
        let missing = || Error::Decode {
            call: t.call_info(Op::ReadValue, Some(name)),
            source: DecodeError::Missing("secret_spec.value"),
        };
        let spec = resp.secret_spec.ok_or_else(missing)?;
        Ok(match spec.value.ok_or_else(missing)? {
            flyte_idl::secret_spec::Value::StringValue(s) => SecretValue::from(s),
            flyte_idl::secret_spec::Value::BinaryValue(b) => SecretValue::new(b),
        })
    }
}
