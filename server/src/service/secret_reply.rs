//! GetSecret's answer, written straight from the secret and its metadata. Building the
//! `GetSecretResponse` first cost three allocations (the cluster's organization and name, the
//! status list) and prost's encoder computes each nested message's length again at every
//! level above it (six deep); here each length is computed once, into a buffer of the exact
//! size.

use flyte_idl::{
    ClusterIdentifier, ClusterSecretStatus, GetSecretResponse, OverallStatus, Secret,
    SecretIdentifier, SecretMetadata, SecretPresenceStatus, SecretStatus,
};
use prost::encoding::{WireType, encode_varint, encoded_len_varint, key_len};

use super::LOCAL_CLUSTER;
use super::rpc::Reply;
use crate::scope::SecretRef;
use crate::store::StoredMeta;

/// The wire identifier of `secret`, reusing its strings.
pub(super) fn identifier(secret: SecretRef) -> SecretIdentifier {
    SecretIdentifier {
        name: secret.name,
        organization: secret.scope.organization,
        domain: secret.scope.domain,
        project: secret.scope.project,
    }
}

/// The metadata the local service reports: present on its one cluster.
pub(super) fn to_secret(id: SecretIdentifier, meta: StoredMeta) -> Secret {
    let organization = id.organization.clone();
    Secret {
        id: Some(id),
        secret_metadata: Some(SecretMetadata {
            created_time: Some(meta.created),
            secret_status: Some(SecretStatus {
                overall_status: OverallStatus::FullyPresent.into(),
                cluster_status: vec![ClusterSecretStatus {
                    cluster: Some(ClusterIdentifier {
                        organization,
                        name: LOCAL_CLUSTER.into(),
                    }),
                    presence_status: SecretPresenceStatus::Present.into(),
                }],
            }),
            r#type: meta.secret_type,
        }),
    }
}

/// A found secret, answered as a [`GetSecretResponse`].
#[derive(Debug)]
pub(crate) struct SecretReply {
    pub(crate) secret: SecretRef,
    pub(crate) meta: StoredMeta,
}

impl SecretReply {
    /// The message this reply encodes as.
    fn message(&self) -> GetSecretResponse {
        GetSecretResponse {
            secret: Some(to_secret(
                identifier(self.secret.clone()),
                self.meta.clone(),
            )),
        }
    }
}

// Field sizes as proto3 writes them: a scalar at its default is left out, a present message
// is written even when empty. Integers are varints of their 64-bit two's complement.
fn len_field(tag: u32, len: usize) -> usize {
    key_len(tag) + encoded_len_varint(len as u64) + len
}

fn str_field(tag: u32, s: &str) -> usize {
    if s.is_empty() {
        0
    } else {
        len_field(tag, s.len())
    }
}

fn int_field(tag: u32, v: i64) -> usize {
    if v == 0 {
        0
    } else {
        key_len(tag) + encoded_len_varint(v as u64)
    }
}

/// A varint, one byte inline (most here are: every key, most lengths).
fn put_varint(v: u64, buf: &mut Vec<u8>) {
    if v < 0x80 {
        buf.push(v as u8);
    } else {
        encode_varint(v, buf);
    }
}

fn put_len(tag: u32, len: usize, buf: &mut Vec<u8>) {
    put_varint(u64::from(tag << 3 | WireType::LengthDelimited as u32), buf);
    put_varint(len as u64, buf);
}

fn put_str(tag: u32, s: &str, buf: &mut Vec<u8>) {
    if !s.is_empty() {
        put_len(tag, s.len(), buf);
        buf.extend_from_slice(s.as_bytes());
    }
}

fn put_int(tag: u32, v: i64, buf: &mut Vec<u8>) {
    if v != 0 {
        put_varint(u64::from(tag << 3 | WireType::Varint as u32), buf);
        put_varint(v as u64, buf);
    }
}

