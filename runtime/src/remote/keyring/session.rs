//! keyutils: give the keyring thread a session keyring of its own before the store uses it.
//!
//! linux-keyutils-keyring-store adds keys to the session keyring and links them into the
//! user's persistent keyring, which is what lets a login outlive the process. A process that
//! has no session keyring of its own (a container, a service, CI) is lent the user's session
//! keyring `_uid_ses.<uid>` by the kernel. The store's own `KEYCTL_GET_PERSISTENT` call then
//! makes the kernel replace that with a new anonymous session keyring, after the store has
//! already resolved the old one: the key lands in `_uid_ses`, which the thread no longer
//! possesses, and linking it into the persistent keyring fails with EACCES. Every store fails.
//!
//! So, once per thread, before the store runs, we do that same call ourselves: the kernel
//! joins the thread to a new session keyring (only if it had none of its own) and links the
//! persistent keyring into it. The store then sees a consistent session keyring, keys are
//! kept by the persistent keyring (until reboot, or its expiry after days unused), and any
//! other process finds them through its own link to the persistent keyring. Without
//! persistent keyrings (kernel option off) the call fails before joining anything, and keys
//! stay in the shared `_uid_ses` keyring, which also outlives the process.

use std::cell::Cell;

use linux_keyutils::{KeyRing, KeyRingIdentifier};

thread_local! {
    static PREPARED: Cell<bool> = const { Cell::new(false) };
}

/// Joins a session keyring linked to the persistent keyring, once per thread (session
/// keyrings are per-thread credentials).
pub(crate) fn join_session_keyring() {
    if PREPARED.get() {
        return;
    }
    PREPARED.set(true);
    let own_session = match (
        KeyRing::from_special_id(KeyRingIdentifier::Session, false),
        KeyRing::from_special_id(KeyRingIdentifier::UserSession, false),
    ) {
        (Ok(session), Ok(user_session)) => session != user_session,
        _ => false,
    };
    match KeyRing::get_persistent(KeyRingIdentifier::Session) {
        Ok(_) if own_session => tracing::debug!("keyutils: persistent keyring linked"),
        Ok(_) => tracing::debug!(
            "keyutils: the process had no session keyring of its own; joined a new one \
             linked to the persistent keyring"
        ),
        Err(e) => tracing::debug!(
            "keyutils: no persistent keyring ({e:?}); keys stay in the session keyring"
        ),
    }
}
