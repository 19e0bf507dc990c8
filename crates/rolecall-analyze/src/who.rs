//! `who`: the set of requests a policy allows, per principal and trust
//! action, split into disjoint regions and described key by key.
//!
//! The types here are the stable result of [`crate::Analyzer::who`]; the
//! `rolecall who` command prints them.

use rolecall_eval::issuers::{
    classify_federated, FieldRole, IssuerKind, SubjectForm, SubjectGrammar,
};
use rolecall_eval::request::FoldedKey;
use rolecall_eval::view::PrincipalView;
use rolecall_eval::{CompiledPolicy, Effect};
use rolecall_policy::PrincipalKind;

use crate::automaton::{Alphabet, AlphabetBuilder, Count, Dfa, Nfa, Op};
use crate::error::AnalysisError;
use crate::grammar::{FormDfa, FormSpec};
use crate::model::{boxes_with, principal_value_dfa, StatementBox};
use crate::query::{Ctx, KeyConj, Region, TRUST_ACTIONS};
use crate::{verify, Limits, Witness};

/// At most this many values are listed in [`Values::OneOf`] and
/// [`Values::AnyBut`]; a larger finite set is described by examples.
pub const MAX_LISTED: usize = 16;

/// At most this many disjoint regions per principal and action.
pub const MAX_REGIONS: usize = 256;

/// The values a segment admits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Values {
    /// Every value (of the segment's grammar, when it has one).
    Any,
    /// Exactly these values (at most [`MAX_LISTED`]), shortest first.
    OneOf(Vec<String>),
    /// Every value except these (at most [`MAX_LISTED`]).
    AnyBut(Vec<String>),
    /// More values than can be listed; some short examples.
    Matching {
        /// Up to three members, shortest first.
        examples: Vec<String>,
    },
    /// No value at all (the key must then be absent, or a list).
    None,
    /// For a key compared as a number, date or IP address: the admitted
    /// intervals (`from 0 to 3600 (inclusive)`, `10.0.0.0 to
    /// 10.255.255.255`, `any text that is not a number`), in order.
    Ranges(Vec<String>),
}

impl std::fmt::Display for Values {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let list = |v: &[String]| {
            v.iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self {
            Values::Any => f.write_str("any value"),
            Values::OneOf(v) => write!(f, "one of {{{}}}", list(v)),
            Values::AnyBut(v) => write!(f, "any value except {{{}}}", list(v)),
            Values::Matching { examples } => {
                write!(f, "many values, e.g. {}", list(examples))
            }
            Values::None => f.write_str("no single value"),
            Values::Ranges(v) => write!(f, "in {}", v.join(" or ")),
        }
    }
}

/// What one region admits for one condition key, or for one field of the
/// key's issuer grammar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// The condition key, as first written in the policy.
    pub key: String,
    /// The field of the issuer's `sub` grammar (`owner`, `repository`,
    /// ...), or `None` for the key's whole value.
    pub field: Option<String>,
    /// Whether the request may leave the key out.
    pub absent: bool,
    /// Whether some list value (a multivalued key) satisfies the region.
    pub lists: bool,
    /// The single values admitted.
    pub values: Values,
    /// How many single values are admitted.
    pub count: Count,
}

impl std::fmt::Display for Segment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.field {
            Some(field) => write!(f, "{field} {}", self.values)?,
            None => write!(f, "`{}` {}", self.key, self.values)?,
        }
        if self.field.is_none() {
            match (self.absent, self.lists) {
                (true, true) => f.write_str(" (or absent, or a list)")?,
                (true, false) => f.write_str(" (or absent)")?,
                (false, true) => f.write_str(" (or a list)")?,
                (false, false) => {}
            }
        }
        Ok(())
    }
}

/// How the `sub` of a principal's issuer was analysed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubjectModel {
    /// Over every string: no grammar is known for the issuer (or the
    /// principal is not an identity provider).
    AllStrings,
    /// Restricted to the issuer's `sub` grammar, so every witness is a
    /// subject the issuer can mint.
    Grammar {
        /// The issuer, as named by `rolecall_eval::issuers`.
        issuer: String,
    },
}

impl SubjectModel {
    /// Over the grammar of `issuer` when one applies, else over all strings.
    pub(crate) fn of(issuer: Option<&String>) -> SubjectModel {
        match issuer {
            Some(issuer) => SubjectModel::Grammar {
                issuer: issuer.clone(),
            },
            None => SubjectModel::AllStrings,
        }
    }
}

