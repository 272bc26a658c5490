use quote::quote;

use super::*;

/// The scan and syn agree on every head form the tests below use.
fn both(item: TokenStream) -> (Sig, Sig) {
    let mut head: Vec<TokenTree> = item.into_iter().collect();
    head.pop();
    let scanned = scan(&head).expect("the scan reads this head");
    let parsed = from_syn(head_parser.parse2(head.into_iter().collect()).unwrap());
    (scanned, parsed)
}

fn facts(sig: &Sig) -> String {
    format!(
        "{} async={} const={} unsafe={} inputs=[{}] generics=[{}] output={:?}",
        sig.ident,
        sig.asyncness.is_some(),
        sig.constness.is_some(),
        sig.unsafety,
        sig.inputs.iter().cloned().collect::<TokenStream>(),
        sig.generics,
        sig.output.as_ref().map(ToString::to_string),
    )
    // Printing differs only in the spacing of `>>`.
    .replace(' ', "")
}

#[test]
fn scan_matches_syn() {
    let items = [
        quote!(
            fn a() {}
        ),
        quote!(
            #[doc = "x"]
            #[inline]
            pub(crate) async fn b(x: u32) -> Result<u32, E> {}
        ),
        quote!(
            pub const unsafe extern "C" fn c() -> ! {}
        ),
        quote!(
            fn d<T: Fn() -> u8, const N: usize>(t: T) -> [u8; N]
            where
                T: Clone,
            {
            }
        ),
        quote!(
            fn e<'a>(x: &'a str) -> impl Iterator<Item = &'a u8> + 'a {}
        ),
        quote!(
            async unsafe fn f(&self)
            where
                Self: Sized,
            {
            }
        ),
        quote!(
            fn r#type() -> Option<Box<dyn Fn(u8) -> u8>> {}
        ),
        quote!(
            pub(in crate::x) fn g(Self(x): Self) -> Vec<Vec<u8>> {}
        ),
    ];
    for item in items {
        let (scanned, parsed) = both(item.clone());
        assert_eq!(facts(&scanned), facts(&parsed), "{item}");
    }
}

#[test]
fn return_types() {
    let item = |t: TokenStream| ItemFn::from_tokens(t).unwrap();
    assert!(
        item(quote!(
            fn a() -> u8 {}
        ))
        .return_type_nameable()
    );
    assert!(
        !item(quote!(
            fn a() -> impl Display {}
        ))
        .return_type_nameable()
    );
    assert!(
        !item(quote!(
            fn a() -> Box<impl Display> {}
        ))
        .return_type_nameable()
    );
    assert!(
        !item(quote!(
            fn a() -> ! {}
        ))
        .return_type_nameable()
    );
    assert_eq!(
        item(quote!(
            fn a() {}
        ))
        .return_type(Span::call_site())
        .to_string(),
        "()"
    );
    assert!(
        item(quote!(
            fn a(x: Self) {}
        ))
        .mentions_self_type()
    );
    assert!(
        item(quote!(
            fn a() -> Option<Self> {}
        ))
        .mentions_self_type()
    );
    assert!(
        !item(quote!(
            fn a() {}
        ))
        .mentions_self_type()
    );
}

#[test]
fn inner_attributes_stay_first() {
    let f = ItemFn::from_tokens(quote!(
        fn a() {
            #![allow(unused)]
            #![deny(x)]
            let y = 1;
        }
    ))
    .unwrap();
    assert_eq!(
        f.inner_attrs.to_string(),
        "# ! [allow (unused)] # ! [deny (x)]"
    );
    assert_eq!(f.body.to_string(), "let y = 1 ;");
}

#[test]
fn not_a_function() {
    let err = ItemFn::from_tokens(quote!(
        struct S;
    ))
    .err()
    .unwrap();
    assert_eq!(err.to_string(), "expected `fn`");
    let err = ItemFn::from_tokens(quote!(
        fn f();
    ))
    .err()
    .unwrap();
    assert_eq!(err.to_string(), "the function needs a body");
}
