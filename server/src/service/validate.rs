//! Request validation: names, scopes, specs.
//!
//! Name rule (`flyte_spec::SERVICE_NAME_RULE`, which `#[task]` warns about too): 1 to 253
//! characters of ASCII letters, digits, `-` and `_`, Flyte's own rule, so `my-secret`,
//! `database-password` and `OPENAI_API_KEY` are accepted and `my.key` or `a/b` are refused,
//! as a Flyte cluster would. Names are case-sensitive. The 253 cap is ours (the longest
//! Kubernetes object name).
//!
//! Scope parts (organization, project, domain): at most 253 characters, no control
//! characters; any value the client sends, including an empty organization. A project needs
//! a domain, as on a Flyte cluster.

use flyte_idl::{SecretIdentifier, SecretSpec, SecretType, secret_spec};
use zeroize::{Zeroize, Zeroizing};

use crate::rpc_error::RpcError;
use crate::scope::{Scope, SecretRef};

/// Longest accepted name or scope part.
pub const MAX_NAME_LEN: usize = flyte_spec::SERVICE_NAME_MAX_LEN;

/// The name rule, as stated in error messages.
pub const NAME_RULE: &str = flyte_spec::SERVICE_NAME_RULE;

pub(crate) use crate::store::{KIND_BINARY, KIND_STRING};

/// Shows user input in a message: quoted, escaped, cut at 64 characters.
fn shown(s: &str) -> String {
    let cut: String = s.chars().take(64).collect();
    if cut.len() < s.len() {
        format!("{cut:?}...")
    } else {
        format!("{cut:?}")
    }
}

pub(crate) fn check_name(name: &str) -> Result<(), RpcError> {
    if !flyte_spec::is_storable_name(name) {
        return Err(RpcError::invalid(format!(
            "invalid secret name {}: a name is {NAME_RULE}",
            shown(name)
        )));
    }
    Ok(())
}

fn check_part(what: &str, value: &str) -> Result<(), RpcError> {
    if value.len() > MAX_NAME_LEN || value.chars().any(char::is_control) {
        return Err(RpcError::invalid(format!(
            "invalid {what} {}: at most {MAX_NAME_LEN} characters, no control characters",
            shown(value)
        )));
    }
    Ok(())
}

/// A validated scope.
pub(crate) fn scope(
    organization: String,
    project: String,
    domain: String,
) -> Result<Scope, RpcError> {
    check_part("organization", &organization)?;
    check_part("project", &project)?;
    check_part("domain", &domain)?;
    // A Flyte cluster's own rule and words: its scopes are organization-wide, a domain, or
    // a project in a domain, and nothing looks a secret up in a project alone.
    if !project.is_empty() && domain.is_empty() {
        return Err(RpcError::invalid(format!(
            "project-scoped secrets must also specify a domain (got project {}, no domain)",
            shown(&project)
        )));
    }
    Ok(Scope {
        organization,
        project,
        domain,
    })
}

/// A validated secret reference from a request's `id`.
pub(crate) fn secret_ref(id: Option<SecretIdentifier>) -> Result<SecretRef, RpcError> {
    let id = id.ok_or_else(|| RpcError::invalid("`id` is required"))?;
    check_name(&id.name)?;
    Ok(SecretRef {
        scope: scope(id.organization, id.project, id.domain)?,
        name: id.name,
    })
}

/// Checks a spec for `secret` and turns its value into the plaintext to seal:
/// a kind byte, then the value. The spec's value is wiped.
pub(crate) fn take_spec(
    spec: Option<SecretSpec>,
    secret: &SecretRef,
) -> Result<(i32, Zeroizing<Vec<u8>>), RpcError> {
    let mut spec = spec.ok_or_else(|| {
        RpcError::invalid("`secret_spec` is required (with string_value or binary_value)")
    })?;
    let value = spec.value.take();
    let result = (|| {
        let secret_type = SecretType::try_from(spec.r#type).map_err(|_| {
            RpcError::invalid(format!(
                "secret_spec.type {} is not a SecretType (0 SECRET_TYPE_GENERIC, \
                 1 SECRET_TYPE_IMAGE_PULL_SECRET)",
                spec.r#type
            ))
        })?;
        if secret_type == SecretType::ImagePullSecret && !secret.scope.is_org_wide() {
            return Err(RpcError::invalid(format!(
                "image-pull secrets are organization-wide: project and domain must be empty \
                 (got project {}, domain {})",
                shown(&secret.scope.project),
                shown(&secret.scope.domain)
            )));
        }
        let Some(value) = value.as_ref() else {
            return Err(RpcError::invalid(
                "`secret_spec.value` is required: set string_value or binary_value",
            ));
        };
        let (kind, bytes) = match value {
            secret_spec::Value::StringValue(s) => (KIND_STRING, s.as_bytes()),
            secret_spec::Value::BinaryValue(b) => (KIND_BINARY, b.as_slice()),
        };
        let mut plaintext = Zeroizing::new(Vec::with_capacity(bytes.len() + 1));
        plaintext.push(kind);
        plaintext.extend_from_slice(bytes);
        Ok((secret_type as i32, plaintext))
    })();
    wipe_value(value);
    result
}

/// Zeroes a value's buffer before it is freed.
pub(crate) fn wipe_value(value: Option<secret_spec::Value>) {
    match value {
        Some(secret_spec::Value::StringValue(mut s)) => s.zeroize(),
        Some(secret_spec::Value::BinaryValue(mut b)) => b.zeroize(),
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_rule() {
        for ok in [
            "my-secret",
            "database-password",
            "OPENAI_API_KEY",
            "a",
            &"x".repeat(253),
        ] {
            check_name(ok).unwrap();
        }
        for bad in [
            "",
            "my.key",
            "a/b",
            "with space",
            "ü",
            &"x".repeat(254),
            "a\n",
        ] {
            let e = check_name(bad).unwrap_err();
            assert!(e.message.contains("1 to 253 characters"), "{}", e.message);
        }
        let long = check_name(&"y".repeat(300)).unwrap_err();
        assert!(long.message.len() < 300, "long names are cut in messages");
    }

    #[test]
    fn scope_parts() {
        scope("127".into(), "".into(), "".into()).unwrap();
        scope("".into(), "p".into(), "d".into()).unwrap();
        scope("o".into(), "".into(), "d".into()).unwrap();
        let e = scope("o".into(), "p".into(), "".into()).unwrap_err();
        assert_eq!(e.code, flyte_idl::connect::Code::InvalidArgument);
        assert!(
            e.message
                .contains("project-scoped secrets must also specify a domain"),
            "{}",
            e.message
        );
        assert!(scope("o\0".into(), "".into(), "".into()).is_err());
        assert!(scope("o".into(), "x".repeat(254), "".into()).is_err());
    }
}
