//! `flyte.local.v1.InjectService/ReadSecretValue`: the local service's own extension that
//! lets the task launcher read a value to inject it. Not part of the Flyte API.
//!
//! Request `ReadSecretValueRequest { id: SecretIdentifier }` (field 1), response
//! `ReadSecretValueResponse { id: SecretIdentifier (1), secret_spec: SecretSpec (2) }`, over
//! the same Connect conventions (application/proto or application/json, POST).
//!
//! Lookup: the exact scope of `id`; when absent there and `id` has a project or domain, the
//! organization-wide secret of the same name (`project` and `domain` empty). The response's
//! `id` says which one was read. The caller needs the `inject` right on each scope looked at
//! (in open mode: the inject token of the data directory).

use std::sync::Arc;

use flyte_idl::connect::Code;
use flyte_idl::{ReadSecretValueResponse, SecretIdentifier, SecretSpec, secret_spec};

use super::{storage, validate};
use crate::app::App;
use crate::auth::{Caller, Right};
use crate::rpc_error::RpcError;
use crate::scope::{Scope, SecretRef};
use crate::service::Rpc;
use flyte_idl::method;

/// `ReadSecretValue`.
impl Rpc for method::ReadSecretValue {
    const SENSITIVE: bool = true;
    type Reply = Self::Response;

    async fn call(
        app: Arc<App>,
        caller: Caller,
        req: Self::Request,
    ) -> Result<Self::Reply, RpcError> {
        let wanted = validate::secret_ref(req.id)?;
        caller.check(Right::Inject, &wanted.scope)?;
        // As a cluster's injector looks a task's secret up: the scope asked, then the wider
        // ones (project+domain, then the domain, then organization-wide), first hit wins;
        // only where the caller may read, else the exact miss is reported.
        let mut candidates = vec![wanted.clone()];
        let wider = |domain: &str| Scope {
            organization: wanted.scope.organization.clone(),
            project: String::new(),
            domain: domain.to_owned(),
        };
        for scope in [wider(&wanted.scope.domain), wider("")] {
            let already = candidates.iter().any(|c| c.scope == scope);
            if !already && caller.check(Right::Inject, &scope).is_ok() {
                candidates.push(SecretRef {
                    scope,
                    name: wanted.name.clone(),
                });
            }
        }
        let found = app.store.read_first(candidates).await.map_err(storage)?;
        let Some((secret, secret_type, sealed)) = found else {
            return Err(RpcError::new(Code::NotFound, format!("{wanted} not found")));
        };
        let plaintext = app.reveal(&secret, secret_type, &sealed).ok_or_else(|| {
            tracing::error!(%secret, "stored value failed authentication");
            RpcError::new(
                Code::DataLoss,
                format!("the stored value of {secret} cannot be decrypted (tampered or corrupted)"),
            )
        })?;
        let value = match plaintext.split_first() {
            Some((&validate::KIND_STRING, rest)) => match std::str::from_utf8(rest) {
                Ok(s) => secret_spec::Value::StringValue(s.to_owned()),
                Err(_) => secret_spec::Value::BinaryValue(rest.to_vec()),
            },
            Some((_, rest)) => secret_spec::Value::BinaryValue(rest.to_vec()),
            None => secret_spec::Value::BinaryValue(Vec::new()),
        };
        Ok(ReadSecretValueResponse {
            id: Some(SecretIdentifier {
                name: secret.name,
                organization: secret.scope.organization,
                domain: secret.scope.domain,
                project: secret.scope.project,
            }),
            secret_spec: Some(SecretSpec {
                value: Some(value),
                r#type: secret_type,
            }),
        })
    }

    fn wipe(resp: &mut Self::Reply) {
        validate::wipe_value(resp.secret_spec.as_mut().and_then(|s| s.value.take()));
    }
}
