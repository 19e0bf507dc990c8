//! IAM wildcard matching (docs/DECISIONS.md R5, R6).
//!
//! In `StringLike`, `StringNotLike`, the ARN operators and action names, a
//! policy value is a *glob*: `*` matches any run of zero or more characters
//! and `?` exactly one character, where a character is a Unicode scalar
//! value (a Rust `char`, not a byte). Nothing else is special: no `[a-z]`
//! classes, no `{a,b}` alternatives, no `\` escapes, and `*` crosses `/` and
//! `:` like any other character. Matching is anchored at both ends.
//!
//! # Types
//!
//! * [`Pattern`] is one compiled glob. [`Pattern::new`] reads the IAM glob
//!   syntax; [`Pattern::from_tokens`] takes already-split tokens, which is
//!   how a literal `*` (written `${*}` in a 2012-10-17 policy, or coming from
//!   a substituted policy variable) reaches the matcher without becoming a
//!   wildcard (docs/SEMANTICS.md D4).
//! * [`Case`] chooses exact matching (`StringLike`, ARNs) or matching after
//!   R6 case folding (action names).
//! * [`PatternSet`] answers "does any of these patterns match?" for the many
//!   values of one condition key; when the set is large, its literal-shaped
//!   patterns are hashed by their text and the others go through `globset`.
//!
//! # Example
//!
//! ```
//! use rolecall_eval::matcher::{Case, Pattern, PatternToken};
//!
//! let p = Pattern::new("repo:octo-org/*:ref:refs/heads/v?", Case::Sensitive);
//! assert!(p.is_match("repo:octo-org/app:ref:refs/heads/v1"));
//! assert!(!p.is_match("repo:octo-org/app:ref:refs/heads/v10"));
//!
//! // A literal star, as `${*}` produces it, is not a wildcard.
//! let lit = Pattern::from_tokens(
//!     [PatternToken::Literal("svc-*".into())],
//!     Case::Sensitive,
//! );
//! assert!(lit.is_match("svc-*"));
//! assert!(!lit.is_match("svc-x"));
//!
//! // Action names compare after folding case.
//! let action = Pattern::new("AssumeRoleWith*", Case::Insensitive);
//! assert!(action.is_match("assumerolewithwebidentity"));
//! ```
//!
//! # Cost
//!
//! [`Pattern::is_match`] never allocates and runs in O(pattern x value)
//! time in the worst case: it is the classic greedy two-pointer algorithm,
//! which on a mismatch after a `*` retries from one character further on
//! from the *last* `*` only. Earlier stars never need revisiting, because
//! whatever they matched the last star can absorb, so there is no
//! exponential backtracking: `*a*a*a*a*a*a*a*a*a*a*b` against 100,000 `a`s
//! is linear (see the `matcher` bench). Patterns of the shapes `lit`, `lit*`,
//! `*lit`, `lit*lit` and `*` skip the general loop entirely.

use std::fmt;

mod literal_index;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rolecall_policy::grammar::pattern::parse_pattern;

use literal_index::LiteralIndex;

/// One piece of a glob: the token type of `rolecall_policy`'s pattern
/// grammar, re-exported so that parsed tokens reach [`Pattern::from_tokens`]
/// unchanged.
///
/// A `Literal` is matched character for character, whatever characters it
/// holds, `*` and `?` included.
pub use rolecall_policy::grammar::pattern::PatternToken;

/// Whether letters must agree in case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Case {
    /// Characters are compared exactly (`StringLike`, ARN operators).
    Sensitive,
    /// Both sides are compared as `s.chars().flat_map(char::to_lowercase)`
    /// (docs/DECISIONS.md R6): action names. A `?` then matches one character of
    /// the *folded* text.
    Insensitive,
}

/// One element of a compiled pattern.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Elem {
    Char(char),
    AnyChar,
    AnyRun,
}

/// A shortcut chosen at compile time for common pattern shapes.
///
/// INVARIANT (canonical shape): a pattern whose normalised elements have no
/// `?` and at most one `*` always gets one of the literal shapes, never
/// `General`; so the shape is a function of the elements, and the derived
/// equality and hash of [`Pattern`] are those of its elements and case.
/// Kept by [`Pattern::from_tokens`] and [`Pattern::new`], the only places
/// that build a shape.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Shape {
    /// No wildcard at all.
    Exact(Box<str>),
    /// `lit*`.
    Prefix(Box<str>),
    /// `*lit`.
    Suffix(Box<str>),
    /// `lit*lit`.
    PrefixSuffix(Box<str>, Box<str>),
    /// `*` alone (also `**`, which is the same pattern).
    Everything,
    /// Anything else: run the general loop over these elements.
    ///
    /// The literal shapes keep no element list: [`Pattern::elems`] rebuilds
    /// it from their text for the cold uses (display, tokens, globset).
    General(Box<[Elem]>),
}

