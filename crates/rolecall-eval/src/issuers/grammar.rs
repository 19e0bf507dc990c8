//! The grammar of an issuer's `sub` claim as typed data (docs/SEMANTICS.md
//! §4.8): a [`SubjectGrammar`] is a list of [`SubjectForm`]s, each a
//! sequence of [`Part`]s: literal text, one of several literals, or a named
//! [`Field`] whose values are the strings of a [`NameAlphabet`] (character
//! ranges, a length range, and optionally the characters allowed at both
//! ends). Every part is a regular language, so `rolecall-analyze` can turn a
//! grammar into an automaton and intersect it with what a trust policy
//! admits; [`SubjectGrammar::matches`] is membership plus parse, for tests
//! and hints.
//!
//! A grammar is never narrower than what its issuer mints: where an
//! issuer's rules are not documented exactly, the field's alphabet is the
//! documented one widened (a GitHub ref is any text git accepts in a ref),
//! never guessed narrower, so that "no subject of this issuer matches" is a
//! safe conclusion. An issuer without a grammar is analysed over all
//! strings.
//!
//! The data is owned (`String`, `Vec`) because some grammars are built at
//! run time: a GitHub organisation's `include_claim_keys` template gives its
//! own grammar ([`SubjectGrammar::github_template`]).

use serde::Serialize;

/// Longest subject, in characters, [`SubjectGrammar::matches`] reads: a
/// longer text matches no form. Bounds the parse's time and memory
/// (O(parts x length)); real subjects are a few hundred characters.
pub const MAX_MATCH_CHARS: usize = 65_536;

/// An inclusive range of characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CharRange {
    /// The first character of the range.
    pub lo: char,
    /// The last character of the range (inclusive).
    pub hi: char,
}

impl CharRange {
    /// The range `lo..=hi`.
    pub const fn new(lo: char, hi: char) -> CharRange {
        CharRange { lo, hi }
    }

    /// The one character `c`.
    pub const fn one(c: char) -> CharRange {
        CharRange { lo: c, hi: c }
    }

    /// Whether `c` is in the range.
    pub fn contains(&self, c: char) -> bool {
        self.lo <= c && c <= self.hi
    }
}

/// Whether `c` is in any of `ranges`.
fn in_ranges(ranges: &[CharRange], c: char) -> bool {
    ranges.iter().any(|r| r.contains(c))
}

/// The set of values a [`Field`] takes: strings over `chars` whose length
/// (in characters) is in `min_len..=max_len`, and, when `edge` is set,
/// whose first and last characters are in `edge`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NameAlphabet {
    /// The characters allowed anywhere in the value.
    pub chars: Vec<CharRange>,
    /// When set, the first and the last character must also be in these
    /// ranges (a DNS label starts and ends with a letter or digit).
    pub edge: Option<Vec<CharRange>>,
    /// The shortest value, in characters.
    pub min_len: usize,
    /// The longest value, in characters; `None` for no documented bound.
    pub max_len: Option<usize>,
}

/// `a-z`, `A-Z`, `0-9`.
const ALNUM: [CharRange; 3] = [
    CharRange::new('a', 'z'),
    CharRange::new('A', 'Z'),
    CharRange::new('0', '9'),
];
/// `a-z`, `0-9`.
const LOWER_ALNUM: [CharRange; 2] = [CharRange::new('a', 'z'), CharRange::new('0', '9')];

impl NameAlphabet {
    /// Values over `chars` of `min_len..=max_len` characters.
    pub fn new(chars: &[CharRange], min_len: usize, max_len: Option<usize>) -> NameAlphabet {
        NameAlphabet {
            chars: chars.to_vec(),
            edge: None,
            min_len,
            max_len,
        }
    }

    /// The same alphabet with the first and last character restricted to
    /// `edge`.
    pub fn with_edge(mut self, edge: &[CharRange]) -> NameAlphabet {
        self.edge = Some(edge.to_vec());
        self
    }

    /// Every character except those in `except`, `min_len` or more of them
    /// with no upper bound.
    pub fn any_except(except: &[char], min_len: usize) -> NameAlphabet {
        let mut cuts: Vec<char> = except.to_vec();
        cuts.sort_unstable();
        cuts.dedup();
        let mut chars = Vec::with_capacity(cuts.len() + 1);
        let mut lo = Some('\0');
        for c in cuts {
            if let Some(l) = lo {
                if let Some(hi) = char_before(c) {
                    if l <= hi {
                        chars.push(CharRange::new(l, hi));
                    }
                }
            }
            lo = char_after(c);
        }
        if let Some(l) = lo {
            chars.push(CharRange::new(l, char::MAX));
        }
        NameAlphabet::new(&chars, min_len, None)
    }

