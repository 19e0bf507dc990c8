//! The `matchers` property: four IAM wildcard matchers agree:
//! the engine's char matcher, the model's naive recursive matcher,
//! a regex translation, and the globset-backed `PatternSet`.

use arbitrary::Unstructured;
use rolecall_eval::matcher::{Case, Pattern, PatternSet, SetStrategy};

/// Checks that every matcher gives the same answer for `pattern` against
/// `value`, case-sensitively, and, after R6 folding, case-insensitively.
///
/// # Panics
///
/// When two matchers disagree: this is the fuzz target's oracle.
pub fn check_matchers(pattern: &str, value: &str) {
    let model = rolecall_model::wildcard_match(pattern, value);
    let engine = Pattern::new(pattern, Case::Sensitive);
    assert_eq!(
        engine.is_match(value),
        model,
        "char matcher vs model: pattern {pattern:?}, value {value:?}"
    );
    if let Some(regex) = regex_of(pattern) {
        assert_eq!(
            regex.is_match(value),
            model,
            "regex translation vs model: pattern {pattern:?}, value {value:?}"
        );
    }
    // globset, forced, alone and among decoys that cannot match (a NUL
    // never appears in policy text), so the set logic runs too.
    let alone = PatternSet::with_strategy([engine.clone()], SetStrategy::GlobSet);
    assert_eq!(
        alone.is_match(value),
        model,
        "globset PatternSet vs model: pattern {pattern:?}, value {value:?} (uses globset: {})",
        alone.uses_globset()
    );
    let decoys = ["\0never*", "\0?", "\0"].map(|d| Pattern::new(d, Case::Sensitive));
    let mixed = PatternSet::with_strategy(
        decoys.iter().cloned().chain([engine.clone()]),
        SetStrategy::GlobSet,
    );
    assert_eq!(
        mixed.is_match(value),
        model
            || ["\0never*", "\0?", "\0"]
                .iter()
                .any(|d| rolecall_model::wildcard_match(d, value)),
        "globset PatternSet with decoys vs model: pattern {pattern:?}, value {value:?}"
    );
    for strategy in [SetStrategy::Index, SetStrategy::Auto] {
        let set =
            PatternSet::with_strategy(decoys.iter().cloned().chain([engine.clone()]), strategy);
        assert_eq!(
            set.is_match(value),
            mixed.is_match(value),
            "{strategy:?} PatternSet with decoys vs globset: pattern {pattern:?}, value {value:?}"
        );
    }
    let looped = PatternSet::with_strategy([engine], SetStrategy::Loop);
    assert_eq!(looped.first_match(value).is_some(), model);
    // Case-insensitive (actions, R6): the engine folds both sides itself.
    let fold = |s: &str| s.chars().flat_map(char::to_lowercase).collect::<String>();
    assert_eq!(
        Pattern::new(pattern, Case::Insensitive).is_match(value),
        rolecall_model::wildcard_match(&fold(pattern), &fold(value)),
        "case-insensitive char matcher vs model on folded text: pattern {pattern:?}, value {value:?}"
    );
}

/// `*` as `(?s:.*)`, `?` as `(?s:.)`, everything else escaped; anchored.
/// `None` when the regex would exceed the default size limit.
fn regex_of(pattern: &str) -> Option<regex::Regex> {
    let mut re = String::from(r"\A");
    let mut buf = [0u8; 4];
    for c in pattern.chars() {
        match c {
            '*' => re.push_str("(?s:.*)"),
            '?' => re.push_str("(?s:.)"),
            c => re.push_str(&regex::escape(c.encode_utf8(&mut buf))),
        }
    }
    re.push_str(r"\z");
    regex::Regex::new(&re).ok()
}

/// The alphabet the fuzz and proptest inputs draw from: wildcard
/// characters, globset's own syntax, ASCII, Latin-1, beyond Latin-1, and
/// multi-byte characters (globset's `?` is one byte).
pub const ALPHABET: &[char] = &[
    '*', '?', 'a', 'b', 'A', ':', '/', '[', ']', '{', '}', ',', '\\', '!', '.', 'é', 'É', 'ß', 'ÿ',
    'ā', '日', '😀', 'İ', '\0',
];

/// A (pattern, value) pair from an `Unstructured`, in the [`ALPHABET`] most
/// of the time and arbitrary text otherwise; the value is often derived
/// from the pattern so that matches happen.
pub fn pair(u: &mut Unstructured<'_>) -> (String, String) {
    let text = |u: &mut Unstructured<'_>| -> String {
        let n = u.int_in_range(0..=12usize).unwrap_or(0);
        (0..n)
            .map(|_| {
                let i = u.int_in_range(0..=ALPHABET.len() - 1).unwrap_or(0);
                ALPHABET.get(i).copied().unwrap_or('a')
            })
            .collect()
    };
    let pattern = if u.ratio(1u8, 8).unwrap_or(false) {
        u.arbitrary::<String>().unwrap_or_default()
    } else {
        text(u)
    };
    let value = if u.ratio(1u8, 2).unwrap_or(false) {
        // Instantiate the pattern: each `*` becomes some text, each `?` one char.
        let mut out = String::new();
        for c in pattern.chars() {
            match c {
                '*' => out.push_str(&text(u).replace(['*', '?'], "")),
                '?' => out.push(if u.ratio(1u8, 2).unwrap_or(false) {
                    'é'
                } else {
                    'x'
                }),
                c => out.push(c),
            }
        }
        out
    } else {
        text(u)
    };
    (pattern, value)
}

/// The fuzz and replay entry point: bytes to a pair, then the check.
pub fn check_matchers_bytes(bytes: &[u8]) {
    let (pattern, value) = pair(&mut Unstructured::new(bytes));
    check_matchers(&pattern, &value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        for (p, v) in [
            ("", ""),
            ("*", ""),
            ("?", "é"),
            ("?", "日"),
            ("a?b", "a😀b"),
            ("[ab]", "a"),
            ("[ab]", "[ab]"),
            ("{a,b}", "a"),
            ("\\*", "\\x"),
            ("**/x", "x"),
            ("*a*a*a*b", "aaaaaaaaaaaaaaaa"),
            ("İ", "i̇"),
        ] {
            check_matchers(p, v);
        }
    }

    #[test]
    fn the_check_sees_matches_and_misses() {
        // Guard against inputs that never match or always match.
        assert!(rolecall_model::wildcard_match("a?b", "a😀b"));
        assert!(!rolecall_model::wildcard_match("[ab]", "a"));
    }

    proptest::proptest! {
        #[test]
        fn matchers_agree(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64)) {
            check_matchers_bytes(&bytes);
        }
    }
}