/// A compiled IAM glob.
///
/// Build it once (at policy compile time) and match it against many values;
/// see the [module documentation](self) for the syntax and the cost.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Pattern {
    // INVARIANT (normalised): in `Shape::General`, no two `AnyRun` are
    // adjacent (`**` is `*`); under `Case::Insensitive` every `Char` there
    // and every literal of the other shapes is already folded with
    // `char::to_lowercase`. Kept by `Pattern::from_tokens` and `Pattern::new`.
    shape: Shape,
    case: Case,
}

impl Pattern {
    /// Compiles an IAM glob written in policy syntax: `*` and `?` are
    /// wildcards, every other character is literal.
    ///
    /// This never fails: every string is a valid glob.
    pub fn new(glob: &str, case: Case) -> Pattern {
        // A glob without `?` and with one run of `*` at most (nearly all of
        // them) gets its shape straight from slices of `glob`, without
        // tokens. `*` and `?` are ASCII, so byte-wise searching is exact.
        if !glob.contains('?') {
            let shape = match glob.split_once('*') {
                None => Some(Shape::Exact(fold(glob, case).into_boxed_str())),
                Some((head, rest)) => {
                    let tail = rest.trim_start_matches('*');
                    (!tail.contains('*'))
                        .then(|| literal_shape(fold(head, case), Some(fold(tail, case))))
                }
            };
            if let Some(shape) = shape {
                return Pattern { shape, case };
            }
        }
        Pattern::from_tokens(parse_pattern(glob), case)
    }

    /// Compiles a glob from tokens, such as the output of the policy
    /// crate's pattern grammar after `${*}`, `${?}`, `${$}` and policy
    /// variables were turned into literals.
    pub fn from_tokens<I>(tokens: I, case: Case) -> Pattern
    where
        I: IntoIterator<Item = PatternToken>,
    {
        // One pass that recognises the literal shapes as it goes, keeping
        // only the literal text before the first `*` (`head`) and after it
        // (`tail`); the element list is built only once a `?` or a second
        // `*` shows the pattern is general. A token's `String` that is a
        // whole literal becomes the shape's text without a copy. Building
        // the element list char by char and then the shape from it cost
        // 120 k instructions per `CompiledPolicy::from_json` of the
        // ten-by-five policy (callgrind, 20 patterns); this pass costs 6 k.
        let mut head = String::new();
        let mut tail: Option<String> = None;
        let mut tokens = tokens.into_iter();
        while let Some(token) = tokens.next() {
            match token {
                PatternToken::Literal(text) => {
                    push_literal(tail.as_mut().unwrap_or(&mut head), text, case);
                }
                PatternToken::AnyRun if tail.is_none() => tail = Some(String::new()),
                // `**` (perhaps with empty literals between) is `*`.
                PatternToken::AnyRun if tail.as_ref().is_some_and(String::is_empty) => {}
                PatternToken::AnyRun | PatternToken::AnyChar => {
                    let elems =
                        general_elems(head, tail, std::iter::once(token).chain(tokens), case);
                    return Pattern {
                        shape: Shape::General(elems),
                        case,
                    };
                }
            }
        }
        Pattern {
            shape: literal_shape(head, tail),
            case,
        }
    }

    /// Whether the whole of `value` matches the pattern.
    ///
    /// Allocation-free; O(pattern x value) in the worst case.
    pub fn is_match(&self, value: &str) -> bool {
        match self.case {
            Case::Sensitive => match &self.shape {
                Shape::Exact(lit) => value == &**lit,
                Shape::Prefix(p) => value.starts_with(&**p),
                Shape::Suffix(s) => value.ends_with(&**s),
                // Byte lengths are enough: a prefix and a suffix of valid
                // UTF-8 that do not overlap in bytes do not overlap in chars.
                Shape::PrefixSuffix(p, s) => {
                    value.len() >= p.len() + s.len()
                        && value.starts_with(&**p)
                        && value.ends_with(&**s)
                }
                Shape::Everything => true,
                Shape::General(elems) => glob_match(elems, value.chars()),
            },
            Case::Insensitive => {
                if let Shape::Exact(lit) = &self.shape {
                    // `lit` is folded already; for an ASCII value folding is
                    // `to_ascii_lowercase`, so one byte comparison does. It
                    // took the IRSA bench's `evaluate` from 78 to 60 ns (the
                    // char-by-char path below costs ~8 ns per action half).
                    if value.is_ascii() {
                        return value.eq_ignore_ascii_case(lit);
                    }
                }
                if value.is_ascii() {
                    // ASCII fast path: folding an ASCII string is
                    // `to_ascii_lowercase`, one byte per char.
                    self.match_folded(value.bytes().map(|b| char::from(b.to_ascii_lowercase())))
                } else {
                    self.match_folded(value.chars().flat_map(char::to_lowercase))
                }
            }
        }
    }

