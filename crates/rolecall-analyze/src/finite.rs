//! `who` and `admits_outside` without automata, for the common policy
//! whose every condition admits a finite set of exact strings.
//!
//! Most trust policies are one Allow statement whose conditions are
//! `StringEquals` (or wildcard-free `StringLike`) on one or two keys. Each
//! key then admits a finite set of values, and every question `who` asks
//! of it has a direct answer: the intersection of two sets, whether a value
//! is a subject of an issuer grammar's form (the form's element sequences
//! simulated on the value, [`crate::automaton::Nfa::matches`]), the fields
//! of the value under a form (every split of the value into the form's
//! parts), and the values in the order the automata list them (shortest
//! first, then character by character in the alphabet's witness order).
//! This module answers exactly as [`crate::who::analyse_automata`] does,
//! answer for answer and error for error, and is taken only where that is
//! certain; everything else returns `None` and goes to the automata:
//!
//! * every statement is an Allow statement (no Deny to subtract);
//! * every principal is an exact value (not `*`, `{"AWS": "*"}` or an
//!   account, whose languages are not one string);
//! * every condition is a positive string operator without set qualifier
//!   or `IfExists` whose values are exact text (`StringEquals`, or
//!   `StringLike` without wildcards);
//! * a principal with an issuer grammar has its `sub` constrained by every
//!   statement that admits it, and every field of the grammar has
//!   infinitely many values (so a finite set never covers a field);
//! * the GitHub grammar is the default one (a custom template's automata
//!   could exceed the state limit, which only the automata can tell), and
//!   the state limit is at least [`MIN_STATES`] with at most
//!   [`MAX_LITERAL_CHARS`] characters of literals, principals, actions and
//!   trusted names, so that no automaton of the general path would reach
//!   the limit (each is at most the literals' prefixes plus a built-in
//!   grammar's states: the `finite` unit tests build every built-in
//!   grammar within [`GRAMMAR_STATES`]).
//!
//! The step budget ([`crate::Limits::max_search`]) is counted as the
//! general path counts it: one step per Allow statement that admits a
//! principal and action.

use rolecall_eval::issuers::SubjectGrammar;
use rolecall_eval::matcher::{Case, PatternToken};
use rolecall_eval::request::{Context, ContextValue, FoldedKey, Request};
use rolecall_eval::view::{ActionPattern, ConditionValue, ConditionView, PrincipalView};
use rolecall_eval::{CompiledPolicy, Effect};
use rolecall_policy::{OperatorFamily, SetQualifier};

use crate::automaton::{readability, Count};
use crate::error::AnalysisError;
use crate::grammar::FormSpec;
use crate::model::{action_spec, Spec};
use crate::query::TRUST_ACTIONS;
use crate::who::{
    grammar_spec, minted, principal_values, Access, GrammarSpec, PrincipalAccess, Segment,
    SubjectModel, Values, Who, MAX_LISTED,
};
use crate::{verify, Limits};

/// The smallest state limit under which the fast path is taken.
pub(crate) const MIN_STATES: usize = 10_000;

/// The most characters of literals (condition values, principals, actions,
/// trusted names) a policy may have for the fast path.
pub(crate) const MAX_LITERAL_CHARS: usize = 2_000;

/// The most states any automaton of a built-in issuer grammar has (checked
/// by the unit tests), so that with [`MAX_LITERAL_CHARS`] every automaton of
/// the general path stays under [`MIN_STATES`].
#[cfg_attr(not(test), expect(dead_code, reason = "the bound the tests check"))]
pub(crate) const GRAMMAR_STATES: usize = 4_000;

/// One key's admitted values, distinct, in witness order.
#[derive(Debug, Clone)]
struct Key {
    folded: FoldedKey,
    /// As first written.
    name: String,
    values: Vec<String>,
    /// Whether the request may leave the key out (every condition on it
    /// has `IfExists` or `ForAllValues`).
    absent: bool,
    /// Whether a list value can satisfy every condition (none is a plain
    /// operator).
    multi_ok: bool,
    /// Every element of a list's set must be one of these (`None`: any).
    all: Option<Vec<String>>,
    /// For each, some element of the set must be one of them.
    anys: Vec<Vec<String>>,
}

