//! The start-up check of the mount ([`check_mount`]).

use reqwest::{Method, StatusCode};

use super::client::Client;
use super::paths;
use super::read::metadata_path;
use crate::store::StoreError;

/// Checks the mount at start: it exists, is KV version 2, and the token may list it.
///
/// A sealed or unreachable OpenBao does not fail the start: the server starts, answers
/// `unavailable` (naming the address) and serves as soon as OpenBao is unsealed. When both
/// restart together (a reboot), OpenBao stays sealed until an operator unseals it; failing
/// here would need a supervisor to restart us after that, while serving `unavailable` lets
/// clients see why and retry. A wrong mount or a refused token is a configuration error and
/// fails the start.
pub(super) async fn check_mount(c: &Client) -> Result<(), StoreError> {
    let what = "the mount check";
    let reply = match c
        .call_raw(
            Method::GET,
            &format!("sys/internal/ui/mounts/{}", c.mount()),
            None,
            what,
        )
        .await
    {
        Err(StoreError::Unavailable(why)) => {
            tracing::warn!(
                store = %c.server(),
                "{why}: starting anyway; calls answer `unavailable` until it serves"
            );
            return Ok(());
        }
        other => other?,
    };
    let fix = format!(
        "enable one with `bao secrets enable -path={} kv-v2`",
        c.mount()
    );
    // OpenBao answers 403 for a mount that does not exist too ("preflight capability check").
    if reply.status == StatusCode::FORBIDDEN && !reply.errors().contains("preflight") {
        return Err(c.denied(what));
    }
    if !reply.status.is_success() {
        return Err(c
            .mount_failure(format!(
                "no secrets engine is mounted at `{}`, or the token may not use it ({}); {fix}",
                c.mount(),
                reply.errors()
            ))
            .into());
    }
    let v = reply.json(c, what)?;
    let data = &v["data"];
    let kind = data["type"].as_str().unwrap_or("");
    let version = data["options"]["version"].as_str().unwrap_or("1");
    if kind != "kv" || version != "2" {
        return Err(c
            .mount_failure(format!(
                "the mount `{}` is {} (type `{kind}`), not KV version 2; {fix}",
                c.mount(),
                if kind == "kv" {
                    format!("KV version {version}")
                } else {
                    "not a KV engine".to_owned()
                }
            ))
            .into());
    }
    let mounted = data["path"].as_str().unwrap_or("").trim_end_matches('/');
    if !mounted.is_empty() && mounted != c.mount() {
        return Err(c
            .mount_failure(format!(
                "`{}` is inside the mount `{mounted}`: give the mount itself, e.g. \
                 openbao://HOST:PORT/{mounted}",
                c.mount()
            ))
            .into());
    }
    // The token may use the mount (a 403 here is a clear start error).
    let list = format!(
        "{}?list=true",
        metadata_path(c, &format!("{}/", paths::ROOT))
    );
    c.call(Method::GET, &list, None, "a list of the mount")
        .await?;
    Ok(())
}