    /// ASCII digits, `min_len..=max_len` of them (numeric ids).
    pub fn digits(min_len: usize, max_len: usize) -> NameAlphabet {
        NameAlphabet::new(&[CharRange::new('0', '9')], min_len, Some(max_len))
    }

    /// Lower-case hexadecimal digits, exactly `len` of them (git commit
    /// SHAs).
    pub fn lower_hex(len: usize) -> NameAlphabet {
        NameAlphabet::new(
            &[CharRange::new('0', '9'), CharRange::new('a', 'f')],
            len,
            Some(len),
        )
    }

    /// A GitHub account (user or organisation) name: 1 to 39 ASCII letters,
    /// digits, `-`, and `_` (Enterprise Managed Users' `name_shortcode`).
    /// GitHub's sign-up form also refuses a leading or trailing `-`, but
    /// older accounts predate that rule, so it is not imposed.
    pub fn github_owner() -> NameAlphabet {
        let mut chars = ALNUM.to_vec();
        chars.extend([CharRange::one('-'), CharRange::one('_')]);
        NameAlphabet::new(&chars, 1, Some(39))
    }

    /// A GitHub repository name: 1 to 100 ASCII letters, digits, `.`, `_`
    /// and `-`.
    pub fn github_repository() -> NameAlphabet {
        let mut chars = ALNUM.to_vec();
        chars.extend([
            CharRange::one('.'),
            CharRange::one('_'),
            CharRange::one('-'),
        ]);
        NameAlphabet::new(&chars, 1, Some(100))
    }

    /// The rest of a git ref after `refs/heads/` or `refs/tags/`: what
    /// `git check-ref-format` accepts, as characters: no control character,
    /// space, `~`, `^`, `:`, `?`, `*`, `[` or `\`. (Its rules on `..`,
    /// `@{`, a leading `.` or a trailing `.lock` are not imposed: the set
    /// is wider, never narrower.)
    pub fn git_ref_name() -> NameAlphabet {
        let mut except: Vec<char> = ('\0'..=' ').collect();
        except.extend(['\u{7f}', '~', '^', ':', '?', '*', '[', '\\']);
        NameAlphabet::any_except(&except, 1)
    }

    /// A Kubernetes DNS-1123 label (namespaces): 1 to 63 of `a-z`, `0-9`,
    /// `-`, starting and ending with a letter or digit.
    pub fn dns1123_label() -> NameAlphabet {
        let mut chars = LOWER_ALNUM.to_vec();
        chars.push(CharRange::one('-'));
        NameAlphabet::new(&chars, 1, Some(63)).with_edge(&LOWER_ALNUM)
    }

    /// A Kubernetes DNS-1123 subdomain (service account names): 1 to 253 of
    /// `a-z`, `0-9`, `-`, `.`, starting and ending with a letter or digit.
    /// (That each `.`-separated label also starts and ends so is not
    /// imposed: the set is wider, never narrower.)
    pub fn dns1123_subdomain() -> NameAlphabet {
        let mut chars = LOWER_ALNUM.to_vec();
        chars.extend([CharRange::one('-'), CharRange::one('.')]);
        NameAlphabet::new(&chars, 1, Some(253)).with_edge(&LOWER_ALNUM)
    }

    /// Whether `value` is in the set.
    pub fn contains(&self, value: &str) -> bool {
        let n = value.chars().count();
        if n < self.min_len || self.max_len.is_some_and(|m| n > m) {
            return false;
        }
        if !value.chars().all(|c| in_ranges(&self.chars, c)) {
            return false;
        }
        match &self.edge {
            Some(edge) => {
                let first = value.chars().next();
                let last = value.chars().next_back();
                [first, last]
                    .into_iter()
                    .flatten()
                    .all(|c| in_ranges(edge, c))
            }
            None => true,
        }
    }

    fn char_ok(&self, c: char) -> bool {
        in_ranges(&self.chars, c)
    }

    fn edge_ok(&self, c: char) -> bool {
        self.edge.as_ref().is_none_or(|e| in_ranges(e, c))
    }
}

fn char_before(c: char) -> Option<char> {
    match c {
        '\0' => None,
        '\u{e000}' => Some('\u{d7ff}'),
        c => char::from_u32(u32::from(c) - 1),
    }
}

fn char_after(c: char) -> Option<char> {
    match c {
        char::MAX => None,
        '\u{d7ff}' => Some('\u{e000}'),
        c => char::from_u32(u32::from(c) + 1),
    }
}

/// What a field names, so that an analysis can say "owner ∈ {octo-org}"
/// and ask about trusted tenants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FieldRole {
    /// Who owns the workload: GitHub owner, GitLab group, Kubernetes
    /// namespace, HCP Terraform or Buildkite organisation, CircleCI org.
    Tenant,
    /// The tenant's immutable numeric or UUID id.
    TenantId,
    /// The workload inside the tenant: repository, project, service
    /// account, workspace, pipeline.
    Project,
    /// The project's immutable id.
    ProjectId,
    /// What part of the project's life: branch, tag, environment, run
    /// phase, step.
    Context,
    /// Anything else (actor, commit, visibility...).
    Detail,
}

