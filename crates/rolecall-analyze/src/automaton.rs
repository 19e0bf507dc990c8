//! Finite automata for the string languages of policy conditions, over a
//! symbolic alphabet.
//!
//! # Alphabet
//!
//! IAM compares strings per Unicode scalar value (a Rust `char`). A policy
//! only ever distinguishes the finitely many characters its values name, so
//! the automata run over an [`Alphabet`] of *symbols*: one per character
//! that some language of the analysis names ("interesting" characters),
//! and one more, `OTHER`, that stands for every remaining character. Every
//! character of `OTHER` behaves alike in every automaton built over the
//! alphabet, so a path over symbols is a set of strings that all belong to
//! the language or all do not, and any `OTHER` character can spell it.
//!
//! Case-insensitive languages (`StringEqualsIgnoreCase`, action names)
//! compare `s.chars().flat_map(char::to_lowercase)`, as `rolecall-eval`
//! does (docs/DECISIONS.md R6). For them the alphabet also holds every character
//! whose lowercase form contains a character of the folded language
//! (`K`, and U+212A KELVIN SIGN for `k`), and every character whose
//! lowercase form is not exactly one character (U+0130 lowercases to two),
//! so that `OTHER` still behaves alike after folding.
//!
//! # Languages
//!
//! An [`Nfa`] is a union of [`Elem`] sequences: one character of a class, or
//! a run (zero or more) of a class. IAM's `*` is a run of any character and
//! `?` one of any character (R5); a literal is a sequence of one-character
//! classes. [`Dfa::build`] determinises it over an alphabet (subset
//! construction), and [`Dfa`] has the boolean algebra: [`Dfa::product`]
//! (intersection, union, difference), [`Dfa::complement`],
//! [`Dfa::is_empty`], [`Dfa::includes`] and [`Dfa::shortest`] (a shortest
//! accepted string, breadth-first, preferring readable characters).
//!
//! Every construction counts its states against a limit and stops with
//! [`TooComplex`] when the limit is reached, so an adversarial pattern
//! ends the query instead of exhausting memory or time.
//!
//! # Why hand-written
//!
//! `regex-automata` (the engine under `regex`) compiles regular expressions
//! to DFAs for *matching*: its `dfa::dense::DFA` exposes search, state
//! stepping and serialisation, but no intersection, complement, inclusion
//! or shortest-string operation, and it runs over UTF-8 bytes, where IAM's
//! `?` is one scalar value and IAM's case folding is `char::to_lowercase`
//! rather than regex's simple case folding. The language algebra needs
//! product construction and breadth-first search over the states, which is
//! the small amount of code below; no maintained crate offers it over a
//! symbolic alphabet (`l1-dfa` 0.0.5 has intersection and complement but
//! is an early, byte-alphabet release).

use std::collections::{BTreeSet, VecDeque};
use std::sync::Arc;

// foldhash: the state tables hash short integer keys, where std's SipHash
// was a quarter of the analysis time (perf, generated policies).
use foldhash::{HashMap, HashMapExt};

/// The construction reached its state limit: the answer would need more
/// automaton states than the analysis allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("pattern too complex (more than {limit} automaton states)")]
pub struct TooComplex {
    /// The limit that was reached.
    pub limit: usize,
}

/// A set of characters for one position of a language.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Class {
    /// Exactly these characters.
    Only(Vec<char>),
    /// Every character except these (`Except(vec![])` is any character).
    Except(Vec<char>),
}

impl Class {
    /// Any character.
    pub fn any() -> Class {
        Class::Except(Vec::new())
    }

    pub(crate) fn contains(&self, c: char) -> bool {
        match self {
            Class::Only(cs) => cs.contains(&c),
            Class::Except(cs) => !cs.contains(&c),
        }
    }

    fn chars(&self) -> &[char] {
        match self {
            Class::Only(cs) | Class::Except(cs) => cs,
        }
    }
}

/// One element of an [`Nfa`] alternative.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Elem {
    /// One character of the class.
    One(Class),
    /// Zero or more characters of the class.
    Run(Class),
    /// Zero or one character of the class (length-bounded names of issuer
    /// grammars).
    Opt(Class),
}

impl Elem {
    /// One given character.
    pub fn char(c: char) -> Elem {
        Elem::One(Class::Only(vec![c]))
    }

    /// IAM's `?`.
    pub fn any_char() -> Elem {
        Elem::One(Class::any())
    }

    /// IAM's `*`.
    pub fn any_run() -> Elem {
        Elem::Run(Class::any())
    }
}

/// A union of element sequences: a nondeterministic automaton whose states
/// are positions in the sequences.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Nfa {
    alternatives: Vec<Vec<Elem>>,
    fold: bool,
}

impl Nfa {
    /// The union of `alternatives`. With `fold`, a string belongs to the
    /// language when its lowercase form (`char::to_lowercase` per char,
    /// R6) matches, and the elements must then name lowercase characters.
    pub fn new(alternatives: Vec<Vec<Elem>>, fold: bool) -> Nfa {
        Nfa { alternatives, fold }
    }

    /// The one string `s`.
    pub fn literal(s: &str) -> Nfa {
        Nfa::new(vec![s.chars().map(Elem::char).collect()], false)
    }

    /// Every string.
    pub fn everything() -> Nfa {
        Nfa::new(vec![vec![Elem::any_run()]], false)
    }

    /// No string.
    pub fn nothing() -> Nfa {
        Nfa::new(Vec::new(), false)
    }

    /// The strings of one character or more.
    pub fn non_empty() -> Nfa {
        Nfa::new(vec![vec![Elem::any_char(), Elem::any_run()]], false)
    }

    /// The alternatives.
    pub fn alternatives(&self) -> &[Vec<Elem>] {
        &self.alternatives
    }

    /// Whether the language compares lowercase forms.
    pub fn folds(&self) -> bool {
        self.fold
    }

