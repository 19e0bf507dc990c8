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

use proptest::prelude::*;
use rolecall_eval::matcher::{Case, Pattern, PatternSet, PatternToken, SetStrategy};

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
