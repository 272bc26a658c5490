//! Parameters and return values for `BIN run`: a task whose parameters are all
//! `DeserializeOwned` is runnable with inputs, its output shown as JSON; a task with any
//! other parameter compiles as written and stays callable in-process only.
#![deny(warnings)]

use flyte::sources::{MapSource, Resolver};
use flyte::task;

#[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
struct Point {
    x: i32,
    y: i32,
}

#[task(secrets = "s")]
fn shift(p: Point, mut by: i32, label: Option<String>) -> Result<Point, String> {
    by += 1;
    let _ = label;
    Ok(Point { x: p.x + by, y: p.y })
}

#[task(secrets = "s")]
async fn count(words: Vec<String>) -> usize {
    words.len()
}

struct Handle(u8);

#[task(secrets = "s")]
fn not_serde(h: Handle, n: u32) -> u8 {
    h.0 + n as u8
}

#[task]
fn borrows(s: &str) -> usize {
    s.len()
}

/// Never returns: nothing to show.
#[task]
#[allow(dead_code)]
fn never(code: i32) -> ! {
    std::process::exit(code)
}

fn main() {
    let resolver = Resolver::new().with(MapSource::new().with("s", "v"));
    resolver.run(|| {
        assert_eq!(shift(Point { x: 1, y: 2 }, 1, None), Ok(Point { x: 3, y: 2 }));
        assert_eq!(not_serde(Handle(1), 2), 3);
        assert_eq!(borrows("ab"), 2);
    });
    let tasks = flyte::__private::registered();
    let task = |name: &str| *tasks.iter().find(|t| t.name == name).unwrap();
    assert!(task("shift").runnable());
    assert!(task("count").runnable());
    assert!(task("never").runnable());
    assert_eq!(task("shift").inputs().len(), 3);
    assert!(task("shift").inputs()[2].optional);
    assert_eq!(task("shift").output, "Result<Point, String>");
    let why = task("not_serde").why_not_runnable().unwrap();
    assert!(why.contains("h: Handle"), "{why}");
    let why = task("borrows").why_not_runnable().unwrap();
    assert!(why.contains("reference"), "{why}");
}