    /// The characters the elements name.
    pub fn chars(&self) -> impl Iterator<Item = char> + '_ {
        self.alternatives.iter().flatten().flat_map(|e| match e {
            Elem::One(c) | Elem::Run(c) | Elem::Opt(c) => c.chars().iter().copied(),
        })
    }

    /// The ends `b >= start` such that `chars[start..b]` belongs to the
    /// language, in increasing order, by simulating the alternatives
    /// position by position (no automaton is built). The characters are
    /// taken as given: for a folding language pass their lowercase forms
    /// ([`Nfa::matches`] does).
    pub(crate) fn ends(&self, chars: &[char], start: usize) -> Vec<usize> {
        // Active positions per alternative, as (alternative, position).
        let mut active: Vec<(usize, usize)> = Vec::new();
        let mut seen: Vec<Vec<bool>> = self
            .alternatives
            .iter()
            .map(|a| vec![false; a.len() + 1])
            .collect();
        let close = |alt: usize,
                     mut pos: usize,
                     seen: &mut Vec<Vec<bool>>,
                     out: &mut Vec<(usize, usize)>| {
            let Some(elems) = self.alternatives.get(alt) else {
                return;
            };
            loop {
                match seen.get_mut(alt).and_then(|v| v.get_mut(pos)) {
                    Some(flag) if !*flag => *flag = true,
                    _ => return,
                }
                out.push((alt, pos));
                match elems.get(pos) {
                    Some(Elem::Run(_) | Elem::Opt(_)) => pos += 1,
                    _ => return,
                }
            }
        };
        for alt in 0..self.alternatives.len() {
            close(alt, 0, &mut seen, &mut active);
        }
        let mut out = Vec::new();
        let mut at = start;
        loop {
            let accepting = active.iter().any(|&(a, p)| {
                self.alternatives
                    .get(a)
                    .is_some_and(|elems| elems.len() == p)
            });
            if accepting {
                out.push(at);
            }
            let Some(&c) = chars.get(at) else { break };
            if active.is_empty() {
                break;
            }
            // The flags set are exactly the active positions.
            for &(a, p) in &active {
                if let Some(f) = seen.get_mut(a).and_then(|v| v.get_mut(p)) {
                    *f = false;
                }
            }
            let mut next = Vec::new();
            for &(a, p) in &active {
                match self.alternatives.get(a).and_then(|elems| elems.get(p)) {
                    Some(Elem::One(cls) | Elem::Opt(cls)) if cls.contains(c) => {
                        close(a, p + 1, &mut seen, &mut next);
                    }
                    Some(Elem::Run(cls)) if cls.contains(c) => close(a, p, &mut seen, &mut next),
                    _ => {}
                }
            }
            active = next;
            at += 1;
        }
        out
    }

    /// Whether `s` belongs to the language (for a folding language, its
    /// lowercase form, R6), without building an automaton.
    pub(crate) fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = if self.fold {
            s.chars().flat_map(char::to_lowercase).collect()
        } else {
            s.chars().collect()
        };
        self.ends(&chars, 0).last() == Some(&chars.len())
    }

    /// Whether the language is infinite: some alternative can be spelled
    /// (no empty class at a required position) and has a run of a
    /// non-empty class.
    pub(crate) fn is_infinite(&self) -> bool {
        let non_empty = |c: &Class| match c {
            Class::Only(v) => !v.is_empty(),
            Class::Except(_) => true,
        };
        self.alternatives.iter().any(|alt| {
            alt.iter().all(|e| match e {
                Elem::One(c) => non_empty(c),
                Elem::Run(_) | Elem::Opt(_) => true,
            }) && alt
                .iter()
                .any(|e| matches!(e, Elem::Run(c) if non_empty(c)))
        })
    }

    /// The words of the language when it is a non-empty union of exact
    /// words (every element one given character, no folding).
    fn words(&self) -> Option<Vec<Vec<char>>> {
        if self.fold || self.alternatives.is_empty() {
            return None;
        }
        self.alternatives
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|e| match e {
                        Elem::One(Class::Only(v)) => match v.as_slice() {
                            [c] => Some(*c),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect()
            })
            .collect()
    }

    /// Adds the closure of position `pos` of alternative `alt` (runs may
    /// be skipped) to `out`, as state ids `offset[alt] + pos`.
    fn close(&self, offsets: &[u32], alt: usize, pos: usize, out: &mut Vec<u32>) {
        let (Some(elems), Some(&base)) = (self.alternatives.get(alt), offsets.get(alt)) else {
            return;
        };
        let mut pos = pos;
        loop {
            let Ok(p) = u32::try_from(pos) else { return };
            out.push(base + p);
            match elems.get(pos) {
                Some(Elem::Run(_) | Elem::Opt(_)) => pos += 1,
                _ => return,
            }
        }
    }
}

/// Characters whose lowercase form is not the character itself, with that
/// form (about 1,500 entries), sorted by character; written by `build.rs`
/// with this compiler's `char::to_lowercase`.
fn lowercase_table() -> &'static [(char, &'static [char])] {
    const TABLE: &[(char, &[char])] = include!(concat!(env!("OUT_DIR"), "/lowercase.rs"));
    TABLE
}

/// For each character that is part of some other character's lowercase
/// form, those characters (`k` -> `K`, U+212A KELVIN SIGN), sorted by the
/// lowercase character: [`lowercase_table`] inverted once.
fn uppercase_of() -> &'static [(char, Vec<char>)] {
    static TABLE: std::sync::OnceLock<Vec<(char, Vec<char>)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map: std::collections::BTreeMap<char, Vec<char>> =
            std::collections::BTreeMap::new();
        for (upper, lower) in lowercase_table() {
            for l in lower.iter() {
                let v = map.entry(*l).or_default();
                if !v.contains(upper) {
                    v.push(*upper);
                }
            }
        }
        map.into_iter().collect()
    })
}

/// Collects the interesting characters of an analysis, then builds its
/// [`Alphabet`].
#[derive(Debug, Clone, Default)]
pub struct AlphabetBuilder {
    chars: BTreeSet<char>,
    folds: bool,
}

impl AlphabetBuilder {
    /// An empty builder.
    pub fn new() -> AlphabetBuilder {
        AlphabetBuilder::default()
    }

    /// Adds the characters an automaton names.
    pub fn add(&mut self, nfa: &Nfa) {
        if nfa.fold {
            self.folds = true;
            let table = uppercase_of();
            for c in nfa.chars() {
                self.chars.insert(c);
                if let Ok(i) = table.binary_search_by_key(&c, |e| e.0) {
                    if let Some((_, uppers)) = table.get(i) {
                        self.chars.extend(uppers.iter().copied());
                    }
                }
            }
        } else {
            self.chars.extend(nfa.chars());
        }
    }

    /// Adds one character (one that witnesses should be able to use).
    pub fn add_char(&mut self, c: char) {
        self.chars.insert(c);
    }

    /// The alphabet.
    pub fn build(mut self) -> Alphabet {
        if self.folds {
            // A character that lowercases to several characters must never
            // hide in `OTHER`: `?` does not match it after folding.
            for (c, lower) in lowercase_table() {
                if lower.len() != 1 {
                    self.chars.insert(*c);
                }
            }
        }
        let other = "xyzqjkvwbfghmnpuolicdrtesa0123456789"
            .chars()
            .chain(('\u{a1}'..='\u{ff}').chain('\u{100}'..='\u{d7ff}'))
            .find(|c| !self.chars.contains(c) && c.to_lowercase().eq(std::iter::once(*c)))
            .unwrap_or('\u{e000}');
        let chars: Vec<char> = self.chars.into_iter().collect();
        let mut order: Vec<u32> = (0..=chars.len())
            .filter_map(|i| u32::try_from(i).ok())
            .collect();
        let rep = |s: u32| chars.get(s as usize).copied().unwrap_or(other);
        order.sort_by_key(|&s| (readability(rep(s)), rep(s)));
        Alphabet {
            chars,
            other,
            order,
        }
    }
}

/// Lower is more readable: letters, digits, common punctuation, other
/// printable ASCII, then everything else.
pub(crate) fn readability(c: char) -> u8 {
    match c {
        'a'..='z' => 0,
        '0'..='9' => 1,
        'A'..='Z' => 2,
        '-' | '_' | '.' | '/' | ':' | '@' => 3,
        '!'..='~' => 4,
        ' ' => 5,
        _ => 6,
    }
}

/// The symbols of an analysis: one per interesting character, plus
/// `OTHER` (see the [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alphabet {
    /// Sorted, distinct; symbol `i` is `chars[i]`, symbol `chars.len()` is
    /// `OTHER`.
    chars: Vec<char>,
    /// The character that spells `OTHER`.
    other: char,
    /// Every symbol, most readable first (the order of witness search).
    order: Vec<u32>,
}

impl Alphabet {
    /// The number of symbols.
    pub fn len(&self) -> usize {
        self.chars.len() + 1
    }

    /// Never: there is always `OTHER`.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// The interesting characters, sorted.
    pub(crate) fn chars(&self) -> &[char] {
        &self.chars
    }

    /// The symbol of a character.
    pub fn symbol(&self, c: char) -> u32 {
        let i = self.chars.binary_search(&c).unwrap_or(self.chars.len());
        u32::try_from(i).unwrap_or(u32::MAX)
    }

    /// How many characters the symbol stands for: one for a named
    /// character, every other Unicode scalar value for `OTHER`.
    pub fn multiplicity(&self, symbol: u32) -> u128 {
        if (symbol as usize) < self.chars.len() {
            1
        } else {
            SCALAR_VALUES.saturating_sub(self.chars.len() as u128)
        }
    }

    /// A character the symbol stands for.
    pub fn representative(&self, symbol: u32) -> char {
        self.chars
            .get(symbol as usize)
            .copied()
            .unwrap_or(self.other)
    }
}

/// The number of Unicode scalar values (every `char`).
const SCALAR_VALUES: u128 = 0x11_0000 - 0x800;