    /// Case-insensitive matching over the folded chars of the value.
    fn match_folded<I>(&self, folded: I) -> bool
    where
        I: Iterator<Item = char> + Clone,
    {
        match &self.shape {
            Shape::Exact(lit) => folded.eq(lit.chars()),
            Shape::Prefix(p) => {
                let mut folded = folded;
                p.chars().all(|c| folded.next() == Some(c))
            }
            Shape::Everything => true,
            Shape::General(elems) => glob_match(elems, folded),
            // The other shapes are rare for actions; the general loop is
            // still linear for them.
            Shape::Suffix(_) | Shape::PrefixSuffix(..) => glob_match_stream(self.elems(), folded),
        }
    }

    /// The normalised elements of the pattern, rebuilt from the shape's
    /// text for the literal shapes.
    fn elems(&self) -> impl Iterator<Item = Elem> + Clone + '_ {
        let (general, head, star, tail): (&[Elem], &str, bool, &str) = match &self.shape {
            Shape::General(elems) => (elems, "", false, ""),
            Shape::Exact(lit) => (&[], lit, false, ""),
            Shape::Prefix(p) => (&[], p, true, ""),
            Shape::Suffix(s) => (&[], "", true, s),
            Shape::PrefixSuffix(p, s) => (&[], p, true, s),
            Shape::Everything => (&[], "", true, ""),
        };
        general
            .iter()
            .copied()
            .chain(head.chars().map(Elem::Char))
            .chain(star.then_some(Elem::AnyRun))
            .chain(tail.chars().map(Elem::Char))
    }

    /// A value the pattern matches (when `run` has no wildcard): each `*`
    /// becomes `run`, each `?` an `x`.
    fn sample(&self, run: &str) -> String {
        let mut out = String::new();
        for e in self.elems() {
            match e {
                Elem::Char(c) => out.push(c),
                Elem::AnyChar => out.push('x'),
                Elem::AnyRun => out.push_str(run),
            }
        }
        out
    }

    /// Whether letters must agree in case for this pattern.
    pub fn case(&self) -> Case {
        self.case
    }

    /// Whether the pattern has no wildcard (it matches exactly one string,
    /// up to case under [`Case::Insensitive`]).
    pub fn is_literal(&self) -> bool {
        matches!(self.shape, Shape::Exact(_))
    }

    /// Whether the pattern has a `?`. Such patterns cannot go to `globset`
    /// for non-ASCII values, whose `?` matches one byte.
    pub fn has_any_char(&self) -> bool {
        // Only general patterns hold a `?` (canonical shape invariant).
        matches!(&self.shape, Shape::General(elems) if elems.contains(&Elem::AnyChar))
    }

    /// The pattern as tokens (folded under [`Case::Insensitive`]).
    pub fn tokens(&self) -> Vec<PatternToken> {
        let mut out = Vec::new();
        for e in self.elems() {
            match e {
                Elem::Char(c) => {
                    if let Some(PatternToken::Literal(s)) = out.last_mut() {
                        s.push(c);
                    } else {
                        out.push(PatternToken::Literal(c.to_string()));
                    }
                }
                Elem::AnyChar => out.push(PatternToken::AnyChar),
                Elem::AnyRun => out.push(PatternToken::AnyRun),
            }
        }
        out
    }

    /// The `globset` glob text with the same meaning for ASCII values
    /// (and for every value when the pattern has no `?`).
    ///
    /// IAM has two special characters and globset has seven: every literal
    /// `*`, `?`, `[`, `]`, `{`, `}` and `\` is escaped with a backslash
    /// (the builder enables `backslash_escape`). `*` must also cross `/`,
    /// which `GlobBuilder::literal_separator(false)` gives; `**` never
    /// appears because compilation collapses it to `*`.
    fn to_globset_syntax(&self) -> String {
        let mut out = String::new();
        for e in self.elems() {
            match e {
                Elem::Char(c) => {
                    if matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | '\\') {
                        out.push('\\');
                    }
                    out.push(c);
                }
                Elem::AnyChar => out.push('?'),
                Elem::AnyRun => out.push('*'),
            }
        }
        out
    }
}

