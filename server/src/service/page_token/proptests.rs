//! Property tests of the page-token codec: any string is refused or decoded without a panic,
//! a token decodes only in its own scope, a tampered token never decodes. `PROPTEST_CASES`
//! overrides the 10^5 cases.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use proptest::sample::select;

use super::{decode, encode};
use crate::scope::Scope;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok());
    // XorShift: ChaCha (the default) dominates the time of a debug build.
    ProptestConfig {
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..ProptestConfig::with_cases(cases.unwrap_or(100_000))
    }
}

const NAME_CHARS: &[char] = &['a', 'z', 'A', 'Z', '0', '9', '-', '_'];

/// Valid secret names, mostly short, up to the 253-byte limit.
fn name() -> impl Strategy<Value = String> {
    let chars = |n| prop::collection::vec(select(NAME_CHARS), n).prop_map(String::from_iter);
    prop_oneof![9 => chars(1..16), 1 => chars(1..254)]
}

/// Scope parts from a tiny alphabet, so that neighbouring scopes (`ab`+`c`, `a`+`bc`) occur.
fn part() -> impl Strategy<Value = String> {
    prop::collection::vec(select(&['a', 'b', '/', '\0', 'é'][..]), 0..4).prop_map(String::from_iter)
}

fn scope() -> impl Strategy<Value = Scope> {
    (part(), part(), part()).prop_map(|(organization, project, domain)| Scope {
        organization,
        project,
        domain,
    })
}

fn refused(scope: &Scope, token: &str) -> Result<(), TestCaseError> {
    match decode(scope, token) {
        Ok(name) => Err(TestCaseError::fail(format!(
            "{token:?} decoded to {name:?} in {scope:?}"
        ))),
        Err(e) => {
            prop_assert!(e.message.starts_with("invalid page token"), "{}", e.message);
            Ok(())
        }
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_strings_never_panic(
        scope in scope(),
        token in prop_oneof![
            any::<String>(),
            prop::collection::vec(select(&['A', 'Q', 'g', 'w', '-', '_', '=', '+', '/'][..]), 0..40)
                .prop_map(String::from_iter),
            // Right version byte, anything after it.
            prop::collection::vec(any::<u8>(), 0..40).prop_map(|mut raw| {
                raw.insert(0, 1);
                URL_SAFE_NO_PAD.encode(raw)
            }),
        ],
    ) {
        let _ = decode(&scope, &token);
    }

    #[test]
    fn a_token_decodes_in_its_own_scope_only(
        scope in scope(),
        other in scope(),
        name in name(),
    ) {
        let token = encode(&scope, &name);
        prop_assert_eq!(decode(&scope, &token).ok(), Some(name));
        if other != scope {
            refused(&other, &token)?;
        }
    }

    #[test]
    fn a_tampered_token_is_refused(
        scope in scope(),
        name in name(),
        at in any::<prop::sample::Index>(),
        bit in 0..8u8,
        cut in any::<bool>(),
    ) {
        let token = encode(&scope, &name);
        let mut raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        if cut {
            // Not to nothing: the empty token is the first page.
            raw.truncate(1 + at.index(raw.len() - 1));
        } else {
            let i = at.index(raw.len());
            raw[i] ^= 1 << bit;
        }
        refused(&scope, &URL_SAFE_NO_PAD.encode(&raw))?;
        // The text itself altered: one character replaced by another of the alphabet.
        let i = at.index(token.len());
        let mut text = token.clone().into_bytes();
        text[i] = if text[i] == b'A' { b'B' } else { b'A' };
        refused(&scope, std::str::from_utf8(&text).unwrap())?;
    }
}
