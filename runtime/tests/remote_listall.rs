//! listall over 10,000 secrets on the real server: every secret once, one page in memory at
//! a time, one request per page.

use crate::remote_support;

use std::collections::HashSet;

use flyte::config::Codec;
use futures::{StreamExt, TryStreamExt};

const N: usize = 10_000;
const PAGE: u32 = 250;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listall_over_ten_thousand_secrets_holds_one_page() {
    let local = remote_support::start().await;
    let c = local.client(Codec::Proto).build().unwrap();
    futures::stream::iter(0..N)
        .map(|i| {
            let c = c.clone();
            async move { c.create(&format!("secret-{i:05}"), "v").await }
        })
        .buffer_unordered(32)
        .try_collect::<Vec<_>>()
        .await
        .unwrap();

    let mut list = c.listall(PAGE);
    let mut names = HashSet::with_capacity(N);
    let mut max_held = 0;
    let mut pages_seen_at_item = Vec::new();
    while let Some(s) = list.next().await {
        max_held = max_held.max(list.buffered_count() + 1);
        pages_seen_at_item.push(list.pages_fetched());
        assert!(names.insert(s.unwrap().name().to_owned()), "no duplicates");
    }
    assert_eq!(names.len(), N);
    assert!(max_held <= PAGE as usize, "held {max_held} > one page");
    let full_pages = N as u64 / PAGE as u64;
    assert!(
        (full_pages..=full_pages + 1).contains(&list.pages_fetched()),
        "pages: {}",
        list.pages_fetched()
    );
    // Lazy: page k is requested only when item k*PAGE is wanted.
    for (i, pages) in pages_seen_at_item.iter().enumerate() {
        assert_eq!(*pages, (i as u64 / PAGE as u64) + 1, "item {i}");
    }
}
