//! `flyteidl2.secret.SecretService` and `ClusterService/SelectCluster`.

use std::sync::Arc;

use flyte_idl::connect::Code;
use flyte_idl::*;

use super::secret_reply::{SecretReply, to_secret};
use super::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_token, storage, validate};
use crate::app::App;
use crate::auth::{Caller, Right};
use crate::rpc_error::RpcError;
use crate::scope::SecretRef;
use crate::service::Rpc;
use crate::store::StoredValue;
use flyte_idl::method;

fn not_found(secret: &SecretRef) -> RpcError {
    RpcError::new(Code::NotFound, format!("{secret} not found"))
}

/// Protects a spec's value for `secret` (wiping the plaintext) and returns the type and what
/// the store keeps.
fn seal(
    app: &App,
    spec: Option<SecretSpec>,
    secret: &SecretRef,
) -> Result<(i32, StoredValue), RpcError> {
    let (secret_type, plaintext) = validate::take_spec(spec, secret)?;
    Ok((secret_type, app.protect(secret, secret_type, &plaintext)))
}

/// What `CreateSecret` and `UpdateSecret` share: a valid id, the caller's write right on its
/// scope, and the value sealed. The plaintext is wiped on every refusal.
fn checked_write(
    app: &App,
    caller: &Caller,
    id: Option<flyte_idl::SecretIdentifier>,
    spec: Option<flyte_idl::SecretSpec>,
) -> Result<(SecretRef, i32, StoredValue), RpcError> {
    let checked = validate::secret_ref(id)
        .and_then(|secret| caller.check(Right::Write, &secret.scope).map(|()| secret));
    let secret = match checked {
        Ok(secret) => secret,
        Err(e) => {
            validate::wipe_value(spec.and_then(|s| s.value));
            return Err(e);
        }
    };
    let (secret_type, sealed) = seal(app, spec, &secret)?;
    Ok((secret, secret_type, sealed))
}

/// `CreateSecret`: `already_exists` if the name is taken in the scope.
impl Rpc for method::CreateSecret {
    const SENSITIVE: bool = true;
    type Reply = Self::Response;

    async fn call(
        app: Arc<App>,
        caller: Caller,
        mut req: Self::Request,
    ) -> Result<Self::Reply, RpcError> {
        let (secret, secret_type, sealed) =
            checked_write(&app, &caller, req.id.take(), req.secret_spec)?;
        let inserted = app
            .store
            .insert(secret.clone(), secret_type, sealed)
            .await
            .map_err(storage)?;
        if !inserted {
            return Err(RpcError::new(
                Code::AlreadyExists,
                format!("{secret} already exists"),
            ));
        }
        tracing::info!(name = %secret.name, scope = %secret.scope, "secret created");
        Ok(CreateSecretResponse {})
    }
}

/// `UpdateSecret`: replaces value and type; `not_found` if absent.
impl Rpc for method::UpdateSecret {
    const SENSITIVE: bool = true;
    type Reply = Self::Response;

    async fn call(
        app: Arc<App>,
        caller: Caller,
        mut req: Self::Request,
    ) -> Result<Self::Reply, RpcError> {
        let (secret, secret_type, sealed) =
            checked_write(&app, &caller, req.id.take(), req.secret_spec)?;
        let updated = app
            .store
            .update(secret.clone(), secret_type, sealed)
            .await
            .map_err(storage)?;
        if !updated {
            return Err(not_found(&secret));
        }
        tracing::info!(name = %secret.name, scope = %secret.scope, "secret updated");
        Ok(UpdateSecretResponse {})
    }
}

/// `GetSecret`: metadata only, never the value.
impl Rpc for method::GetSecret {
    type Reply = SecretReply;

    async fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Request,
    ) -> Result<Self::Reply, RpcError> {
        let secret = validate::secret_ref(req.id)?;
        caller.check(Right::Read, &secret.scope)?;
        let found = match app.store.meta_now(&secret) {
            Some(found) => found,
            None => app.store.meta(&secret).await,
        };
        let meta = found.map_err(storage)?.ok_or_else(|| not_found(&secret))?;
        Ok(SecretReply { secret, meta })
    }
}

/// `DeleteSecret`: `not_found` if absent.
impl Rpc for method::DeleteSecret {
    type Reply = Self::Response;

    async fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Request,
    ) -> Result<Self::Reply, RpcError> {
        let secret = validate::secret_ref(req.id)?;
        caller.check(Right::Write, &secret.scope)?;
        let deleted = app.store.delete(secret.clone()).await.map_err(storage)?;
        if !deleted {
            return Err(not_found(&secret));
        }
        tracing::info!(name = %secret.name, scope = %secret.scope, "secret deleted");
        Ok(DeleteSecretResponse {})
    }
}

/// `ListSecrets`: one page, keyset-paginated on the name.
impl Rpc for method::ListSecrets {
    type Reply = Self::Response;

    async fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Request,
    ) -> Result<Self::Reply, RpcError> {
        let scope = validate::scope(req.organization, req.project, req.domain)?;
        caller.check(Right::Read, &scope)?;
        let limit = match req.limit {
            0 => DEFAULT_PAGE_SIZE,
            n if n < 0 => {
                return Err(RpcError::invalid(format!(
                    "limit {n} is negative: use 0 for the default page size ({DEFAULT_PAGE_SIZE}) \
                     or up to {MAX_PAGE_SIZE}"
                )));
            }
            n => (n as usize).min(MAX_PAGE_SIZE),
        };
        let after = page_token::decode(&scope, &req.token)?;
        // One extra row tells whether another page follows, so the last page has no token.
        let mut rows = app
            .store
            .page(&scope, &after, limit + 1)
            .await
            .map_err(storage)?;
        let token = if rows.len() > limit {
            rows.truncate(limit);
            page_token::encode(&scope, &rows[limit - 1].name)
        } else {
            String::new()
        };
        let secrets = rows
            .into_iter()
            .map(|row| {
                let id = SecretIdentifier {
                    name: row.name,
                    organization: scope.organization.clone(),
                    domain: scope.domain.clone(),
                    project: scope.project.clone(),
                };
                to_secret(id, row.meta)
            })
            .collect();
        Ok(ListSecretsResponse {
            secrets,
            token,
            per_cluster_tokens: Default::default(),
        })
    }
}

/// `ClusterService/SelectCluster`: for `OPERATION_USE_SECRETS` the configured cluster
/// endpoint, if any; else the empty answer ("use this endpoint"). Needs only an
/// authenticated caller.
impl Rpc for method::SelectCluster {
    type Reply = Self::Response;

    async fn call(app: Arc<App>, _: Caller, req: Self::Request) -> Result<Self::Reply, RpcError> {
        if let Some(observe) = &app.routing.observer {
            observe(&req);
        }
        let secrets = req.operation == select_cluster_request::Operation::UseSecrets as i32;
        Ok(match &app.routing.secrets_endpoint {
            Some(endpoint) if secrets => SelectClusterResponse {
                cluster_endpoint: endpoint.clone(),
                cluster: crate::builder::ROUTED_CLUSTER.to_owned(),
            },
            _ => SelectClusterResponse::default(),
        })
    }
}
