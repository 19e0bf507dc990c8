//! IAM wildcards (docs/DECISIONS.md R5, docs/SEMANTICS.md §3.3).
//!
//! In `StringLike`, `StringNotLike`, the ARN operators and `Action` values,
//! `*` is any run of zero or more characters and `?` exactly one character,
//! where a character is a Unicode scalar value. Nothing else is special: no
//! classes, no braces, no backslash escapes. Matching is anchored at both
//! ends.

/// One token of a wildcard pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PatternToken {
    /// Literal characters (never empty).
    Literal(String),
    /// `*`, or several `*` in a row: zero or more characters.
    AnyRun,
    /// `?`: exactly one character.
    AnyChar,
}

/// Whether `s` has a wildcard (`*` or `?`).
///
/// A byte scan: both wildcards are ASCII. `str::contains(['*', '?'])`
/// decodes every char and was a third of `is_trust_action` (callgrind).
///
/// ```
/// use rolecall_policy::grammar::pattern::has_wildcard;
/// assert!(has_wildcard("sts:Assume*") && has_wildcard("a?") && !has_wildcard("sts:TagSession"));
/// ```
pub fn has_wildcard(s: &str) -> bool {
    s.bytes().any(|b| b == b'*' || b == b'?')
}

/// Splits a pattern into tokens. Infallible: every string is a pattern.
///
/// ```
/// use rolecall_policy::grammar::pattern::{parse_pattern, PatternToken::*};
/// assert_eq!(parse_pattern("a**?b"), vec![Literal("a".into()), AnyRun, AnyChar, Literal("b".into())]);
/// ```
pub fn parse_pattern(s: &str) -> Vec<PatternToken> {
    // A byte scan for the two wildcards rather than a nom grammar: with nom
    // (`many0` of `alt` over `*`-runs, `?` and `is_not("*?")`) this cost
    // 51 k instructions per compile of the ten-by-five policy (callgrind,
    // 20 patterns), mostly per-char `find_token` and `many0`'s vector
    // growth; this loop costs 27 k, most of it the allocations of the
    // tokens. Both wildcards are ASCII, so a byte index of one is a char
    // boundary.
    let mut tokens = Vec::new();
    let mut literal_start = 0;
    for (i, b) in s.bytes().enumerate() {
        let token = match b {
            b'*' => PatternToken::AnyRun,
            b'?' => PatternToken::AnyChar,
            _ => continue,
        };
        if let Some(lit) = s.get(literal_start..i).filter(|l| !l.is_empty()) {
            tokens.push(PatternToken::Literal(lit.to_owned()));
        }
        literal_start = i + 1;
        // A run of `*` is one token: the last token is a `*` only when no
        // literal came between.
        if !(token == PatternToken::AnyRun && tokens.last() == Some(&PatternToken::AnyRun)) {
            tokens.push(token);
        }
    }
    if let Some(lit) = s.get(literal_start..).filter(|l| !l.is_empty()) {
        tokens.push(PatternToken::Literal(lit.to_owned()));
    }
    tokens
}

/// Whether `text` matches the whole pattern, comparing chars exactly.
///
/// Runs in O(pattern chars x text chars) time and O(text chars) space (the
/// classic two-row dynamic programme), so no pattern can make it
/// backtrack exponentially.
///
/// ```
/// use rolecall_policy::grammar::pattern::{parse_pattern, matches};
/// assert!(matches(&parse_pattern("repo:o/*:ref:*"), "repo:o/r:ref:refs/heads/main"));
/// assert!(!matches(&parse_pattern("a?"), "a"));
/// ```
pub fn matches(pattern: &[PatternToken], text: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    // reach[j]: the pattern read so far can consume exactly text[..j].
    let mut reach = vec![false; text.len() + 1];
    if let Some(first) = reach.first_mut() {
        *first = true;
    }
    for tok in pattern {
        reach = match tok {
            PatternToken::AnyRun => {
                let mut seen = false;
                reach
                    .iter()
                    .map(|&r| {
                        seen |= r;
                        seen
                    })
                    .collect()
            }
            PatternToken::AnyChar => {
                let mut next = vec![false; text.len() + 1];
                for (n, r) in next.iter_mut().skip(1).zip(reach.iter()) {
                    *n = *r;
                }
                next
            }
            PatternToken::Literal(lit) => {
                let lit: Vec<char> = lit.chars().collect();
                let mut next = vec![false; text.len() + 1];
                for (j, _) in reach.iter().enumerate().filter(|(_, r)| **r) {
                    let end = j + lit.len();
                    if text.get(j..end) == Some(lit.as_slice()) {
                        if let Some(n) = next.get_mut(end) {
                            *n = true;
                        }
                    }
                }
                next
            }
        };
    }
    reach.last().copied().unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::PatternToken::*;
    use super::*;

    #[test]
    fn tokens() {
        assert_eq!(parse_pattern(""), vec![]);
        assert_eq!(parse_pattern("abc"), vec![Literal("abc".into())]);
        assert_eq!(parse_pattern("***"), vec![AnyRun]);
        assert_eq!(parse_pattern("??"), vec![AnyChar, AnyChar]);
        assert_eq!(
            parse_pattern("[a]\\*{b}é"),
            vec![Literal("[a]\\".into()), AnyRun, Literal("{b}é".into())]
        );
    }

    #[test]
    fn wildcard_detection() {
        for (s, expected) in [
            ("", false),
            ("sts:TagSession", false),
            ("[a]{b}\\é$", false),
            ("sts:Assume*", true),
            ("a?", true),
            ("é*é", true),
        ] {
            assert_eq!(has_wildcard(s), expected, "{s:?}");
        }
    }

    #[test]
    fn matching_table() {
        for (pattern, text, expected) in [
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("*", "anything:/at all", true),
            ("a*", "a", true),
            ("?", "é", true),
            ("?", "", false),
            ("??", "é", false),
            ("a?c", "abc", true),
            ("a?c", "ac", false),
            ("*a*a*a*b", "aaaaaaaaab", true),
            ("*a*a*a*b", "aaaaaaaaaa", false),
            ("A", "a", false),
            ("[ab]", "a", false),
            ("[ab]", "[ab]", true),
            (
                "system:serviceaccount:prod:*",
                "system:serviceaccount:prod-test:app",
                false,
            ),
            (
                "system:serviceaccount:prod*",
                "system:serviceaccount:prod-test:app",
                true,
            ),
        ] {
            assert_eq!(
                matches(&parse_pattern(pattern), text),
                expected,
                "{pattern:?} vs {text:?}"
            );
        }
    }

    #[test]
    fn worst_case_is_polynomial() {
        let text = "a".repeat(10_000);
        let start = std::time::Instant::now();
        assert!(!matches(&parse_pattern("*a*a*a*a*b"), &text));
        // Exponential backtracking would take far longer than this.
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