/// Shows the pattern in policy syntax; literal `*`, `?` and `$` are written
/// as the 2012-10-17 escapes `${*}`, `${?}` and `${$}`.
impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        for e in self.elems() {
            match e {
                Elem::Char('*') => f.write_str("${*}")?,
                Elem::Char('?') => f.write_str("${?}")?,
                Elem::Char('$') => f.write_str("${$}")?,
                Elem::Char(c) => f.write_char(c)?,
                Elem::AnyChar => f.write_char('?')?,
                Elem::AnyRun => f.write_char('*')?,
            }
        }
        Ok(())
    }
}

/// `text` as a pattern literal: folded (R6) under [`Case::Insensitive`].
fn fold(text: &str, case: Case) -> String {
    match case {
        Case::Sensitive => text.to_owned(),
        // Folding ASCII text is `to_ascii_lowercase`: one byte per char.
        Case::Insensitive if text.is_ascii() => text.to_ascii_lowercase(),
        Case::Insensitive => text.chars().flat_map(char::to_lowercase).collect(),
    }
}

/// Appends literal token text to `buf`, folded under [`Case::Insensitive`],
/// reusing `text`'s allocation when `buf` is still empty.
fn push_literal(buf: &mut String, mut text: String, case: Case) {
    if case == Case::Insensitive {
        if text.is_ascii() {
            text.make_ascii_lowercase();
        } else {
            text = fold(&text, case);
        }
    }
    if buf.is_empty() {
        *buf = text;
    } else {
        buf.push_str(&text);
    }
}

/// The shape of a pattern with no `?` and at most one run of `*`: the
/// literal `head` before the star and, when there is a star, the literal
/// `tail` after it (both folded already).
fn literal_shape(head: String, tail: Option<String>) -> Shape {
    match tail {
        None => Shape::Exact(head.into_boxed_str()),
        Some(tail) => match (head.is_empty(), tail.is_empty()) {
            (true, true) => Shape::Everything,
            (false, true) => Shape::Prefix(head.into_boxed_str()),
            (true, false) => Shape::Suffix(tail.into_boxed_str()),
            (false, false) => Shape::PrefixSuffix(head.into_boxed_str(), tail.into_boxed_str()),
        },
    }
}

/// The normalised element list of a general pattern: `head`, a `*` and
/// `tail` when there is one (folded already, as [`Pattern::from_tokens`]
/// gathered them), then the remaining tokens.
fn general_elems<I>(head: String, tail: Option<String>, rest: I, case: Case) -> Box<[Elem]>
where
    I: Iterator<Item = PatternToken>,
{
    // Byte lengths bound char counts; the rest is usually a few tokens.
    let known = head.len() + tail.as_ref().map_or(0, |t| t.len() + 1);
    let mut elems: Vec<Elem> = Vec::with_capacity(known + 8);
    elems.extend(head.chars().map(Elem::Char));
    if let Some(tail) = tail {
        elems.push(Elem::AnyRun);
        elems.extend(tail.chars().map(Elem::Char));
    }
    for token in rest {
        match token {
            PatternToken::Literal(text) => match case {
                Case::Sensitive => elems.extend(text.chars().map(Elem::Char)),
                Case::Insensitive => {
                    elems.extend(text.chars().flat_map(char::to_lowercase).map(Elem::Char))
                }
            },
            PatternToken::AnyChar => elems.push(Elem::AnyChar),
            // Collapse `**` to `*`: same language, fewer retry points.
            PatternToken::AnyRun => {
                if elems.last() != Some(&Elem::AnyRun) {
                    elems.push(Elem::AnyRun);
                }
            }
        }
    }
    elems.into_boxed_slice()
}

