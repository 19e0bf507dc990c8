//! Pattern compilation (the shape shortcuts of `Pattern::from_tokens` and
//! `Pattern::new`, and the hand-written `parse_pattern`) against plain
//! references: a recursive glob matcher over tokens, the reference model's
//! `wildcard_match`, and a char-by-char tokenizer.
//!
//! The alphabet mixes ASCII with characters whose R6 folding is unusual
//! (`İ` folds to two chars, the Kelvin sign `K` to ASCII `k`, `ß` stays
//! itself but upper-cases to `SS`), and literal tokens may hold `*` and `?`
//! (as `${*}` and `${?}` produce them), so a pattern given a wrong shape
//! (a `?` or a literal `*` taken for a star, two stars taken for one, an
//! unfolded literal) answers differently from the reference.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use proptest::prelude::*;
use rolecall_eval::matcher::{Case, Pattern, PatternToken};
use rolecall_policy::grammar::pattern::parse_pattern;

const ALPHABET: &[char] = &[
    'a', 'b', 'A', 'K', 'k', 'i', 'I', ':', '/', 'é', 'É', 'ß', 'İ', '\u{212A}',
];

/// One element of the reference's pattern.
#[derive(Debug, Clone, Copy, PartialEq)]
enum E {
    C(char),
    One,
    Run,
}

/// R5 read literally: recursion over chars (exponential in the worst case,
/// fine at these sizes).
fn reference(p: &[E], v: &[char]) -> bool {
    match p.split_first() {
        None => v.is_empty(),
        Some((E::Run, rest)) => (0..=v.len()).any(|i| reference(rest, &v[i..])),
        Some((E::One, rest)) => !v.is_empty() && reference(rest, &v[1..]),
        Some((E::C(c), rest)) => v.first() == Some(c) && reference(rest, &v[1..]),
    }
}

/// R6: fold with `char::to_lowercase` under `Case::Insensitive`.
fn fold(text: &str, case: Case) -> Vec<char> {
    match case {
        Case::Sensitive => text.chars().collect(),
        Case::Insensitive => text.chars().flat_map(char::to_lowercase).collect(),
    }
}

fn reference_elems(tokens: &[PatternToken], case: Case) -> Vec<E> {
    let mut out = Vec::new();
    for t in tokens {
        match t {
            PatternToken::Literal(l) => out.extend(fold(l, case).into_iter().map(E::C)),
            PatternToken::AnyChar => out.push(E::One),
            PatternToken::AnyRun => out.push(E::Run),
        }
    }
    out
}

fn reference_match(tokens: &[PatternToken], case: Case, value: &str) -> bool {
    reference(&reference_elems(tokens, case), &fold(value, case))
}

/// The tokens `parse_pattern` must give: one `Literal` per maximal run of
/// other chars, one `AnyRun` per maximal run of `*`, one `AnyChar` per `?`.
fn reference_tokens(glob: &str) -> Vec<PatternToken> {
    let mut out: Vec<PatternToken> = Vec::new();
    for c in glob.chars() {
        match (c, out.last_mut()) {
            ('*', Some(PatternToken::AnyRun)) => {}
            ('*', _) => out.push(PatternToken::AnyRun),
            ('?', _) => out.push(PatternToken::AnyChar),
            (c, Some(PatternToken::Literal(l))) => l.push(c),
            (c, _) => out.push(PatternToken::Literal(c.to_string())),
        }
    }
    out
}

fn any_char() -> impl Strategy<Value = char> {
    prop::sample::select(ALPHABET)
}

fn text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(any_char(), 0..=max).prop_map(|cs| cs.into_iter().collect())
}

/// Tokens as `from_tokens` may receive them: literals that are empty,
/// adjacent, or hold `*` and `?` as plain characters; stars in a row.
fn tokens() -> impl Strategy<Value = Vec<PatternToken>> {
    let literal = prop::collection::vec(
        prop_oneof![6 => any_char(), 1 => Just('*'), 1 => Just('?')],
        0..4,
    )
    .prop_map(|cs| PatternToken::Literal(cs.into_iter().collect()));
    let token = prop_oneof![
        4 => literal,
        2 => Just(PatternToken::AnyRun),
        1 => Just(PatternToken::AnyChar),
    ];
    prop::collection::vec(token, 0..6)
}

fn glob() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![5 => any_char(), 2 => Just('*'), 1 => Just('?')],
        0..8,
    )
    .prop_map(|cs| cs.into_iter().collect())
}

/// A value built from the pattern, so that matches are common: literals
/// kept (or upper-cased, for the case-folding paths), each `*` replaced by a
/// filler, each `?` by one char; then optionally one char removed or added.
#[derive(Debug, Clone)]
struct Shaping {
    fillers: Vec<String>,
    upper: bool,
    edit: Option<(usize, Option<char>)>,
}

fn shaping() -> impl Strategy<Value = Shaping> {
    (
        prop::collection::vec(text(3), 6),
        any::<bool>(),
        prop::option::weighted(0.3, (0usize..16, prop::option::of(any_char()))),
    )
        .prop_map(|(fillers, upper, edit)| Shaping {
            fillers,
            upper,
            edit,
        })
}