impl Reply for SecretReply {
    fn to_proto(&self) -> Vec<u8> {
        let SecretRef { scope, name } = &self.secret;
        let (org, project, domain) = (&scope.organization, &scope.project, &scope.domain);
        let created = self.meta.created;
        let present = i64::from(SecretPresenceStatus::Present as i32);
        let fully = i64::from(OverallStatus::FullyPresent as i32);
        let kind = i64::from(self.meta.secret_type);

        // Sizes, innermost first (field numbers as in flyte_idl's messages).
        let id =
            str_field(1, name) + str_field(2, org) + str_field(3, domain) + str_field(4, project);
        let time = int_field(1, created.seconds) + int_field(2, created.nanos.into());
        let cluster = str_field(1, org) + str_field(2, LOCAL_CLUSTER);
        let cluster_status = len_field(1, cluster) + int_field(2, present);
        let status = int_field(1, fully) + len_field(2, cluster_status);
        let metadata = len_field(1, time) + len_field(2, status) + int_field(3, kind);
        let secret = len_field(1, id) + len_field(2, metadata);

        let mut buf = Vec::with_capacity(len_field(1, secret));
        put_len(1, secret, &mut buf); // GetSecretResponse.secret
        put_len(1, id, &mut buf); // Secret.id
        put_str(1, name, &mut buf);
        put_str(2, org, &mut buf);
        put_str(3, domain, &mut buf);
        put_str(4, project, &mut buf);
        put_len(2, metadata, &mut buf); // Secret.secret_metadata
        put_len(1, time, &mut buf); // SecretMetadata.created_time
        put_int(1, created.seconds, &mut buf);
        put_int(2, created.nanos.into(), &mut buf);
        put_len(2, status, &mut buf); // SecretMetadata.secret_status
        put_int(1, fully, &mut buf);
        put_len(2, cluster_status, &mut buf); // SecretStatus.cluster_status[0]
        put_len(1, cluster, &mut buf); // ClusterSecretStatus.cluster
        put_str(1, org, &mut buf);
        put_str(2, LOCAL_CLUSTER, &mut buf);
        put_int(2, present, &mut buf);
        put_int(3, kind, &mut buf); // SecretMetadata.type
        debug_assert_eq!(buf.len(), buf.capacity());
        buf
    }

    fn to_json(&self) -> Vec<u8> {
        self.message().to_json()
    }
}

#[cfg(test)]
mod tests {
    use flyte_idl::Timestamp;
    use proptest::prelude::*;
    use prost::Message as _;

    use super::*;
    use crate::scope::Scope;

    fn reply(parts: [&str; 4], seconds: i64, nanos: i32, secret_type: i32) -> SecretReply {
        let [name, organization, project, domain] = parts.map(str::to_owned);
        SecretReply {
            secret: SecretRef {
                scope: Scope {
                    organization,
                    project,
                    domain,
                },
                name,
            },
            meta: StoredMeta {
                secret_type,
                created: Timestamp { seconds, nanos },
            },
        }
    }

    fn same_as_prost(r: &SecretReply) {
        let expected = r.message();
        assert_eq!(r.to_proto(), expected.encode_to_vec(), "{r:?}");
        // JSON has no form for a time out of range (the server only stores real ones).
        if r.meta.created.validate().is_ok() {
            assert_eq!(r.to_json(), serde_json::to_vec(&expected).unwrap());
        }
    }

    #[test]
    fn encodes_as_the_message() {
        same_as_prost(&reply(["db", "127", "bench", "dev"], 1_764_633_600, 5, 0));
        // Defaults left out, empty messages kept; negative numbers as ten-byte varints.
        same_as_prost(&reply(["x", "", "", ""], 0, 0, 0));
        same_as_prost(&reply(["x", "o", "", ""], -62_135_596_800, -1, -3));
        same_as_prost(&reply(["x", "o", "p", "d"], i64::MAX, i32::MAX, 1));
        // Lengths past one varint byte.
        let long = "n".repeat(253);
        same_as_prost(&reply([&long, &long, &long, &long], 1, 999_999_999, 1));
    }

    proptest! {
        #[test]
        fn encodes_as_the_message_for_any_input(
            parts in proptest::array::uniform4(".{0,200}"),
            seconds: i64,
            nanos: i32,
            secret_type: i32,
        ) {
            let [a, b, c, d] = &parts;
            same_as_prost(&reply([a, b, c, d], seconds, nanos, secret_type));
        }
    }
}
