//! `Context` lookups agree with "fold both names, compare" (R6) for any
//! spelling, ASCII or not.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;

use common::P;
use proptest::prelude::*;
use rolecall_eval::request::Request;
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

/// The accessors of `Request`, `Context`, `ContextEntry`, `ContextValue`
/// and `FoldedKey` (R6, R11).
#[test]
fn request_and_context_accessors() {
    use rolecall_eval::request::{Context, ContextValue, FoldedKey};
    let request = Request::builder()
        .principal(P)
        .action("sts:AssumeRoleWithWebIdentity")
        .value("Server.Example.com:Sub", "s")
        .values("amr", ["a", "b"])
        .build()
        .unwrap();
    assert_eq!(request.principal(), P);
    assert_eq!(request.action(), "sts:AssumeRoleWithWebIdentity");
    let tag = request.with_action("sts:TagSession");
    assert_eq!(tag.action(), "sts:TagSession");
    assert_eq!(tag.principal(), P);
    assert_eq!(tag.context(), request.context());
    let ctx = request.context();
    assert_eq!(ctx.len(), 2);
    assert!(!ctx.is_empty());
    assert!(Context::new().is_empty());
    assert_eq!(Context::new().len(), 0);
    let names: Vec<&str> = ctx.iter().map(|e| e.name()).collect();
    assert_eq!(names, ["amr", "Server.Example.com:Sub"]);
    let names: Vec<&str> = ctx.into_iter().map(|e| e.name()).collect();
    assert_eq!(names, ["amr", "Server.Example.com:Sub"]);
    let key = FoldedKey::new("SERVER.example.COM:sub");
    assert_eq!(key.as_str(), "server.example.com:sub");
    assert_eq!(key.to_string(), "server.example.com:sub");
    assert!(ctx.contains(&key));
    assert!(!ctx.contains(&FoldedKey::new("server.example.com:aud")));
    let sub = ctx.get(&key).unwrap();
    assert_eq!(sub.folded(), &key);
    assert_eq!(sub.value(), &ContextValue::Single("s".into()));
    assert_eq!(sub.value().as_single(), Some("s"));
    assert!(!sub.value().is_multivalued());
    assert_eq!(sub.value().values(), ["s"]);
    let amr = ctx.lookup("AMR").unwrap().value();
    assert!(amr.is_multivalued());
    assert_eq!(amr.as_single(), None);
    assert_eq!(amr.values(), ["a", "b"]);
    assert!(ctx.lookup("nothing").is_none());
    // Non-ASCII spellings fold too (R6): `K` (KELVIN SIGN) is `k`.
    let mut c = Context::new();
    c.insert("\u{212A}ey", ContextValue::Single("v".into()))
        .unwrap();
    assert_eq!(c.lookup("KEY").unwrap().name(), "\u{212A}ey");
    assert!(c.insert("key", ContextValue::Single("w".into())).is_err());
    assert_eq!(c.len(), 1);
}
