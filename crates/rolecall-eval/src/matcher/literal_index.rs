//! The literal-shaped patterns of a large [`PatternSet`](super::PatternSet),
//! looked up by hashing.
//!
//! A pattern with no `?` and at most one `*` is a literal, a prefix, a
//! suffix, a prefix and a suffix, or `*` (the [`Shape`] its compiler
//! chose). A value matches one of many such patterns when one of its own
//! prefixes or suffixes, of a length some pattern has, is in a hash set: no
//! automaton is needed. Written by hand because globset, which matched
//! these before, kept ~2 KiB per pattern and peaked at 52 MiB building a
//! set of 10,000 (`scale_rss string-like 10000`), and its prefilter visited
//! every pattern when they shared a prefix (0.47 ns per pattern per
//! evaluate, `--bench scale string-like`).
//!
//! Cost of a lookup: one hash per distinct literal length not longer than
//! the value. Distinct lengths sum to at most the patterns' total length,
//! so a lookup is linear in the policy, never worse than looping over the
//! patterns; for the usual lists (`repo:org/name:*`) it is a few hashes.
//!
//! The hasher is foldhash, seeded at random per process like std's SipHash
//! and faster on keys this short (a no-match lookup among 10,000 GitHub
//! `sub` prefixes: 74.3 ns with SipHash, 40.0 ns with foldhash, `--bench
//! scale string-like`). A policy cannot choose colliding patterns without
//! the seed, and colliding ones would only make a lookup as slow as the
//! loop it replaces.

use foldhash::{HashMap, HashSet};

use super::{Case, Pattern, Shape};

/// Literal texts, each with what a match on it needs next (nothing for a
/// prefix or a suffix; the suffixes written with a prefix for `lit*lit`),
/// and the distinct byte lengths among them.
#[derive(Debug, Clone, Default)]
struct ByLength<V> {
    texts: HashMap<Box<str>, V>,
    /// Sorted, distinct.
    lens: Vec<usize>,
}

impl<V: Default> ByLength<V> {
    /// The entry of `text`, added if new.
    fn entry(&mut self, text: &str) -> &mut V {
        if let Err(at) = self.lens.binary_search(&text.len()) {
            self.lens.insert(at, text.len());
        }
        self.texts.entry(text.into()).or_default()
    }

    /// The entries among the parts of a `len`-byte value that `part(l)`
    /// gives for each literal length `l` (`None` off a char boundary).
    fn found<'v>(
        &self,
        len: usize,
        part: impl Fn(usize) -> Option<&'v str>,
    ) -> impl Iterator<Item = (usize, &V)> {
        self.lens
            .iter()
            .copied()
            .take_while(move |&l| l <= len)
            .filter_map(move |l| part(l).and_then(|p| self.texts.get(p)).map(|v| (l, v)))
    }
}

/// The literal-shaped, case-sensitive patterns of a set.
#[derive(Debug, Clone, Default)]
pub(super) struct LiteralIndex {
    /// A `*` pattern: everything matches.
    everything: bool,
    exact: HashSet<Box<str>>,
    prefixes: ByLength<()>,
    suffixes: ByLength<()>,
    /// `lit*lit`: by prefix, the suffixes written with it.
    prefix_suffix: ByLength<Vec<Box<str>>>,
}

impl LiteralIndex {
    /// Whether the index takes `p` (the set then skips it elsewhere).
    pub(super) fn holds(p: &Pattern) -> bool {
        p.case == Case::Sensitive && !matches!(p.shape, Shape::General(_))
    }

    /// The index of the patterns [`LiteralIndex::holds`] takes.
    pub(super) fn new<'p>(patterns: impl IntoIterator<Item = &'p Pattern>) -> LiteralIndex {
        let mut index = LiteralIndex::default();
        for p in patterns.into_iter().filter(|p| LiteralIndex::holds(p)) {
            match &p.shape {
                Shape::Everything => index.everything = true,
                Shape::Exact(lit) => {
                    index.exact.insert(lit.clone());
                }
                Shape::Prefix(lit) => {
                    index.prefixes.entry(lit);
                }
                Shape::Suffix(lit) => {
                    index.suffixes.entry(lit);
                }
                Shape::PrefixSuffix(pre, suf) => index.prefix_suffix.entry(pre).push(suf.clone()),
                Shape::General(_) => {}
            }
        }
        index
    }

    /// Whether a pattern of the index matches the whole of `v`.
    pub(super) fn is_match(&self, v: &str) -> bool {
        // `get` is `None` off a char boundary, where no literal (valid
        // UTF-8) can end or start.
        let prefix = |l: usize| v.get(..l);
        let suffix = |l: usize| v.get(v.len().saturating_sub(l)..);
        self.everything
            || self.exact.contains(v)
            || self.prefixes.found(v.len(), prefix).next().is_some()
            || self.suffixes.found(v.len(), suffix).next().is_some()
            || self.prefix_suffix.found(v.len(), prefix).any(|(l, sufs)| {
                // The two literals may not overlap in the value.
                sufs.iter()
                    .any(|s| v.len() >= l + s.len() && v.ends_with(&**s))
            })
    }
}
