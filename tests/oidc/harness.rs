//! The real identity provider of the OIDC tests (`tests/oidc/provider.mjs`, panva's
//! oidc-provider on loopback) and a browser stand-in that drives its login, consent and
//! device pages over real HTTP. Included by each crate's OIDC tests with
//! `#[path = "../../tests/oidc/harness.rs"] mod oidc_harness;`.
//!
//! Tests that need it say `#[needs(idp)]` (flyte_test_backends): without node or
//! `tests/oidc/node_modules` (`bash .ci/setup-node.sh`) they are ignored with that reason,
//! and under `CI=true` they run and fail. `FLYTE_TEST_IDP_LOG=FILE` keeps the provider's
//! stderr.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::Duration;

/// The login every browser-driven test signs in as.
pub(crate) const USER: &str = "alice";

/// Settings passed to the provider through its environment.
#[derive(Debug, Clone, Default)]
pub(crate) struct IdpOptions {
    pub(crate) audience: Option<String>,
    pub(crate) client_secret: Option<String>,
    /// `{"login": ["group", ...]}`.
    pub(crate) groups: Option<String>,
    pub(crate) access_token_ttl: Option<u64>,
    pub(crate) device_code_ttl: Option<u64>,
    pub(crate) device_interval: Option<u64>,
    /// Answer this many device-code polls with `slow_down` first.
    pub(crate) slow_down_polls: Option<u32>,
}

/// A running provider; killed on drop.
#[derive(Debug)]
pub(crate) struct Idp {
    pub(crate) issuer: String,
    pub(crate) audience: String,
    pub(crate) client_secret: String,
    /// The public client (authorization code + PKCE, device flow, refresh).
    pub(crate) pkce_client: String,
    /// A device-flow-only public client.
    pub(crate) device_client: String,
    /// The confidential client-credentials client.
    pub(crate) ci_client: String,
    child: Child,
    _stdin: ChildStdin,
}

fn dir() -> PathBuf {
    let mut d = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    loop {
        let candidate = d.join("tests/oidc");
        if candidate.join("provider.mjs").is_file() {
            return candidate;
        }
        assert!(
            d.pop(),
            "tests/oidc/provider.mjs not found above CARGO_MANIFEST_DIR"
        );
    }
}

fn node() -> std::ffi::OsString {
    std::env::var_os("FLYTE_TEST_NODE")
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "node".into())
}

/// Why the provider cannot start here (node or its packages missing), `None` when it can.
/// Tests do not call this: `#[needs(idp)]` checks the same before they run.
pub(crate) fn missing() -> Option<String> {
    if !dir().join("node_modules/oidc-provider").is_dir() {
        return Some("tests/oidc/node_modules is not installed".into());
    }
    match Command::new(node())
        .arg("--version")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
    {
        Ok(s) if s.success() => None,
        Ok(s) => Some(format!("`node --version` failed ({s})")),
        Err(e) => Some(format!("cannot run node ({e})")),
    }
}

