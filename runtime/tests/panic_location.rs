//! A task that cannot say "cannot start" in its return type panics at the user's code, not
//! inside the library. Its own test binary: it installs a panic hook.

use std::sync::Mutex;

use flyte::sources::Resolver;
use flyte::task;

#[task(secrets = "absent-key")]
fn no_result() -> u32 {
    1
}

#[task(secrets = "absent-key")]
fn opaque() -> impl std::fmt::Debug {
    1
}

static SEEN: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

fn panic_site(f: impl FnOnce() + std::panic::UnwindSafe) -> (String, String) {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        let file = info
            .location()
            .map(|l| l.file().to_owned())
            .unwrap_or_default();
        let msg = info
            .payload()
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_default();
        SEEN.lock().unwrap().push((file, msg));
    }));
    let r = std::panic::catch_unwind(f);
    std::panic::set_hook(prev);
    assert!(r.is_err(), "no panic");
    SEEN.lock().unwrap().pop().unwrap()
}

#[test]
fn the_panic_location_is_the_task_not_the_library() {
    for (name, (file, msg)) in [
        (
            "no_result",
            panic_site(|| {
                Resolver::new().run(no_result);
            }),
        ),
        (
            "opaque",
            panic_site(|| {
                Resolver::new().run(opaque);
            }),
        ),
    ] {
        assert!(
            file.ends_with("panic_location.rs"),
            "{name}: panicked at {file}"
        );
        assert!(msg.contains("cannot start"), "{name}: {msg}");
    }
}