/// One disjoint part of what a principal may do with an action: a
/// product of per-key sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The Allow statement (numbered from 0) it comes from.
    pub statement: usize,
    /// The grammar form of the `sub` (`branch`, `environment`, ...) when
    /// the issuer's grammar was applied. `None` under
    /// [`SubjectModel::Grammar`] means the requests whose `sub` is absent, a
    /// list, or no subject of the grammar (a GitHub custom template's, or a
    /// name the issuer does not mint): the rest of the allowed set.
    pub form: Option<String>,
    /// The constrained keys (and grammar fields), in policy order; a key
    /// not listed is unconstrained.
    pub segments: Vec<Segment>,
    /// A request of this region, allowed by the evaluator.
    pub witness: Witness,
    /// Whether this is the part of a grammar-analysed principal's set whose
    /// `sub` is outside the grammar (then `form` is `None`).
    pub outside_grammar: bool,
}

impl Access {
    /// The region in words: its segments joined by `; `.
    pub fn description(&self) -> String {
        if self.segments.is_empty() {
            return "any request".to_owned();
        }
        let mut parts: Vec<String> = Vec::new();
        match (&self.form, self.outside_grammar) {
            (Some(form), _) => parts.push(format!("form {form}")),
            (None, true) => parts.push("`sub` outside the issuer's grammar".to_owned()),
            (None, false) => {}
        }
        parts.extend(self.segments.iter().map(ToString::to_string));
        parts.join("; ")
    }
}

/// Everything one principal may do with one action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrincipalAccess {
    /// The principal as written in the policy (`*` for everyone).
    pub principal: String,
    /// The trust action (`sts:AssumeRoleWithWebIdentity`, ...).
    pub action: String,
    /// How the issuer's `sub` was analysed.
    pub subject: SubjectModel,
    /// The admitted set as disjoint regions (never empty).
    pub admitted: Vec<Access>,
}

impl PrincipalAccess {
    /// The admitted set in words: the regions' descriptions joined by
    /// ` | `.
    pub fn description(&self) -> String {
        self.admitted
            .iter()
            .map(Access::description)
            .collect::<Vec<_>>()
            .join(" | ")
    }

    /// The first region's witness.
    pub fn witness(&self) -> Option<&Witness> {
        self.admitted.first().map(|a| &a.witness)
    }
}

/// The answer of [`crate::Analyzer::who`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Who {
    /// Per principal and trust action that the policy allows anything
    /// for, what it allows; in the order principals are first written.
    pub principals: Vec<PrincipalAccess>,
}

impl Who {
    /// Whether any request is allowed.
    pub fn is_assumable(&self) -> bool {
        !self.principals.is_empty()
    }
}

/// A box restricted to one action: its action part always holds.
fn for_action(b: &StatementBox, alphabet: &Alphabet, action: &str) -> Option<StatementBox> {
    b.action.accepts(alphabet, action).then(|| StatementBox {
        action: Dfa::everything(alphabet),
        ..b.clone()
    })
}

/// The principals written in the policy's Allow statements, distinct by
/// text, in order; `*` stands for "everyone".
pub(crate) fn principal_values(
    policy: &CompiledPolicy,
) -> Vec<(String, Option<&rolecall_eval::compile::PrincipalValue>)> {
    let mut out: Vec<(String, Option<&rolecall_eval::compile::PrincipalValue>)> = Vec::new();
    for s in policy.statements() {
        if s.effect() != Effect::Allow {
            continue;
        }
        match s.principal_view() {
            PrincipalView::Everyone => {
                if !out.iter().any(|(t, _)| t == "*") {
                    out.push(("*".to_owned(), None));
                }
            }
            PrincipalView::Values(vs) => {
                for v in vs {
                    if !out.iter().any(|(t, _)| t == v.text()) {
                        out.push((v.text().to_owned(), Some(v)));
                    }
                }
            }
        }
    }
    out
}

