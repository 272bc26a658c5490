//! The typed accessor: a running task reads its declared secrets.

use super::context::with_current;
pub use super::task_secret::TaskSecret;
use crate::Error;

/// The running task's declared secret `key` (any group). Prefer the [`crate::secret!`]
/// macro inside a `#[task]` body: there an undeclared key is a compile error.
pub fn secret(key: &str) -> Result<TaskSecret, Error> {
    lookup(key, None)
}

/// The running task's declared secret `key` in `group`.
pub fn secret_in(group: &str, key: &str) -> Result<TaskSecret, Error> {
    lookup(key, Some(group))
}

/// Every declared secret of the running task, in declaration order.
pub fn secrets() -> Result<Vec<TaskSecret>, Error> {
    with_current(|running| match running {
        Some(r) => Ok(r.secrets.clone()),
        None => Err(Error::NoTask { key: "*".into() }),
    })
}

/// The name of the running task, if any.
pub fn task_name() -> Option<&'static str> {
    with_current(|running| running.map(|r| r.task.name))
}

fn lookup(key: &str, group: Option<&str>) -> Result<TaskSecret, Error> {
    with_current(|running| {
        let Some(running) = running else {
            return Err(Error::NoTask {
                key: key.to_owned(),
            });
        };
        running
            .secrets
            .iter()
            .find(|s| s.def.key == key && (group.is_none() || s.def.group == group))
            .cloned()
            .ok_or_else(|| Error::Undeclared {
                task: running.task.name.to_owned(),
                key: flyte_spec::display_name(key, group),
            })
    })
}
