//! The wildcard matcher against three independent oracles: a naive
//! recursive matcher (the definition of R5), an anchored `regex`
//! translation, and the globset-backed [`PatternSet`].
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;

use common::holds;
use proptest::prelude::*;
use rolecall_eval::matcher::{
    Case, Pattern, PatternSet, PatternToken, SetStrategy, GLOBSET_THRESHOLD,
};

/// R5 read literally: recursion over chars, exponential in the worst case
/// but obviously right.
fn naive(pattern: &[PatternToken], value: &[char]) -> bool {
    match pattern.split_first() {
        None => value.is_empty(),
        Some((PatternToken::AnyRun, rest)) => (0..=value.len()).any(|i| naive(rest, &value[i..])),
        Some((PatternToken::AnyChar, rest)) => !value.is_empty() && naive(rest, &value[1..]),
        Some((PatternToken::Literal(lit), rest)) => {
            let lit: Vec<char> = lit.chars().collect();
            value.starts_with(&lit) && naive(rest, &value[lit.len()..])
        }
    }
}

/// `regex` in Unicode mode, where `.` is one scalar value; `(?s)` so that
/// `.` also matches a newline.
fn regex_oracle(pattern: &[PatternToken], value: &str) -> bool {
    let mut re = String::from("(?s)\\A");
    for t in pattern {
        match t {
            PatternToken::Literal(l) => re.push_str(&regex::escape(l)),
            PatternToken::AnyRun => re.push_str(".*"),
            PatternToken::AnyChar => re.push('.'),
        }
    }
    re.push_str("\\z");
    regex::Regex::new(&re).unwrap().is_match(value)
}

/// Characters that are special somewhere: to globset, to regex, to paths,
/// plus non-ASCII ones of two and three UTF-8 bytes.
const ALPHABET: &[char] = &[
    'a', 'b', '/', ':', '.', '\\', '[', ']', '{', '}', ',', '!', '-', '$', '\n', '*', '?', 'é',
    'ß', '€',
];

fn any_char() -> impl Strategy<Value = char> {
    prop::sample::select(ALPHABET)
}

fn value() -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..12).prop_map(|cs| cs.into_iter().collect())
}

fn token() -> impl Strategy<Value = PatternToken> {
    prop_oneof![
        3 => prop::collection::vec(any_char(), 1..4)
            .prop_map(|cs| PatternToken::Literal(cs.into_iter().collect())),
        2 => Just(PatternToken::AnyRun),
        1 => Just(PatternToken::AnyChar),
    ]
}

fn tokens() -> impl Strategy<Value = Vec<PatternToken>> {
    prop::collection::vec(token(), 0..7)
}

/// A pattern derived from the value by keeping, replacing or inserting
/// wildcards, so that matches are likely.
fn derived() -> impl Strategy<Value = (Vec<PatternToken>, String)> {
    (value(), prop::collection::vec(0u8..6, 12)).prop_map(|(v, edits)| {
        let mut toks = Vec::new();
        for (c, e) in v.chars().zip(edits.iter().cycle()) {
            match e {
                0 => toks.push(PatternToken::AnyChar),
                1 => toks.push(PatternToken::AnyRun),
                2 => {
                    toks.push(PatternToken::AnyRun);
                    toks.push(PatternToken::Literal(c.to_string()));
                }
                _ => toks.push(PatternToken::Literal(c.to_string())),
            }
        }
        (toks, v)
    })
}

fn check_all_agree(toks: &[PatternToken], value: &str) {
    let chars: Vec<char> = value.chars().collect();
    let want = naive(toks, &chars);
    let p = Pattern::from_tokens(toks.iter().cloned(), Case::Sensitive);
    assert_eq!(p.is_match(value), want, "char matcher: {toks:?} {value:?}");
    assert_eq!(regex_oracle(toks, value), want, "regex: {toks:?} {value:?}");
    let glob = PatternSet::with_strategy([p.clone()], SetStrategy::GlobSet);
    assert!(glob.uses_globset());
    assert_eq!(glob.is_match(value), want, "globset: {toks:?} {value:?}");
    // Case folding: folding both sides first, then matching exactly, is the
    // definition (R6).
    let fold = |s: &str| -> String { s.chars().flat_map(char::to_lowercase).collect() };
    let folded_toks: Vec<PatternToken> = toks
        .iter()
        .map(|t| match t {
            PatternToken::Literal(l) => PatternToken::Literal(fold(l)),
            other => other.clone(),
        })
        .collect();
    let folded_value: Vec<char> = fold(value).chars().collect();
    let pi = Pattern::from_tokens(toks.iter().cloned(), Case::Insensitive);
    assert_eq!(
        pi.is_match(value),
        naive(&folded_toks, &folded_value),
        "insensitive: {toks:?} {value:?}"
    );
}

