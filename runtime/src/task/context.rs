//! The running task's secrets, visible through the accessor on the thread (sync task) or in
//! the future (async task) that runs the task, and nowhere else. Nothing here touches the
//! process environment.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::task_secret::TaskSecret;
use crate::Error;
use crate::mount::MountDir;
use crate::sources::{Found, Resolver};
use crate::task::def::TaskDef;

/// A running task: its definition, its resolved secrets, and the files it owns.
#[derive(Debug)]
pub(crate) struct Running {
    pub(crate) task: &'static TaskDef,
    pub(crate) secrets: Vec<TaskSecret>,
    /// Removed when the last reference goes, that is when the task ends.
    _files: Option<MountDir>,
}

thread_local! {
    static CURRENT: RefCell<Option<Arc<Running>>> = const { RefCell::new(None) };
}

/// Calls `f` with the task running on this thread, if any.
pub(crate) fn with_current<R>(f: impl FnOnce(Option<&Running>) -> R) -> R {
    CURRENT.with(|c| f(c.borrow().as_deref()))
}

/// Holds a running task's secrets current on this thread; dropping it restores what was
/// current before and, with the last reference, removes the task's secret files.
#[derive(Debug)]
pub struct TaskGuard {
    running: Arc<Running>,
    prev: Option<Option<Arc<Running>>>,
}

impl Drop for TaskGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.prev.take() {
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
    }
}

/// Resolves the task's secrets (every missing one reported at once) and makes them current
/// on this thread until the guard drops.
pub(crate) fn enter(task: &'static TaskDef) -> Result<TaskGuard, Error> {
    let running = Arc::new(resolve(task)?);
    let prev = CURRENT.with(|c| c.replace(Some(running.clone())));
    Ok(TaskGuard {
        running,
        prev: Some(prev),
    })
}

fn resolve(task: &'static TaskDef) -> Result<Running, Error> {
    let defs = task.secrets();
    if defs.is_empty() {
        return Ok(Running {
            task,
            secrets: Vec::new(),
            _files: None,
        });
    }
    let resolved = Resolver::current().resolve(task.name, defs)?;
    let mut files: Option<MountDir> = None;
    let mut secrets = Vec::with_capacity(resolved.len());
    for (def, r) in defs.iter().zip(resolved) {
        let (value, path) = match (r.found, def.file_path()) {
            (Found::File { path, value }, _) => (value, Some(path)),
            (Found::Value(value), Some(relative)) => {
                let dir = match &mut files {
                    Some(dir) => dir,
                    None => files.insert(MountDir::private("task")?),
                };
                let path = dir.write(relative, &value)?;
                (value, Some(path))
            }
            (Found::Value(value), None) => (value, None),
        };
        secrets.push(TaskSecret { def, value, path });
    }
    Ok(Running {
        task,
        secrets,
        _files: files,
    })
}

/// Runs `fut` with the task's secrets current while it is polled, on whichever thread polls
/// it, so concurrent tasks on a multi-thread runtime never see each other's.
pub fn scoped<F: Future>(mut guard: TaskGuard, fut: F) -> Scoped<F> {
    // `enter` made the task current on the thread that is polling the async fn right now;
    // undo that at once: from here on only polls of `fut` see it.
    if let Some(prev) = guard.prev.take() {
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
    Scoped {
        running: guard.running.clone(),
        fut: Box::pin(fut),
    }
}

/// The future returned by [`scoped`].
#[derive(Debug)]
pub struct Scoped<F> {
    running: Arc<Running>,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let prev = CURRENT.with(|c| c.replace(Some(self.running.clone())));
        // Restores on unwind too.
        let _restore = Restore(Some(prev));
        self.fut.as_mut().poll(cx)
    }
}

struct Restore(Option<Option<Arc<Running>>>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(prev) = self.0.take() {
            CURRENT.with(|c| *c.borrow_mut() = prev);
        }
    }
}
