//! The request a trust policy is evaluated against (docs/DECISIONS.md R11).
//!
//! A [`Request`] is three things:
//!
//! * the **principal**, one string: for web identity the OIDC provider ARN
//!   (`arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com`)
//!   or a built-in provider's name (`accounts.google.com`), compared byte for
//!   byte with `Federated` values (R2);
//! * the **action**, one string such as `sts:AssumeRoleWithWebIdentity`;
//! * the **context**: condition keys with their values. A key is either
//!   *single-valued* (one string) or *multivalued* (a list, even of one
//!   element, docs/SEMANTICS.md D6). Key names compare ignoring case
//!   (R6), so two keys equal after folding make the request invalid.
//!
//! # Case-insensitive keys without per-lookup work
//!
//! Each key's folded spelling is computed once, when it enters the
//! [`Context`], and entries are kept sorted by it. A compiled policy folds
//! its own key names once too, into a [`FoldedKey`], so that
//! [`Context::get`] is a binary search over already-folded strings: no
//! allocation and no folding on the hot path. [`Context::lookup`] accepts
//! any spelling and folds it on the fly, still without allocating, with an
//! ASCII fast path. The original spelling is kept for messages.
//!
//! # Building a request
//!
//! ```
//! use rolecall_eval::request::Request;
//!
//! let req = Request::builder()
//!     .principal("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com")
//!     .action("sts:AssumeRoleWithWebIdentity")
//!     .value("token.actions.githubusercontent.com:sub", "repo:o/r:ref:refs/heads/main")
//!     .values("aws:TagKeys", ["team", "env"])
//!     .build()?;
//!
//! let sub = req.context().lookup("TOKEN.ACTIONS.GITHUBUSERCONTENT.COM:SUB").unwrap();
//! assert_eq!(sub.name(), "token.actions.githubusercontent.com:sub");
//! assert_eq!(sub.value().as_single(), Some("repo:o/r:ref:refs/heads/main"));
//! assert!(req.context().lookup("aws:tagkeys").unwrap().value().is_multivalued());
//! # Ok::<(), rolecall_eval::request::RequestError>(())
//! ```
//!
//! # From JSON
//!
//! ```
//! use rolecall_eval::request::Request;
//!
//! let req = Request::from_json(r#"{
//!     "principal": "accounts.google.com",
//!     "action": "sts:AssumeRoleWithWebIdentity",
//!     "context": {"accounts.google.com:aud": "client", "aws:TagKeys": ["team"]}
//! }"#)?;
//! // A JSON array is always multivalued, even with one element.
//! assert!(req.context().lookup("aws:TagKeys").unwrap().value().is_multivalued());
//! # Ok::<(), rolecall_eval::request::RequestError>(())
//! ```
//!
//! Unknown fields, duplicate fields, duplicate context keys (also under
//! case folding) and values other than strings or arrays of strings are
//! errors that point at a line and column.

use std::cmp::Ordering;
use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// A condition key name after R6 folding
/// (`name.chars().flat_map(char::to_lowercase)`).
///
/// Fold policy key names once, at compile time, and look them up with
/// [`Context::get`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FoldedKey(Box<str>);

impl FoldedKey {
    /// Folds a key name.
    pub fn new(name: &str) -> FoldedKey {
        if name.is_ascii() {
            FoldedKey(name.to_ascii_lowercase().into())
        } else {
            FoldedKey(
                name.chars()
                    .flat_map(char::to_lowercase)
                    .collect::<String>()
                    .into(),
            )
        }
    }

    /// The folded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FoldedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Compares a folded key with the folding of `name`, without allocating.
fn cmp_folded(folded: &str, name: &str) -> Ordering {
    if name.is_ascii() {
        folded
            .bytes()
            .cmp(name.bytes().map(|b| b.to_ascii_lowercase()))
    } else {
        // `str` orders by bytes, and UTF-8 byte order is code-point order,
        // so comparing chars agrees with the sort order of the entries.
        folded
            .chars()
            .cmp(name.chars().flat_map(char::to_lowercase))
    }
}

/// The value of one context key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ContextValue {
    /// One string.
    Single(String),
    /// A list of strings, possibly empty or of one element; plain
    /// (unqualified) operators are false on it (docs/SEMANTICS.md D5).
    Multi(Vec<String>),
}

