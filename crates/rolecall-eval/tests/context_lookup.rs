//! `Context` lookups agree with "fold both names, compare" (R6) for any
//! spelling, ASCII or not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use proptest::prelude::*;
use rolecall_eval::request::{Context, ContextValue, FoldedKey};

fn fold(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

fn name() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(
            &[
                'a', 'A', 'b', 'B', ':', '/', 'ä', 'Ä', 'ß', 'İ', 'i', '\u{212A}', 'k', 'K',
            ][..],
        ),
        0..6,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #[test]
    fn lookup_is_fold_then_compare(names in prop::collection::vec(name(), 0..10), probe in name()) {
        let mut ctx = Context::new();
        let mut kept: Vec<String> = Vec::new();
        for n in &names {
            let dup = kept.iter().any(|k| fold(k) == fold(n));
            let inserted = ctx.insert(n.clone(), ContextValue::Single(n.clone())).is_ok();
            // Insertion fails exactly when a key equal under folding exists.
            prop_assert_eq!(inserted, !dup);
            if inserted {
                kept.push(n.clone());
            }
        }
        let want = kept.iter().find(|k| fold(k) == fold(&probe));
        prop_assert_eq!(ctx.lookup(&probe).map(|e| e.name()), want.map(String::as_str));
        prop_assert_eq!(ctx.get(&FoldedKey::new(&probe)).map(|e| e.name()), want.map(String::as_str));
    }
}