/// How many strings a language holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Count {
    /// Exactly this many.
    Finite(u128),
    /// Finitely many, but more than `u128::MAX` (names of bounded length
    /// over a large alphabet).
    Huge,
    /// Infinitely many.
    Unbounded,
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Count::Finite(n) => write!(f, "{n}"),
            Count::Huge => f.write_str("more than 2^128"),
            Count::Unbounded => f.write_str("unbounded"),
        }
    }
}

/// A complete deterministic automaton over an [`Alphabet`]; state 0 is the
/// start.
///
/// Symbols the automaton cannot tell apart share a *column*: the
/// transition table has one entry per state and column, and each symbol
/// maps to its column (a literal's automaton over an alphabet of ninety
/// symbols has a column per character of the literal and one for the
/// rest). Operations that only follow transitions (products, reduction,
/// reachability) work per column; those that spell strings (witnesses,
/// examples, counts) still read symbol by symbol, so every answer is the
/// one a table per symbol gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dfa {
    /// Symbol -> column.
    cols: Arc<[u32]>,
    /// The number of columns.
    width: usize,
    /// `trans[state * width + column]`.
    trans: Vec<u32>,
    accept: Vec<bool>,
}

/// Every symbol in column 0.
fn one_column(symbols: usize) -> Arc<[u32]> {
    Arc::from(vec![0u32; symbols])
}

/// The columns of two automata read together: per symbol (of the fewer)
/// the index of its pair of columns, and the distinct pairs.
fn joint(a: &[u32], b: &[u32]) -> (Arc<[u32]>, Vec<(u32, u32)>) {
    let n = a.len().min(b.len());
    let mut cols = Vec::with_capacity(n);
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    let mut ids: HashMap<(u32, u32), u32> = HashMap::new();
    for (&x, &y) in a.iter().zip(b) {
        let id = *ids.entry((x, y)).or_insert_with(|| {
            pairs.push((x, y));
            u32::try_from(pairs.len() - 1).unwrap_or(u32::MAX)
        });
        cols.push(id);
    }
    (Arc::from(cols), pairs)
}

/// Automata with more states than this are fully minimised; smaller ones
/// only have their dead and universal states merged (full minimisation by
/// partition refinement takes as many rounds as the longest literal, and
/// cost two thirds of the analysis time when run on every product).
const MINIMIZE_ABOVE: usize = 256;

/// Products of at most this many state pairs number them in a table
/// rather than a hash map.
const DENSE_PAIRS: usize = 1 << 16;

/// How [`Dfa::product`] combines acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// Both accept (intersection).
    And,
    /// Either accepts (union).
    Or,
    /// The first accepts and the second does not (difference).
    AndNot,
}

impl Dfa {
    /// The automaton of an [`Nfa`] (subset construction).
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when it would have more than `limit` states.
    pub fn build(nfa: &Nfa, alphabet: &Alphabet, limit: usize) -> Result<Dfa, TooComplex> {
        match nfa.words() {
            Some(words) => Dfa::build_words(&words, alphabet, limit),
            None => Dfa::build_subsets(nfa, alphabet, limit),
        }
    }

    /// [`Dfa::build`] by the subset construction, for any [`Nfa`].
    fn build_subsets(nfa: &Nfa, alphabet: &Alphabet, limit: usize) -> Result<Dfa, TooComplex> {
        let mut offsets = Vec::with_capacity(nfa.alternatives.len());
        let mut total: u32 = 0;
        for alt in &nfa.alternatives {
            offsets.push(total);
            let len = u32::try_from(alt.len() + 1).map_err(|_| TooComplex { limit })?;
            total = total.checked_add(len).ok_or(TooComplex { limit })?;
        }
        // State id -> (alternative, position).
        let mut where_is: Vec<(usize, usize)> = Vec::new();
        for (a, alt) in nfa.alternatives.iter().enumerate() {
            where_is.extend((0..=alt.len()).map(|p| (a, p)));
        }
        let elem = |id: u32| -> Option<&Elem> {
            let &(a, p) = where_is.get(id as usize)?;
            nfa.alternatives.get(a)?.get(p)
        };
        let accepting = |id: u32| -> bool {
            where_is
                .get(id as usize)
                .and_then(|&(a, p)| nfa.alternatives.get(a).map(|alt| alt.len() == p))
                .unwrap_or(false)
        };
        // A set of positions is a sorted, distinct list.
        let step_char = |set: &[u32], c: char| -> Vec<u32> {
            let mut out = Vec::new();
            for &id in set {
                let Some(&(a, p)) = where_is.get(id as usize) else {
                    continue;
                };
                match elem(id) {
                    Some(Elem::One(cls) | Elem::Opt(cls)) if cls.contains(c) => {
                        nfa.close(&offsets, a, p + 1, &mut out);
                    }
                    Some(Elem::Run(cls)) if cls.contains(c) => nfa.close(&offsets, a, p, &mut out),
                    _ => {}
                }
            }
            out.sort_unstable();
            out.dedup();
            out
        };
        let symbols = alphabet.len();
        let mut start = Vec::new();
        for a in 0..nfa.alternatives.len() {
            nfa.close(&offsets, a, 0, &mut start);
        }
        start.sort_unstable();
        start.dedup();
        let mut ids: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut sets: Vec<Vec<u32>> = Vec::new();
        let mut trans: Vec<u32> = Vec::new();
        let mut accept: Vec<bool> = Vec::new();
        let intern = |set: Vec<u32>,
                      ids: &mut HashMap<Vec<u32>, u32>,
                      sets: &mut Vec<Vec<u32>>,
                      accept: &mut Vec<bool>|
         -> Result<u32, TooComplex> {
            if let Some(&id) = ids.get(&set) {
                return Ok(id);
            }
            if sets.len() >= limit {
                return Err(TooComplex { limit });
            }
            let id = u32::try_from(sets.len()).map_err(|_| TooComplex { limit })?;
            accept.push(set.iter().any(|&s| accepting(s)));
            ids.insert(set.clone(), id);
            sets.push(set);
            Ok(id)
        };
        intern(start, &mut ids, &mut sets, &mut accept)?;
        // A symbol whose character (lowercase form, when folding) the
        // automaton does not name steps exactly like `OTHER`: it shares
        // `OTHER`'s column, and each column is computed once.
        let named: BTreeSet<char> = nfa.chars().collect();
        let other = symbols.saturating_sub(1);
        // Per column, the symbol whose character it steps by: column 0 is
        // `OTHER`'s.
        let mut reps: Vec<usize> = vec![other];
        let mut column_of: Vec<u32> = Vec::with_capacity(symbols);
        for sym in 0..symbols {
            let c = alphabet.representative(u32::try_from(sym).unwrap_or(u32::MAX));
            let distinct = sym != other
                && if nfa.fold {
                    let mut lower = c.to_lowercase();
                    lower.len() != 1 || lower.any(|l| named.contains(&l))
                } else {
                    named.contains(&c)
                };
            if distinct {
                reps.push(sym);
                column_of.push(u32::try_from(reps.len() - 1).unwrap_or(u32::MAX));
            } else {
                column_of.push(0);
            }
        }
        let width = reps.len();
        let mut next = 0usize;
        while let Some(set) = sets.get(next).cloned() {
            for &sym in &reps {
                let c = alphabet.representative(u32::try_from(sym).unwrap_or(u32::MAX));
                let target = if nfa.fold {
                    let mut s = set.clone();
                    for lc in c.to_lowercase() {
                        s = step_char(&s, lc);
                    }
                    s
                } else {
                    step_char(&set, c)
                };
                let id = intern(target, &mut ids, &mut sets, &mut accept)?;
                trans.push(id);
            }
            next += 1;
        }
        let dfa = Dfa {
            cols: Arc::from(column_of),
            width,
            trans,
            accept,
        };
        Ok(dfa.reduced())
    }