fn instantiate(tokens: &[PatternToken], s: &Shaping) -> String {
    let mut out = String::new();
    for (i, t) in tokens.iter().enumerate() {
        let filler = &s.fillers[i % s.fillers.len()];
        match t {
            PatternToken::Literal(l) if s.upper => {
                out.extend(l.chars().flat_map(char::to_uppercase))
            }
            PatternToken::Literal(l) => out.push_str(l),
            PatternToken::AnyRun => out.push_str(filler),
            PatternToken::AnyChar => out.push(filler.chars().next().unwrap_or('x')),
        }
    }
    if let Some((at, insert)) = s.edit {
        let mut chars: Vec<char> = out.chars().collect();
        let at = at % (chars.len() + 1);
        match insert {
            Some(c) => chars.insert(at, c),
            None if at < chars.len() => {
                chars.remove(at);
            }
            None => {}
        }
        out = chars.into_iter().collect();
    }
    out
}

const CASES: [Case; 2] = [Case::Sensitive, Case::Insensitive];

proptest! {
    /// `from_tokens` over arbitrary token lists matches as the reference.
    #[test]
    fn from_tokens_matches_reference(toks in tokens(), s in shaping(), other in text(6)) {
        for case in CASES {
            let p = Pattern::from_tokens(toks.clone(), case);
            for value in [instantiate(&toks, &s), other.clone()] {
                prop_assert_eq!(
                    p.is_match(&value),
                    reference_match(&toks, case, &value),
                    "{:?} {:?} vs {:?}", case, toks, value
                );
            }
            prop_assert_eq!(p.has_any_char(), toks.contains(&PatternToken::AnyChar));
            prop_assert_eq!(
                p.is_literal(),
                !toks.iter().any(|t| !matches!(t, PatternToken::Literal(_)))
            );
        }
        // Sensitive patterns give back their tokens: empty literals dropped,
        // adjacent ones joined, star runs collapsed.
        let p = Pattern::from_tokens(toks.clone(), Case::Sensitive);
        prop_assert_eq!(Pattern::from_tokens(p.tokens(), Case::Sensitive), p);
    }

    /// `Pattern::new` (with its own shortcut) matches as the reference
    /// model's `wildcard_match`, on both sides folded when insensitive, and
    /// equals (so hashes as) the same pattern built from tokens, whole or
    /// split into single chars.
    #[test]
    fn new_matches_model(g in glob(), s in shaping(), other in text(6)) {
        let toks = parse_pattern(&g);
        prop_assert_eq!(&toks, &reference_tokens(&g));
        let split: Vec<PatternToken> = g
            .chars()
            .flat_map(|c| match c {
                '*' => vec![PatternToken::AnyRun],
                '?' => vec![PatternToken::AnyChar, PatternToken::Literal(String::new())],
                c => vec![PatternToken::Literal(c.to_string())],
            })
            .collect();
        for case in CASES {
            let p = Pattern::new(&g, case);
            prop_assert_eq!(&p, &Pattern::from_tokens(toks.clone(), case));
            prop_assert_eq!(&p, &Pattern::from_tokens(split.clone(), case));
            for value in [instantiate(&toks, &s), other.clone()] {
                let want = match case {
                    Case::Sensitive => rolecall_model::wildcard_match(&g, &value),
                    Case::Insensitive => rolecall_model::wildcard_match(
                        &fold(&g, case).into_iter().collect::<String>(),
                        &fold(&value, case).into_iter().collect::<String>(),
                    ),
                };
                prop_assert_eq!(p.is_match(&value), want, "{:?} {:?} vs {:?}", case, g, value);
            }
        }
    }
}

/// Fixed cases for each shape under both cases, with the folding letters.
#[test]
fn shapes_with_folding_letters() {
    let rows: &[(&str, Case, &str, bool)] = &[
        ("\u{212A}*", Case::Insensitive, "kelvin", true),
        ("\u{212A}*", Case::Sensitive, "kelvin", false),
        ("*\u{212A}", Case::Insensitive, "OK", true),
        ("a*\u{212A}", Case::Insensitive, "AK", true),
        ("a*\u{212A}", Case::Insensitive, "A", false),
        ("İ*", Case::Insensitive, "i\u{307}x", true),
        ("*İ", Case::Insensitive, "xİ", true),
        ("?*İ", Case::Insensitive, "İ", false),
        ("ß*", Case::Insensitive, "SS", false),
        ("ß*", Case::Insensitive, "ßS", true),
        ("é*É", Case::Insensitive, "Éé", true),
        ("é*É", Case::Sensitive, "Éé", false),
        ("é*É", Case::Sensitive, "éÉ", true),
        ("**", Case::Insensitive, "İ", true),
        ("a**", Case::Insensitive, "A", true),
        ("**a", Case::Insensitive, "bA", true),
    ];
    for &(glob, case, value, want) in rows {
        assert_eq!(
            Pattern::new(glob, case).is_match(value),
            want,
            "{glob:?} {case:?} vs {value:?}"
        );
        assert_eq!(
            Pattern::from_tokens(parse_pattern(glob), case).is_match(value),
            want,
            "tokens: {glob:?} {case:?} vs {value:?}"
        );
    }
}