impl Key {
    /// Whether the conditions are those of a plain positive operator: the
    /// key present, one string, one of `values`.
    fn plain(&self) -> bool {
        !self.absent && !self.multi_ok
    }

    /// [`crate::query::Ctx::multi_value`]: one element of each `anys` set
    /// inside `all` (non-empty strings only), or `None`.
    fn multi_value(&self) -> Option<Vec<String>> {
        if !self.multi_ok {
            return None;
        }
        let mut out: Vec<String> = Vec::new();
        for a in &self.anys {
            // `a` is in witness order: its first allowed non-empty value.
            let w = a
                .iter()
                .find(|v| !v.is_empty() && self.all.as_ref().is_none_or(|all| all.contains(v)))?;
            if !out.contains(w) {
                out.push(w.clone());
            }
        }
        Some(out)
    }

    /// [`crate::query::Ctx::key_satisfiable`].
    fn satisfiable(&self) -> bool {
        self.absent || !self.values.is_empty() || self.multi_value().is_some()
    }

    /// The witness value, as [`crate::query::Ctx::request_with`] picks it:
    /// the first non-empty single value, else absent if allowed, else the
    /// empty string if allowed, else a list; `Err` when nothing fits.
    fn witness_value(&self) -> Result<Option<ContextValue>, ()> {
        if let Some(v) = self.values.iter().find(|v| !v.is_empty()) {
            return Ok(Some(ContextValue::Single(v.clone())));
        }
        if self.absent {
            return Ok(None);
        }
        if self.values.iter().any(String::is_empty) {
            return Ok(Some(ContextValue::Single(String::new())));
        }
        match self.multi_value() {
            Some(list) => Ok(Some(ContextValue::Multi(list))),
            None => Err(()),
        }
    }
}

/// One Allow statement with finite conditions.
struct Statement {
    index: usize,
    principals: Vec<String>,
    action: Spec,
    keys: Vec<Key>,
}

/// The order in which the automata list strings: shorter first, then
/// character by character, more readable characters first.
fn order_key(s: &str) -> (usize, Vec<(u8, char)>) {
    let chars: Vec<(u8, char)> = s.chars().map(|c| (readability(c), c)).collect();
    (chars.len(), chars)
}

fn sort_values(v: &mut Vec<String>) {
    v.sort_by_cached_key(|s| order_key(s));
    v.dedup();
}

/// What one condition asks of its key (`model::atom_spec` for a positive
/// string operator with exact values).
struct Atom {
    values: Vec<String>,
    absent: bool,
    multi: Multi,
}

enum Multi {
    /// A plain operator: false on a list.
    Never,
    /// `ForAllValues`: every element one of the values.
    All,
    /// `ForAnyValue`: some element one of the values.
    Any,
}

/// The condition as an [`Atom`], when it is a positive string comparison
/// with exact values.
fn literal_atom(c: &ConditionView<'_>) -> Option<Atom> {
    let op = c.operator();
    let values = literal_values(c)?;
    let (absent, multi) = match op.qualifier {
        Some(SetQualifier::ForAllValues) => (true, Multi::All),
        Some(SetQualifier::ForAnyValue) => (false, Multi::Any),
        None => (false, Multi::Never),
    };
    Some(Atom {
        values,
        absent: absent || op.if_exists,
        multi,
    })
}

/// The exact values a condition admits, when it is a positive string
/// comparison with exact values.
fn literal_values(c: &ConditionView<'_>) -> Option<Vec<String>> {
    let op = c.operator();
    if op.base.is_negated() || op.base.family() != OperatorFamily::String {
        return None;
    }
    let mut out = Vec::new();
    for v in c.values() {
        match v {
            ConditionValue::Text(t) => out.push(t.to_owned()),
            ConditionValue::Pattern(p) if p.case() == Case::Sensitive => {
                let mut s = String::new();
                for t in p.tokens() {
                    match t {
                        PatternToken::Literal(l) => s.push_str(&l),
                        PatternToken::AnyChar | PatternToken::AnyRun => return None,
                    }
                }
                out.push(s);
            }
            _ => return None,
        }
    }
    Some(out)
}