    /// [`Dfa::build`] for a union of exact words (no folding, at least one
    /// word): the trie of the words, its nodes taken in the order the subset
    /// construction meets their position sets (a node's set is the words it
    /// is a prefix of, at its depth: distinct per node and never empty), so
    /// the automaton, and where the state limit is reached, are the same.
    fn build_words(
        words: &[Vec<char>],
        alphabet: &Alphabet,
        limit: usize,
    ) -> Result<Dfa, TooComplex> {
        // Trie: per node, its children by character, and whether a word ends.
        let mut children: Vec<Vec<(char, u32)>> = vec![Vec::new()];
        let mut ends: Vec<bool> = vec![false];
        for w in words {
            let mut node = 0usize;
            for &c in w {
                let found = children
                    .get(node)
                    .and_then(|ch| ch.iter().find(|(x, _)| *x == c))
                    .map(|&(_, n)| n as usize);
                node = match found {
                    Some(n) => n,
                    None => {
                        let n = children.len();
                        children.push(Vec::new());
                        ends.push(false);
                        if let Some(ch) = children.get_mut(node) {
                            ch.push((c, u32::try_from(n).map_err(|_| TooComplex { limit })?));
                        }
                        n
                    }
                };
            }
            if let Some(e) = ends.get_mut(node) {
                *e = true;
            }
        }
        let dead = children.len();
        // Columns as Dfa::build gives them: OTHER's first, then each symbol
        // whose character some word holds.
        let named: BTreeSet<char> = words.iter().flatten().copied().collect();
        let symbols = alphabet.len();
        let other = symbols.saturating_sub(1);
        let mut reps: Vec<Option<char>> = vec![None];
        let mut column_of: Vec<u32> = Vec::with_capacity(symbols);
        for sym in 0..symbols {
            let c = alphabet.representative(u32::try_from(sym).unwrap_or(u32::MAX));
            if sym != other && named.contains(&c) {
                reps.push(Some(c));
                column_of.push(u32::try_from(reps.len() - 1).unwrap_or(u32::MAX));
            } else {
                column_of.push(0);
            }
        }
        let mut state_of: Vec<u32> = vec![u32::MAX; dead + 1];
        let mut order: Vec<usize> = Vec::new();
        let mut intern = |node: usize, order: &mut Vec<usize>| -> Result<u32, TooComplex> {
            match state_of.get(node).copied() {
                Some(id) if id != u32::MAX => Ok(id),
                _ => {
                    if order.len() >= limit {
                        return Err(TooComplex { limit });
                    }
                    let id = u32::try_from(order.len()).map_err(|_| TooComplex { limit })?;
                    if let Some(s) = state_of.get_mut(node) {
                        *s = id;
                    }
                    order.push(node);
                    Ok(id)
                }
            }
        };
        intern(0, &mut order)?;
        let mut trans = Vec::new();
        let mut accept = Vec::new();
        let mut next = 0usize;
        while let Some(&node) = order.get(next) {
            accept.push(ends.get(node).copied().unwrap_or(false));
            for rep in &reps {
                let target = rep
                    .and_then(|c| {
                        children
                            .get(node)
                            .and_then(|ch| ch.iter().find(|(x, _)| *x == c))
                    })
                    .map_or(dead, |&(_, n)| n as usize);
                trans.push(intern(target, &mut order)?);
            }
            next += 1;
        }
        let dfa = Dfa {
            cols: Arc::from(column_of),
            width: reps.len(),
            trans,
            accept,
        };
        // When the alphabet names every character of the words, this is
        // already reduced: every node is a prefix of a word (live, and not
        // universal, since `OTHER` leaves it), the dead state is one, and
        // each character's column has an edge no other column has.
        let all_named = named
            .iter()
            .all(|&c| (alphabet.symbol(c) as usize) < alphabet.chars.len());
        Ok(if all_named { dfa } else { dfa.reduced() })
    }

    /// The automaton of every string.
    pub fn everything(alphabet: &Alphabet) -> Dfa {
        Dfa {
            cols: one_column(alphabet.len()),
            width: 1,
            trans: vec![0],
            accept: vec![true],
        }
    }

    /// The automaton of no string.
    pub fn nothing(alphabet: &Alphabet) -> Dfa {
        Dfa {
            cols: one_column(alphabet.len()),
            width: 1,
            trans: vec![0],
            accept: vec![false],
        }
    }

    /// The automaton of no string, over the same symbols as `other`.
    pub fn nothing_like(other: &Dfa) -> Dfa {
        Dfa {
            cols: one_column(other.symbols()),
            width: 1,
            trans: vec![0],
            accept: vec![false],
        }
    }

    /// The same automaton over the alphabet `to`, which must name every
    /// character `from` (this automaton's alphabet) names: each symbol of
    /// `to` takes the column of its character's symbol in `from` (`OTHER`'s
    /// for a character `from` does not name, which every automaton over
    /// `from` reads like `OTHER`). The states are the ones a construction
    /// over `to` reaches, so the language over `to` is the same.
    pub(crate) fn remap(&self, from: &Alphabet, to: &Alphabet) -> Dfa {
        let cols: Arc<[u32]> = (0..to.len())
            .map(|sym| {
                let c = to.representative(u32::try_from(sym).unwrap_or(u32::MAX));
                self.cols.get(from.symbol(c) as usize).copied().unwrap_or(0)
            })
            .collect();
        Dfa {
            cols,
            width: self.width,
            trans: self.trans.clone(),
            accept: self.accept.clone(),
        }
    }

    /// The number of states.
    pub fn states(&self) -> usize {
        self.accept.len()
    }

    /// `Some(accepts)` for a one-state automaton (every string or none).
    fn constant(&self) -> Option<bool> {
        match self.accept.as_slice() {
            [a] => Some(*a),
            _ => None,
        }
    }

    /// The number of symbols.
    fn symbols(&self) -> usize {
        self.cols.len()
    }

    /// The state after reading one symbol.
    fn next(&self, state: u32, symbol: usize) -> u32 {
        match self.cols.get(symbol) {
            Some(&col) => self.step(state, col as usize),
            None => state,
        }
    }

    /// The state after reading a symbol of column `col`.
    fn step(&self, state: u32, col: usize) -> u32 {
        self.trans
            .get(state as usize * self.width + col)
            .copied()
            .unwrap_or(state)
    }

    fn accepts_state(&self, state: u32) -> bool {
        self.accept.get(state as usize).copied().unwrap_or(false)
    }

    /// Whether the automaton accepts `s`.
    pub fn accepts(&self, alphabet: &Alphabet, s: &str) -> bool {
        let mut state = 0;
        for c in s.chars() {
            state = self.next(state, alphabet.symbol(c) as usize);
        }
        self.accepts_state(state)
    }

    /// The complement (every string this automaton rejects).
    pub fn complement(&self) -> Dfa {
        Dfa {
            cols: Arc::clone(&self.cols),
            width: self.width,
            trans: self.trans.clone(),
            accept: self.accept.iter().map(|a| !a).collect(),
        }
    }

