//! `flyteidl2.auth.AuthMetadataService` messages: where a Flyte service's identity provider is
//! and which public client to log in with. The Python SDK asks these before any login;
//! this project's client does the same, and `flyte serve --oidc-issuer` answers them.
//!
//! Every field is a string or a list of strings, so the messages are declared by one macro:
//! proto3 JSON in camelCase out, camelCase or snake_case in, `null` as the default.

use serde::{Deserialize, Serialize};

use crate::json;

/// Declares a message of string and repeated-string (`, repeated`) fields: the proto tag, the
/// snake_case JSON alias, and the `skip_serializing_if` test of each.
macro_rules! string_message {
    ($(#[$doc:meta])* $name:ident {
        $($(#[$fdoc:meta])* $field:ident: $ty:ty = $tag:literal $(, $rep:ident)?; $snake:literal, $skip:literal;)*
    }) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
        #[serde(default, rename_all = "camelCase")]
        pub struct $name {
            $(
                $(#[$fdoc])*
                #[prost(string, $($rep,)? tag = $tag)]
                #[serde(
                    alias = $snake,
                    skip_serializing_if = $skip,
                    deserialize_with = "json::or_default"
                )]
                pub $field: $ty,
            )*
        }
    };
}

/// `GetOAuth2MetadataRequest` (empty).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
pub struct GetOAuth2MetadataRequest {}

string_message! {
    /// `GetOAuth2MetadataResponse`: the authorization server's metadata (RFC 8414 names).
    GetOAuth2MetadataResponse {
        /// Field 1: the issuer (`iss` of its tokens).
        issuer: String = "1"; "issuer", "String::is_empty";
        /// Field 2: where a browser logs in (authorization code flow).
        authorization_endpoint: String = "2"; "authorization_endpoint", "String::is_empty";
        /// Field 3: where tokens are issued and refreshed.
        token_endpoint: String = "3"; "token_endpoint", "String::is_empty";
        /// Field 4.
        response_types_supported: Vec<String> = "4", repeated; "response_types_supported", "Vec::is_empty";
        /// Field 5.
        scopes_supported: Vec<String> = "5", repeated; "scopes_supported", "Vec::is_empty";
        /// Field 6.
        token_endpoint_auth_methods_supported: Vec<String> = "6", repeated; "token_endpoint_auth_methods_supported", "Vec::is_empty";
        /// Field 7: the issuer's signing keys.
        jwks_uri: String = "7"; "jwks_uri", "String::is_empty";
        /// Field 8 (`S256` for PKCE).
        code_challenge_methods_supported: Vec<String> = "8", repeated; "code_challenge_methods_supported", "Vec::is_empty";
        /// Field 9.
        grant_types_supported: Vec<String> = "9", repeated; "grant_types_supported", "Vec::is_empty";
        /// Field 10: where the device flow starts (RFC 8628).
        device_authorization_endpoint: String = "10"; "device_authorization_endpoint", "String::is_empty";
    }
}

/// `GetPublicClientConfigRequest` (empty).
#[derive(Clone, Copy, PartialEq, Eq, prost::Message, Serialize, Deserialize)]
pub struct GetPublicClientConfigRequest {}

string_message! {
    /// `GetPublicClientConfigResponse`: the public client that command-line tools log in as.
    GetPublicClientConfigResponse {
        /// Field 1: the OAuth2 client id.
        client_id: String = "1"; "client_id", "String::is_empty";
        /// Field 2: where the authorization code flow returns to (a loopback URL).
        redirect_uri: String = "2"; "redirect_uri", "String::is_empty";
        /// Field 3: scopes to request.
        scopes: Vec<String> = "3", repeated; "scopes", "Vec::is_empty";
        /// Field 4: the request header that carries `Bearer <token>`.
        authorization_metadata_key: String = "4"; "authorization_metadata_key", "String::is_empty";
        /// Field 5: the service's HTTP endpoint, when it differs from the RPC one.
        service_http_endpoint: String = "5"; "service_http_endpoint", "String::is_empty";
        /// Field 6: the audience to request tokens for.
        audience: String = "6"; "audience", "String::is_empty";
        /// Field 7: the data plane's domain (Union deployments).
        dataplane_domain: String = "7"; "dataplane_domain", "String::is_empty";
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost::Message;

    #[test]
    fn json_is_camel_case_out_and_both_cases_in() {
        let m = GetPublicClientConfigResponse {
            client_id: "flytectl".into(),
            scopes: vec!["all".into()],
            authorization_metadata_key: "flyte-authorization".into(),
            ..Default::default()
        };
        let out = serde_json::to_string(&m).unwrap();
        assert_eq!(
            out,
            r#"{"clientId":"flytectl","scopes":["all"],"authorizationMetadataKey":"flyte-authorization"}"#
        );
        let snake: GetPublicClientConfigResponse = serde_json::from_str(
            r#"{"client_id":"flytectl","scopes":["all"],"authorization_metadata_key":"flyte-authorization","redirectUri":null}"#,
        )
        .unwrap();
        assert_eq!(snake, m);
        assert_eq!(
            GetPublicClientConfigResponse::decode(m.encode_to_vec().as_slice()).unwrap(),
            m
        );
    }
}