impl ContextValue {
    /// Whether the key is multivalued.
    pub fn is_multivalued(&self) -> bool {
        matches!(self, ContextValue::Multi(_))
    }

    /// The value of a single-valued key.
    pub fn as_single(&self) -> Option<&str> {
        match self {
            ContextValue::Single(s) => Some(s),
            ContextValue::Multi(_) => None,
        }
    }

    /// Every value: one for a single-valued key.
    pub fn values(&self) -> &[String] {
        match self {
            ContextValue::Single(s) => std::slice::from_ref(s),
            ContextValue::Multi(vs) => vs,
        }
    }
}

/// One key of a [`Context`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContextEntry {
    name: String,
    folded: FoldedKey,
    value: ContextValue,
}

impl ContextEntry {
    /// The key as it was spelled when it was added.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key after R6 folding.
    pub fn folded(&self) -> &FoldedKey {
        &self.folded
    }

    /// The key's value.
    pub fn value(&self) -> &ContextValue {
        &self.value
    }
}

/// Up to this many keys, [`Context::get`] scans instead of bisecting.
const LINEAR_LOOKUP_MAX: usize = 16;

/// The condition keys of a request, looked up ignoring case.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Context {
    // INVARIANT (sorted, unique): sorted by `folded`, no two entries with
    // the same `folded`. Kept by `Context::insert` and
    // `Context::from_entries`, the only ways to add entries.
    entries: Vec<ContextEntry>,
}

impl Context {
    /// An empty context.
    pub fn new() -> Context {
        Context::default()
    }

    /// A context holding `entries`, in one step.
    ///
    /// Sorts once, so building a context of `n` keys costs O(n log n);
    /// calling [`Context::insert`] `n` times costs O(n²) (each call shifts
    /// the entries after the new key). The builder, JSON reading and the
    /// token-to-request step all come here.
    ///
    /// # Errors
    ///
    /// [`RequestError::DuplicateKey`] for two keys equal under R6 folding:
    /// the same pair `insert` in the order given would report first (the
    /// earliest key whose spelling repeats an earlier one, and that
    /// earlier one).
    ///
    /// ```
    /// use rolecall_eval::request::{Context, ContextValue};
    ///
    /// let one = |v: &str| ContextValue::Single(v.into());
    /// let ctx = Context::from_entries([("b:x", one("1")), ("A:y", one("2"))])?;
    /// assert_eq!(ctx.iter().map(|e| e.name()).collect::<Vec<_>>(), ["A:y", "b:x"]);
    /// assert!(Context::from_entries([("k", one("1")), ("K", one("2"))]).is_err());
    /// # Ok::<(), rolecall_eval::request::RequestError>(())
    /// ```
    pub fn from_entries<I, K>(entries: I) -> Result<Context, RequestError>
    where
        I: IntoIterator<Item = (K, ContextValue)>,
        K: Into<String>,
    {
        let entries = entries
            .into_iter()
            .map(|(name, value)| ContextEntry::new(name.into(), value))
            .collect();
        Ok(Context {
            entries: sorted_unique(entries)?,
        })
    }

    /// Adds a key.
    ///
    /// To add many keys, build the context with [`Context::from_entries`]
    /// instead: this shifts the entries that sort after the new key.
    ///
    /// # Errors
    ///
    /// [`RequestError::DuplicateKey`] when a key equal to `name` under R6
    /// folding is already present.
    pub fn insert(
        &mut self,
        name: impl Into<String>,
        value: ContextValue,
    ) -> Result<(), RequestError> {
        let name = name.into();
        let folded = FoldedKey::new(&name);
        match self.entries.binary_search_by(|e| e.folded.cmp(&folded)) {
            Ok(i) => Err(RequestError::DuplicateKey {
                first: self
                    .entries
                    .get(i)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                second: name,
            }),
            Err(i) => {
                // INVARIANT (sorted, unique): `i` is where `folded` sorts and
                // no entry has it.
                self.entries.insert(
                    i,
                    ContextEntry {
                        name,
                        folded,
                        value,
                    },
                );
                Ok(())
            }
        }
    }