    /// The product automaton of the reachable state pairs.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] when it would have more than `limit` states.
    pub fn product(&self, other: &Dfa, op: Op, limit: usize) -> Result<Dfa, TooComplex> {
        // With every string or no string on one side, the product's language
        // is one of the operands' (or none), and it has no more states.
        if self.symbols() == other.symbols() {
            let (all, none) = (
                |d: &Dfa| d.constant() == Some(true),
                |d: &Dfa| d.constant() == Some(false),
            );
            let nothing = || Dfa::nothing_like(self);
            let shortcut = match op {
                Op::And if all(self) => Some(other.clone()),
                Op::And if all(other) => Some(self.clone()),
                Op::And if none(self) || none(other) => Some(nothing()),
                Op::Or if none(self) => Some(other.clone()),
                Op::Or if none(other) => Some(self.clone()),
                Op::AndNot if none(other) => Some(self.clone()),
                Op::AndNot if none(self) || all(other) => Some(nothing()),
                _ => None,
            };
            if let Some(d) = shortcut {
                return Ok(d);
            }
        }
        let (cols, columns) = joint(&self.cols, &other.cols);
        let width = columns.len();
        // Pair ids in a table when the pairs are few, else hashed.
        let n_other = other.states();
        let dense = self
            .states()
            .checked_mul(n_other)
            .filter(|&n| n <= DENSE_PAIRS);
        let mut table: Vec<u32> = dense.map_or_else(Vec::new, |n| vec![u32::MAX; n]);
        let mut ids: HashMap<(u32, u32), u32> = HashMap::new();
        let mut pairs: Vec<(u32, u32)> = vec![(0, 0)];
        match table.first_mut() {
            Some(t) => *t = 0,
            None => {
                ids.insert((0, 0), 0);
            }
        }
        let mut trans = Vec::new();
        let mut accept = Vec::new();
        let mut next = 0usize;
        while let Some(&(a, b)) = pairs.get(next) {
            let (x, y) = (self.accepts_state(a), other.accepts_state(b));
            accept.push(match op {
                Op::And => x && y,
                Op::Or => x || y,
                Op::AndNot => x && !y,
            });
            for &(ca, cb) in &columns {
                let pair = (self.step(a, ca as usize), other.step(b, cb as usize));
                let fresh = u32::try_from(pairs.len()).map_err(|_| TooComplex { limit })?;
                let id = if dense.is_some() {
                    let slot = pair.0 as usize * n_other + pair.1 as usize;
                    match table.get_mut(slot) {
                        Some(t) if *t != u32::MAX => *t,
                        Some(t) => {
                            if pairs.len() >= limit {
                                return Err(TooComplex { limit });
                            }
                            *t = fresh;
                            pairs.push(pair);
                            fresh
                        }
                        None => return Err(TooComplex { limit }),
                    }
                } else {
                    match ids.get(&pair) {
                        Some(&id) => id,
                        None => {
                            if pairs.len() >= limit {
                                return Err(TooComplex { limit });
                            }
                            ids.insert(pair, fresh);
                            pairs.push(pair);
                            fresh
                        }
                    }
                };
                trans.push(id);
            }
            next += 1;
        }
        let product = Dfa {
            cols,
            width,
            trans,
            accept,
        };
        Ok(product.reduced())
    }

    /// Per state, the states with a transition into it (with repeats), as
    /// one array: `edges[start[t]..start[t + 1]]`.
    fn reverse(&self) -> (Vec<usize>, Vec<u32>) {
        let n = self.states();
        let mut start = vec![0usize; n + 1];
        for &t in &self.trans {
            if let Some(c) = start.get_mut(t as usize + 1) {
                *c += 1;
            }
        }
        for i in 0..n {
            let before = start.get(i).copied().unwrap_or(0);
            if let Some(c) = start.get_mut(i + 1) {
                *c += before;
            }
        }
        let mut fill = start.clone();
        let mut edges = vec![0u32; self.trans.len()];
        for (i, &t) in self.trans.iter().enumerate() {
            let s = u32::try_from(i / self.width.max(1)).unwrap_or(0);
            if let Some(f) = fill.get_mut(t as usize) {
                if let Some(e) = edges.get_mut(*f) {
                    *e = s;
                }
                *f += 1;
            }
        }
        (start, edges)
    }

    /// The same language with fewer states: always the states that can
    /// never accept merged into one, and those that always accept into
    /// another (linear time); fully minimised above [`MINIMIZE_ABOVE`].
    fn reduced(self) -> Dfa {
        if self.states() > MINIMIZE_ABOVE {
            return self.minimized();
        }
        let n = self.states();
        let (start, edges) = self.reverse();
        // States from which some state with `accept == target` is reachable.
        let reaches = |target: bool| -> Vec<bool> {
            let mut seen = vec![false; n];
            let mut stack: Vec<u32> = Vec::new();
            for (s, &a) in self.accept.iter().enumerate() {
                if a == target {
                    if let Some(f) = seen.get_mut(s) {
                        *f = true;
                    }
                    stack.push(u32::try_from(s).unwrap_or(0));
                }
            }
            while let Some(s) = stack.pop() {
                let (lo, hi) = (
                    start.get(s as usize).copied().unwrap_or(0),
                    start.get(s as usize + 1).copied().unwrap_or(0),
                );
                for &p in edges.get(lo..hi).unwrap_or_default() {
                    if let Some(f) = seen.get_mut(p as usize) {
                        if !*f {
                            *f = true;
                            stack.push(p);
                        }
                    }
                }
            }
            seen
        };
        let live = reaches(true);
        let rejecting = reaches(false);
        // Class of each state: 0 dead, 1 universal, 2 + s otherwise.
        let class: Vec<u32> = (0..n)
            .map(|s| {
                if !live.get(s).copied().unwrap_or(false) {
                    0
                } else if !rejecting.get(s).copied().unwrap_or(true) {
                    1
                } else {
                    2 + u32::try_from(s).unwrap_or(0)
                }
            })
            .collect();
        self.quotient(&class)
    }

    /// The automaton whose states are the classes of `class` (which must
    /// respect transitions and acceptance), start class first; columns
    /// that step alike in every state are merged.
    fn quotient(&self, class: &[u32]) -> Dfa {
        let top = class.iter().copied().max().map_or(0, |m| m as usize + 1);
        let mut renumber: Vec<u32> = vec![u32::MAX; top];
        let mut order: Vec<usize> = Vec::new();
        for (s, &c) in class.iter().enumerate() {
            if let Some(r) = renumber.get_mut(c as usize) {
                if *r == u32::MAX {
                    *r = u32::try_from(order.len()).unwrap_or(u32::MAX);
                    order.push(s);
                }
            }
        }
        let target = |s: usize, col: usize| -> u32 {
            let t = self.step(u32::try_from(s).unwrap_or(0), col);
            let c = class.get(t as usize).copied().unwrap_or(0);
            renumber.get(c as usize).copied().unwrap_or(0)
        };
        // Columns with the same targets in every kept state are one.
        let mut merged: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut col_map: Vec<u32> = Vec::with_capacity(self.width);
        let mut kept: Vec<usize> = Vec::new();
        for col in 0..self.width {
            let column: Vec<u32> = order.iter().map(|&s| target(s, col)).collect();
            let fresh = u32::try_from(kept.len()).unwrap_or(u32::MAX);
            let id = *merged.entry(column).or_insert_with(|| {
                kept.push(col);
                fresh
            });
            col_map.push(id);
        }
        let mut trans = Vec::with_capacity(order.len() * kept.len());
        let mut accept = Vec::with_capacity(order.len());
        for &s in &order {
            accept.push(self.accept.get(s).copied().unwrap_or(false));
            for &col in &kept {
                trans.push(target(s, col));
            }
        }
        let cols: Arc<[u32]> = if kept.len() == self.width {
            Arc::clone(&self.cols)
        } else {
            self.cols
                .iter()
                .map(|&c| col_map.get(c as usize).copied().unwrap_or(0))
                .collect()
        };
        Dfa {
            cols,
            width: kept.len(),
            trans,
            accept,
        }
    }

    /// The same language with indistinguishable states merged (Moore's
    /// partition refinement); keeps later products small.
    fn minimized(self) -> Dfa {
        let n = self.states();
        let row = self.width + 1;
        let mut class: Vec<u32> = self.accept.iter().map(|&a| u32::from(a)).collect();
        let mut classes = usize::from(self.accept.iter().any(|&a| a))
            + usize::from(self.accept.iter().any(|&a| !a));
        // Each round's signatures (class, then the class after each column)
        // side by side in one buffer.
        let mut sig = vec![0u32; n * row];
        loop {
            for (s, chunk) in sig.chunks_mut(row).enumerate() {
                let state = u32::try_from(s).unwrap_or(0);
                if let Some(first) = chunk.first_mut() {
                    *first = class.get(s).copied().unwrap_or(0);
                }
                for (col, slot) in chunk.iter_mut().skip(1).enumerate() {
                    let t = self.step(state, col);
                    *slot = class.get(t as usize).copied().unwrap_or(0);
                }
            }
            let mut ids: HashMap<&[u32], u32> = HashMap::with_capacity(n);
            let mut next_class = Vec::with_capacity(n);
            for chunk in sig.chunks(row) {
                let fresh = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                next_class.push(*ids.entry(chunk).or_insert(fresh));
            }
            let stable = ids.len() == classes;
            classes = ids.len();
            drop(ids);
            class = next_class;
            if stable {
                break;
            }
        }
        self.quotient(&class)
    }

