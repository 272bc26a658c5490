//! ListSecrets on every store: page sizes, tokens, and correctness under concurrent inserts
//! and deletes.

use std::collections::{BTreeSet, HashMap};

use crate::common::*;
use crate::stores::harness::StoreUnderTest;

pub(crate) async fn pages_follow_tokens_to_an_empty_token(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    let mut want = Vec::new();
    for i in 0..7 {
        let name = format!("s{i}");
        c.create_str(pid(&name), "v").await.unwrap();
        want.push(name);
    }
    let p1 = c.list_page(PROJ, 3, "").await.unwrap();
    let p2 = c.list_page(PROJ, 3, &p1.token).await.unwrap();
    let p3 = c.list_page(PROJ, 3, &p2.token).await.unwrap();
    let names = |p: &flyte_idl::ListSecretsResponse| -> Vec<String> {
        p.secrets
            .iter()
            .map(|s| s.id.as_ref().unwrap().name.clone())
            .collect()
    };
    assert_eq!(names(&p1), ["s0", "s1", "s2"]);
    assert_eq!(names(&p2), ["s3", "s4", "s5"]);
    assert_eq!(names(&p3), ["s6"]);
    assert!(!p1.token.is_empty() && !p2.token.is_empty());
    assert!(p3.token.is_empty(), "the last page has no token");
    // A full last page says so too (the server looks one row ahead).
    let q1 = c.list_page(PROJ, 7, "").await.unwrap();
    assert_eq!(q1.secrets.len(), 7);
    assert!(q1.token.is_empty());
    // Default page size when limit is 0; every item carries its scope.
    let all = c.list_page(PROJ, 0, "").await.unwrap();
    assert_eq!(names(&all), want);
    let id = all.secrets[0].id.as_ref().unwrap();
    assert_eq!(
        (
            id.organization.as_str(),
            id.project.as_str(),
            id.domain.as_str()
        ),
        PROJ
    );
    server.shutdown().await.unwrap();
}

pub(crate) async fn empty_last_page_when_the_rest_was_deleted_meanwhile(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    for i in 0..6 {
        c.create_str(pid(&format!("e{i}")), "v").await.unwrap();
    }
    let p1 = c.list_page(PROJ, 2, "").await.unwrap();
    let p2 = c.list_page(PROJ, 2, &p1.token).await.unwrap();
    assert!(!p2.token.is_empty());
    c.delete(pid("e4")).await.unwrap();
    c.delete(pid("e5")).await.unwrap();
    let p3 = c.list_page(PROJ, 2, &p2.token).await.unwrap();
    assert!(p3.secrets.is_empty(), "{:?}", p3.secrets);
    assert!(p3.token.is_empty());
    // An empty scope gives one empty page.
    let none = c.list_page((ORG, "other", "dev"), 2, "").await.unwrap();
    assert!(none.secrets.is_empty() && none.token.is_empty());
    server.shutdown().await.unwrap();
}

pub(crate) async fn the_page_size_is_capped(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    // Insert directly through many concurrent creates; the cap is MAX_PAGE_SIZE.
    let n = flyte_server::MAX_PAGE_SIZE + 5;
    let mut tasks = Vec::new();
    for chunk in (0..n).collect::<Vec<_>>().chunks(n / 8 + 1) {
        let c = c.clone();
        let chunk = chunk.to_vec();
        tasks.push(tokio::spawn(async move {
            for i in chunk {
                c.create_str(pid(&format!("cap{i:05}")), "v").await.unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let p = c.list_page(PROJ, i32::MAX, "").await.unwrap();
    assert_eq!(p.secrets.len(), flyte_server::MAX_PAGE_SIZE);
    assert!(!p.token.is_empty());
    let rest = c.list_page(PROJ, i32::MAX, &p.token).await.unwrap();
    assert_eq!(rest.secrets.len(), 5);
    server.shutdown().await.unwrap();
}

pub(crate) async fn tokens_are_bound_to_their_scope(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    for i in 0..3 {
        c.create_str(pid(&format!("t{i}")), "v").await.unwrap();
    }
    let p1 = c.list_page(PROJ, 1, "").await.unwrap();
    let e = c
        .list_page((ORG, "proj", "prod"), 1, &p1.token)
        .await
        .unwrap_err();
    assert_eq!(e.code(), flyte_idl::connect::Code::InvalidArgument);
    let mut tampered = p1.token.clone();
    tampered.push('A');
    assert!(c.list_page(PROJ, 1, &tampered).await.is_err());
    server.shutdown().await.unwrap();
}

pub(crate) async fn concurrent_inserts_and_deletes_never_skip_or_repeat_stable_items(
    store: &StoreUnderTest,
) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    let mut stable = BTreeSet::new();
    let mut doomed = Vec::new();
    for i in 0..60 {
        let name = format!("k{i:03}");
        c.create_str(pid(&name), "v").await.unwrap();
        if i % 3 == 0 {
            doomed.push(name);
        } else {
            stable.insert(name);
        }
    }
    for round in 0..4 {
        let churn = {
            let c = c.clone();
            let doomed = doomed.clone();
            tokio::spawn(async move {
                for (j, name) in doomed.iter().enumerate() {
                    // Delete, insert a new name sorting anywhere, and re-create.
                    let _ = c.delete(pid(name)).await;
                    c.create_str(pid(&format!("k{:03}x{round}", (j * 7) % 60)), "v")
                        .await
                        .unwrap();
                    c.create_str(pid(&format!("a-new-{round}-{j}")), "v")
                        .await
                        .unwrap();
                    let _ = c.create_str(pid(name), "v").await;
                    tokio::task::yield_now().await;
                }
            })
        };
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut token = String::new();
        let mut pages = 0;
        loop {
            let page = c.list_page(PROJ, 3, &token).await.unwrap();
            pages += 1;
            for s in page.secrets {
                *seen.entry(s.id.unwrap().name).or_default() += 1;
            }
            if page.token.is_empty() {
                break;
            }
            token = page.token;
            tokio::task::yield_now().await;
        }
        churn.await.unwrap();
        assert!(pages >= 3);
        for name in &stable {
            assert_eq!(
                seen.get(name),
                Some(&1),
                "round {round}: stable {name} seen {:?} times",
                seen.get(name)
            );
        }
        for (name, n) in &seen {
            assert_eq!(*n, 1, "round {round}: {name} returned {n} times");
        }
    }
    server.shutdown().await.unwrap();
}

/// Names are listed in byte order (upper case before `_` before lower case), the order the
/// page tokens assume, whatever the engine's collation.
pub(crate) async fn names_are_listed_in_byte_order(store: &StoreUnderTest) {
    let server = store.start().await;
    let c = Client::new(server.addr());
    let names = ["b", "B", "_x", "a-b", "a_b", "ab", "A", "0", "-", "Z9", "z"];
    for n in names {
        c.create_str(pid(n), "v").await.unwrap();
    }
    let mut want: Vec<&str> = names.to_vec();
    want.sort();
    assert_eq!(c.list_all(PROJ, 2).await, want);
    assert_eq!(c.list_all(PROJ, 0).await, want);
    server.shutdown().await.unwrap();
}