/// The policy's statements when all fit the fast path, with the number of
/// literal characters.
fn statements(policy: &CompiledPolicy) -> Option<(Vec<Statement>, usize)> {
    let mut total = 0usize;
    let mut out = Vec::new();
    for (index, s) in policy.statements().iter().enumerate() {
        if s.effect() != Effect::Allow {
            return None;
        }
        let PrincipalView::Values(vs) = s.principal_view() else {
            return None;
        };
        let mut principals = Vec::with_capacity(vs.len());
        for v in vs {
            if v.is_aws_wildcard() || v.account().is_some() {
                return None;
            }
            total += v.text().chars().count();
            principals.push(v.text().to_owned());
        }
        // Action patterns stay linear in size (so within the state limit)
        // with at most one `*` and no `?`.
        let mut runs = 0usize;
        for a in s.action_values() {
            total += a.text().chars().count();
            if let ActionPattern::Split { service, name } = a.pattern() {
                for t in service.tokens().into_iter().chain(name.tokens()) {
                    match t {
                        PatternToken::AnyChar => return None,
                        PatternToken::AnyRun => runs += 1,
                        PatternToken::Literal(_) => {}
                    }
                }
            }
        }
        if runs > 1 {
            return None;
        }
        let mut keys: Vec<Key> = Vec::new();
        for c in s.conditions() {
            let atom = literal_atom(&c)?;
            total += atom.values.iter().map(|v| v.chars().count()).sum::<usize>();
            let mut sorted = atom.values.clone();
            sort_values(&mut sorted);
            let k = match keys.iter_mut().position(|k| &k.folded == c.folded_key()) {
                Some(i) => keys.get_mut(i)?,
                None => {
                    keys.push(Key {
                        folded: c.folded_key().clone(),
                        name: c.key().to_owned(),
                        values: sorted.clone(),
                        absent: true,
                        multi_ok: true,
                        all: None,
                        anys: Vec::new(),
                    });
                    keys.last_mut()?
                }
            };
            k.values.retain(|x| atom.values.contains(x));
            k.absent &= atom.absent;
            match atom.multi {
                Multi::Never => k.multi_ok = false,
                Multi::All => {
                    k.all = Some(match k.all.take() {
                        Some(mut all) => {
                            all.retain(|x| atom.values.contains(x));
                            all
                        }
                        None => sorted,
                    });
                }
                Multi::Any => k.anys.push(sorted),
            }
        }
        for k in &mut keys {
            sort_values(&mut k.values);
        }
        out.push(Statement {
            index,
            principals,
            action: action_spec(s),
            keys,
        });
    }
    Some((out, total))
}

/// A finite set's values in words, as [`crate::who::describe`] gives them
/// for its automaton: listed when at most [`MAX_LISTED`], else the first
/// examples the automaton's search would find.
fn describe(values: &[String]) -> (Values, Count) {
    let n = values.len();
    let count = Count::Finite(n as u128);
    let listed = match n {
        0 => Values::None,
        n if n <= MAX_LISTED => Values::OneOf(values.to_vec()),
        // The complement of a finite set is infinite: never `AnyBut`.
        _ => Values::Matching {
            examples: examples(values, 3, 1_000),
        },
    };
    (listed, count)
}

/// [`crate::automaton::Dfa::examples`] on a finite set (in witness order):
/// per length, the first `max * 8` prefixes of the set's values are kept,
/// and those that are values are listed.
fn examples(values: &[String], max: usize, max_len: usize) -> Vec<String> {
    let chars: Vec<Vec<char>> = values.iter().map(|v| v.chars().collect()).collect();
    let key = |p: &[char]| -> Vec<(u8, char)> { p.iter().map(|&c| (readability(c), c)).collect() };
    let mut out = Vec::new();
    let mut frontier: Vec<&[char]> = vec![&[]];
    for len in 0..=max_len {
        for p in &frontier {
            if chars.iter().any(|v| v.as_slice() == *p) {
                out.push(p.iter().collect());
                if out.len() >= max {
                    return out;
                }
            }
        }
        let mut next: Vec<&[char]> = chars
            .iter()
            .filter(|v| v.len() > len)
            .filter_map(|v| {
                let (Some(parent), Some(child)) = (v.get(..len), v.get(..=len)) else {
                    return None;
                };
                frontier.contains(&parent).then_some(child)
            })
            .collect();
        next.sort_by_cached_key(|p| key(p));
        next.dedup();
        next.truncate(max.saturating_mul(8));
        if next.is_empty() {
            break;
        }
        frontier = next;
    }
    out
}

