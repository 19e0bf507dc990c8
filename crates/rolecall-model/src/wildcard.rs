//! IAM wildcards (docs/DECISIONS.md R5, docs/SEMANTICS.md §3.3): `*` is any run of zero
//! or more characters, `?` exactly one; matching is anchored at both ends and
//! works on Unicode scalar values.

/// One element of a wildcard pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pat {
    /// `*`: zero or more characters.
    Star,
    /// `?`: exactly one character.
    One,
    /// A character that must be there as is.
    Lit(char),
}

/// Whether `value` matches the IAM wildcard `pattern` (`*` any run of
/// characters, `?` exactly one character, everything else literal,
/// case-sensitive, anchored at both ends).
///
/// ```
/// use rolecall_model::wildcard_match;
/// assert!(wildcard_match("repo:o/*", "repo:o/r:ref:refs/heads/main"));
/// assert!(wildcard_match("v?", "v1"));
/// assert!(!wildcard_match("v?", "v10"));
/// assert!(wildcard_match("main*", "main"));
/// ```
pub fn wildcard_match(pattern: &str, value: &str) -> bool {
    let pattern: Vec<Pat> = pattern
        .chars()
        .map(|c| match c {
            '*' => Pat::Star,
            '?' => Pat::One,
            c => Pat::Lit(c),
        })
        .collect();
    matches(&pattern, value)
}

/// Whether `value` matches the already split pattern.
pub(crate) fn matches(pattern: &[Pat], value: &str) -> bool {
    let value: Vec<char> = value.chars().collect();
    // The obvious recursion, memoized on (pattern position, value position)
    // so that `*a*a*a*b` against a long run of `a`s stays polynomial. The
    // recursion depth is at most the pattern length.
    let mut memo = vec![None; (pattern.len() + 1) * (value.len() + 1)];
    go(pattern, &value, 0, 0, &mut memo)
}

fn go(p: &[Pat], v: &[char], i: usize, j: usize, memo: &mut Vec<Option<bool>>) -> bool {
    let slot = i * (v.len() + 1) + j;
    if let Some(Some(known)) = memo.get(slot) {
        return *known;
    }
    let result = match p.get(i) {
        None => j == v.len(),
        // `*` takes zero, one, two, ... characters.
        Some(Pat::Star) => (j..=v.len()).any(|k| go(p, v, i + 1, k, memo)),
        Some(Pat::One) => j < v.len() && go(p, v, i + 1, j + 1, memo),
        Some(Pat::Lit(c)) => v.get(j) == Some(c) && go(p, v, i + 1, j + 1, memo),
    };
    if let Some(cell) = memo.get_mut(slot) {
        *cell = Some(result);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn table() {
        for (pattern, value, expected) in [
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("*", "anything:at/all", true),
            ("?", "", false),
            ("?", "é", true),
            ("??", "é", false),
            ("a*b", "ab", true),
            ("a*b", "a:/b", true),
            ("a*b", "a:/bc", false),
            ("A", "a", false),
            ("[a-z]", "a", false),
            ("a.c", "abc", false),
            ("*a*a*a*a*b", &"a".repeat(200), false),
        ] {
            assert_eq!(
                wildcard_match(pattern, value),
                expected,
                "{pattern} vs {value}"
            );
        }
    }
}