/// The general matcher: greedy two pointers, retrying from the last `*`.
///
/// Written by hand because no maintained crate matches IAM globs over chars
/// without allocating (globset and regex work on bytes or need a compiled
/// automaton per pattern). `value` is an iterator so that the same loop
/// serves exact and case-folded matching; cloning a `Chars` (or a folding
/// adaptor over it) copies two pointers, so saving a retry point is free.
fn glob_match<I>(elems: &[Elem], mut value: I) -> bool
where
    I: Iterator<Item = char> + Clone,
{
    let mut p = 0usize;
    // The last `*` seen: the element index after it, and the value position
    // from which that star's next attempt starts.
    let mut retry: Option<(usize, I)> = None;
    loop {
        let before = value.clone();
        match value.next() {
            Some(c) => {
                match elems.get(p) {
                    Some(Elem::Char(pc)) if *pc == c => {
                        p += 1;
                        continue;
                    }
                    Some(Elem::AnyChar) => {
                        p += 1;
                        continue;
                    }
                    Some(Elem::AnyRun) => {
                        // Let the star match nothing first; a failure later
                        // grows it by one char.
                        p += 1;
                        retry = Some((p, before.clone()));
                        value = before;
                        continue;
                    }
                    _ => {}
                }
                // Mismatch: grow the last star by one char, or fail.
                match &mut retry {
                    Some((star_p, star_v)) => {
                        if star_v.next().is_none() {
                            return false;
                        }
                        p = *star_p;
                        value = star_v.clone();
                    }
                    None => return false,
                }
            }
            // Value exhausted: only stars may remain.
            None => {
                return elems
                    .get(p..)
                    .is_some_and(|rest| rest.iter().all(|e| *e == Elem::AnyRun));
            }
        }
    }
}

/// The general matcher over a *streamed* pattern: the same greedy
/// two-pointer algorithm as [`glob_match`], but the pattern is an iterator
/// of elements rather than a slice.
///
/// Evaluation uses it for policy values with policy variables: the pattern
/// is produced on the fly from the compiled template, whose literal text is
/// borrowed from the compiled policy and whose substituted text is borrowed
/// from the request context, so matching such a value allocates nothing.
/// Cloning the pattern iterator saves a retry point, as for the value.
pub(crate) fn glob_match_stream<P, V>(mut pattern: P, mut value: V) -> bool
where
    P: Iterator<Item = Elem> + Clone,
    V: Iterator<Item = char> + Clone,
{
    // The last `*` seen: the pattern after it, and the value position from
    // which that star's next attempt starts.
    let mut retry: Option<(P, V)> = None;
    loop {
        let before = value.clone();
        match value.next() {
            Some(c) => {
                match pattern.next() {
                    Some(Elem::Char(pc)) if pc == c => continue,
                    Some(Elem::AnyChar) => continue,
                    Some(Elem::AnyRun) => {
                        retry = Some((pattern.clone(), before.clone()));
                        value = before;
                        continue;
                    }
                    _ => {}
                }
                match &mut retry {
                    Some((star_p, star_v)) => {
                        if star_v.next().is_none() {
                            return false;
                        }
                        pattern = star_p.clone();
                        value = star_v.clone();
                    }
                    None => return false,
                }
            }
            // Value exhausted: only stars may remain.
            None => return pattern.all(|e| e == Elem::AnyRun),
        }
    }
}

/// Below this many patterns, [`PatternSet`] loops over [`Pattern::is_match`]
/// instead of building a literal index and a `GlobSet`.
///
/// Chosen with the `matcher` bench (`benches/benches/matcher.rs`, a
/// non-matching GitHub `sub` against a mix of `sub` patterns, 2-core VM):
/// the loop costs about 5.3 ns per pattern (16: 88 ns, 32: 173 ns, 50:
/// 262 ns) while the GlobSet costs 90 to 120 ns whatever the size (16:
/// 100 ns, 32: 116 ns, 50: 118 ns), so they cross near 19 patterns.
#[doc(hidden)] // a tuning knob for tests and benches, not API
pub const GLOBSET_THRESHOLD: usize = 20;