/// Per field of `form`, the values the subjects of `values` (each a
/// subject of the form) have there, over every way of splitting a subject
/// into the form's parts: [`crate::grammar::FormDfa::project`] on a finite
/// set.
fn project(form: &FormSpec, values: &[String]) -> Vec<(String, Vec<String>)> {
    let n = form.parts.len();
    let mut fields: Vec<Vec<String>> = vec![Vec::new(); n];
    for x in values {
        let chars: Vec<char> = x.chars().collect();
        let len = chars.len();
        // ends[i][a]: where part i can end when it starts at a, for the
        // starts a that the parts before it reach.
        let mut reach: Vec<Vec<bool>> = vec![vec![false; len + 1]; n + 1];
        let mut ends: Vec<Vec<Vec<usize>>> = vec![vec![Vec::new(); len + 1]; n];
        if let Some(r) = reach.get_mut(0).and_then(|r| r.get_mut(0)) {
            *r = true;
        }
        for (i, (_, part)) in form.parts.iter().enumerate() {
            for a in 0..=len {
                if !reach
                    .get(i)
                    .and_then(|r| r.get(a))
                    .copied()
                    .unwrap_or(false)
                {
                    continue;
                }
                let e = part.ends(&chars, a);
                for &b in &e {
                    if let Some(r) = reach.get_mut(i + 1).and_then(|r| r.get_mut(b)) {
                        *r = true;
                    }
                }
                if let Some(slot) = ends.get_mut(i).and_then(|v| v.get_mut(a)) {
                    *slot = e;
                }
            }
        }
        // done[i][a]: the parts from i on can spell the rest from a.
        let mut done: Vec<Vec<bool>> = vec![vec![false; len + 1]; n + 1];
        if let Some(d) = done.get_mut(n).and_then(|d| d.get_mut(len)) {
            *d = true;
        }
        for i in (0..n).rev() {
            for a in 0..=len {
                let ok = ends.get(i).and_then(|v| v.get(a)).is_some_and(|e| {
                    e.iter().any(|&b| {
                        done.get(i + 1)
                            .and_then(|d| d.get(b))
                            .copied()
                            .unwrap_or(false)
                    })
                });
                if let Some(d) = done.get_mut(i).and_then(|d| d.get_mut(a)) {
                    *d = ok;
                }
            }
        }
        for (i, (field, _)) in form.parts.iter().enumerate() {
            if field.is_none() {
                continue;
            }
            for a in 0..=len {
                for &b in ends
                    .get(i)
                    .and_then(|v| v.get(a))
                    .map_or(&[][..], Vec::as_slice)
                {
                    let complete = done
                        .get(i + 1)
                        .and_then(|d| d.get(b))
                        .copied()
                        .unwrap_or(false);
                    if let (true, Some(slice), Some(out)) =
                        (complete, chars.get(a..b), fields.get_mut(i))
                    {
                        out.push(slice.iter().collect());
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for ((field, _), mut v) in form.parts.iter().zip(fields) {
        if let Some((name, _)) = field {
            sort_values(&mut v);
            out.push((name.clone(), v));
        }
    }
    out
}

/// Whether `s` is a subject of some form of the grammar.
fn in_grammar(g: &GrammarSpec, s: &str) -> bool {
    g.forms.iter().any(|(_, f)| f.whole.matches(s))
}

/// Whether `s` is a subject of some trusted-tenant form.
fn trusted_subject(g: &GrammarSpec, s: &str) -> bool {
    g.trusted.iter().flatten().any(|n| n.matches(s))
}

fn no_request() -> AnalysisError {
    AnalysisError::WitnessRejected {
        request: "(none)".into(),
        claimed: "a request in a satisfiable region".into(),
        decided: "no request could be built".into(),
    }
}

/// [`crate::who::analyse`] without automata, or `None` when the policy is
/// not one this path answers exactly (see the module documentation).
pub(crate) fn analyse(
    policy: &CompiledPolicy,
    limits: &Limits,
    trusted: Option<&[String]>,
    github: Option<&SubjectGrammar>,
) -> Result<Option<(Who, Vec<String>)>, AnalysisError> {
    if github.is_some() || limits.max_states < MIN_STATES {
        return Ok(None);
    }
    let Some((statements, mut total)) = statements(policy) else {
        return Ok(None);
    };
    // `who` here handles plain operators only (each key present, one
    // string).
    if !statements.iter().flat_map(|s| &s.keys).all(Key::plain) {
        return Ok(None);
    }
    total += trusted.map_or(0, |t| t.iter().map(|s| s.chars().count()).sum());
    if total > MAX_LITERAL_CHARS {
        return Ok(None);
    }
    let principals = principal_values(policy);
    let mut specs = Vec::with_capacity(principals.len());
    for (text, value) in &principals {
        specs.push(grammar_spec(text, *value, trusted, github)?);
    }
    let finite_field = |g: &GrammarSpec| {
        g.forms.iter().any(|(_, f)| {
            f.parts
                .iter()
                .any(|(field, n)| field.is_some() && !n.is_infinite())
        })
    };
    if specs.iter().flatten().any(finite_field) {
        return Ok(None);
    }
    let mut steps = 0usize;
    let mut out = Vec::new();
    let mut without_tenants = Vec::new();
    for ((text, _), spec) in principals.iter().zip(&specs) {
        let has_tenant = spec
            .as_ref()
            .is_some_and(|g| g.trusted.iter().any(Option::is_some));
        if trusted.is_some() && !has_tenant {
            without_tenants.push(text.clone());
            continue;
        }
        for action in TRUST_ACTIONS {
            let mut admitted = Vec::new();
            for st in &statements {
                let Some(acts) = st.action.matches_str(action) else {
                    return Ok(None);
                };
                if !acts || !st.principals.iter().any(|p| p == text) {
                    continue;
                }
                if let Some(g) = spec {
                    if !st.keys.iter().any(|k| k.folded == g.folded) {
                        // The whole of the grammar for `sub`: automata.
                        return Ok(None);
                    }
                }
                limits.step(&mut steps)?;
                let mut keys = st.keys.clone();
                if let (Some(g), Some(_)) = (spec, trusted) {
                    // Outsiders: subjects of the grammar outside every
                    // trusted-tenant form.
                    for k in keys.iter_mut().filter(|k| k.folded == g.folded) {
                        k.values
                            .retain(|s| in_grammar(g, s) && !trusted_subject(g, s));
                    }
                }
                if keys.iter().any(|k| k.values.is_empty()) {
                    continue;
                }
                let mut pieces: Vec<(Option<&FormSpec>, Vec<Key>)> = Vec::new();
                match spec {
                    None => pieces.push((None, keys)),
                    Some(g) => {
                        for (_, f) in &g.forms {
                            let mut piece = keys.clone();
                            let mut empty = false;
                            for k in piece.iter_mut().filter(|k| k.folded == g.folded) {
                                k.values.retain(|s| f.whole.matches(s));
                                empty |= k.values.is_empty();
                            }
                            if !empty {
                                pieces.push((Some(f), piece));
                            }
                        }
                        if trusted.is_none() {
                            let mut rest = keys;
                            let mut empty = false;
                            for k in rest.iter_mut().filter(|k| k.folded == g.folded) {
                                k.values.retain(|s| !in_grammar(g, s));
                                empty |= k.values.is_empty();
                            }
                            if !empty {
                                pieces.push((None, rest));
                            }
                        }
                    }
                }
                for (form, piece) in pieces {
                    let mut context = Context::new();
                    for k in &piece {
                        let v = k
                            .values
                            .iter()
                            .find(|v| !v.is_empty())
                            .cloned()
                            .unwrap_or_default();
                        if context
                            .insert(k.name.clone(), ContextValue::Single(v))
                            .is_err()
                        {
                            return Err(no_request());
                        }
                    }
                    let request = Request::new(text.clone(), (*action).to_owned(), context);
                    let witness = verify(request, st.index, policy, None)?;
                    if let (Some(g), Some(_)) = (spec, form) {
                        minted(&g.source, &g.issuer, &g.folded, &witness)?;
                    }
                    let mut segments = Vec::new();
                    for k in &piece {
                        let is_sub = spec.as_ref().is_some_and(|g| g.folded == k.folded);
                        match (form, is_sub) {
                            (Some(f), true) => {
                                for (field, values) in project(f, &k.values) {
                                    let (values, count) = describe(&values);
                                    segments.push(Segment {
                                        key: k.name.clone(),
                                        field: Some(field),
                                        absent: false,
                                        lists: false,
                                        values,
                                        count,
                                    });
                                }
                            }
                            _ => {
                                let (values, count) = describe(&k.values);
                                segments.push(Segment {
                                    key: k.name.clone(),
                                    field: None,
                                    absent: false,
                                    lists: false,
                                    values,
                                    count,
                                });
                            }
                        }
                    }
                    admitted.push(Access {
                        statement: st.index,
                        form: form.map(|f| f.name.clone()),
                        segments,
                        witness,
                        outside_grammar: spec.is_some() && form.is_none(),
                    });
                }
            }
            if !admitted.is_empty() {
                out.push(PrincipalAccess {
                    principal: text.clone(),
                    action: (*action).to_owned(),
                    subject: SubjectModel::of(spec.as_ref().map(|g| &g.issuer)),
                    admitted,
                });
            }
        }
    }
    Ok(Some((Who { principals: out }, without_tenants)))
}

/// [`crate::Analyzer::witness`] without automata: `Some(answer)`, or
/// `None` when the policy is not one this path answers exactly (the module
/// documentation's conditions, set qualifiers and `IfExists` allowed, and
/// some trust action allowed by each statement that admits a principal).
/// As the automata do: the first Allow statement (in document order) whose
/// region is satisfiable, its most readable shortest principal, the first
/// trust action it allows, and per key the value `Ctx::request_with`
/// picks; checked by the evaluator.
pub(crate) fn witness(
    policy: &CompiledPolicy,
    limits: &Limits,
) -> Result<Option<Option<crate::Witness>>, AnalysisError> {
    if limits.max_states < MIN_STATES {
        return Ok(None);
    }
    let Some((statements, total)) = statements(policy) else {
        return Ok(None);
    };
    if total > MAX_LITERAL_CHARS {
        return Ok(None);
    }
    let mut steps = 0usize;
    for st in &statements {
        limits.step(&mut steps)?;
        let Some(principal) = st.principals.iter().min_by_key(|p| order_key(p)) else {
            continue;
        };
        let mut action = None;
        for a in TRUST_ACTIONS {
            match st.action.matches_str(a) {
                Some(true) => {
                    action = Some(*a);
                    break;
                }
                Some(false) => {}
                None => return Ok(None),
            }
        }
        // Whether the action language is empty otherwise: automata.
        let Some(action) = action else {
            return Ok(None);
        };
        if !st.keys.iter().all(Key::satisfiable) {
            continue;
        }
        let mut context = Context::new();
        for k in &st.keys {
            match k.witness_value() {
                Ok(Some(v)) => {
                    if context.insert(k.name.clone(), v).is_err() {
                        return Err(no_request());
                    }
                }
                Ok(None) => {}
                Err(()) => return Err(no_request()),
            }
        }
        let request = Request::new(principal.clone(), action.to_owned(), context);
        return verify(request, st.index, policy, None).map(|w| Some(Some(w)));
    }
    Ok(Some(None))
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        reason = "test module: a panic is a failing test"
    )]
    use super::*;
    use crate::automaton::{AlphabetBuilder, Dfa, Op};
    use crate::grammar::FormDfa;
    use crate::who::analyse_automata;

    /// Every built-in issuer grammar's automata (each form, its parts, the
    /// union) stay within [`GRAMMAR_STATES`].
    #[test]
    fn built_in_grammars_stay_small() {
        use rolecall_eval::issuers::classify_federated;
        let limits = Limits {
            max_states: GRAMMAR_STATES,
            max_search: 10_000,
        };
        let mut seen = 0;
        for issuer in [
            "token.actions.githubusercontent.com",
            "vstoken.actions.githubusercontent.com",
            "gitlab.com",
            "app.terraform.io",
            "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789",
            "oidc.circleci.com/org/2f6f6e5c-1111-2222-3333-444455556666",
            "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
            "agent.buildkite.com",
            "accounts.google.com",
            "cognito-identity.amazonaws.com",
            "www.amazon.com",
            "graph.facebook.com",
        ] {
            let arn = format!("arn:aws:iam::111122223333:oidc-provider/{issuer}");
            let Some(g) = classify_federated(&arn).subject_grammar() else {
                continue;
            };
            seen += 1;
            let specs: Vec<FormSpec> = g.forms.iter().map(|f| FormSpec::new(f).unwrap()).collect();
            let mut b = AlphabetBuilder::new();
            for s in &specs {
                b.add(&s.whole);
                s.parts.iter().for_each(|(_, n)| b.add(n));
            }
            let a = b.build();
            let mut all = Dfa::nothing(&a);
            for s in &specs {
                let f = FormDfa::build(s, &a, &limits)
                    .unwrap_or_else(|e| panic!("{issuer} form {}: {e}", s.name));
                all = all.product(&f.whole, Op::Or, GRAMMAR_STATES).unwrap();
            }
            assert!(all.states() < GRAMMAR_STATES, "{issuer}");
        }
        assert!(seen >= 5, "only {seen} grammars");
    }

    fn both(text: &str, trusted: Option<&[String]>) {
        let p = CompiledPolicy::from_json(text).unwrap();
        let limits = Limits::default();
        let fast = analyse(&p, &limits, trusted, None);
        let general = analyse_automata(&p, &limits, trusted, None, &Default::default());
        match fast {
            Ok(Some(f)) => assert_eq!(Ok(f), general, "{text}"),
            Ok(None) => {}
            Err(e) => assert_eq!(Err(e), general, "{text}"),
        }
    }

    fn witness_both(text: &str) -> bool {
        let p = CompiledPolicy::from_json(text).unwrap();
        let limits = Limits::default();
        let general = crate::Analyzer::new(limits).difference(&p, None);
        match witness(&p, &limits) {
            Ok(Some(w)) => {
                assert_eq!(Ok(w), general, "{text}");
                true
            }
            Ok(None) => false,
            Err(e) => {
                assert_eq!(Err(e), general, "{text}");
                true
            }
        }
    }

    /// `witness` without automata gives the automata's answer: on every
    /// corpus policy it takes, and on set qualifiers, `IfExists`, the
    /// audit's `ForAnyValue:StringEquals` pin, empty strings, several
    /// statements and unsatisfiable ones.
    #[test]
    fn witnesses_agree_with_the_automata() {
        let mut taken = 0;
        for entry in std::fs::read_dir(rolecall_testkit::corpus_dir()).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|x| x != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if CompiledPolicy::from_json(&text).is_ok() && witness_both(&text) {
                taken += 1;
            }
        }
        assert!(
            taken >= 40,
            "finite witness on only {taken} corpus policies"
        );
        let p = r#""Principal":{"Federated":["zz.example.com","arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com","a.example.com"]}"#;
        let k = "token.actions.githubusercontent.com";
        let shapes = [
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{k}:aud":"sts.amazonaws.com"}},"ForAnyValue:StringEquals":{{"{k}:sub":"repo:o/r:ref:refs/heads/main"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"{k}:sub":"repo:o/r:ref:refs/heads/main"}},"ForAnyValue:StringEquals":{{"{k}:sub":"repo:o/r:ref:refs/heads/dev"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:*","Condition":{{"ForAllValues:StringEquals":{{"{k}:sub":["","x"]}},"StringEqualsIfExists":{{"{k}:aud":["","y"]}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRole","Condition":{{"ForAnyValue:StringEquals":{{"{k}:sub":["","b","a"]}},"ForAllValues:StringEquals":{{"{k}:sub":["a","c"]}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:TagSession","Condition":{{"ForAnyValue:StringEquals":{{"{k}:sub":"b"}},"ForAllValues:StringEquals":{{"{k}:sub":["a","c"]}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{k}:sub":""}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"ForAllValues:StringEquals":{{"{k}:sub":""}},"StringEquals":{{"{k}:aud":"x"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"ForAnyValue:StringEquals":{{"{k}:sub":"b","{k}:aud":["","q"]}},"ForAnyValue:StringLike":{{"{k}:sub":"a"}}}}}}"#
            ),
            format!(
                r#"{{"Effect":"Allow",{p},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{k}:sub":"a"}},"StringLike":{{"{k}:sub":"b"}}}}}},{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"NotAction":"sts:AssumeRole"}}"#
            ),
        ];
        for s in &shapes {
            let text = format!(r#"{{"Version":"2012-10-17","Statement":[{s}]}}"#);
            assert!(witness_both(&text), "{text}");
        }
    }

    /// On every corpus policy the fast path answers, `who` and
    /// `admits_outside` give exactly the general path's answer.
    #[test]
    fn corpus_answers_agree_with_the_automata() {
        let mut taken = 0;
        let mut paths: Vec<_> = std::fs::read_dir(rolecall_testkit::corpus_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let trusted = ["octo-org".to_owned(), "default".to_owned()];
        for path in paths {
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(p) = CompiledPolicy::from_json(&text) else {
                continue;
            };
            if analyse(&p, &Limits::default(), None, None)
                .map(|a| a.is_some())
                .unwrap_or(true)
            {
                taken += 1;
            }
            both(&text, None);
            both(&text, Some(&trusted));
        }
        eprintln!("fast path on {taken} corpus policies");
        assert!(taken >= 20, "fast path taken on only {taken} policies");
    }

    /// Hand-picked shapes: several values and statements, values outside
    /// the grammar, more values than are listed, empty strings, two
    /// operators on one key, NotAction, a key written in two spellings.
    #[test]
    fn shapes_agree_with_the_automata() {
        let gh = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
        let eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789";
        let many: Vec<String> = (0..40)
            .map(|i| format!("\"repo:o{}/r{}:ref:refs/heads/b{}\"", i % 3, i, i % 7))
            .collect();
        let sixteen: Vec<String> = (0..16)
            .map(|i| format!("\"system:serviceaccount:n{}:Sa-{i}\"", i % 2))
            .collect();
        let cases = [
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{eks}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:sub":[{}]}}}}}}}}"#,
                sixteen.join(",")
            ),
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{eks}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:sub":[{},"system:serviceaccount:n:x"]}}}}}}}}"#,
                sixteen.join(",")
            ),
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{gh}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":["sts.amazonaws.com",""],"token.actions.githubusercontent.com:sub":["repo:octo-org/app:ref:refs/heads/main","repo:octo-org/app:environment:prod","repo:a:b","","repo:x/y:pull_request","repo:octo-org/app:ref:refs/tags/v1"]}}}}}}}}"#
            ),
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{gh}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":[{}]}}}}}}}}"#,
                many.join(",")
            ),
            format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":["{gh}","{eks}"]}},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],"Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":"repo:o/r:environment:e","oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:sub":["system:serviceaccount:default:sa","system:serviceaccount:kube-system:x"]}},"StringLike":{{"Token.Actions.GitHubUserContent.com:sub":["repo:o/r:environment:e","repo:o/r:environment:f"]}}}}}},{{"Effect":"Allow","Principal":{{"Service":"ec2.amazonaws.com"}},"NotAction":"sts:AssumeRoleWithSAML"}}]}}"#
            ),
            format!(
                r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{eks}"}},"Action":"sts:*","Condition":{{"StringEquals":{{"oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:sub":"system:serviceaccount:ns:sa","oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789:aud":[]}}}}}}}}"#
            ),
        ];
        let trusted = [
            "octo-org".to_owned(),
            "kube-system".to_owned(),
            "o".to_owned(),
        ];
        for text in &cases {
            let p = CompiledPolicy::from_json(text).unwrap();
            assert!(
                analyse(&p, &Limits::default(), None, None)
                    .unwrap()
                    .is_some(),
                "{text}"
            );
            both(text, None);
            both(text, Some(&trusted));
            both(text, Some(&[]));
        }
    }
}