/// A named run of characters inside a subject.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Field {
    /// The field's name (`owner`, `repository`, `branch`, `namespace`...).
    pub name: String,
    /// What it names.
    pub role: FieldRole,
    /// Its values.
    pub alphabet: NameAlphabet,
}

/// One part of a [`SubjectForm`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Part {
    /// This exact text.
    Literal(String),
    /// A named field.
    Field(Field),
    /// Exactly one of these texts (`plan` or `apply`).
    OneOf(Vec<String>),
}

impl Part {
    /// A literal part.
    pub fn lit(text: &str) -> Part {
        Part::Literal(text.to_owned())
    }

    /// A field part.
    pub fn field(name: &str, role: FieldRole, alphabet: NameAlphabet) -> Part {
        Part::Field(Field {
            name: name.to_owned(),
            role,
            alphabet,
        })
    }

    /// A one-of part.
    pub fn one_of(texts: &[&str]) -> Part {
        Part::OneOf(texts.iter().map(|t| (*t).to_owned()).collect())
    }
}

/// One shape of subject (`branch`, `pull_request`, `V2`...): its parts, in
/// order, concatenated.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SubjectForm {
    /// What this form is called (`branch`, `environment`, `immutable
    /// branch`...).
    pub name: String,
    /// The parts, concatenated.
    pub parts: Vec<Part>,
}

/// The fields a subject was parsed into, in the order of the form's parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<'g> {
    /// The name of the form that matched.
    pub form: &'g str,
    /// `(field name, value)` per field of the form.
    pub fields: Vec<(String, String)>,
}

/// Every `sub` an issuer can mint: the union of its forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SubjectGrammar {
    /// The forms; a subject is valid when it matches one of them.
    pub forms: Vec<SubjectForm>,
}

impl SubjectForm {
    /// A form called `name` with these parts.
    pub fn new(name: &str, parts: Vec<Part>) -> SubjectForm {
        SubjectForm {
            name: name.to_owned(),
            parts,
        }
    }

    /// Whether `chars[p..]` starts with `text`; the end position.
    fn literal_end(chars: &[char], p: usize, text: &str) -> Option<usize> {
        let mut i = p;
        for t in text.chars() {
            if chars.get(i) != Some(&t) {
                return None;
            }
            i += 1;
        }
        Some(i)
    }

    /// Parses `s` with this form: the value of each field, or `None`.
    ///
    /// Fields take as much as they can from the left (an earlier field is
    /// as long as the rest still parses): a GitLab `group/sub/project` gives
    /// the namespace `group/sub` and the project `project`.
    pub fn parse(&self, s: &str) -> Option<Vec<(String, String)>> {
        let chars: Vec<char> = s.chars().collect();
        let n = chars.len();
        if n > MAX_MATCH_CHARS {
            return None;
        }
        // reach[i][p]: the first i parts can match chars[..p].
        let mut reach: Vec<Vec<bool>> = Vec::with_capacity(self.parts.len() + 1);
        let mut start = vec![false; n + 1];
        if let Some(first) = start.first_mut() {
            *first = true;
        }
        reach.push(start);
        for part in &self.parts {
            let prev = reach.last()?;
            let next = forward(part, &chars, prev);
            reach.push(next);
        }
        if !reach.last()?.get(n).copied().unwrap_or(false) {
            return None;
        }
        // Backwards: for each part, the latest start from which it reaches
        // the current end (so earlier fields are longest).
        let mut end = n;
        let mut values: Vec<(String, String)> = Vec::new();
        for (i, part) in self.parts.iter().enumerate().rev() {
            let prev = reach.get(i)?;
            let reachable = |p: usize| prev.get(p).copied().unwrap_or(false);
            let start = match part {
                Part::Literal(t) => literal_start(&chars, t, end).filter(|&p| reachable(p)),
                Part::OneOf(ts) => ts
                    .iter()
                    .filter_map(|t| literal_start(&chars, t, end))
                    .filter(|&p| reachable(p))
                    .max(),
                Part::Field(f) => field_start(&f.alphabet, &chars, end, reachable),
            }?;
            if let Part::Field(f) = part {
                let value: String = chars.get(start..end)?.iter().collect();
                values.push((f.name.clone(), value));
            }
            end = start;
        }
        values.reverse();
        Some(values)
    }
}

/// The start of `text` when it ends `chars[..e]`.
fn literal_start(chars: &[char], text: &str, e: usize) -> Option<usize> {
    let p = e.checked_sub(text.chars().count())?;
    (SubjectForm::literal_end(chars, p, text) == Some(e)).then_some(p)
}