/// Many case-sensitive patterns for one condition key, matched at once.
///
/// Small sets loop over [`Pattern::is_match`]. In a set of at least
/// [`GLOBSET_THRESHOLD`] patterns, the literal-shaped ones (no `?`, at most
/// one `*`: nearly every `StringLike` list) are hashed by their literal
/// text (`literal_index.rs`) when the others are none or at least
/// [`GLOBSET_THRESHOLD`] too; those others, or else every pattern, are
/// translated into a `globset::GlobSet` (escaping globset's own syntax, see
/// the module docs). globset's `?` matches one
/// *byte*, so the translation is exact only for ASCII values and for
/// patterns without `?`: a non-ASCII value is checked against a second set
/// holding only the `?`-free patterns, and the `?` patterns are looped over
/// with the char matcher.
///
/// ```
/// use rolecall_eval::matcher::{Case, Pattern, PatternSet};
///
/// let set = PatternSet::new((0..100).map(|i| Pattern::new(&format!("repo:o/r{i}:*"), Case::Sensitive)));
/// assert!(set.is_match("repo:o/r42:pull_request"));
/// assert!(!set.is_match("repo:o/r100:pull_request"));
/// ```
#[derive(Debug, Clone)]
pub struct PatternSet {
    patterns: Vec<Pattern>,
    /// The literal-shaped patterns, hashed ([`SetStrategy::Auto`] on a
    /// large set, [`SetStrategy::Index`]); the other fields then hold only
    /// the rest. Boxed: every compiled condition holds an
    /// `Option<PatternSet>`, and an inline index made the compiled
    /// 1,000-statement scale policy 6 MiB larger (`scale_rss`).
    index: Option<Box<LiteralIndex>>,
    /// Indexes into `patterns` of those the index does not hold (all of
    /// them without an index): filtering all patterns on each lookup made
    /// a 10,000-pattern no-match lookup 9.6 µs instead of 74 ns.
    rest: Vec<usize>,
    globs: Option<Globs>,
}

/// The globset side of a large [`PatternSet`].
#[derive(Debug, Clone)]
struct Globs {
    /// Every pattern: exact for ASCII values, and for every value when no
    /// pattern has `?`.
    ascii: GlobSet,
    /// The patterns without `?`, exact for every value: `None` when that
    /// is every pattern, so the common set is built once (a second copy
    /// doubled the memory of a 10,000-pattern set: peak RSS 83 -> 52 MiB,
    /// `scale_rss string-like 10000`).
    star_only: Option<GlobSet>,
    /// Indexes into `patterns` of those with `?`, matched by the char
    /// matcher when the value is not ASCII.
    any_char: Vec<usize>,
}

/// How a [`PatternSet`] matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[doc(hidden)] // a tuning knob for tests and benches, not API
pub enum SetStrategy {
    /// Decide by size ([`GLOBSET_THRESHOLD`]).
    Auto,
    /// Always loop over [`Pattern::is_match`].
    Loop,
    /// Use globset whenever the patterns allow it (case-sensitive only).
    GlobSet,
    /// Hash the literal-shaped patterns (no `?`, at most one `*`; see
    /// `literal_index.rs`) and loop over the rest.
    Index,
}

impl PatternSet {
    /// Builds a set, choosing the strategy by size ([`SetStrategy::Auto`]).
    pub fn new<I>(patterns: I) -> PatternSet
    where
        I: IntoIterator<Item = Pattern>,
    {
        PatternSet::with_strategy(patterns, SetStrategy::Auto)
    }

    /// Builds a set with an explicit strategy (for tests and benches).
    #[doc(hidden)]
    ///
    /// globset is used only when every pattern is [`Case::Sensitive`]
    /// (globset's case folding is not R6's) and the translation compiles;
    /// otherwise, or if globset refuses a translated glob, the set loops.
    /// Either way the answers are the same.
    pub fn with_strategy<I>(patterns: I, strategy: SetStrategy) -> PatternSet
    where
        I: IntoIterator<Item = Pattern>,
    {
        let patterns: Vec<Pattern> = patterns.into_iter().collect();
        let large = patterns.len() >= GLOBSET_THRESHOLD;
        let general = patterns.iter().filter(|p| !LiteralIndex::holds(p)).count();
        let index_wanted = match strategy {
            // The index pays when what it leaves is nothing or enough for
            // globset; a few general patterns left to the loop beside it
            // cost more than one globset for all (a 50-pattern mix with 13
            // `?` patterns: 186 ns against 87 ns, `--bench matcher`).
            SetStrategy::Auto => large && (general == 0 || general >= GLOBSET_THRESHOLD),
            SetStrategy::Index => true,
            SetStrategy::Loop | SetStrategy::GlobSet => false,
        };
        // An index that would hold nothing is not built.
        let index = (index_wanted && general < patterns.len())
            .then(|| Box::new(LiteralIndex::new(&patterns)));
        let indexed = index.is_some();
        let in_rest = move |p: &Pattern| !(indexed && LiteralIndex::holds(p));
        let rest: Vec<usize> = (0..patterns.len())
            .filter(|&i| patterns.get(i).is_some_and(in_rest))
            .collect();
        let wanted = match strategy {
            SetStrategy::Auto => rest.len() >= GLOBSET_THRESHOLD,
            SetStrategy::Loop | SetStrategy::Index => false,
            SetStrategy::GlobSet => true,
        };
        // globset normalises `\` to `/` in candidates on Windows, which
        // would change values; keep the exact loop there.
        let usable = !cfg!(windows)
            && patterns
                .iter()
                .filter(|p| in_rest(p))
                .all(|p| p.case == Case::Sensitive);
        let globs = if wanted && usable {
            build_globs(patterns.iter().enumerate().filter(|(_, p)| in_rest(p)))
        } else {
            None
        };
        if let Some(g) = &globs {
            // globset's regex engines build their matching cache lazily, on
            // the first value that reaches them in each thread (55
            // allocations for a 31-pattern set), and reuse it afterwards.
            // Matching a sample of every pattern here, ASCII and not (they
            // go to different sets), moves that cost to build time for this
            // thread, so that evaluation allocates nothing; another thread
            // pays it once. A value that cannot match (all NULs) would not
            // do: regex answers it from its prefilter without the cache.
            for p in patterns.iter().filter(|p| in_rest(p)) {
                let _ = g.is_match(&patterns, &p.sample(""));
                let _ = g.is_match(&patterns, &p.sample("\u{e9}"));
            }
        }
        PatternSet {
            patterns,
            index,
            rest,
            globs,
        }
    }

