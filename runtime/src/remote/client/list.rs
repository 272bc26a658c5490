//! [`SecretList`]: the lazy stream behind `listall`, one page in memory at a time.

use std::collections::VecDeque;
use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use futures::future::BoxFuture;

use super::Client;
use crate::remote::error::{DecodeError, Error, Op};
use crate::remote::secret::StoredSecret;

/// Every secret of the client's scope: a [`Stream`] of `Result<StoredSecret, Error>`, also read
/// with [`try_next`](Self::try_next) and [`try_collect`](Self::try_collect). It asks for a
/// page only when the previous one has been consumed, follows the page token until the server
/// returns an empty one, and ends after the first error.
#[must_use = "streams do nothing unless polled"]
pub struct SecretList {
    state: State,
    limit: u32,
    buffer: VecDeque<StoredSecret>,
    pages: u64,
}

enum State {
    /// A failure to report before anything is fetched (e.g. not initialized).
    Failed(Option<Error>),
    /// Ready to fetch the page after `token` (`""` at the start).
    Next {
        client: Client,
        token: String,
    },
    Fetching {
        client: Client,
        sent: String,
        fut: BoxFuture<'static, Result<flyte_idl::ListSecretsResponse, Error>>,
    },
    Done,
}

impl fmt::Debug for SecretList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretList")
            .field("limit", &self.limit)
            .field("pages", &self.pages)
            .field("buffered", &self.buffer.len())
            .finish_non_exhaustive()
    }
}

impl SecretList {
    pub(crate) fn new(client: Client, limit: u32) -> Self {
        Self::with_state(
            State::Next {
                client,
                token: String::new(),
            },
            limit,
        )
    }

    /// A list that yields `error` and ends.
    pub(crate) fn failed(error: Error, limit: u32) -> Self {
        Self::with_state(State::Failed(Some(error)), limit)
    }

    fn with_state(state: State, limit: u32) -> Self {
        SecretList {
            state,
            limit,
            buffer: VecDeque::new(),
            pages: 0,
        }
    }

    /// Pages fetched so far.
    pub fn pages_fetched(&self) -> u64 {
        self.pages
    }

    /// Secrets received but not yet yielded: at most one page.
    pub fn buffered_count(&self) -> usize {
        self.buffer.len()
    }

    /// The next secret, `Ok(None)` at the end; no `futures` import needed. The same as
    /// `TryStreamExt::try_next`.
    pub async fn try_next(&mut self) -> Result<Option<StoredSecret>, Error> {
        futures::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx))
            .await
            .transpose()
    }

    /// Every remaining secret, or the first error.
    pub async fn try_collect(mut self) -> Result<Vec<StoredSecret>, Error> {
        let mut all = Vec::new();
        while let Some(s) = self.try_next().await? {
            all.push(s);
        }
        Ok(all)
    }

    /// The rest of the current page, or the next page: `Ok(None)` at the end. For callers that
    /// want whole pages (the blocking iterator).
    pub async fn next_page(&mut self) -> Result<Option<Vec<StoredSecret>>, Error> {
        if !self.buffer.is_empty() {
            return Ok(Some(self.buffer.drain(..).collect()));
        }
        loop {
            match futures::future::poll_fn(|cx| self.poll_page(cx)).await {
                Some(Ok(())) if self.buffer.is_empty() => continue,
                Some(Ok(())) => return Ok(Some(self.buffer.drain(..).collect())),
                Some(Err(e)) => return Err(e),
                None => return Ok(None),
            }
        }
    }

    /// Drives the state machine until a page arrived (`Some(Ok)`), an error (`Some(Err)`), or
    /// the end (`None`).
    fn poll_page(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<(), Error>>> {
        loop {
            match std::mem::replace(&mut self.state, State::Done) {
                State::Done => return Poll::Ready(None),
                State::Failed(e) => return Poll::Ready(e.map(Err)),
                State::Next { client, token } => {
                    let fut = fetch(client.clone(), self.limit, token.clone());
                    self.state = State::Fetching {
                        client,
                        sent: token,
                        fut,
                    };
                }
                State::Fetching {
                    client,
                    sent,
                    mut fut,
                } => match fut.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.state = State::Fetching { client, sent, fut };
                        return Poll::Pending;
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Some(Err(e))),
                    Poll::Ready(Ok(page)) => {
                        self.pages += 1;
                        if !page.token.is_empty() && page.token == sent && page.secrets.is_empty() {
                            // A server that hands back the token it was given would loop forever.
                            let call = client.inner.transport.call_info(Op::List, None);
                            return Poll::Ready(Some(Err(Error::Decode {
                                call,
                                source: DecodeError::RepeatedPageToken,
                            })));
                        }
                        self.buffer
                            .extend(page.secrets.into_iter().map(StoredSecret::from_proto));
                        if !page.token.is_empty() {
                            self.state = State::Next {
                                client,
                                token: page.token,
                            };
                        }
                        return Poll::Ready(Some(Ok(())));
                    }
                },
            }
        }
    }
}

fn fetch(
    client: Client,
    limit: u32,
    token: String,
) -> BoxFuture<'static, Result<flyte_idl::ListSecretsResponse, Error>> {
    Box::pin(async move {
        let msg = super::list_message(&client, limit, &token)?;
        let t = client.route(Op::List, None).await?;
        t.call(&msg, None).await
    })
}

impl Stream for SecretList {
    type Item = Result<StoredSecret, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(s) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(s)));
            }
            match this.poll_page(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(Some(Ok(()))) => continue,
            }
        }
    }
}
