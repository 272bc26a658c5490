//! The request message of each operation, filled with the client's scope and checked before
//! anything is sent.

use flyte_idl::{
    CreateSecretRequest, DeleteSecretRequest, GetSecretRequest, ListSecretsRequest,
    ReadSecretValueRequest, SecretIdentifier, SecretSpec, UpdateSecretRequest,
};
use zeroize::Zeroize;

use super::Client;
use crate::remote::error::{Error, Op};
use crate::remote::request::{self, AuthHeader};
use crate::remote::secret::{SecretData, SecretType};

/// An operation of the secret service, for [`Client::build_request`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum Operation<'a> {
    /// `CreateSecret`: a new secret.
    Create {
        /// The secret's name (its key).
        name: &'a str,
        /// The value to store.
        value: &'a SecretData,
        /// The kind of secret, checked against the scope before sending.
        secret_type: SecretType,
    },
    /// `UpdateSecret`: a new value (and type) for an existing secret.
    Update {
        /// The secret's name (its key).
        name: &'a str,
        /// The new value.
        value: &'a SecretData,
        /// The new kind of secret.
        secret_type: SecretType,
    },
    /// `GetSecret`: a secret's metadata.
    Get {
        /// The secret's name (its key).
        name: &'a str,
    },
    /// `DeleteSecret`.
    Delete {
        /// The secret's name (its key).
        name: &'a str,
    },
    /// One page: `limit` entries after `token` (`""` for the first page).
    List {
        /// The page size; 0 for the server's default.
        limit: u32,
        /// The token the previous page ended with; `""` for the first page.
        token: &'a str,
    },
    /// The local service's `ReadSecretValue` (see [`Client::read_value`]).
    ReadValue {
        /// The secret's name (its key).
        name: &'a str,
    },
}

pub(super) fn build(
    client: &Client,
    op: &Operation<'_>,
    auth: Option<&AuthHeader>,
) -> Result<http::Request<Vec<u8>>, Error> {
    let t = &client.inner.transport.template;
    let (result, name) = match *op {
        Operation::Create {
            name,
            value,
            secret_type,
        } => {
            let mut msg = create(client, name, value, secret_type)?;
            let r = request::build(t, &msg, auth);
            wipe(&mut msg.secret_spec);
            (r, Some(name))
        }
        Operation::Update {
            name,
            value,
            secret_type,
        } => {
            let mut msg = update(client, name, value, secret_type)?;
            let r = request::build(t, &msg, auth);
            wipe(&mut msg.secret_spec);
            (r, Some(name))
        }
        Operation::Get { name } => (request::build(t, &get(client, name)?, auth), Some(name)),
        Operation::Delete { name } => (request::build(t, &delete(client, name)?, auth), Some(name)),
        Operation::List { limit, token } => {
            (request::build(t, &list(client, limit, token)?, auth), None)
        }
        Operation::ReadValue { name } => (
            request::build(t, &read_value(client, name)?, auth),
            Some(name),
        ),
    };
    result.map_err(|e| Error::InvalidRequest {
        call: client.inner.transport.call_info(op_of(op), name),
        problem: format!("cannot form the HTTP request: {e}"),
    })
}

fn op_of(op: &Operation<'_>) -> Op {
    match op {
        Operation::Create { .. } => Op::Create,
        Operation::Update { .. } => Op::Update,
        Operation::Get { .. } => Op::Get,
        Operation::Delete { .. } => Op::Delete,
        Operation::List { .. } => Op::List,
        Operation::ReadValue { .. } => Op::ReadValue,
    }
}

/// The identifier of `name` in the client's scope; refuses an empty name.
fn id(client: &Client, op: Op, name: &str) -> Result<SecretIdentifier, Error> {
    if name.is_empty() {
        return Err(Error::InvalidRequest {
            call: client.inner.transport.call_info(op, Some(name)),
            problem: "the secret name is empty".to_owned(),
        });
    }
    let scope = &client.inner.scope;
    Ok(SecretIdentifier {
        name: name.to_owned(),
        organization: scope.org.clone(),
        domain: scope.domain.clone(),
        project: scope.project.clone(),
    })
}

/// The spec of a value of type `ty`, after the Python SDK's client-side rule: an image-pull
/// secret is organization-wide, so a configured project or domain refuses it.
fn spec(
    client: &Client,
    op: Op,
    name: &str,
    value: &SecretData,
    ty: SecretType,
) -> Result<SecretSpec, Error> {
    let scope = &client.inner.scope;
    match ty {
        SecretType::ImagePull if !scope.project.is_empty() || !scope.domain.is_empty() => {
            Err(Error::ImagePullScoped {
                secret: name.to_owned(),
                project: client.project().map(str::to_owned),
                domain: client.domain().map(str::to_owned),
            })
        }
        SecretType::Unrecognized(n) => Err(Error::InvalidRequest {
            call: client.inner.transport.call_info(op, Some(name)),
            problem: format!(
                "secret type {n} is not one this client can create (regular, image_pull)"
            ),
        }),
        _ => Ok(value.to_spec(ty)),
    }
}

pub(super) fn create(
    client: &Client,
    name: &str,
    value: &SecretData,
    ty: SecretType,
) -> Result<CreateSecretRequest, Error> {
    let id = id(client, Op::Create, name)?;
    Ok(CreateSecretRequest {
        id: Some(id),
        secret_spec: Some(spec(client, Op::Create, name, value, ty)?),
    })
}

pub(super) fn update(
    client: &Client,
    name: &str,
    value: &SecretData,
    ty: SecretType,
) -> Result<UpdateSecretRequest, Error> {
    let id = id(client, Op::Update, name)?;
    Ok(UpdateSecretRequest {
        id: Some(id),
        secret_spec: Some(spec(client, Op::Update, name, value, ty)?),
    })
}

pub(super) fn get(client: &Client, name: &str) -> Result<GetSecretRequest, Error> {
    Ok(GetSecretRequest {
        id: Some(id(client, Op::Get, name)?),
        include_system_secrets: false,
    })
}

pub(super) fn delete(client: &Client, name: &str) -> Result<DeleteSecretRequest, Error> {
    Ok(DeleteSecretRequest {
        id: Some(id(client, Op::Delete, name)?),
        include_system_secrets: false,
    })
}

pub(crate) fn list(client: &Client, limit: u32, token: &str) -> Result<ListSecretsRequest, Error> {
    let limit = i32::try_from(limit).map_err(|_| Error::InvalidRequest {
        call: client.inner.transport.call_info(Op::List, None),
        problem: format!("page size {limit} is larger than {}", i32::MAX),
    })?;
    let scope = &client.inner.scope;
    Ok(ListSecretsRequest {
        organization: scope.org.clone(),
        domain: scope.domain.clone(),
        project: scope.project.clone(),
        limit,
        token: token.to_owned(),
        ..Default::default()
    })
}

pub(super) fn read_value(client: &Client, name: &str) -> Result<ReadSecretValueRequest, Error> {
    Ok(ReadSecretValueRequest {
        id: Some(id(client, Op::ReadValue, name)?),
    })
}

/// Overwrites the value in a request message once it has been encoded.
pub(super) fn wipe(spec: &mut Option<SecretSpec>) {
    use flyte_idl::secret_spec::Value;
    match spec.as_mut().and_then(|s| s.value.as_mut()) {
        Some(Value::StringValue(s)) => s.zeroize(),
        Some(Value::BinaryValue(b)) => b.zeroize(),
        None => {}
    }
}