/// A key's admitted single values as [`Values`] and [`Count`].
pub(crate) fn describe(dfa: &Dfa, alphabet: &Alphabet) -> (Values, Count) {
    let count = dfa.count(alphabet);
    if dfa.is_everything() {
        return (Values::Any, count);
    }
    let values = match count {
        Count::Finite(0) => Values::None,
        Count::Finite(n) if n <= MAX_LISTED as u128 => {
            Values::OneOf(dfa.examples(alphabet, MAX_LISTED, usize::MAX))
        }
        _ => {
            let rest = dfa.complement();
            match rest.count(alphabet) {
                Count::Finite(n) if n <= MAX_LISTED as u128 => {
                    Values::AnyBut(rest.examples(alphabet, MAX_LISTED, usize::MAX))
                }
                _ => Values::Matching {
                    examples: dfa.examples(alphabet, 3, 1_000),
                },
            }
        }
    };
    (values, count)
}

fn segment(ctx: &Ctx<'_>, k: &KeyConj) -> Result<Segment, AnalysisError> {
    let (values, count) = k.single.describe(ctx.alphabet);
    Ok(Segment {
        key: k.name.clone(),
        field: None,
        absent: k.absent,
        lists: ctx.multi_value(k)?.is_some(),
        values,
        count,
    })
}

/// A principal's issuer grammar, before the alphabet is known.
pub(crate) struct GrammarSpec {
    pub(crate) issuer: String,
    pub(crate) source: SubjectGrammar,
    /// The `sub` key, folded and as spelled when the policy does not name it.
    pub(crate) folded: FoldedKey,
    pub(crate) name: String,
    pub(crate) forms: Vec<(SubjectForm, FormSpec)>,
    /// For `admits_outside`: per form, the same form with the tenant field
    /// restricted to the trusted tenants (`None` when it has no tenant).
    pub(crate) trusted: Vec<Option<Nfa>>,
}

/// The same, over the alphabet.
struct Grammar {
    issuer: String,
    source: SubjectGrammar,
    folded: FoldedKey,
    name: String,
    /// The union of the forms.
    all: Dfa,
    forms: Vec<FormDfa>,
    /// The union of the trusted-tenant forms (nothing when none).
    trusted: Dfa,
    /// Whether some form names a tenant.
    has_tenant: bool,
}

pub(crate) fn grammar_spec(
    text: &str,
    value: Option<&rolecall_eval::compile::PrincipalValue>,
    trusted: Option<&[String]>,
    github: Option<&SubjectGrammar>,
) -> Result<Option<GrammarSpec>, AnalysisError> {
    let Some(v) = value.filter(|v| v.kind() == PrincipalKind::Federated) else {
        return Ok(None);
    };
    let issuer = classify_federated(v.text());
    let g = match (issuer.kind, github) {
        (IssuerKind::GitHub | IssuerKind::GitHubLegacy, Some(g)) => g.clone(),
        _ => match issuer.subject_grammar() {
            Some(g) => g,
            None => return Ok(None),
        },
    };
    let name = format!("{}:sub", issuer.prefix);
    let mut forms = Vec::new();
    let mut trusted_forms = Vec::new();
    for f in &g.forms {
        let spec = FormSpec::new(f)?;
        trusted_forms.push(match trusted {
            Some(t) => spec.with_field_in(f, FieldRole::Tenant, t)?,
            None => None,
        });
        forms.push((f.clone(), spec));
    }
    let _ = text;
    Ok(Some(GrammarSpec {
        issuer: format!("{:?}", issuer.kind),
        source: g,
        folded: FoldedKey::new(&name),
        name,
        forms,
        trusted: trusted_forms,
    }))
}

/// A grammar's form automata over the grammar's own alphabet, built once per
/// [`crate::Analyzer`] and remapped onto each analysis's alphabet
/// ([`Dfa::remap`]): building them was a third of `who`'s time on a GitHub
/// policy.
#[derive(Debug)]
pub(crate) struct GrammarAutomata {
    alphabet: Alphabet,
    forms: Vec<FormDfa>,
    all: Dfa,
}

/// One grammar and its automata.
type CachedGrammar = (SubjectGrammar, std::sync::Arc<GrammarAutomata>);

/// The automata of the grammars an analyzer has met, by grammar (the
/// analyzer's limits are fixed, and whether a construction stays within
/// them does not depend on the alphabet).
#[derive(Debug, Default, Clone)]
pub(crate) struct GrammarCache {
    built: std::sync::Arc<std::sync::Mutex<Vec<CachedGrammar>>>,
}