    /// Whether any pattern matches the whole of `value`.
    pub fn is_match(&self, value: &str) -> bool {
        if self.index.as_ref().is_some_and(|i| i.is_match(value)) {
            return true;
        }
        match &self.globs {
            None => self.rest().any(|p| p.is_match(value)),
            // globset reads the value as a path: a last component `..` has
            // no file name there, so its extension and basename strategies
            // miss (`a*/..` vs `ab/..`, found by the `matchers` fuzz target).
            // Such values take the exact loop.
            Some(_) if value == ".." || value.ends_with("/..") => {
                self.rest().any(|p| p.is_match(value))
            }
            Some(g) => g.is_match(&self.patterns, value),
        }
    }

    /// The patterns the index does not hold (all of them without one).
    fn rest(&self) -> impl Iterator<Item = &Pattern> {
        self.rest.iter().filter_map(|&i| self.patterns.get(i))
    }

    /// The patterns, in the order given.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The index of the first pattern that matches `value`, for
    /// explanations. Uses the char matcher (explanations are not hot).
    pub fn first_match(&self, value: &str) -> Option<usize> {
        self.patterns.iter().position(|p| p.is_match(value))
    }

    /// Whether this set answers through globset.
    #[doc(hidden)] // for tests and benches
    pub fn uses_globset(&self) -> bool {
        self.globs.is_some()
    }

    /// Whether this set hashes its literal-shaped patterns.
    #[doc(hidden)] // for tests and benches
    pub fn uses_index(&self) -> bool {
        self.index.is_some()
    }

    /// The number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// Whether the set has no pattern (it then matches nothing).
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }
}

impl Globs {
    /// Whether a globbed pattern matches `value` (a value that is not a
    /// `..` path, see [`PatternSet::is_match`]); `patterns` is the set's.
    fn is_match(&self, patterns: &[Pattern], value: &str) -> bool {
        match &self.star_only {
            _ if value.is_ascii() => self.ascii.is_match(value),
            None => self.ascii.is_match(value),
            Some(star_only) => {
                star_only.is_match(value)
                    || self
                        .any_char
                        .iter()
                        .filter_map(|&i| patterns.get(i))
                        .any(|p| p.is_match(value))
            }
        }
    }
}