    /// The states on some path from the start to an accepting state.
    /// Per state, the length of a shortest string from it to an accepting
    /// state (`u32::MAX` when none: a dead state).
    fn distances_to_accept(&self) -> Vec<u32> {
        let n = self.states();
        let mut reverse: Vec<Vec<u32>> = vec![Vec::new(); n];
        for s in 0..n {
            let Ok(from) = u32::try_from(s) else { break };
            for col in 0..self.width {
                if let Some(r) = reverse.get_mut(self.step(from, col) as usize) {
                    r.push(from);
                }
            }
        }
        let mut distance = vec![u32::MAX; n];
        let mut queue = std::collections::VecDeque::new();
        for (s, d) in distance.iter_mut().enumerate() {
            if self.accept.get(s).copied().unwrap_or(false) {
                *d = 0;
                queue.push_back(s);
            }
        }
        while let Some(t) = queue.pop_front() {
            let next = distance
                .get(t)
                .copied()
                .unwrap_or(u32::MAX)
                .saturating_add(1);
            for &s in reverse.get(t).map(Vec::as_slice).unwrap_or(&[]) {
                if let Some(d) = distance.get_mut(s as usize) {
                    if *d == u32::MAX {
                        *d = next;
                        queue.push_back(s as usize);
                    }
                }
            }
        }
        distance
    }