impl GrammarCache {
    /// The automata of `spec`'s grammar, built now if they are not yet;
    /// `None` when they cannot be built within the limits (the caller then
    /// builds them over its alphabet, where the same error arises).
    fn get(&self, spec: &GrammarSpec, limits: &Limits) -> Option<std::sync::Arc<GrammarAutomata>> {
        if let Ok(built) = self.built.lock() {
            if let Some((_, a)) = built.iter().find(|(g, _)| *g == spec.source) {
                return Some(std::sync::Arc::clone(a));
            }
        }
        let mut b = AlphabetBuilder::new();
        for (_, f) in &spec.forms {
            b.add(&f.whole);
            f.parts.iter().for_each(|(_, n)| b.add(n));
        }
        let alphabet = b.build();
        let limit = limits.max_states;
        let mut all = Dfa::nothing(&alphabet);
        let mut forms = Vec::new();
        for (_, f) in &spec.forms {
            let d = FormDfa::build(f, &alphabet, limits).ok()?;
            all = all.product(&d.whole, Op::Or, limit).ok()?;
            forms.push(d);
        }
        let automata = std::sync::Arc::new(GrammarAutomata {
            alphabet,
            forms,
            all,
        });
        if let Ok(mut built) = self.built.lock() {
            built.push((spec.source.clone(), std::sync::Arc::clone(&automata)));
        }
        Some(automata)
    }
}

impl GrammarSpec {
    /// The characters the grammar's languages name (for the analysis's
    /// alphabet): its automata's alphabet when cached, and the trusted
    /// forms.
    fn add_chars(&self, cached: Option<&GrammarAutomata>, b: &mut AlphabetBuilder) {
        match cached {
            Some(c) => c.alphabet.chars().iter().for_each(|&ch| b.add_char(ch)),
            None => {
                for (_, f) in &self.forms {
                    b.add(&f.whole);
                    f.parts.iter().for_each(|(_, n)| b.add(n));
                }
            }
        }
        self.trusted.iter().flatten().for_each(|n| b.add(n));
    }

    /// [`GrammarSpec::build`] from the cached automata.
    fn build_cached(
        &self,
        cached: &GrammarAutomata,
        alphabet: &Alphabet,
        limits: &Limits,
    ) -> Result<Grammar, AnalysisError> {
        let all = cached.all.remap(&cached.alphabet, alphabet);
        let forms = cached
            .forms
            .iter()
            .map(|f| f.remap(&cached.alphabet, alphabet))
            .collect();
        self.assemble(all, forms, alphabet, limits)
    }

    fn build(&self, alphabet: &Alphabet, limits: &Limits) -> Result<Grammar, AnalysisError> {
        let limit = limits.max_states;
        let mut all = Dfa::nothing(alphabet);
        let mut forms = Vec::new();
        for (_, spec) in &self.forms {
            let f = FormDfa::build(spec, alphabet, limits)?;
            all = all.product(&f.whole, Op::Or, limit)?;
            forms.push(f);
        }
        self.assemble(all, forms, alphabet, limits)
    }

    /// The grammar from its form automata (built or remapped from the
    /// cache), with the trusted tenants' automaton.
    fn assemble(
        &self,
        all: Dfa,
        forms: Vec<FormDfa>,
        alphabet: &Alphabet,
        limits: &Limits,
    ) -> Result<Grammar, AnalysisError> {
        let limit = limits.max_states;
        let mut trusted = Dfa::nothing(alphabet);
        for t in self.trusted.iter().flatten() {
            trusted = trusted.product(&Dfa::build(t, alphabet, limit)?, Op::Or, limit)?;
        }
        Ok(Grammar {
            issuer: self.issuer.clone(),
            source: self.source.clone(),
            folded: self.folded.clone(),
            name: self.name.clone(),
            all,
            forms,
            trusted,
            has_tenant: self.trusted.iter().any(Option::is_some),
        })
    }
}

/// A field's admitted values against the field's own language: "any" when
/// every value of the field is admitted.
fn describe_field(
    values: &Dfa,
    field: &Dfa,
    alphabet: &Alphabet,
    limit: usize,
) -> Result<(Values, Count), AnalysisError> {
    let count = values.count(alphabet);
    if field.product(values, Op::AndNot, limit)?.is_empty() {
        return Ok((Values::Any, count));
    }
    Ok(describe(values, alphabet))
}