/// The latest start `p` with `reachable(p)` such that `chars[p..e]` is a
/// value of `a` (linear in the value's length).
fn field_start(
    a: &NameAlphabet,
    chars: &[char],
    e: usize,
    reachable: impl Fn(usize) -> bool,
) -> Option<usize> {
    if e == 0 || a.min_len == 0 {
        if a.min_len == 0 && reachable(e) {
            return Some(e);
        }
        if e == 0 {
            return None;
        }
    }
    // A non-empty value ends with an edge character.
    if !chars.get(e - 1).is_some_and(|&c| a.edge_ok(c)) {
        return None;
    }
    let longest = a.max_len.unwrap_or(e).min(e);
    let mut p = e;
    let mut best = None;
    // Walk back over allowed chars; each p is a candidate start.
    while p > e - longest {
        let Some(&c) = chars.get(p - 1) else { break };
        if !a.char_ok(c) {
            break;
        }
        p -= 1;
        if e - p >= a.min_len.max(1) && a.edge_ok(c) && reachable(p) {
            best = Some(p);
            // The latest start wins: stop at the first found.
            break;
        }
    }
    best
}

/// The ends reachable after `part` from the starts marked in `prev`.
fn forward(part: &Part, chars: &[char], prev: &[bool]) -> Vec<bool> {
    let n = chars.len();
    let mut next = vec![false; n + 1];
    let starts = prev
        .iter()
        .enumerate()
        .filter_map(|(p, &ok)| ok.then_some(p));
    match part {
        Part::Literal(t) => {
            for p in starts {
                if let Some(e) = SubjectForm::literal_end(chars, p, t) {
                    if let Some(x) = next.get_mut(e) {
                        *x = true;
                    }
                }
            }
        }
        Part::OneOf(ts) => {
            for p in starts {
                for t in ts {
                    if let Some(e) = SubjectForm::literal_end(chars, p, t) {
                        if let Some(x) = next.get_mut(e) {
                            *x = true;
                        }
                    }
                }
            }
        }
        Part::Field(f) => {
            let a = &f.alphabet;
            // run[p]: the end of the longest run of allowed chars from p.
            let mut run = vec![n; n + 1];
            for p in (0..n).rev() {
                let ok = chars.get(p).is_some_and(|&c| a.char_ok(c));
                let r = if ok {
                    run.get(p + 1).copied().unwrap_or(n)
                } else {
                    p
                };
                if let Some(x) = run.get_mut(p) {
                    *x = r;
                }
            }
            // Candidate ends form one interval per start: marked with a
            // difference array, so the whole pass is linear.
            let mut diff = vec![0i64; n + 2];
            for p in starts {
                // Non-empty values (the empty one, when allowed, is added
                // below): the first char is allowed at an edge.
                if !chars.get(p).is_some_and(|&c| a.char_ok(c) && a.edge_ok(c)) {
                    continue;
                }
                let lo = p + a.min_len.max(1);
                let mut hi = run.get(p).copied().unwrap_or(p);
                if let Some(m) = a.max_len {
                    hi = hi.min(p.saturating_add(m));
                }
                if lo <= hi {
                    if let Some(x) = diff.get_mut(lo) {
                        *x += 1;
                    }
                    if let Some(x) = diff.get_mut(hi + 1) {
                        *x -= 1;
                    }
                }
            }
            let mut open = 0i64;
            for (e, x) in next.iter_mut().enumerate() {
                open += diff.get(e).copied().unwrap_or(0);
                // A non-empty value ends with an edge character.
                *x = open > 0
                    && e.checked_sub(1)
                        .and_then(|i| chars.get(i))
                        .is_some_and(|&c| a.edge_ok(c));
            }
            if a.min_len == 0 {
                for (e, &ok) in prev.iter().enumerate() {
                    if ok {
                        if let Some(x) = next.get_mut(e) {
                            *x = true;
                        }
                    }
                }
            }
        }
    }
    next
}

impl SubjectGrammar {
    /// A grammar of these forms.
    pub fn new(forms: Vec<SubjectForm>) -> SubjectGrammar {
        SubjectGrammar { forms }
    }

    /// The fields of `sub` under the first form that matches it, or `None`
    /// when no token of this grammar carries `sub`.
    pub fn matches(&self, sub: &str) -> Option<Vec<(String, String)>> {
        self.parse(sub).map(|p| p.fields)
    }

    /// [`Self::matches`] with the name of the form.
    pub fn parse(&self, sub: &str) -> Option<Parsed<'_>> {
        self.forms.iter().find_map(|f| {
            f.parse(sub).map(|fields| Parsed {
                form: &f.name,
                fields,
            })
        })
    }

    /// The form called `name`.
    pub fn form(&self, name: &str) -> Option<&SubjectForm> {
        self.forms.iter().find(|f| f.name == name)
    }
}
