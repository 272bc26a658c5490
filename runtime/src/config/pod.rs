//! What a Flyte task pod tells a client about itself, read as the Python SDK's
//! `init_in_cluster` reads it: under everything the user configured (builder, env, file),
//! except the platform's endpoint override, which a pod without an API key uses first.

use super::keys::Raw;
use super::sources::Sources;

/// The platform's endpoint for clients in a task pod.
const ENDPOINT_VAR: &str = "_U_EP_OVERRIDE";
/// The API key the control plane may inject into a pod (as a secret, then unprefixed).
const API_KEY_VARS: [&str; 2] = ["_UNION_EAGER_API_KEY", "EAGER_API_KEY"];

/// A pod's variables; `None` outside a pod (no `FLYTE_INTERNAL_EXECUTION_ID`).
pub(super) struct Pod<'s, 'a> {
    src: &'s Sources<'a>,
}

impl<'s, 'a> Pod<'s, 'a> {
    pub(super) fn detect(src: &'s Sources<'a>) -> Option<Self> {
        src.env_raw(flyte_spec::EXECUTION_ID_VAR)
            .map(|_| Pod { src })
    }

    pub(super) fn endpoint(&self) -> Option<Raw> {
        self.src.env_raw(ENDPOINT_VAR)
    }

    pub(super) fn api_key(&self) -> Option<Raw> {
        API_KEY_VARS.iter().find_map(|name| self.src.env_raw(name))
    }

    pub(super) fn org(&self) -> Option<Raw> {
        self.src.env_raw(flyte_spec::ORG_NAME_VAR)
    }

    pub(super) fn project(&self) -> Option<Raw> {
        self.src.env_raw(flyte_spec::EXECUTION_PROJECT_VAR)
    }

    pub(super) fn domain(&self) -> Option<Raw> {
        self.src.env_raw(flyte_spec::EXECUTION_DOMAIN_VAR)
    }
}
