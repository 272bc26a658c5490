//! [`Resolver`]: asks sources in order, first hit wins; the process-wide default and
//! per-scope overrides.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock, RwLock};
use std::task::{Context, Poll};

use super::{DotenvSource, Found, Missing, ProcessSource, SecretSource};
use crate::Error;
use crate::secret::SecretDef;

/// An ordered list of sources. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    sources: Vec<Arc<dyn SecretSource>>,
}

/// One declared secret and what was found for it.
#[derive(Debug, Clone)]
pub struct Resolved<'a> {
    /// The secret as declared: key, group, where it lands.
    pub def: SecretDef<'a>,
    /// The value, from the first source that had it.
    pub found: Found,
}

static INSTALLED: RwLock<Option<Resolver>> = RwLock::new(None);
static DEFAULT: OnceLock<Resolver> = OnceLock::new();

thread_local! {
    static OVERRIDE: RefCell<Option<Resolver>> = const { RefCell::new(None) };
}

impl Resolver {
    /// A resolver with no sources; add them with [`Resolver::with`].
    pub fn new() -> Self {
        Resolver::default()
    }

    /// Appends a source; earlier sources win.
    #[must_use]
    pub fn with(mut self, source: impl SecretSource + 'static) -> Self {
        self.sources.push(Arc::new(source));
        self
    }

    /// Appends a shared source.
    #[must_use]
    pub fn with_shared(mut self, source: Arc<dyn SecretSource>) -> Self {
        self.sources.push(source);
        self
    }

    /// The default chain: the process (env var or mounted file), then the dotenv file, then
    /// the secret service set with [`crate::init`], if any.
    pub fn default_chain() -> Self {
        let chain = Resolver::new()
            .with(ProcessSource::from_env())
            .with(DotenvSource::from_env());
        match super::remote::configured() {
            Some(remote) => chain.with_shared(remote),
            None => chain,
        }
    }

    /// The resolver in effect here: the innermost [`Resolver::run`] / [`Resolver::scope`],
    /// else the one set with [`Resolver::install`], else [`Resolver::default_chain`].
    pub fn current() -> Resolver {
        if let Some(r) = OVERRIDE.with(|o| o.borrow().clone()) {
            return r;
        }
        if let Some(r) = INSTALLED.read().unwrap_or_else(|p| p.into_inner()).as_ref() {
            return r.clone();
        }
        DEFAULT.get_or_init(Resolver::default_chain).clone()
    }

    /// Makes this the process-wide resolver for tasks that start from now on.
    pub fn install(self) {
        *INSTALLED.write().unwrap_or_else(|p| p.into_inner()) = Some(self);
    }

    /// Runs `f` with this resolver in effect on this thread (tasks called inside resolve
    /// their secrets here).
    pub fn run<R>(self, f: impl FnOnce() -> R) -> R {
        let _restore = Swap::set(Some(self));
        f()
    }

    /// Runs `fut` with this resolver in effect while it is polled, on whatever thread polls
    /// it. Concurrent futures with different resolvers do not see each other's.
    pub fn scope<F: Future>(self, fut: F) -> Scope<F> {
        Scope {
            resolver: Some(self),
            fut: Box::pin(fut),
        }
    }

    /// Resolves every secret of a task. All missing secrets are reported together, each with
    /// every place looked; a failing source stops resolution with its error.
    pub fn resolve<'a>(
        &self,
        task: &str,
        secrets: &[SecretDef<'a>],
    ) -> Result<Vec<Resolved<'a>>, Error> {
        let mut resolved = Vec::with_capacity(secrets.len());
        let mut missing = Vec::new();
        'secrets: for def in secrets {
            for source in &self.sources {
                if let Some(found) = source.fetch_in_task(def, secrets)? {
                    tracing::debug!(task, secret = %def.display_name(), from = %source.looked_at_in_task(def, secrets), "secret resolved");
                    resolved.push(Resolved { def: *def, found });
                    continue 'secrets;
                }
            }
            missing.push(Missing {
                secret: def.display_name(),
                looked: self
                    .sources
                    .iter()
                    .map(|s| s.looked_at_in_task(def, secrets))
                    .collect(),
            });
        }
        if missing.is_empty() {
            Ok(resolved)
        } else if tracing::enabled!(tracing::Level::DEBUG) {
            let names: Vec<&str> = missing.iter().map(|m| m.secret.as_str()).collect();
            tracing::debug!(task, missing = ?names, "secrets missing");
            Err(Error::MissingSecrets {
                task: task.to_owned(),
                missing,
            })
        } else {
            Err(Error::MissingSecrets {
                task: task.to_owned(),
                missing,
            })
        }
    }
}

/// Puts a resolver override in place and restores the previous one on drop (panics too).
struct Swap(Option<Resolver>);

impl Swap {
    fn set(new: Option<Resolver>) -> Swap {
        Swap(OVERRIDE.with(|o| o.replace(new)))
    }
}

impl Drop for Swap {
    fn drop(&mut self) {
        let prev = self.0.take();
        OVERRIDE.with(|o| *o.borrow_mut() = prev);
    }
}

/// The future returned by [`Resolver::scope`].
#[derive(Debug)]
pub struct Scope<F> {
    resolver: Option<Resolver>,
    fut: Pin<Box<F>>,
}

impl<F: Future> Future for Scope<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _restore = Swap::set(self.resolver.clone());
        self.fut.as_mut().poll(cx)
    }
}