    /// Looks up a key by its folded name: the hot path of evaluation.
    ///
    /// Allocation-free.
    pub fn get(&self, key: &FoldedKey) -> Option<&ContextEntry> {
        if self.entries.len() <= LINEAR_LOOKUP_MAX {
            // Condition keys share long prefixes (`<issuer>:aud`,
            // `<issuer>:sub`), so each probe of the binary search compared
            // ~75 bytes. A web-identity context holds a handful of keys:
            // scanning them and rejecting on length and last byte first took
            // the IRSA evaluate from 849 to N instructions (callgrind).
            let k = key.as_str().as_bytes();
            return self.entries.iter().find(|e| {
                let f = e.folded.as_str().as_bytes();
                f.len() == k.len() && f.last() == k.last() && f == k
            });
        }
        self.entries
            .binary_search_by(|e| e.folded.cmp(key))
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// Looks up a key by any spelling, folding it on the fly.
    ///
    /// Allocation-free, with an ASCII fast path.
    pub fn lookup(&self, name: &str) -> Option<&ContextEntry> {
        self.entries
            .binary_search_by(|e| cmp_folded(e.folded.as_str(), name))
            .ok()
            .and_then(|i| self.entries.get(i))
    }

    /// Whether a key is present, by folded name.
    pub fn contains(&self, key: &FoldedKey) -> bool {
        self.get(key).is_some()
    }

    /// The entries, sorted by folded key name.
    pub fn iter(&self) -> std::slice::Iter<'_, ContextEntry> {
        self.entries.iter()
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<'a> IntoIterator for &'a Context {
    type Item = &'a ContextEntry;
    type IntoIter = std::slice::Iter<'a, ContextEntry>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl ContextEntry {
    fn new(name: String, value: ContextValue) -> ContextEntry {
        ContextEntry {
            folded: FoldedKey::new(&name),
            name,
            value,
        }
    }
}

/// Sorts `entries` (given in insertion order) by folded key, refusing two
/// equal keys as [`Context::insert`] in that order would.
///
/// One sort and one scan: inserting 1,000 keys one by one (in the order
/// that shifts the most) took 454 µs, 3.6x serde_json's `Value` of the same
/// request (BENCHMARKS.md, scale bench `wide-context`).
fn sorted_unique(entries: Vec<ContextEntry>) -> Result<Vec<ContextEntry>, RequestError> {
    let mut tagged: Vec<(usize, ContextEntry)> = entries.into_iter().enumerate().collect();
    // Stable: inside a run of equal keys the insertion order is kept, so a
    // run's first two entries are the pair `insert` would refuse.
    tagged.sort_by(|(_, a), (_, b)| a.folded.cmp(&b.folded));
    let duplicate = tagged
        .chunk_by(|(_, a), (_, b)| a.folded == b.folded)
        .filter_map(|run| match run {
            [(_, first), (at, second), ..] => Some((*at, first, second)),
            _ => None,
        })
        .min_by_key(|(at, _, _)| *at);
    if let Some((_, first, second)) = duplicate {
        return Err(RequestError::DuplicateKey {
            first: first.name.clone(),
            second: second.name.clone(),
        });
    }
    // INVARIANT (sorted, unique): sorted above, and no run is longer than 1.
    Ok(tagged.into_iter().map(|(_, e)| e).collect())
}

/// A principal, an action and a context.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Request {
    principal: String,
    action: String,
    context: Context,
}

/// Why a request could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The builder was given no principal.
    #[error("request has no principal")]
    MissingPrincipal,
    /// The builder was given no action.
    #[error("request has no action")]
    MissingAction,
    /// Two context keys are equal ignoring case (R6, R11).
    #[error("duplicate context key `{second}`: equal ignoring case to `{first}`")]
    DuplicateKey {
        /// The key added first, as spelled.
        first: String,
        /// The key added second, as spelled.
        second: String,
    },
    /// The JSON text is not a valid request.
    #[error("invalid request json at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong.
        message: String,
    },
}

