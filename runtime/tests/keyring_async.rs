//! Sync and async use from plain threads, inside current-thread and multi-thread tokio
//! runtimes, and from a non-tokio executor; a hung backend never blocks the runtime.

use crate::keyring_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use flyte::remote::keyring::{Credentials, KeyringError, Lookup};
use keyring_common::{Fault, FaultStore, fault_keyring as keyring, unique_endpoint};

fn exercise_in_runtime(rt: tokio::runtime::Runtime) {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("tokio");
    rt.block_on(async {
        // Sync methods inside a runtime: no panic (we never block_on), bounded.
        assert!(ks.store(&Credentials::new(&ep, "sync")).is_done());
        assert_eq!(ks.retrieve(&ep).unwrap().access_token(), "sync");
        // Async methods.
        assert!(
            ks.store_async(&Credentials::new(&ep, "async").with_refresh_token("r"))
                .await
                .is_done()
        );
        let got = ks.retrieve_async(&ep).await.unwrap();
        assert_eq!(
            (got.access_token(), got.refresh_token()),
            ("async", Some("r"))
        );
        assert!(ks.delete_async(&ep).await.is_done());
        assert!(matches!(ks.lookup_async(&ep).await, Lookup::Missing));

        // A hung backend does not block the runtime: another task keeps running meanwhile.
        fs.set_fault(Fault::Hang);
        let ticks = Arc::new(AtomicUsize::new(0));
        let ticker = {
            let ticks = ticks.clone();
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    ticks.fetch_add(1, Ordering::SeqCst);
                }
            })
        };
        let got = tokio::time::timeout(Duration::from_secs(10), ks.lookup_async(&ep))
            .await
            .expect("lookup_async returned within 10 s");
        assert!(
            matches!(got, Lookup::Failed(KeyringError::TimedOut(_))),
            "{got:?}"
        );
        assert!(
            ticks.load(Ordering::SeqCst) >= 3,
            "the runtime was blocked during the call"
        );
        ticker.abort();
        fs.release();
    });
}

#[test]
fn works_in_current_thread_runtime() {
    exercise_in_runtime(
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap(),
    );
}

#[test]
fn works_in_multi_thread_runtime() {
    exercise_in_runtime(
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap(),
    );
}

#[test]
fn async_methods_work_outside_any_runtime() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("noruntime");
    // futures' executor is not tokio: the call runs inline, still bounded.
    futures::executor::block_on(async {
        assert!(ks.store_async(&Credentials::new(&ep, "x")).await.is_done());
        assert_eq!(ks.retrieve_async(&ep).await.unwrap().access_token(), "x");
    });
}

#[test]
fn clones_share_one_cache() {
    let fs = FaultStore::new();
    let ks = keyring(&fs);
    let ep = unique_endpoint("clones");
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (ks, ep) = (ks.clone(), ep.clone());
            std::thread::spawn(move || ks.store(&Credentials::new(&ep, format!("t{i}"))).is_done())
        })
        .collect();
    for t in threads {
        assert!(t.join().unwrap());
    }
    let got = ks.retrieve(&ep).unwrap();
    assert!(["t0", "t1", "t2", "t3"].contains(&got.access_token()));
}