/// Checks that the `sub` of a witness found in a grammar form is a subject
/// the issuer mints: length bounds beyond
/// [`crate::grammar::MAX_BOUNDED_LEN`] are not in the automaton, so the
/// grammar itself has the last word on the witness.
pub(crate) fn minted(
    source: &SubjectGrammar,
    issuer: &str,
    folded: &FoldedKey,
    witness: &Witness,
) -> Result<(), AnalysisError> {
    let sub = witness
        .request
        .context()
        .get(folded)
        .and_then(|e| e.value().as_single());
    if sub.and_then(|s| source.matches(s)).is_none() {
        return Err(AnalysisError::NotExactlyAnalysable {
            reason: crate::Reason::Grammar {
                why: format!(
                    "the shortest admitted `sub` of {issuer} ({sub:?}) is not one it mints (a name longer than the issuer allows)"
                ),
            },
            line: 0,
            column: 0,
        });
    }
    Ok(())
}

/// What `who` and `admits_outside` share: per principal and action, the
/// regions, split per grammar form.
fn analyse(
    policy: &CompiledPolicy,
    limits: &Limits,
    trusted: Option<&[String]>,
    github: Option<&SubjectGrammar>,
    cache: &GrammarCache,
) -> Result<(Who, Vec<String>), AnalysisError> {
    if let Some(answer) = crate::finite::analyse(policy, limits, trusted, github)? {
        return Ok(answer);
    }
    analyse_automata(policy, limits, trusted, github, cache)
}