impl Request {
    /// A request from parts already checked.
    pub fn new(
        principal: impl Into<String>,
        action: impl Into<String>,
        context: Context,
    ) -> Request {
        Request {
            principal: principal.into(),
            action: action.into(),
            context,
        }
    }

    /// Starts building a request.
    pub fn builder() -> RequestBuilder {
        RequestBuilder::default()
    }

    /// Reads a request from JSON of the shape
    /// `{"principal": "...", "action": "...", "context": {"key": "v" | ["v1", ...]}}`
    /// (`context` may be left out).
    ///
    /// # Errors
    ///
    /// [`RequestError::Json`] with the position of the problem.
    pub fn from_json(text: &str) -> Result<Request, RequestError> {
        serde_json::from_str(text).map_err(|e| {
            // serde_json appends " at line L column C" to the message; the
            // position is kept in the fields instead.
            let full = e.to_string();
            let message = match full.rfind(" at line ") {
                Some(i) => full.get(..i).unwrap_or(&full).to_owned(),
                None => full,
            };
            RequestError::Json {
                line: e.line(),
                column: e.column(),
                message,
            }
        })
    }

    /// The principal.
    pub fn principal(&self) -> &str {
        &self.principal
    }

    /// The action.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// The condition keys.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// The same principal and context with another action: STS authorizes
    /// each implied action separately (docs/SEMANTICS.md §2.1 step 5).
    pub fn with_action(&self, action: impl Into<String>) -> Request {
        Request {
            principal: self.principal.clone(),
            action: action.into(),
            context: self.context.clone(),
        }
    }
}

/// Builds a [`Request`]; see [`Request::builder`].
#[derive(Debug, Clone, Default)]
pub struct RequestBuilder {
    principal: Option<String>,
    action: Option<String>,
    // In the order added; sorted and checked once, by `build`.
    entries: Vec<ContextEntry>,
}

impl RequestBuilder {
    /// Sets the principal (required).
    pub fn principal(mut self, principal: impl Into<String>) -> Self {
        self.principal = Some(principal.into());
        self
    }

    /// Sets the action (required).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }

    /// Adds a single-valued key.
    pub fn value(self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.entry(key.into(), ContextValue::Single(value.into()))
    }

    /// Adds a multivalued key (multivalued even with one or zero values).
    pub fn values<I, S>(self, key: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let values = values.into_iter().map(Into::into).collect();
        self.entry(key.into(), ContextValue::Multi(values))
    }

    fn entry(mut self, key: String, value: ContextValue) -> Self {
        self.entries.push(ContextEntry::new(key, value));
        self
    }

    /// Finishes the request.
    ///
    /// # Errors
    ///
    /// The first duplicate key, then a missing principal or action.
    pub fn build(self) -> Result<Request, RequestError> {
        let entries = sorted_unique(self.entries)?;
        Ok(Request {
            principal: self.principal.ok_or(RequestError::MissingPrincipal)?,
            action: self.action.ok_or(RequestError::MissingAction)?,
            context: Context { entries },
        })
    }
}

/// The JSON shape of a request; `deny_unknown_fields` and serde's own
/// duplicate-field check keep it strict.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    principal: String,
    action: String,
    #[serde(default)]
    context: Context,
}

impl<'de> Deserialize<'de> for Request {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Request, D::Error> {
        let raw = RawRequest::deserialize(d)?;
        Ok(Request {
            principal: raw.principal,
            action: raw.action,
            context: raw.context,
        })
    }
}

