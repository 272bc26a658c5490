//! The scan on sources: each `fn` gets the block it is directly in, whatever comments,
//! strings, characters and lifetimes around it hold; macro input stays unknown.

use super::*;

/// The block of the one function called `name`; `None` when the scan does not list it.
fn block_of(source: &str, name: &str) -> Option<Option<Block>> {
    let found = scan(&lex::tokens(source).expect("lexes")).expect("balanced");
    let mut hits = found.values().filter(|f| f.name == name);
    let hit = hits.next().map(|f| f.block);
    assert!(hits.next().is_none(), "{name} twice");
    hit
}

#[test]
fn blocks() {
    let source = r#"
        fn free() {}
        struct S;
        impl S {
            fn assoc() {}
            fn method(&self) {
                fn inner() {}
                struct T;
                impl T { fn assoc_in_body() {} }
            }
        }
        #[cfg(all())]
        pub(crate) unsafe trait Job: Send {
            fn provided() {}
        }
        impl<T: Fn() -> u8> Job for Vec<T> where T: Clone { fn in_trait_impl() {} }
        mod m { fn in_mod() {} }
        const _: () = { impl S { fn in_const() {} } };
        fn f() -> Box<dyn Fn()> { fn in_fn_body() {} Box::new(|| ()) }
    "#;
    assert_eq!(block_of(source, "free"), Some(None));
    assert_eq!(block_of(source, "assoc"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "method"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "inner"), Some(None));
    assert_eq!(block_of(source, "assoc_in_body"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "provided"), Some(Some(Block::Trait)));
    assert_eq!(block_of(source, "in_trait_impl"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "in_mod"), Some(None));
    assert_eq!(block_of(source, "in_const"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "in_fn_body"), Some(None));
}

#[test]
fn macro_input_is_unknown() {
    let source = r#"
        macro_rules! m { () => { impl S { fn in_rules() {} } } }
        m! { impl S { fn in_call() {} } }
        fn g() { if !ready { fn under_not() {} } }
        fn h() -> ! { fn under_never() {} loop {} }
    "#;
    for name in ["in_rules", "in_call", "under_not", "under_never"] {
        assert_eq!(block_of(source, name), None, "{name}");
    }
}

#[test]
fn literals_comments_and_lifetimes_are_stepped_over() {
    let source = r####"
        impl S {
            // } a comment { with braces
            /* nested /* } */ still a comment } */
            const A: &str = "} \" {";
            const B: &str = r##"} "# {"##;
            const C: &[u8] = br##"}"##;
            const D: char = '}';
            const E: char = '\'';
            const F: u8 = b'{';
            fn with_lifetime<'a>(x: &'a str) -> &'a str { 'outer: loop { break 'outer x; } }
            fn r#type() {}
            fn after() { let _ = 1.5 + 1..2; let _ = 1.max(2); }
        }
    "####;
    assert_eq!(block_of(source, "with_lifetime"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "type"), Some(Some(Block::Impl)));
    assert_eq!(block_of(source, "after"), Some(Some(Block::Impl)));
}

#[test]
fn positions_are_lines_and_characters() {
    let tokens = lex::tokens("#!/usr/bin/env run\n/* é */ fn f() {}").unwrap();
    let f = tokens.iter().find(|t| t.kind == Kind::Ident("f")).unwrap();
    assert_eq!((f.line, f.column), (2, 12));
    // Characters of more than one byte, in a name and in a string, count once.
    let tokens = lex::tokens("let aé = \"ü\\\"\"; fn g() {}").unwrap();
    let g = tokens.iter().find(|t| t.kind == Kind::Ident("g")).unwrap();
    assert_eq!((g.line, g.column), (1, 20));
    assert!(tokens.iter().any(|t| t.kind == Kind::Ident("aé")));
}

