//! A task with serde parameters that another macro writes inside an `impl` block, without
//! `in_impl`: the source file does not show the block, so the task gets no runner (which
//! would call it as a free function and not find it). It compiles, is called from Rust code,
//! and `BIN list` says why `BIN run` cannot run it. So does a free one a macro writes.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::task;

struct Jobs;

macro_rules! jobs {
    () => {
        impl Jobs {
            #[task(secrets = "s")]
            fn scaled(x: u32) -> u32 {
                x * 2
            }
        }
    };
}

jobs!();

macro_rules! free_task {
    ($name:ident) => {
        #[task]
        fn $name(words: Vec<String>) -> usize {
            words.len()
        }
    };
}

free_task!(count);

fn main() {
    let resolver = Resolver::new().with(MapSource::new().with("s", "v"));
    resolver.run(|| assert_eq!(Jobs::scaled(2), 4));
    assert_eq!(count(vec!["a".into()]), 1);
    let tasks = flyte::__private::registered();
    for name in ["scaled", "count"] {
        let task = tasks.iter().find(|t| t.name == name).unwrap();
        assert_eq!(task.inputs().len(), 1);
        let why = task.why_not_runnable().unwrap();
        assert!(why.contains("another macro wrote it"), "{why}");
    }
}
