//! Tasks inside `impl` and trait blocks: methods and associated functions work for
//! in-process calls. The macro cannot see the `impl`, so an associated function taking
//! nothing says `in_impl`; none of these can be run as a whole process (`BIN run`).
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::task;

struct Db {
    name: String,
}

impl Db {
    #[task(secrets = "db-password")]
    fn new(name: &str) -> Self {
        Db {
            name: name.to_owned(),
        }
    }

    // A task `BIN run` cannot call may name a parameter like one of the runner's options.
    #[task(secrets = "db-password")]
    fn load(&self, inputs: Vec<u8>) -> usize {
        inputs.len() + self.name.len()
    }

    #[task(secrets = "db-password")]
    fn connect(&self) -> String {
        let password = flyte::secret!("db-password").unwrap();
        format!("{}:{}", self.name, password.expose_str().unwrap())
    }

    #[task(secrets = "db-password")]
    async fn bump(&mut self) -> usize {
        self.name.push('!');
        self.name.len()
    }

    /// Needs `in_impl`: no `self`, no arguments, no `Self` in the signature.
    #[task(in_impl, secrets = "db-password")]
    fn nightly() -> u8 {
        3
    }

    #[task(secrets = "db-password")]
    fn default_name() -> Option<Self> {
        None
    }
}

struct Cache;

impl Cache {
    /// A namesake of `Db::nightly`.
    #[task(in_impl, secrets = "db-password")]
    fn nightly() -> u8 {
        4
    }
}

trait Job {
    fn run(&self) -> u8;

    #[task(in_impl)]
    fn provided() -> u8 {
        5
    }
}

impl Job for Db {
    #[task(secrets = "db-password")]
    fn run(&self) -> u8 {
        9
    }
}

fn main() {
    let resolver = Resolver::new().with(MapSource::new().with("db-password", "pw"));
    resolver.clone().run(|| {
        let db = Db::new("db");
        assert_eq!(db.connect(), "db:pw");
        assert_eq!(db.load(vec![1]), 3);
        assert_eq!(Db::nightly(), 3);
        assert!(Db::default_name().is_none());
        assert_eq!(db.run(), 9);
        assert_eq!(Db::provided(), 5);
        assert_eq!(Cache::nightly(), 4);
    });
    let mut db = Db { name: "x".into() };
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(resolver.scope(db.bump())), 2);

    let tasks = flyte::__private::registered();
    let names: Vec<_> = tasks.iter().map(|t| t.name).collect();
    // Named with their type or trait, so namesakes in other blocks stay apart.
    assert_eq!(
        names,
        [
            "Cache::nightly",
            "Db::bump",
            "Db::connect",
            "Db::default_name",
            "Db::load",
            "Db::new",
            "Db::nightly",
            "Db::run",
            "Job::provided",
        ]
    );
    assert!(tasks.iter().all(|t| !t.runnable()));
    // `BIN list` gives the function's own name, and the type in the module path.
    let nightly: Vec<_> = tasks
        .iter()
        .filter(|t| t.name.ends_with("::nightly"))
        .map(|t| flyte::launch::TaskInfo::from_def(t))
        .collect();
    assert!(nightly.iter().all(|t| t.name == "nightly"), "{nightly:?}");
    assert!(nightly[0].path.ends_with("::Cache::nightly"), "{:?}", nightly[0]);
    assert!(nightly[1].module.ends_with("::Db"), "{:?}", nightly[1]);
    let list = flyte::launch::TaskList { tasks: nightly };
    let found = list.find("Db::nightly").expect("found by its path");
    assert!(found.module.ends_with("::Db"), "{found:?}");
}