#[test]
fn broken_sources_are_unknown() {
    assert!(lex::tokens("const A: &str = \"open").is_none());
    assert!(lex::tokens("/* open").is_none());
    assert!(scan(&lex::tokens("impl S { fn f() {}").unwrap()).is_none());
    assert!(scan(&lex::tokens("fn f() {} }").unwrap()).is_none());
}

/// What the `use` items around the one function called `name` bind to `Secret`.
fn import_of(source: &str, name: &str) -> SecretImport {
    let found = scan(&lex::tokens(source).expect("lexes")).expect("balanced");
    let mut hits = found.values().filter(|f| f.name == name);
    let hit = hits.next().expect("listed").secret;
    assert!(hits.next().is_none(), "{name} twice");
    hit
}

#[test]
fn a_flyte_import_of_secret_is_seen_in_its_own_module_only() {
    let source = r#"
        #![allow(dead_code)]
        use flyte::{task, Secret};
        fn at_root() {}
        mod inner { fn in_mod() {} }
        mod own { pub use ::flyte::Secret; fn in_own() { fn nested() {} } }
        fn outer() { use flyte::Secret; fn in_body() {} }
        mod globbed { use flyte::*; fn in_globbed() {} }
    "#;
    assert_eq!(import_of(source, "at_root"), SecretImport::Flyte);
    // A module does not see its parent's imports: nothing to mark there.
    assert_eq!(import_of(source, "in_mod"), SecretImport::Absent);
    assert_eq!(import_of(source, "in_own"), SecretImport::Flyte);
    assert_eq!(import_of(source, "nested"), SecretImport::Flyte);
    // `self::` does not reach a function body's import.
    assert_eq!(import_of(source, "in_body"), SecretImport::FlyteInBlock);
    assert_eq!(import_of(source, "in_globbed"), SecretImport::Absent);
}

#[test]
fn any_other_binding_of_secret_is_unknown() {
    for source in [
        "use other::Secret; fn f() {}",
        "use flyte::remote::Secret; fn f() {}",
        "use x::Y as Secret; fn f() {}",
        "use flyte::{Secret, other::{Secret}}; fn f() {}",
        "use flyte::Secret; use other::Secret; fn f() {}",
        "#[cfg(test)] use flyte::Secret; fn f() {}",
        "use crate::prelude::Secret; fn f() {}",
    ] {
        assert_eq!(import_of(source, "f"), SecretImport::Unknown, "{source}");
    }
    for source in [
        "use flyte::Secret as S; fn f() {}",
        "use flyte::{self, task}; fn f() {}",
        "fn f() {}",
    ] {
        assert_eq!(import_of(source, "f"), SecretImport::Absent, "{source}");
    }
    assert_eq!(
        import_of("pub(crate) use flyte::Secret; fn f() {}", "f"),
        SecretImport::Flyte
    );
}

#[test]
fn owners() {
    let source = r#"
        impl Db { fn plain() {} }
        impl<'a, T: Fn() -> u8> fmt::Debug for db::Cache<'a, T> where T: Copy { fn in_trait_impl() {} }
        impl<T> Wrapper<T> { fn generic() {} }
        impl dyn Job + Send { fn on_dyn() {} }
        impl<'a> Job for &'a mut Pool { fn on_ref() {} }
        impl Job for (u8, u8) { fn on_tuple() {} }
        pub trait Job<T>: Send { fn provided() {} }
        fn free() {}
    "#;
    let found = scan(&lex::tokens(source).expect("lexes")).expect("balanced");
    let owner = |name: &str| {
        let f = found.values().find(|f| f.name == name).expect(name);
        f.owner.clone()
    };
    for (name, expected) in [
        ("plain", Some("Db")),
        ("in_trait_impl", Some("Cache")),
        ("generic", Some("Wrapper")),
        ("on_dyn", Some("Job")),
        ("on_ref", Some("Pool")),
        ("on_tuple", None),
        ("provided", Some("Job")),
        ("free", None),
    ] {
        assert_eq!(owner(name).as_deref(), expected, "{name}");
    }
}