proptest! {
    #[test]
    fn random_patterns_agree(toks in tokens(), v in value()) {
        check_all_agree(&toks, &v);
    }

    #[test]
    fn derived_patterns_agree((toks, v) in derived()) {
        check_all_agree(&toks, &v);
    }

    #[test]
    fn glob_text_roundtrips_through_tokens(toks in tokens(), v in value()) {
        // Pattern::new reads the policy syntax; a pattern printed with
        // Display and its tokens re-read must match the same values.
        let p = Pattern::from_tokens(toks.iter().cloned(), Case::Sensitive);
        let q = Pattern::from_tokens(p.tokens(), Case::Sensitive);
        prop_assert_eq!(p.is_match(&v), q.is_match(&v));
    }

    #[test]
    fn sets_agree_with_any(pats in prop::collection::vec(tokens(), 0..40), values in prop::collection::vec(value(), 1..8)) {
        let patterns: Vec<Pattern> = pats
            .iter()
            .map(|t| Pattern::from_tokens(t.iter().cloned(), Case::Sensitive))
            .collect();
        let looped = PatternSet::with_strategy(patterns.clone(), SetStrategy::Loop);
        let globbed = PatternSet::with_strategy(patterns.clone(), SetStrategy::GlobSet);
        let indexed = PatternSet::with_strategy(patterns.clone(), SetStrategy::Index);
        let auto = PatternSet::new(patterns.clone());
        prop_assert!(!looped.uses_globset());
        prop_assert!(globbed.uses_globset());
        for v in &values {
            let chars: Vec<char> = v.chars().collect();
            let want = pats.iter().any(|t| naive(t, &chars));
            prop_assert_eq!(looped.is_match(v), want);
            prop_assert_eq!(globbed.is_match(v), want);
            prop_assert_eq!(indexed.is_match(v), want);
            prop_assert_eq!(auto.is_match(v), want);
            prop_assert_eq!(looped.first_match(v).is_some(), want);
        }
    }
}

/// Why `?` patterns bypass globset for non-ASCII values: globset compiles
/// with `(?-u)`, where `?` is one byte.
#[test]
fn globset_question_mark_is_a_byte() {
    let g = globset::GlobBuilder::new("?")
        .literal_separator(false)
        .build()
        .unwrap()
        .compile_matcher();
    assert!(!g.is_match("é"), "globset changed: `?` now matches a char");
    assert!(g.is_match("a"));
    // Through the set, `?` is still one char.
    let set = PatternSet::with_strategy([Pattern::new("?", Case::Sensitive)], SetStrategy::GlobSet);
    assert!(set.is_match("é"));
    assert!(set.is_match("€"));
    assert!(!set.is_match("éé"));
}

#[test]
fn pattern_new_reads_policy_syntax() {
    let p = Pattern::new("a*b?", Case::Sensitive);
    assert_eq!(
        p.tokens(),
        vec![
            PatternToken::Literal("a".into()),
            PatternToken::AnyRun,
            PatternToken::Literal("b".into()),
            PatternToken::AnyChar,
        ]
    );
    assert_eq!(p.to_string(), "a*b?");
}

/// A globset-backed set with no `?` pattern keeps one globset for every
/// value; with one `?` pattern it keeps a second for non-ASCII values. Both
/// agree with the plain loop on ASCII and non-ASCII values.
#[test]
fn star_only_and_mixed_sets_agree_with_the_loop() {
    let star_only = ["é*", "*ü", "a*b", "repo:org/*", "exact", "*", "€€"];
    let values = [
        "éx",
        "é",
        "xü",
        "ü",
        "ab",
        "a€b",
        "repo:org/é",
        "exact",
        "€€",
        "€",
        "",
    ];
    for with_question_mark in [false, true] {
        let mut texts: Vec<&str> = star_only.to_vec();
        if with_question_mark {
            texts.push("?€");
        }
        // Without `*` alone, so that not every value matches.
        texts.retain(|t| *t != "*");
        let patterns: Vec<Pattern> = texts
            .iter()
            .map(|t| Pattern::new(t, Case::Sensitive))
            .collect();
        let looped = PatternSet::with_strategy(patterns.clone(), SetStrategy::Loop);
        let globbed = PatternSet::with_strategy(patterns, SetStrategy::GlobSet);
        assert!(globbed.uses_globset());
        for v in values {
            assert_eq!(
                globbed.is_match(v),
                looped.is_match(v),
                "{v:?} with `?`: {with_question_mark}"
            );
        }
        assert_eq!(globbed.is_match("x€"), with_question_mark);
        assert!(!globbed.is_match("üü€"));
    }
}