    fn useful(&self) -> Vec<bool> {
        let n = self.states();
        let mut reachable = vec![false; n];
        let mut stack = vec![0u32];
        if let Some(r) = reachable.get_mut(0) {
            *r = true;
        }
        let mut reverse: Vec<Vec<u32>> = vec![Vec::new(); n];
        while let Some(s) = stack.pop() {
            for col in 0..self.width {
                let t = self.step(s, col);
                if let Some(r) = reverse.get_mut(t as usize) {
                    r.push(s);
                }
                if let Some(r) = reachable.get_mut(t as usize) {
                    if !*r {
                        *r = true;
                        stack.push(t);
                    }
                }
            }
        }
        let mut live = vec![false; n];
        let mut stack: Vec<u32> = (0..n)
            .filter(|&s| reachable.get(s).copied().unwrap_or(false) && self.accepts_state(s as u32))
            .filter_map(|s| u32::try_from(s).ok())
            .collect();
        for &s in &stack {
            if let Some(l) = live.get_mut(s as usize) {
                *l = true;
            }
        }
        while let Some(s) = stack.pop() {
            for &p in reverse
                .get(s as usize)
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                if let Some(l) = live.get_mut(p as usize) {
                    if !*l {
                        *l = true;
                        stack.push(p);
                    }
                }
            }
        }
        live
    }

    /// The states reached from any of `from` by reading a string of `via`.
    pub(crate) fn image(&self, from: &[u32], via: &Dfa) -> Vec<u32> {
        let (_, columns) = joint(&self.cols, &via.cols);
        let mut seen: foldhash::HashSet<(u32, u32)> = foldhash::HashSet::default();
        let mut stack: Vec<(u32, u32)> = from.iter().map(|&s| (s, 0)).collect();
        seen.extend(stack.iter().copied());
        let mut out = BTreeSet::new();
        while let Some((s, q)) = stack.pop() {
            if via.accepts_state(q) {
                out.insert(s);
            }
            for &(cs, cq) in &columns {
                let pair = (self.step(s, cs as usize), via.step(q, cq as usize));
                if seen.insert(pair) {
                    stack.push(pair);
                }
            }
        }
        out.into_iter().collect()
    }

    /// Whether reading some string of `via` from state `from` reaches a
    /// state for which `to` holds (forward search over the reachable state
    /// pairs only).
    pub(crate) fn reaches(&self, from: u32, via: &Dfa, to: &dyn Fn(u32) -> bool) -> bool {
        let (_, columns) = joint(&self.cols, &via.cols);
        let mut seen: foldhash::HashSet<(u32, u32)> = foldhash::HashSet::default();
        let mut stack = vec![(from, 0u32)];
        seen.insert((from, 0));
        while let Some((s, q)) = stack.pop() {
            if via.accepts_state(q) && to(s) {
                return true;
            }
            for &(cs, cq) in &columns {
                let pair = (self.step(s, cs as usize), via.step(q, cq as usize));
                if seen.insert(pair) {
                    stack.push(pair);
                }
            }
        }
        false
    }

    /// The automaton started at `start`, accepting the states marked in
    /// `accept`.
    pub(crate) fn rooted(&self, start: u32, accept: &[bool]) -> Dfa {
        let n = self.states();
        let mut order: Vec<u32> = vec![start];
        let mut index: Vec<u32> = vec![u32::MAX; n];
        if let Some(i) = index.get_mut(start as usize) {
            *i = 0;
        }
        let mut next = 0usize;
        while let Some(&s) = order.get(next) {
            for col in 0..self.width {
                let t = self.step(s, col);
                if let Some(i) = index.get_mut(t as usize) {
                    if *i == u32::MAX {
                        *i = u32::try_from(order.len()).unwrap_or(u32::MAX);
                        order.push(t);
                    }
                }
            }
            next += 1;
        }
        let mut trans = Vec::with_capacity(order.len() * self.width);
        let mut acc = Vec::with_capacity(order.len());
        for &s in &order {
            acc.push(accept.get(s as usize).copied().unwrap_or(false));
            for col in 0..self.width {
                let t = self.step(s, col);
                trans.push(index.get(t as usize).copied().unwrap_or(0));
            }
        }
        debug_assert!(order.len() <= n);
        Dfa {
            cols: Arc::clone(&self.cols),
            width: self.width,
            trans,
            accept: acc,
        }
        .reduced()
    }

    /// Which states accept.
    pub(crate) fn accepting(&self) -> Vec<bool> {
        self.accept.clone()
    }

    /// Whether the language is every string.
    pub fn is_everything(&self) -> bool {
        !self.reaches_where(|a| !a)
    }

    /// Whether a state whose acceptance is `want(accept)` is reachable from
    /// the start.
    fn reaches_where(&self, want: impl Fn(bool) -> bool) -> bool {
        let mut seen = vec![false; self.states()];
        let mut stack = vec![0u32];
        if let Some(s) = seen.get_mut(0) {
            *s = true;
        }
        while let Some(s) = stack.pop() {
            if want(self.accepts_state(s)) {
                return true;
            }
            for col in 0..self.width {
                let t = self.step(s, col);
                if let Some(f) = seen.get_mut(t as usize) {
                    if !*f {
                        *f = true;
                        stack.push(t);
                    }
                }
            }
        }
        false
    }

    /// How many strings the language holds: a useful cycle makes it
    /// unbounded, otherwise the paths are counted with each symbol's
    /// [`Alphabet::multiplicity`].
    pub fn count(&self, alphabet: &Alphabet) -> Count {
        let useful = self.useful();
        let is_useful = |s: u32| useful.get(s as usize).copied().unwrap_or(false);
        if !is_useful(0) {
            return Count::Finite(0);
        }
        // The characters each column stands for.
        let mut weight = vec![0u128; self.width];
        for (sym, &col) in self.cols.iter().enumerate() {
            let m = alphabet.multiplicity(u32::try_from(sym).unwrap_or(u32::MAX));
            if let Some(w) = weight.get_mut(col as usize) {
                *w = w.saturating_add(m);
            }
        }
        // Depth-first post-order over the useful states; a back edge is a
        // cycle. `ways[s]` is the number of accepted suffixes from `s`.
        const NEW: u8 = 0;
        const OPEN: u8 = 1;
        const DONE: u8 = 2;
        let mut mark = vec![NEW; self.states()];
        let mut ways: Vec<Option<u128>> = vec![Some(0); self.states()];
        let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
        if let Some(m) = mark.get_mut(0) {
            *m = OPEN;
        }
        while let Some(&mut (s, ref mut col)) = stack.last_mut() {
            if *col < self.width {
                let t = self.step(s, *col);
                *col += 1;
                if !is_useful(t) {
                    continue;
                }
                match mark.get(t as usize).copied() {
                    Some(OPEN) => return Count::Unbounded,
                    Some(NEW) => {
                        if let Some(m) = mark.get_mut(t as usize) {
                            *m = OPEN;
                        }
                        stack.push((t, 0));
                    }
                    _ => {}
                }
                continue;
            }
            stack.pop();
            let mut total = Some(u128::from(self.accepts_state(s)));
            for (col, &m) in weight.iter().enumerate() {
                let t = self.step(s, col);
                if !is_useful(t) {
                    continue;
                }
                let w = ways.get(t as usize).copied().flatten();
                total = match (total, w) {
                    (Some(a), Some(b)) => b.checked_mul(m).and_then(|x| a.checked_add(x)),
                    _ => None,
                };
            }
            if let Some(w) = ways.get_mut(s as usize) {
                *w = total;
            }
            if let Some(m) = mark.get_mut(s as usize) {
                *m = DONE;
            }
        }
        match ways.first().copied().flatten() {
            Some(n) => Count::Finite(n),
            None => Count::Huge,
        }
    }

    /// Up to `max` accepted strings, shortest first, each spelled with
    /// readable characters (symbols in the alphabet's witness order). The
    /// search keeps at most `max * 8` partial strings per length, so for a
    /// large language these are *some* short members, not necessarily the
    /// very first ones; a language of at most `max` strings is listed whole
    /// when none of its strings uses `OTHER` more than once per position.
    pub fn examples(&self, alphabet: &Alphabet, max: usize, max_len: usize) -> Vec<String> {
        let distance = self.distances_to_accept();
        let to_accept = |s: u32| distance.get(s as usize).copied().unwrap_or(u32::MAX);
        let is_useful = |s: u32| to_accept(s) != u32::MAX;
        let mut out = Vec::new();
        if !is_useful(0) {
            return out;
        }
        // Partial strings as a tree of (parent, character) nodes, spelled
        // out only when listed: copying each kept string per length cost
        // quadratic time in `max_len` for languages whose first members
        // are long.
        let mut nodes: Vec<(usize, char)> = Vec::new();
        let spell = |nodes: &[(usize, char)], mut at: usize| -> String {
            let mut chars = Vec::new();
            while let Some(&(parent, c)) = nodes.get(at) {
                chars.push(c);
                at = parent;
            }
            chars.iter().rev().collect()
        };
        // (state, node of its string; usize::MAX for the empty string).
        let mut frontier: Vec<(u32, usize)> = vec![(0, usize::MAX)];
        // At most `keep` partial strings per length: those closest to an
        // accepting state, ties in readability order. Keeping the first ones
        // instead listed nothing for `*` followed by a long literal (every
        // slot held a string still looping in the first state). The cut is a
        // threshold on the distance, found by counting, so a length costs two
        // scans of its candidates and no sort.
        let keep = max.saturating_mul(8);
        let mut per_distance = vec![0usize; self.states().saturating_add(1)];
        let mut seen_distances: Vec<usize> = Vec::new();
        for _ in 0..=max_len {
            for &(s, node) in &frontier {
                if self.accepts_state(s) {
                    out.push(spell(&nodes, node));
                    if out.len() >= max {
                        return out;
                    }
                }
            }
            // The largest distance kept, and how many of it fit.
            for d in seen_distances.drain(..) {
                if let Some(n) = per_distance.get_mut(d) {
                    *n = 0;
                }
            }
            for &(s, _) in &frontier {
                for &sym in &alphabet.order {
                    let t = self.next(s, sym as usize);
                    if is_useful(t) {
                        let d = to_accept(t) as usize;
                        if let Some(n) = per_distance.get_mut(d) {
                            if *n == 0 {
                                seen_distances.push(d);
                            }
                            *n += 1;
                        }
                    }
                }
            }
            seen_distances.sort_unstable();
            let (mut threshold, mut room_at_threshold, mut total) =
                (usize::MAX, usize::MAX, 0usize);
            for &d in &seen_distances {
                let n = per_distance.get(d).copied().unwrap_or(0);
                if total + n >= keep {
                    threshold = d;
                    room_at_threshold = keep - total;
                    break;
                }
                total += n;
            }
            let mut next: Vec<(u32, usize)> = Vec::new();
            for &(s, node) in &frontier {
                for &sym in &alphabet.order {
                    let t = self.next(s, sym as usize);
                    if !is_useful(t) {
                        continue;
                    }
                    let d = to_accept(t) as usize;
                    if d > threshold || (d == threshold && room_at_threshold == 0) {
                        continue;
                    }
                    if d == threshold {
                        room_at_threshold -= 1;
                    }
                    nodes.push((node, alphabet.representative(sym)));
                    next.push((t, nodes.len() - 1));
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        out
    }

    /// Whether the language is empty.
    pub fn is_empty(&self) -> bool {
        !self.reaches_where(|a| a)
    }

    /// Whether every string of `other` is in this language; otherwise a
    /// shortest counterexample.
    ///
    /// # Errors
    ///
    /// [`TooComplex`] from the product.
    pub fn includes(
        &self,
        other: &Dfa,
        alphabet: &Alphabet,
        limit: usize,
    ) -> Result<Result<(), String>, TooComplex> {
        let extra = other.product(self, Op::AndNot, limit)?;
        Ok(match extra.shortest(alphabet) {
            None => Ok(()),
            Some(w) => Err(w),
        })
    }

    /// A shortest accepted string, choosing among the shortest the one whose
    /// characters are most readable (letters, digits, then punctuation).
    pub fn shortest(&self, alphabet: &Alphabet) -> Option<String> {
        let path = self.shortest_symbols(&alphabet.order)?;
        Some(
            path.into_iter()
                .map(|s| alphabet.representative(s))
                .collect(),
        )
    }

    /// Breadth-first search for an accepting state; symbols are tried in
    /// `order`. Of the symbols of one column only the first in `order` can
    /// reach a state first, so each column is tried once, by that symbol.
    fn shortest_symbols(&self, order: &[u32]) -> Option<Vec<u32>> {
        let default: Vec<u32>;
        let order = if order.is_empty() {
            default = (0..self.symbols())
                .filter_map(|s| u32::try_from(s).ok())
                .collect();
            &default
        } else {
            order
        };
        let mut first: Vec<bool> = vec![false; self.width];
        let mut tries: Vec<(u32, usize)> = Vec::with_capacity(self.width);
        for &sym in order {
            if let Some(&col) = self.cols.get(sym as usize) {
                if let Some(f) = first.get_mut(col as usize) {
                    if !*f {
                        *f = true;
                        tries.push((sym, col as usize));
                    }
                }
            }
        }
        let mut parent: Vec<Option<(u32, u32)>> = vec![None; self.states()];
        let mut seen = vec![false; self.states()];
        let mut queue = VecDeque::from([0u32]);
        if let Some(s) = seen.get_mut(0) {
            *s = true;
        }
        while let Some(state) = queue.pop_front() {
            if self.accepts_state(state) {
                let mut path = Vec::new();
                let mut at = state;
                while let Some(Some((from, sym))) = parent.get(at as usize) {
                    path.push(*sym);
                    at = *from;
                }
                path.reverse();
                return Some(path);
            }
            for &(sym, col) in &tries {
                let t = self.step(state, col);
                if let Some(flag) = seen.get_mut(t as usize) {
                    if !*flag {
                        *flag = true;
                        if let Some(p) = parent.get_mut(t as usize) {
                            *p = Some((state, sym));
                        }
                        queue.push_back(t);
                    }
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        reason = "test module: a panic is a failing test"
    )]
    use super::*;

    fn glob(p: &str) -> Nfa {
        Nfa::new(
            vec![p
                .chars()
                .map(|c| match c {
                    '*' => Elem::any_run(),
                    '?' => Elem::any_char(),
                    c => Elem::char(c),
                })
                .collect()],
            false,
        )
    }

    fn dfas(nfas: &[&Nfa]) -> (Alphabet, Vec<Dfa>) {
        let mut b = AlphabetBuilder::new();
        for n in nfas {
            b.add(n);
        }
        let a = b.build();
        let d = nfas
            .iter()
            .map(|n| Dfa::build(n, &a, 10_000).unwrap())
            .collect();
        (a, d)
    }

    /// A product with every string or no string on one side is one operand (or nothing), never
    /// larger than the operands: it stays within a limit the general pair product would exceed.
    #[test]
    fn a_product_with_a_constant_side_is_an_operand() {
        let n = glob("a*b?c");
        let (alphabet, d) = dfas(&[&n]);
        let d = &d[0];
        let (all, none) = (Dfa::everything(&alphabet), Dfa::nothing(&alphabet));
        let limit = d.states() - 1;
        assert!(d.product(d, Op::And, limit).is_err(), "the limit binds");
        let words = ["", "abxc", "aabbc", "abc", "c", "axbyc"];
        assert!(words.iter().any(|w| d.accepts(&alphabet, w)));
        assert!(!words.iter().all(|w| d.accepts(&alphabet, w)));
        for (x, y, op, same) in [
            (&all, d, Op::And, true),
            (d, &all, Op::And, true),
            (&none, d, Op::And, false),
            (d, &none, Op::And, false),
            (&none, d, Op::Or, true),
            (d, &none, Op::Or, true),
            (d, &none, Op::AndNot, true),
            (&none, d, Op::AndNot, false),
            (d, &all, Op::AndNot, false),
        ] {
            let p = x
                .product(y, op, limit)
                .unwrap_or_else(|e| panic!("{op:?}: {e}"));
            for w in words {
                assert_eq!(
                    p.accepts(&alphabet, w),
                    same && d.accepts(&alphabet, w),
                    "{op:?} {w}"
                );
            }
            assert!(p.states() <= d.states(), "{op:?}");
        }
    }

    #[test]
    fn glob_language() {
        let n = glob("a*b?");
        let (a, d) = dfas(&[&n]);
        let d = &d[0];
        for (s, want) in [
            ("ab?", true),
            ("abx", true),
            ("ab", false),
            ("aXYbé", true),
            ("a\u{1F600}bb", true),
            ("abbb", true),
            ("b", false),
        ] {
            assert_eq!(d.accepts(&a, s), want, "{s}");
        }
        assert_eq!(d.shortest(&a).as_deref(), Some("aba"));
    }

    /// A `*` followed by a long literal: the examples are the shortest
    /// members, each in the language (the search once kept only strings
    /// looping in the first state and listed none).
    #[test]
    fn examples_reach_a_long_literal_after_a_star() {
        let n = glob("*:ref:refs/heads/main");
        let (a, d) = dfas(&[&n]);
        let examples = d[0].examples(&a, 3, 1_000);
        assert_eq!(examples.len(), 3, "{examples:?}");
        assert_eq!(examples[0], ":ref:refs/heads/main");
        for e in &examples {
            assert!(d[0].accepts(&a, e), "{e}");
        }
        assert!(
            examples[1].len() == ":ref:refs/heads/main".len() + 1,
            "{examples:?}"
        );
    }

    #[test]
    fn algebra() {
        let (x, y) = (glob("repo:o/*"), glob("repo:*:ref:refs/heads/main"));
        let (a, d) = dfas(&[&x, &y]);
        let both = d[0].product(&d[1], Op::And, 1000).unwrap();
        assert_eq!(
            both.shortest(&a).as_deref(),
            Some("repo:o/:ref:refs/heads/main")
        );
        assert!(d[0].includes(&both, &a, 1000).unwrap().is_ok());
        let w = both.includes(&d[0], &a, 1000).unwrap().unwrap_err();
        assert!(d[0].accepts(&a, &w) && !both.accepts(&a, &w));
        assert!(d[0]
            .product(&d[0].complement(), Op::And, 1000)
            .unwrap()
            .is_empty());
        let either = d[0].product(&d[1], Op::Or, 1000).unwrap();
        assert!(either.accepts(&a, "repo:x:ref:refs/heads/main"));
        assert!(either.accepts(&a, "repo:o/z"));
        assert!(!either.accepts(&a, "repo:x"));
    }

    #[test]
    fn folding_matches_eval_rules() {
        // `StringEqualsIgnoreCase` "kİ" folds to "ki\u{307}".
        let n = Nfa::new(vec!["ki\u{307}".chars().map(Elem::char).collect()], true);
        let q = Nfa::new(vec![vec![Elem::any_char()]], true);
        let (a, d) = dfas(&[&n, &q]);
        for (s, want) in [
            ("KI\u{307}", true),
            ("\u{212A}i\u{307}", true),
            ("kİ", true),
            ("ki", false),
            ("K", false),
        ] {
            assert_eq!(d[0].accepts(&a, s), want, "{s}");
        }
        // `?` after folding does not match `İ` (two chars folded).
        assert!(!d[1].accepts(&a, "İ"));
        assert!(d[1].accepts(&a, "Z"));
    }

    #[test]
    fn lowercase_table_is_to_lowercase() {
        let table = lowercase_table();
        assert!(table.len() > 1_000);
        for (c, lower) in table {
            assert!(c.to_lowercase().eq(lower.iter().copied()), "{c:?}");
        }
        // Every other character of the first planes lowercases to itself.
        for c in ('\0'..='\u{2ffff}').filter(|c| table.binary_search_by_key(c, |e| e.0).is_err()) {
            assert!(c.to_lowercase().eq(std::iter::once(c)), "{c:?}");
        }
        assert!(table.iter().any(|(c, _)| *c == '\u{212A}'));
    }

    #[test]
    fn words_build_the_subset_constructions_automaton() {
        let sets: [&[&str]; 6] = [
            &["sts.amazonaws.com"],
            &["", "a", "ab", "abc", "b"],
            &[
                "system:serviceaccount:ns:sa",
                "system:serviceaccount:ns:sb",
                "x",
            ],
            &["aa", "aa", "ab"],
            &["é\u{1F600}", "e"],
            &[""],
        ];
        for words in sets {
            let n = Nfa::new(
                words
                    .iter()
                    .map(|w| w.chars().map(Elem::char).collect())
                    .collect(),
                false,
            );
            assert!(n.words().is_some());
            let mut b = AlphabetBuilder::new();
            b.add(&n);
            b.add(&glob("x?*:é"));
            let a = b.build();
            for limit in [1, 2, 3, 5, 8, 40, 10_000] {
                assert_eq!(
                    Dfa::build(&n, &a, limit),
                    Dfa::build_subsets(&n, &a, limit),
                    "{words:?} limit {limit}"
                );
            }
        }
        // A word whose character the alphabet does not name.
        let n = Nfa::literal("a\u{2603}b");
        let a = {
            let mut b = AlphabetBuilder::new();
            b.add(&Nfa::literal("ab"));
            b.build()
        };
        for limit in [1, 2, 3, 4, 10] {
            assert_eq!(Dfa::build(&n, &a, limit), Dfa::build_subsets(&n, &a, limit));
        }
    }

    #[test]
    fn overlapping_stars_hit_the_limit() {
        // `*a` then twenty `?`: the determinised language must remember
        // the last 21 characters, about two million states.
        let mut p = String::from("*a");
        p.push_str(&"?".repeat(20));
        let n = glob(&p);
        let mut b = AlphabetBuilder::new();
        b.add(&n);
        let a = b.build();
        let started = std::time::Instant::now();
        assert_eq!(Dfa::build(&n, &a, 5_000), Err(TooComplex { limit: 5_000 }));
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
