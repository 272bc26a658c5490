//! Concurrent writers, decided by check-and-set: one create wins, updates all get through, an
//! update never brings back a deleted secret; and pages in byte order.

use flyte_idl::connect::Code;
use flyte_idl::*;
use flyte_test_backends::needs;

use super::bao::start_on_fresh_mount;
use super::inject;
use crate::common::*;

#[needs(openbao)]
#[tokio::test]
async fn check_and_set_decides_races_and_deletes_stay_deleted() {
    let (_bao, _mount, server, _dir) = start_on_fresh_mount().await;
    let c = Client::new(server.addr());
    // Concurrent creates of one name: exactly one wins.
    let tries = (0..12).map(|i| {
        let c = c.clone();
        tokio::spawn(async move { c.create_str(pid("race"), &format!("create-{i}")).await })
    });
    let mut won = 0;
    for t in tries {
        match t.await.unwrap() {
            Ok(()) => won += 1,
            Err(e) => assert_eq!(e.code(), Code::AlreadyExists, "{:?}", e.body),
        }
    }
    assert_eq!(won, 1);

    // Concurrent updates of one name all get through (lost check-and-set races are retried),
    // and one of them is the value.
    let updates = (0..24).map(|i| {
        let c = c.clone();
        tokio::spawn(async move { c.update_str(pid("race"), &format!("update-{i}")).await })
    });
    for u in updates {
        u.await.unwrap().unwrap_or_else(|e| panic!("{:?}", e.body));
    }
    let read = inject(&server).read_value(pid("race")).await.unwrap();
    let Some(secret_spec::Value::StringValue(last)) = read.secret_spec.unwrap().value else {
        panic!("a string value");
    };
    assert!(last.starts_with("update-"));

    // An update racing a delete never brings the secret back.
    for round in 0..8 {
        let name = format!("gone-{round}");
        c.create_str(pid(&name), "first").await.unwrap();
        let (u, d) = tokio::join!(c.update_str(pid(&name), "updated"), c.delete(pid(&name)));
        d.unwrap();
        if let Err(e) = u {
            assert_eq!(e.code(), Code::NotFound, "{:?}", e.body);
        }
        assert_eq!(
            c.get(pid(&name)).await.unwrap_err().code(),
            Code::NotFound,
            "round {round}: deleted stays deleted"
        );
    }

    // Pages in byte order, across page boundaries.
    for name in ["b", "B", "a_", "a-", "A", "a"] {
        c.create_str(id(name, "pages", "dev"), "v").await.unwrap();
    }
    let all = c.list_all((ORG, "pages", "dev"), 2).await;
    assert_eq!(all, ["A", "B", "a", "a-", "a_", "b"]);
    server.shutdown().await.unwrap();
}
