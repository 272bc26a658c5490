//! `Secret(...)` in the attribute needs no import: as a newcomer writes it (no `use`), in an
//! `impl`, in a function body, next to a `Secret` type of the user's own. An import of
//! `flyte::Secret` (in the module, behind a `cfg`, in a function body, or through
//! `use super::*`) still counts as used.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::task;

#[task(secrets = [Secret(key = "k")])]
fn no_import() -> String {
    flyte::secret!("k").unwrap().expose_str().unwrap().to_owned()
}

struct Jobs;

impl Jobs {
    #[task(secrets = Secret(key = "k", as_env_var = "JOB_K"))]
    fn method(&self) -> Option<&'static str> {
        flyte::secret!("k").unwrap().env_var()
    }
}

mod own_secret_type {
    use flyte::task;

    /// The user's own `Secret`: the attribute's `Secret(...)` is still flyte's syntax.
    pub struct Secret(pub &'static str);

    #[task(secrets = Secret(key = "k", group = "g"))]
    pub fn task_next_to_it() -> &'static str {
        Secret("mine").0
    }
}

mod with_import {
    use flyte::{Secret, task};

    #[task(secrets = Secret(key = "k", mount = "/etc/flyte/secrets"))]
    pub fn imported() -> bool {
        flyte::secret!("k").unwrap().path().is_some()
    }

    pub mod child {
        use super::*;

        #[task(secrets = Secret(key = "k"))]
        pub fn through_glob() {}
    }
}

mod cfg_import {
    #[cfg(all())]
    use flyte::Secret;
    use flyte::task;

    #[task(secrets = Secret(key = "k"))]
    pub fn behind_cfg() {}
}

fn body_import() {
    use flyte::Secret;

    #[task(secrets = Secret(key = "k"))]
    fn imported_in_body() {}

    imported_in_body();
}

fn main() {
    #[task(secrets = Secret(key = "k"))]
    fn in_body() {}

    let resolver = Resolver::new().with(MapSource::new().with("k", "v").with("g/k", "w"));
    resolver.run(|| {
        assert_eq!(no_import(), "v");
        assert_eq!(Jobs.method(), Some("JOB_K"));
        assert_eq!(own_secret_type::task_next_to_it(), "mine");
        assert!(with_import::imported());
        with_import::child::through_glob();
        in_body();
        cfg_import::behind_cfg();
        body_import();
    });
    let names: Vec<_> = flyte::__private::registered().iter().map(|t| t.name).collect();
    assert_eq!(
        names,
        [
            "Jobs::method",
            "behind_cfg",
            "imported",
            "imported_in_body",
            "in_body",
            "no_import",
            "task_next_to_it",
            "through_glob"
        ]
    );
}