/// The literal index answers each shape exactly: literals of several
/// lengths, prefix and suffix that may not overlap, non-ASCII boundaries,
/// the empty literal, and a mix with general patterns left to the loop.
#[test]
fn literal_index_agrees_with_the_loop() {
    let texts = [
        "",
        "exact",
        "ab*ba",
        "a*",
        "abc*",
        "*z",
        "*xyz",
        "é*",
        "*é",
        "é*é",
        "pre*suf",
        "pre*fix",
        "g?neral",
        "two*st*ars",
    ];
    let values = [
        "",
        "exact",
        "exac",
        "aba",
        "abba",
        "ab-ba",
        "a",
        "abcd",
        "z",
        "xyz",
        "wxyz",
        "é",
        "éé",
        "e\u{301}",
        "presuf",
        "prefix",
        "presufx",
        "general",
        "two-st-ars",
        "twostars",
        "b",
    ];
    let patterns: Vec<Pattern> = texts
        .iter()
        .map(|t| Pattern::new(t, Case::Sensitive))
        .collect();
    let looped = PatternSet::with_strategy(patterns.clone(), SetStrategy::Loop);
    // Each pattern alone, so one shape cannot hide another's mistake.
    for (t, p) in texts.iter().zip(&patterns) {
        let alone = PatternSet::with_strategy([p.clone()], SetStrategy::Index);
        for v in values {
            assert_eq!(alone.is_match(v), p.is_match(v), "{t:?} vs {v:?}");
        }
    }
    let indexed = PatternSet::with_strategy(patterns.clone(), SetStrategy::Index);
    // Auto indexes a large set whose patterns are all literal-shaped.
    let literal_shaped: Vec<Pattern> = texts
        .iter()
        .filter(|t| !t.contains('?') && t.matches('*').count() <= 1)
        .map(|t| Pattern::new(t, Case::Sensitive))
        .collect();
    let auto = PatternSet::new(literal_shaped.iter().cycle().take(40).cloned());
    let auto_looped = PatternSet::with_strategy(literal_shaped, SetStrategy::Loop);
    assert!(indexed.uses_index() && auto.uses_index() && !auto.uses_globset());
    for v in values {
        assert_eq!(indexed.is_match(v), looped.is_match(v), "{v:?}");
        assert_eq!(auto.is_match(v), auto_looped.is_match(v), "{v:?}");
    }
    // Overlap: `ab*ba` needs four bytes.
    let overlap =
        PatternSet::with_strategy([Pattern::new("ab*ba", Case::Sensitive)], SetStrategy::Index);
    assert!(overlap.uses_index() && !overlap.is_match("aba") && overlap.is_match("abba"));
    // Only general patterns: no index is built.
    let general =
        PatternSet::with_strategy([Pattern::new("a?", Case::Sensitive)], SetStrategy::Index);
    assert!(!general.uses_index());
    assert!(general.is_match("ab"));
}