/// Translates the patterns (with their indexes in the set) into globset
/// syntax and builds the sets.
fn build_globs<'p, I>(patterns: I) -> Option<Globs>
where
    I: Iterator<Item = (usize, &'p Pattern)> + Clone,
{
    let any_char: Vec<usize> = patterns
        .clone()
        .filter(|(_, p)| p.has_any_char())
        .map(|(i, _)| i)
        .collect();
    let mut ascii = GlobSetBuilder::new();
    let mut star_only = (!any_char.is_empty()).then(GlobSetBuilder::new);
    for (_, p) in patterns {
        let glob = GlobBuilder::new(&p.to_globset_syntax())
            .literal_separator(false)
            .backslash_escape(true)
            .case_insensitive(false)
            .empty_alternates(false)
            .build()
            .ok()?;
        if let Some(b) = star_only.as_mut().filter(|_| !p.has_any_char()) {
            b.add(glob.clone());
        }
        ascii.add(glob);
    }
    Some(Globs {
        ascii: ascii.build().ok()?,
        star_only: match star_only {
            Some(b) => Some(b.build().ok()?),
            None => None,
        },
        any_char,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, value: &str) -> bool {
        Pattern::new(glob, Case::Sensitive).is_match(value)
    }

    #[test]
    fn table() {
        // (pattern, value, expected) rows; each is also checked through a
        // globset-backed set so both implementations agree.
        let rows: &[(&str, &str, bool)] = &[
            ("", "", true),
            ("", "a", false),
            ("*", "", true),
            ("*", "anything/at:all", true),
            ("?", "", false),
            ("?", "é", true),
            ("?", "ab", false),
            ("a*", "a", true),
            ("*a", "ba", true),
            ("*a", "ab", false),
            ("a*b", "ab", true),
            ("a*b", "a", false),
            ("ab*ba", "aba", false),
            ("ab*ba", "abba", true),
            ("repo:o/r:*", "repo:o/r:ref:refs/heads/feature/x", true),
            (
                "repo:o/r:ref:refs/heads/v?",
                "repo:o/r:ref:refs/heads/v10",
                false,
            ),
            ("repo:o.r/x:*", "repo:oXr/x:pull_request", false),
            ("refs/heads/[a-z]*", "refs/heads/main", false),
            ("refs/heads/[a-z]*", "refs/heads/[a-z]x", true),
            ("{a,b}", "a", false),
            ("{a,b}", "{a,b}", true),
            ("a\\*", "a\\xyz", true),
            ("a\\*", "a*", false),
            ("*a*a*b", "aaaaaaaaaaaab", true),
            ("*a*a*b", "aaaaaaaaaaaa", false),
            ("ü?ß*", "üxßyy", true),
            ("**", "", true),
            ("a**b", "ab", true),
            ("line*end", "line\nend", true),
        ];
        for &(glob, value, want) in rows {
            assert_eq!(m(glob, value), want, "pattern {glob:?} value {value:?}");
            let set = PatternSet::with_strategy(
                [Pattern::new(glob, Case::Sensitive)],
                SetStrategy::GlobSet,
            );
            assert!(set.uses_globset());
            assert_eq!(
                set.is_match(value),
                want,
                "globset: pattern {glob:?} value {value:?}"
            );
        }
    }

    #[test]
    fn literal_wildcards_from_tokens_are_literal() {
        let p = Pattern::from_tokens(
            [
                PatternToken::Literal("a*".into()),
                PatternToken::AnyChar,
                PatternToken::Literal("?".into()),
            ],
            Case::Sensitive,
        );
        assert!(p.is_match("a*x?"));
        assert!(!p.is_match("abx?"));
        assert!(!p.is_match("a*xy"));
        assert_eq!(p.to_string(), "a${*}?${?}");
    }

    #[test]
    fn shapes_are_chosen() {
        let shape = |g: &str| Pattern::new(g, Case::Sensitive).shape;
        assert_eq!(shape("abc"), Shape::Exact("abc".into()));
        assert_eq!(shape("ab*"), Shape::Prefix("ab".into()));
        assert_eq!(shape("*ab"), Shape::Suffix("ab".into()));
        assert_eq!(shape("a*b"), Shape::PrefixSuffix("a".into(), "b".into()));
        assert_eq!(shape("**"), Shape::Everything);
        assert!(matches!(shape("a*b*"), Shape::General(_)));
        assert!(matches!(shape("a?"), Shape::General(_)));
    }

    #[test]
    fn prefix_suffix_do_not_overlap() {
        assert!(!m("ab*ba", "aba"));
        assert!(!m("é*é", "é"));
        assert!(m("é*é", "éé"));
    }

    #[test]
    fn insensitive_folds_both_sides() {
        let p = Pattern::new("STS:AssumeRoleWith*", Case::Insensitive);
        assert!(p.is_match("sts:assumerolewithwebidentity"));
        assert!(p.is_match("STS:ASSUMEROLEWITHSAML"));
        assert!(!p.is_match("sts:AssumeRole"));
        // KELVIN SIGN folds to an ASCII `k`: the non-ASCII path must see it.
        assert!(Pattern::new("k", Case::Insensitive).is_match("\u{212A}"));
        // `İ` folds to two chars, so `?` alone does not match it.
        assert!(!Pattern::new("?", Case::Insensitive).is_match("İ"));
        assert!(Pattern::new("??", Case::Insensitive).is_match("İ"));
        assert!(Pattern::new("ÄB", Case::Insensitive).is_match("äb"));
        assert!(!Pattern::new("ab", Case::Sensitive).is_match("AB"));
    }
}