/// A context as a JSON object; written by hand because serde's map
/// impls would keep the last of two duplicate keys silently.
impl<'de> Deserialize<'de> for Context {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Context, D::Error> {
        d.deserialize_map(ContextVisitor)
    }
}

struct ContextVisitor;

impl<'de> Visitor<'de> for ContextVisitor {
    type Value = Context;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object of condition keys")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Context, A::Error> {
        // Checked once all keys are read (see `Context::from_entries`), so
        // a duplicate key's error is positioned at the end of the object,
        // not at the key.
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(key) = map.next_key::<String>()? {
            let value: ContextValue = map.next_value()?;
            entries.push(ContextEntry::new(key, value));
        }
        let entries = sorted_unique(entries).map_err(de::Error::custom)?;
        Ok(Context { entries })
    }
}

impl<'de> Deserialize<'de> for ContextValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<ContextValue, D::Error> {
        d.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = ContextValue;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string or an array of strings")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<ContextValue, E> {
        Ok(ContextValue::Single(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<ContextValue, E> {
        Ok(ContextValue::Single(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ContextValue, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element::<String>()? {
            out.push(v);
        }
        Ok(ContextValue::Multi(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `get` finds exactly the keys present, on both sides of the scan /
    /// bisect threshold, for keys that share everything but the middle
    /// (same length, same last byte) or but the last byte.
    #[test]
    fn get_agrees_with_a_plain_search() {
        let one = |v: &str| ContextValue::Single(v.into());
        for n in [0, 1, 2, 15, 16, 17, 40] {
            let names: Vec<String> = (0..n)
                .map(|i| format!("iss/{}{}:{}", i % 7, i / 7, ["aud", "sub"][i % 2]))
                .collect();
            let ctx = Context::from_entries(names.iter().map(|k| (k.as_str(), one(k)))).unwrap();
            let probes = names.iter().map(String::as_str).chain([
                "iss/99:aud",
                "iss/0:su",
                "iss/00:aue",
                "",
                "ISS/00:AUD",
            ]);
            for probe in probes {
                let key = FoldedKey::new(probe);
                let expected = ctx.iter().find(|e| e.folded() == &key);
                assert_eq!(ctx.get(&key), expected, "n = {n}, key {probe}");
                assert_eq!(
                    expected.is_some(),
                    names.iter().any(|k| k.eq_ignore_ascii_case(probe)),
                    "n = {n}, key {probe}"
                );
            }
        }
    }

    #[test]
    fn lookup_folds_any_spelling() {
        let req = Request::builder()
            .principal("p")
            .action("a")
            .value("GH:Sub", "x")
            .value("Schlüssel:ÄB", "y")
            .build()
            .unwrap();
        let ctx = req.context();
        assert_eq!(ctx.lookup("gh:sub").unwrap().name(), "GH:Sub");
        assert_eq!(ctx.lookup("GH:SUB").unwrap().value().as_single(), Some("x"));
        assert_eq!(
            ctx.lookup("schlüssel:äb").unwrap().value().as_single(),
            Some("y")
        );
        assert_eq!(ctx.lookup("SCHLÜSSEL:äB").unwrap().name(), "Schlüssel:ÄB");
        assert!(ctx.get(&FoldedKey::new("SCHLÜSSEL:ÄB")).is_some());
        assert!(ctx.lookup("gh:su").is_none());
        assert!(ctx.lookup("gh:subb").is_none());
        assert!(ctx.lookup("").is_none());
    }

    #[test]
    fn duplicate_keys_under_folding_are_refused() {
        let err = Request::builder()
            .principal("p")
            .action("a")
            .value("GH:sub", "x")
            .values("gh:SUB", ["y"])
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            RequestError::DuplicateKey {
                first: "GH:sub".into(),
                second: "gh:SUB".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "duplicate context key `gh:SUB`: equal ignoring case to `GH:sub`"
        );
        // Non-ASCII folding counts too: KELVIN SIGN folds to `k`.
        let mut ctx = Context::new();
        ctx.insert("k", ContextValue::Single("1".into())).unwrap();
        assert!(ctx
            .insert("\u{212A}", ContextValue::Single("2".into()))
            .is_err());
    }

    /// The same first duplicate as inserting one key at a time, whatever
    /// the order and however many duplicates there are.
    #[test]
    fn from_entries_reports_the_first_duplicate_insert_would() {
        let one = |k: &str| (k.to_owned(), ContextValue::Single(k.into()));
        let cases: [&[&str]; 6] = [
            &["b", "a", "B", "A"],
            &["z", "y", "x", "Y", "Z"],
            &["k", "K", "k"],
            &["m", "a", "A", "M"],
            &["\u{212A}", "x", "k"],
            &["a", "b", "c"],
        ];
        for keys in cases {
            let mut one_by_one = Context::new();
            let expected = keys
                .iter()
                .find_map(|k| one_by_one.insert(*k, one(k).1).err());
            let batch = Context::from_entries(keys.iter().map(|k| one(k)));
            match expected {
                Some(e) => assert_eq!(batch.unwrap_err(), e, "{keys:?}"),
                None => assert_eq!(batch.unwrap(), one_by_one, "{keys:?}"),
            }
        }
    }

    #[test]
    fn ten_thousand_keys_build_sorted_and_a_folded_duplicate_is_refused() {
        let n = 10_000;
        let key = |i: usize| format!("oidc.example.com:Key{i:05}");
        // Reverse order: every one-by-one insert would shift all entries.
        let builder = (0..n)
            .rev()
            .fold(Request::builder().principal("p").action("a"), |b, i| {
                b.value(key(i), i.to_string())
            });
        let req = builder.clone().build().unwrap();
        let ctx = req.context();
        assert_eq!(ctx.len(), n);
        assert!(ctx
            .iter()
            .zip(ctx.iter().skip(1))
            .all(|(a, b)| a.folded() < b.folded()));
        assert_eq!(
            ctx.lookup("OIDC.EXAMPLE.COM:KEY04321")
                .unwrap()
                .value()
                .as_single(),
            Some("4321")
        );
        let err = builder
            .value("OIDC.EXAMPLE.COM:KEY00007", "again")
            .build()
            .unwrap_err();
        assert_eq!(
            err,
            RequestError::DuplicateKey {
                first: key(7),
                second: "OIDC.EXAMPLE.COM:KEY00007".into()
            }
        );
        // The same through JSON.
        let body: Vec<String> = (0..n).map(|i| format!("\"{}\":\"{i}\"", key(i))).collect();
        let json = |extra: &str| {
            format!(
                r#"{{"principal":"p","action":"a","context":{{{}{extra}}}}}"#,
                body.join(",")
            )
        };
        assert_eq!(Request::from_json(&json("")).unwrap().context().len(), n);
        let err = Request::from_json(&json(r#","oidc.example.com:KEY09999":"x""#)).unwrap_err();
        assert!(
            err.to_string()
                .contains("duplicate context key `oidc.example.com:KEY09999`"),
            "{err}"
        );
    }

    #[test]
    fn missing_parts_are_errors() {
        assert_eq!(
            Request::builder().action("a").build().unwrap_err(),
            RequestError::MissingPrincipal
        );
        assert_eq!(
            Request::builder().principal("p").build().unwrap_err(),
            RequestError::MissingAction
        );
    }

    #[test]
    fn one_element_values_stay_multivalued() {
        let req = Request::builder()
            .principal("p")
            .action("a")
            .values("k", ["only"])
            .values("empty", Vec::<String>::new())
            .build()
            .unwrap();
        assert!(req.context().lookup("k").unwrap().value().is_multivalued());
        assert_eq!(
            req.context()
                .lookup("empty")
                .unwrap()
                .value()
                .values()
                .len(),
            0
        );
    }
}