/// R5: a prefix and a suffix may not share characters of the value: `a*a`
/// needs at least two characters.
#[test]
fn prefix_and_suffix_need_room_for_both() {
    let p = Pattern::new("a*a", Case::Sensitive);
    assert!(!p.is_match("a"));
    assert!(p.is_match("aa"));
    assert!(p.is_match("aba"));
    assert!(!Pattern::new("ab*b", Case::Sensitive).is_match("ab"));
    assert!(!holds(r#"{"StringLike":{"k":"a*a"}}"#, &[("k", "a")]));
}

/// globset reads values as paths; a value whose last component is `..`
/// must still match as an IAM wildcard says (the `matchers` fuzz finding,
/// pinned end to end in rolecall-testkit; here in this crate's own suite).
#[test]
fn large_sets_match_values_ending_in_dotdot() {
    // `*.`, `?.` and `.*.` against `..` itself: globset alone says no.
    for (pattern, value) in [
        ("a*/..", "ab/.."),
        ("*..", ".."),
        ("x/*", "x/.."),
        ("*.", ".."),
        ("?.", ".."),
        (".*.", ".."),
    ] {
        for strategy in [SetStrategy::GlobSet, SetStrategy::Loop] {
            let set = PatternSet::with_strategy([Pattern::new(pattern, Case::Sensitive)], strategy);
            assert!(set.is_match(value), "{pattern} vs {value} ({strategy:?})");
            assert!(!set.is_match("zz"), "{pattern} vs zz ({strategy:?})");
        }
    }
    // End to end: 20 `StringNotLike` values, one matching `ab/..`.
    let mut values: Vec<String> = (0..GLOBSET_THRESHOLD - 1)
        .map(|i| format!("\"x{i}*\""))
        .collect();
    values.push("\"a*/..\"".into());
    let cond = format!(r#"{{"StringNotLike":{{"k":[{}]}}}}"#, values.join(","));
    assert!(!holds(&cond, &[("k", "ab/..")]));
    assert!(holds(&cond, &[("k", "ab/.")]));
}

/// From `GLOBSET_THRESHOLD` patterns on, `PatternSet` hashes the
/// literal-shaped ones and gives the rest to globset when they are at
/// least as many, never for case-insensitive patterns (globset's folding
/// is not R6's).
#[test]
fn pattern_set_strategy_is_as_documented() {
    let set = |n: usize| {
        PatternSet::new((0..n).map(|i| Pattern::new(&format!("v{i}-*"), Case::Sensitive)))
    };
    let general = |n: usize| (0..n).map(|i| Pattern::new(&format!("g{i}-?*"), Case::Sensitive));
    assert!(!set(GLOBSET_THRESHOLD - 1).uses_globset());
    assert!(!set(GLOBSET_THRESHOLD - 1).uses_index());
    assert!(set(GLOBSET_THRESHOLD).uses_index());
    assert!(!set(GLOBSET_THRESHOLD).uses_globset());
    let g = PatternSet::new(general(GLOBSET_THRESHOLD));
    assert!(g.uses_globset() && !g.uses_index());
    let few_general = PatternSet::new(
        set(GLOBSET_THRESHOLD)
            .patterns()
            .iter()
            .cloned()
            .chain(general(2)),
    );
    // A few general patterns: one globset for all, no index.
    assert!(!few_general.uses_index() && few_general.uses_globset());
    assert!(few_general.is_match("g1-x") && !few_general.is_match("g1-"));
    assert!(few_general.is_match("v3-"));
    let both = PatternSet::new(
        set(GLOBSET_THRESHOLD)
            .patterns()
            .iter()
            .cloned()
            .chain(general(GLOBSET_THRESHOLD)),
    );
    assert!(both.uses_index() && both.uses_globset());
    assert!(both.is_match("g7-é") && both.is_match("v7-") && !both.is_match("g7-"));
    assert_eq!(set(3).len(), 3);
    assert_eq!(set(3).patterns().len(), 3);
    assert!(!set(3).is_empty());
    assert!(set(0).is_empty());
    assert!(!set(0).is_match(""));
    for n in [GLOBSET_THRESHOLD - 1, GLOBSET_THRESHOLD] {
        let s = set(n);
        assert!(s.is_match("v0-x"));
        assert!(s.is_match(&format!("v{}-", n - 1)));
        assert!(!s.is_match(&format!("v{n}-x")));
        assert_eq!(s.first_match("v2-y"), Some(2));
        assert_eq!(s.first_match("w"), None);
    }
    let insensitive = PatternSet::with_strategy(
        [Pattern::new("AssumeRole*", Case::Insensitive)],
        SetStrategy::GlobSet,
    );
    assert!(!insensitive.uses_globset());
    assert!(insensitive.is_match("ASSUMEROLEWITHSAML"));
    assert!(!insensitive.is_match("TagSession"));
}

/// globset's `?` matches a byte; IAM's `?` a character. A large set with a
/// `?` pattern must still match one non-ASCII character, and a `?`-free
/// pattern must match non-ASCII values too.
#[test]
fn large_sets_with_non_ascii_values() {
    // General patterns (a `?` each), so that the set uses globset.
    let mut patterns: Vec<Pattern> = (0..GLOBSET_THRESHOLD)
        .map(|i| Pattern::new(&format!("v{i}-?*"), Case::Sensitive))
        .collect();
    patterns.push(Pattern::new("caf?", Case::Sensitive));
    patterns.push(Pattern::new("*ü", Case::Sensitive));
    let set = PatternSet::new(patterns);
    assert!(set.uses_globset() && set.uses_index());
    assert!(set.is_match("café"));
    assert!(set.is_match("cafe"));
    assert!(!set.is_match("cafée"));
    assert!(set.is_match("v1-é"));
    assert!(set.is_match("grüü"));
    assert!(!set.is_match("grü!"));
}

/// The accessors of `Pattern`.
#[test]
fn pattern_accessors() {
    let lit = Pattern::new("abc", Case::Sensitive);
    assert!(lit.is_literal());
    assert!(!lit.has_any_char());
    assert_eq!(lit.case(), Case::Sensitive);
    let q = Pattern::new("a?c*", Case::Insensitive);
    assert!(!q.is_literal());
    assert!(q.has_any_char());
    assert_eq!(q.case(), Case::Insensitive);
    assert!(!Pattern::new("a*", Case::Sensitive).has_any_char());
    assert!(!Pattern::new("a*", Case::Sensitive).is_literal());
}
