//! Routing as the Python SDK's `ClusterAwareSecretService` does it: before a secret call, ask
//! the session endpoint's `ClusterService/SelectCluster` which endpoint serves secrets of the
//! call's scope, and send the call there.
//!
//! - The resource is the scope: a project (project and domain set), else a domain (domain
//!   set), else the organization. The operation is `OPERATION_USE_SECRETS`.
//! - An empty answer, or the session's own endpoint, keeps the session's transport; any other
//!   endpoint gets a transport of its own with the session's settings (credentials, auth
//!   header, TLS, timeouts, retries, codec).
//! - A plaintext endpoint for a TLS session is refused, unless `insecure` is configured.
//! - `unimplemented` (or an HTTP 404) means the server does not route: the session endpoint.
//! - Answers are cached per resource, only successful ones (as `alru_cache` does); concurrent
//!   first calls for one resource share one SelectCluster call.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use flyte_idl::select_cluster_request::{Operation, Resource as ProtoResource};
use flyte_idl::{DomainIdentifier, OrgIdentifier, ProjectIdentifier, SelectClusterRequest};
use tokio::sync::OnceCell;

use super::{Scope, http_client};
use crate::config::{Config, Endpoint};
use crate::remote::error::{Code, Error, Op};
use crate::remote::exchange::Http;
use crate::remote::token::TokenSource;
use crate::remote::transport::Transport;

/// What SelectCluster is asked about, derived from a secret call's scope.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Resource {
    Project {
        org: String,
        project: String,
        domain: String,
    },
    Domain {
        org: String,
        domain: String,
    },
    Org {
        org: String,
    },
}

impl Resource {
    /// The Python SDK's choice: project+domain, else domain, else organization (a project
    /// without a domain routes by organization).
    pub(crate) fn of(scope: &Scope) -> Resource {
        let org = scope.org.clone();
        match (scope.project.is_empty(), scope.domain.is_empty()) {
            (false, false) => Resource::Project {
                org,
                project: scope.project.clone(),
                domain: scope.domain.clone(),
            },
            (_, false) => Resource::Domain {
                org,
                domain: scope.domain.clone(),
            },
            _ => Resource::Org { org },
        }
    }

    fn request(&self) -> SelectClusterRequest {
        let resource = match self.clone() {
            Resource::Project {
                org,
                project,
                domain,
            } => ProtoResource::ProjectId(ProjectIdentifier {
                organization: org,
                domain,
                name: project,
            }),
            Resource::Domain { org, domain } => ProtoResource::DomainId(DomainIdentifier {
                organization: org,
                name: domain,
            }),
            Resource::Org { org } => ProtoResource::OrgId(OrgIdentifier { name: org }),
        };
        SelectClusterRequest {
            resource: Some(resource),
            operation: Operation::UseSecrets.into(),
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Resource::Project {
                org,
                project,
                domain,
            } => write!(
                f,
                "project `{project}` in domain `{domain}` of organization `{org}`"
            ),
            Resource::Domain { org, domain } => {
                write!(f, "domain `{domain}` of organization `{org}`")
            }
            Resource::Org { org } => write!(f, "organization `{org}`"),
        }
    }
}

/// One scope's resource and the cell its SelectCluster answer is cached in.
#[derive(Debug)]
pub(crate) struct Route {
    resource: Resource,
    cell: Arc<OnceCell<Arc<Transport>>>,
}

/// The routing state of a session, shared by every client [`super::Client::with_scope`]
/// derives from it, so one SelectCluster answer serves them all.
pub(crate) struct Router {
    session: Arc<Transport>,
    /// The session's settings, for the HTTP client of a routed endpoint (TLS roots, proxy
    /// rule and certificate warning depend on the host).
    config: Config,
    /// The credentials a routed endpoint gets: the session's, except a local service's inject
    /// token, which reads every value of that one service and goes nowhere else.
    routed_tokens: Option<Arc<dyn TokenSource>>,
    routes: Mutex<HashMap<Resource, Arc<OnceCell<Arc<Transport>>>>>,
}

impl fmt::Debug for Router {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Router")
            .field("session", &self.session.endpoint)
            .finish_non_exhaustive()
    }
}

impl Router {
    pub(crate) fn new(
        session: Arc<Transport>,
        config: Config,
        routed_tokens: Option<Arc<dyn TokenSource>>,
    ) -> Router {
        Router {
            session,
            config,
            routed_tokens,
            routes: Mutex::default(),
        }
    }

    /// The route of `scope`: the cell its answer is cached in, shared with every client of the
    /// same scope. A client looks it up once and keeps it.
    pub(crate) fn route(&self, scope: &Scope) -> Route {
        let resource = Resource::of(scope);
        // A poisoned lock only means another call panicked while holding it; the map itself
        // is always consistent (one insert per statement).
        let mut routes = self.routes.lock().unwrap_or_else(|e| e.into_inner());
        let cell = routes.entry(resource.clone()).or_default().clone();
        Route { resource, cell }
    }

    /// The transport for a call of `op` on `secret` on `route`.
    pub(crate) async fn transport(
        &self,
        route: &Route,
        op: Op,
        secret: Option<&str>,
    ) -> Result<Arc<Transport>, Error> {
        if let Some(t) = route.cell.get() {
            return Ok(t.clone());
        }
        let resource = &route.resource;
        // A failed init leaves the cell empty, so the next call asks again.
        route
            .cell
            .get_or_try_init(|| self.select(resource))
            .await
            .cloned()
            .map_err(|source| Error::SelectCluster {
                call: self.session.call_info(op, secret),
                resource: resource.to_string(),
                source: Box::new(source),
            })
    }

    async fn select(&self, resource: &Resource) -> Result<Arc<Transport>, Error> {
        let answer = match self.session.call(&resource.request(), None).await {
            Ok(answer) => answer,
            Err(e) if e.code() == Some(Code::Unimplemented) => {
                tracing::debug!(
                    "{}: SelectCluster is not implemented there; secrets of {resource} go to it",
                    self.session.endpoint
                );
                return Ok(self.session.clone());
            }
            Err(e) => return Err(e),
        };
        if answer.cluster_endpoint.is_empty() {
            return Ok(self.session.clone());
        }
        let endpoint = Endpoint::parse(&answer.cluster_endpoint)?;
        let base_url = endpoint.base_url(self.config.insecure);
        if base_url == self.session.template.base_url {
            return Ok(self.session.clone());
        }
        // A control plane (or whoever answers for it) must not turn a TLS session into a
        // plaintext one: the token and the secret values would cross the network in the clear.
        // Only the user's own `insecure` allows plaintext.
        if self.session.template.base_url.starts_with("https://")
            && !base_url.starts_with("https://")
            && !self.config.insecure
        {
            return Err(Error::InvalidRequest {
                call: self.session.call_info(Op::SelectCluster, None),
                problem: format!(
                    "it routed the secrets of {resource} to the plaintext endpoint {base_url} \
                     (answered `{}`), but the session endpoint {} uses TLS; refused, so that \
                     credentials and secret values are not sent unencrypted (set admin.insecure \
                     or --insecure only if plaintext is intended)",
                    answer.cluster_endpoint, self.session.template.base_url
                ),
            });
        }
        let http = Http::new(
            http_client(&self.config, &endpoint)?,
            &self.config,
            &endpoint,
        );
        tracing::debug!(
            "secrets of {resource}: SelectCluster at {} answered {base_url} (cluster `{}`)",
            self.session.endpoint,
            answer.cluster
        );
        Ok(Arc::new(self.session.rebased(
            http,
            base_url,
            self.routed_tokens.clone(),
        )))
    }
}