impl Idp {
    /// Starts the provider. Panics when it cannot (the test says `#[needs(idp)]`, which
    /// checked node and its packages first).
    pub(crate) fn start(opts: IdpOptions) -> Idp {
        let dir = dir();
        assert!(
            dir.join("node_modules/oidc-provider").is_dir(),
            "tests/oidc/node_modules is not installed (bash .ci/setup-node.sh); the test \
             should say #[needs(idp)]"
        );
        let mut cmd = Command::new(node());
        cmd.arg(dir.join("provider.mjs"))
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(match std::env::var_os("FLYTE_TEST_IDP_LOG") {
                // For debugging the provider: its warnings and errors, appended to this file.
                Some(path) => std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(path)
                    .map(Stdio::from)
                    .unwrap_or_else(|_| Stdio::null()),
                None => Stdio::null(),
            });
        let set = |cmd: &mut Command, k: &str, v: &Option<String>| {
            if let Some(v) = v {
                cmd.env(k, v);
            }
        };
        set(&mut cmd, "OIDC_AUDIENCE", &opts.audience);
        set(&mut cmd, "OIDC_CLIENT_SECRET", &opts.client_secret);
        set(&mut cmd, "OIDC_GROUPS", &opts.groups);
        set(
            &mut cmd,
            "OIDC_ACCESS_TOKEN_TTL",
            &opts.access_token_ttl.map(|v| v.to_string()),
        );
        set(
            &mut cmd,
            "OIDC_DEVICE_CODE_TTL",
            &opts.device_code_ttl.map(|v| v.to_string()),
        );
        set(
            &mut cmd,
            "OIDC_DEVICE_INTERVAL",
            &opts.device_interval.map(|v| v.to_string()),
        );
        set(
            &mut cmd,
            "OIDC_SLOW_DOWN_POLLS",
            &opts.slow_down_polls.map(|v| v.to_string()),
        );
        let mut child = cmd.spawn().unwrap_or_else(|e| {
            panic!(
                "cannot run node ({e}); the test should say #[needs(idp)] \
                 (bash .ci/setup-node.sh installs it)"
            )
        });
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let ready: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("provider.mjs did not start ({e}): {line:?}"));
        let s = |k: &str| ready[k].as_str().unwrap().to_owned();
        Idp {
            issuer: s("issuer"),
            audience: s("audience"),
            client_secret: s("client_secret"),
            pkce_client: ready["clients"]["pkce"].as_str().unwrap().to_owned(),
            device_client: ready["clients"]["device"].as_str().unwrap().to_owned(),
            ci_client: ready["clients"]["ci"].as_str().unwrap().to_owned(),
            child,
            _stdin: stdin,
        }
    }

    /// The provider's token endpoint.
    pub(crate) fn token_endpoint(&self) -> String {
        format!("{}/token", self.issuer)
    }

    /// A client-credentials access token of the `flyte-ci` client.
    pub(crate) async fn client_credentials_token(&self) -> String {
        let resp = reqwest::Client::new()
            .post(self.token_endpoint())
            .basic_auth(&self.ci_client, Some(&self.client_secret))
            .form(&[("grant_type", "client_credentials"), ("scope", "all")])
            .send()
            .await
            .unwrap();
        assert!(resp.status().is_success(), "{}", resp.status());
        let body: serde_json::Value = resp.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A JWT signed by the provider's current key (or, with `unknown_key`, by a key it never
    /// publishes) with exactly these claims and extra header fields.
    pub(crate) async fn sign(
        &self,
        claims: serde_json::Value,
        header: serde_json::Value,
        unknown_key: bool,
    ) -> String {
        let body = serde_json::json!({
            "claims": claims,
            "header": header,
            "key": if unknown_key { "unknown" } else { "current" },
        });
        let resp: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/test/sign", self.issuer))
            .json(&body)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        resp["jwt"].as_str().unwrap().to_owned()
    }

    /// Prepends a new signing key to the JWKS; tokens are signed with it from now on.
    pub(crate) async fn rotate(&self) -> String {
        let resp: serde_json::Value = reqwest::Client::new()
            .post(format!("{}/test/rotate", self.issuer))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        resp["kid"].as_str().unwrap().to_owned()
    }

    /// When the device-code polls arrived, in milliseconds since the epoch.
    pub(crate) async fn polls(&self) -> Vec<u64> {
        reqwest::Client::new()
            .get(format!("{}/test/polls", self.issuer))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// Standard claims of a token the provider would issue for `sub`, valid for a minute.
    pub(crate) fn claims(&self, sub: &str) -> serde_json::Value {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        serde_json::json!({
            "iss": self.issuer, "aud": self.audience, "sub": sub, "client_id": self.ci_client,
            "iat": now, "exp": now + 60, "scope": "all",
        })
    }

    /// Stops the provider (as an outage would).
    pub(crate) fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Idp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// What the browser stand-in does on the provider's pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    /// Sign in and consent.
    Approve,
    /// Cancel at the sign-in page (PKCE), or abort at the device confirmation page.
    Deny,
}

/// A user agent with its own cookie jar: follows redirects, submits the provider's forms.
#[derive(Debug)]
pub(crate) struct Browser {
    http: reqwest::Client,
}

impl Default for Browser {
    fn default() -> Self {
        Browser {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::limited(20))
                .timeout(Duration::from_secs(20))
                .build()
                .unwrap(),
        }
    }
}

/// One HTML form: where it posts and its hidden fields.
#[derive(Debug)]
struct Form {
    id: String,
    action: String,
    fields: Vec<(String, String)>,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!("{name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(unescape(&tag[start..end]))
}

fn unescape(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn first_form(html: &str) -> Option<Form> {
    let start = html.find("<form")?;
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| e + start);
    let body = &html[start..end];
    let tag_end = body.find('>')?;
    let tag = &body[..tag_end];
    let mut fields = Vec::new();
    let mut rest = &body[tag_end..];
    while let Some(i) = rest.find("<input") {
        let close = rest[i..].find('>').map_or(rest.len(), |c| c + i);
        let input = &rest[i..close];
        if attr(input, "type").as_deref() == Some("hidden")
            && let Some(name) = attr(input, "name")
        {
            fields.push((name, attr(input, "value").unwrap_or_default()));
        }
        rest = &rest[close..];
    }
    Some(Form {
        id: attr(tag, "id").unwrap_or_default(),
        action: attr(tag, "action")?,
        fields,
    })
}

impl Browser {
    /// Opens `url` (an authorization URL, or a device verification URL with its code) and
    /// goes through the pages as `choice` says, until a page without a form: for PKCE that
    /// is the client's callback page. Returns the last URL and body.
    pub(crate) async fn visit(&self, url: &str, choice: Choice) -> (String, String) {
        let mut resp = self.http.get(url).send().await.unwrap();
        for _ in 0..10 {
            let at = resp.url().clone();
            let html = resp.text().await.unwrap_or_default();
            let Some(form) = first_form(&html) else {
                return (at.to_string(), html);
            };
            // The code-entry page again: the code was used up, aborted or wrong. The end.
            if form.id == "op.deviceInputForm" {
                return (at.to_string(), html);
            }
            let mut fields = form.fields.clone();
            let prompt = fields
                .iter()
                .find(|(k, _)| k == "prompt")
                .map(|(_, v)| v.clone());
            match (prompt.as_deref(), choice) {
                (Some("login"), Choice::Deny) => {
                    let start = html.find("[ Cancel ]").unwrap();
                    let href = html[..start].rfind("href=\"").unwrap();
                    let link = attr(&html[href..start], "href").unwrap();
                    resp = self.http.get(at.join(&link).unwrap()).send().await.unwrap();
                    continue;
                }
                (Some("login"), Choice::Approve) => {
                    fields.push(("login".into(), USER.into()));
                    fields.push(("password".into(), "any".into()));
                }
                _ => {}
            }
            if form.id == "op.deviceConfirmForm" && choice == Choice::Deny {
                fields.retain(|(k, _)| k != "confirm");
                fields.push(("abort".into(), "yes".into()));
            }
            let target = at.join(&form.action).unwrap();
            resp = self.http.post(target).form(&fields).send().await.unwrap();
        }
        panic!("the provider's pages did not end after 10 forms");
    }
}