/// [`analyse`] over automata: the general path, for every policy.
pub(crate) fn analyse_automata(
    policy: &CompiledPolicy,
    limits: &Limits,
    trusted: Option<&[String]>,
    github: Option<&SubjectGrammar>,
    cache: &GrammarCache,
) -> Result<(Who, Vec<String>), AnalysisError> {
    let principals = principal_values(policy);
    let mut specs = Vec::with_capacity(principals.len());
    for (text, value) in &principals {
        specs.push(grammar_spec(text, *value, trusted, github)?);
    }
    let cached: Vec<Option<std::sync::Arc<GrammarAutomata>>> = specs
        .iter()
        .map(|s| s.as_ref().and_then(|s| cache.get(s, limits)))
        .collect();
    let mut chars = AlphabetBuilder::new();
    for (s, c) in specs.iter().zip(&cached) {
        if let Some(s) = s {
            s.add_chars(c.as_deref(), &mut chars);
        }
    }
    let b = boxes_with(&[policy], chars, limits)?;
    let mut ctx = Ctx::new(&b.alphabet, limits)?;
    let limit = limits.max_states;
    let none = Vec::new();
    let statements = b.policies.first().unwrap_or(&none);
    let mut out = Vec::new();
    let mut without_tenants = Vec::new();
    for (((text, value), spec), cached) in principals.iter().zip(&specs).zip(&cached) {
        let lang = match value {
            Some(v) => principal_value_dfa(v, &b.alphabet, limits)?,
            None => Dfa::everything(&b.alphabet),
        };
        let grammar = match (spec, cached) {
            (Some(s), Some(c)) => Some(s.build_cached(c, &b.alphabet, limits)?),
            (Some(s), None) => Some(s.build(&b.alphabet, limits)?),
            (None, _) => None,
        };
        if trusted.is_some() && !grammar.as_ref().is_some_and(|g| g.has_tenant) {
            without_tenants.push(text.clone());
            continue;
        }
        for action in TRUST_ACTIONS {
            let restricted: Vec<StatementBox> = statements
                .iter()
                .filter_map(|s| for_action(s, &b.alphabet, action))
                .collect();
            let denies: Vec<&StatementBox> = restricted
                .iter()
                .filter(|s| s.effect == Effect::Deny)
                .collect();
            let mut admitted = Vec::new();
            for allow in restricted.iter().filter(|s| s.effect == Effect::Allow) {
                let mut region: Region = ctx.region_of(allow)?;
                region.principal = ctx.and(&region.principal, &lang)?;
                if region.principal.is_empty() {
                    continue;
                }
                if let (Some(g), Some(_)) = (&grammar, trusted) {
                    // Outsiders: subjects of the grammar outside every
                    // trusted-tenant form.
                    let subjects = g.all.product(&g.trusted, Op::AndNot, limit)?;
                    ctx.restrict_key(&mut region, &g.folded, &g.name, &subjects)?;
                }
                let mut regions = Vec::new();
                ctx.split(region, &denies, &mut regions, MAX_REGIONS)?;
                for r in regions {
                    let named = r
                        .principal
                        .accepts(&b.alphabet, text)
                        .then_some(text.as_str());
                    let mut pieces: Vec<(Option<&FormDfa>, Region)> = Vec::new();
                    match &grammar {
                        None => pieces.push((None, r)),
                        Some(g) => {
                            for f in &g.forms {
                                let mut piece = r.clone();
                                ctx.restrict_key(&mut piece, &g.folded, &g.name, &f.whole)?;
                                if ctx.region_satisfiable(&piece)? {
                                    pieces.push((Some(f), piece));
                                }
                            }
                            // The rest: requests whose `sub` is absent, a
                            // list, or no subject of the grammar (a GitHub
                            // custom template's): kept, so that the answer
                            // is the whole allowed set.
                            if trusted.is_none() {
                                let mut rest = r.clone();
                                ctx.exclude_single(&mut rest, &g.folded, &g.name, &g.all)?;
                                if ctx.region_satisfiable(&rest)? {
                                    pieces.push((None, rest));
                                }
                            }
                        }
                    }
                    for (form, piece) in pieces {
                        let Some(request) = ctx.request_with(&piece, named, Some(action))? else {
                            return Err(AnalysisError::WitnessRejected {
                                request: "(none)".into(),
                                claimed: "a request in a satisfiable region".into(),
                                decided: "no request could be built".into(),
                            });
                        };
                        let witness = verify(request, allow.index, policy, None)?;
                        if let (Some(g), Some(_)) = (&grammar, form) {
                            minted(&g.source, &g.issuer, &g.folded, &witness)?;
                        }
                        let mut segments = Vec::new();
                        for k in &piece.keys {
                            let is_sub = grammar.as_ref().is_some_and(|g| g.folded == k.folded);
                            match (form, is_sub, k.single.as_dfa()) {
                                (Some(f), true, Some(d)) => {
                                    for (field, values, whole) in f.project(d, limits)? {
                                        let (values, count) =
                                            describe_field(&values, &whole, &b.alphabet, limit)?;
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
                                _ => segments.push(segment(&ctx, k)?),
                            }
                        }
                        admitted.push(Access {
                            statement: allow.index,
                            form: form.map(|f| f.name.clone()),
                            segments,
                            witness,
                            outside_grammar: grammar.is_some() && form.is_none(),
                        });
                    }
                }
            }
            if !admitted.is_empty() {
                out.push(PrincipalAccess {
                    principal: text.clone(),
                    action: (*action).to_owned(),
                    subject: SubjectModel::of(grammar.as_ref().map(|g| &g.issuer)),
                    admitted,
                });
            }
        }
    }
    Ok((Who { principals: out }, without_tenants))
}

/// [`crate::Analyzer::who`].
pub(crate) fn who(
    policy: &CompiledPolicy,
    limits: &Limits,
    github: Option<&SubjectGrammar>,
    cache: &GrammarCache,
) -> Result<Who, AnalysisError> {
    Ok(analyse(policy, limits, None, github, cache)?.0)
}

/// The answer of [`crate::Analyzer::admits_outside`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outside {
    /// Per principal and action, what subjects outside the trusted tenants
    /// it admits (with witnesses); empty when none.
    pub admitted: Vec<PrincipalAccess>,
    /// Principals (as written) whose issuer has no grammar naming a tenant:
    /// whether they admit outsiders cannot be told.
    pub unknown: Vec<String>,
}

impl Outside {
    /// Whether some subject outside the trusted tenants is admitted.
    pub fn admits_outsiders(&self) -> bool {
        !self.admitted.is_empty()
    }
}

/// [`crate::Analyzer::admits_outside`].
pub(crate) fn admits_outside(
    policy: &CompiledPolicy,
    trusted: &[String],
    limits: &Limits,
    github: Option<&SubjectGrammar>,
    cache: &GrammarCache,
) -> Result<Outside, AnalysisError> {
    let (who, unknown) = analyse(policy, limits, Some(trusted), github, cache)?;
    Ok(Outside {
        admitted: who.principals,
        unknown,
    })
}
