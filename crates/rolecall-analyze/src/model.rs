//! From a compiled policy to boxes: one per statement, over the request's
//! principal, action and condition keys.
//!
//! A request's context gives each key one of three shapes: absent, one
//! string, or a list of strings (of which the set operators read the
//! non-empty ones, docs/DECISIONS.md R9). One condition (one key under one
//! operator) is an [`Atom`]: its result when the key is absent, the
//! language of single values it accepts, and what it asks of a list. The
//! translation reads `rolecall-eval`'s compiled form through
//! [`rolecall_eval::view`] and follows `condition_holds` there
//! (docs/SEMANTICS.md §3.11 with R9): each rule below names the branch it mirrors.

use rolecall_eval::request::FoldedKey;
use rolecall_eval::view::{ActionPattern, ConditionValue, ConditionView, PrincipalView};
use rolecall_eval::{CompiledPolicy, Effect};
use rolecall_policy::{BaseOperator, OperatorFamily, SetQualifier, Span};

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::automaton::{Alphabet, AlphabetBuilder, Class, Dfa, Elem, Nfa, Op};
use crate::error::{AnalysisError, Reason};
use crate::lang::{Constant, Domain, Kind, Lang};
use crate::Limits;

/// A language before the alphabet is known.
#[derive(Debug, Clone)]
pub(crate) enum Spec {
    Nfa(Nfa),
    /// Every value, or none, whatever the key's kind (`Null`).
    Const(bool),
    /// A typed comparison with one constant, by the positive operator.
    Typed(BaseOperator, Constant),
    Not(Box<Spec>),
    And(Vec<Spec>),
    Or(Vec<Spec>),
}

impl Spec {
    fn collect(&self, b: &mut AlphabetBuilder) {
        match self {
            Spec::Nfa(n) => b.add(n),
            Spec::Const(_) | Spec::Typed(..) => {}
            Spec::Not(s) => s.collect(b),
            Spec::And(v) | Spec::Or(v) => v.iter().for_each(|s| s.collect(b)),
        }
    }

    fn build(&self, a: &Alphabet, limits: &Limits) -> Result<Dfa, AnalysisError> {
        let limit = limits.max_states;
        Ok(match self {
            Spec::Nfa(n) => Dfa::build(n, a, limit)?,
            Spec::Const(true) => Dfa::everything(a),
            Spec::Const(false) => Dfa::nothing(a),
            Spec::Typed(..) => return Err(mixed_spec()),
            Spec::Not(s) => s.build(a, limits)?.complement(),
            Spec::And(v) => {
                let mut acc = Dfa::everything(a);
                for s in v {
                    acc = acc.product(&s.build(a, limits)?, Op::And, limit)?;
                }
                acc
            }
            Spec::Or(v) => {
                // Alternatives of one kind share one subset construction.
                let mut merged: [Vec<Vec<Elem>>; 2] = [Vec::new(), Vec::new()];
                let mut rest = Vec::new();
                for s in v {
                    match s {
                        Spec::Nfa(n) => {
                            let slot = usize::from(n.folds());
                            if let Some(m) = merged.get_mut(slot) {
                                m.extend(n.alternatives().iter().cloned());
                            }
                        }
                        other => rest.push(other),
                    }
                }
                let mut acc = Dfa::nothing(a);
                for (fold, alts) in merged.into_iter().enumerate() {
                    if !alts.is_empty() {
                        let d = Dfa::build(&Nfa::new(alts, fold == 1), a, limit)?;
                        acc = acc.product(&d, Op::Or, limit)?;
                    }
                }
                for s in rest {
                    acc = acc.product(&s.build(a, limits)?, Op::Or, limit)?;
                }
                acc
            }
        })
    }

    /// The language of a key's single values: an automaton, or cells of
    /// the key's typed domain.
    fn build_lang(
        &self,
        a: &Alphabet,
        domain: Option<&Arc<Domain>>,
        limits: &Limits,
    ) -> Result<Lang, AnalysisError> {
        let Some(d) = domain else {
            return Ok(Lang::Str(self.build(a, limits)?));
        };
        Ok(match self {
            Spec::Nfa(_) => return Err(mixed_spec()),
            Spec::Const(b) => Lang::constant(d, *b),
            Spec::Typed(op, c) => Lang::cells(d, d.holds(*op, c)),
            Spec::Not(s) => s.build_lang(a, domain, limits)?.complement(),
            Spec::And(v) => {
                let mut acc = Lang::constant(d, true);
                for s in v {
                    acc = acc.product(&s.build_lang(a, domain, limits)?, Op::And, 0)?;
                }
                acc
            }
            Spec::Or(v) => {
                let mut acc = Lang::constant(d, false);
                for s in v {
                    acc = acc.product(&s.build_lang(a, domain, limits)?, Op::Or, 0)?;
                }
                acc
            }
        })
    }
}

impl Spec {
    /// Whether the string `s` belongs to the language, decided on the
    /// element sequences without building an automaton; `None` for a
    /// typed comparison.
    pub(crate) fn matches_str(&self, s: &str) -> Option<bool> {
        Some(match self {
            Spec::Nfa(n) => n.matches(s),
            Spec::Const(b) => *b,
            Spec::Typed(..) => return None,
            Spec::Not(x) => !x.matches_str(s)?,
            Spec::And(v) => {
                let mut all = true;
                for x in v {
                    all &= x.matches_str(s)?;
                }
                all
            }
            Spec::Or(v) => {
                let mut any = false;
                for x in v {
                    any |= x.matches_str(s)?;
                }
                any
            }
        })
    }
}

fn mixed_spec() -> AnalysisError {
    AnalysisError::NotExactlyAnalysable {
        reason: Reason::Typed {
            key: String::new(),
            why: "compared both as text and as a typed value".to_owned(),
        },
        line: 0,
        column: 0,
    }
}

/// What a condition asks of a list value (the set `R` of its non-empty
/// strings).
#[derive(Debug, Clone)]
pub(crate) enum Multi {
    /// True or false whatever the list holds.
    Const(bool),
    /// Every element of `R` is in the language (true for an empty `R`).
    All(Lang),
    /// Some element of `R` is in the language.
    Any(Lang),
}

/// One condition, as a predicate over one key's value.
#[derive(Debug, Clone)]
pub(crate) struct Atom {
    /// The result when the key is absent.
    pub(crate) absent: bool,
    /// The single values that make it true.
    pub(crate) single: Lang,
    /// What it asks of a list value.
    pub(crate) multi: Multi,
}

impl Atom {
    /// The predicate that is true exactly where this one is false.
    pub(crate) fn negated(&self) -> Atom {
        Atom {
            absent: !self.absent,
            single: self.single.complement(),
            multi: match &self.multi {
                Multi::Const(b) => Multi::Const(!b),
                // not (every r in B) = some r outside B.
                Multi::All(b) => Multi::Any(b.complement()),
                // not (some r in A) = every r outside A.
                Multi::Any(a) => Multi::All(a.complement()),
            },
        }
    }
}

/// One condition before the alphabet is known.
#[derive(Debug, Clone)]
struct AtomSpec {
    absent: bool,
    single: Spec,
    multi: MultiSpec,
}

#[derive(Debug, Clone)]
enum MultiSpec {
    Const(bool),
    All,
    Any,
}

/// The conditions of one statement on one key (folded name).
#[derive(Debug, Clone)]
pub(crate) struct KeyAtoms {
    pub(crate) folded: FoldedKey,
    /// The key as first written, used in witness requests.
    pub(crate) name: String,
    pub(crate) atoms: Vec<Atom>,
}

/// One statement as a box.
#[derive(Debug, Clone)]
pub(crate) struct StatementBox {
    pub(crate) index: usize,
    pub(crate) effect: Effect,
    pub(crate) principal: Dfa,
    pub(crate) action: Dfa,
    pub(crate) keys: Vec<KeyAtoms>,
}

struct StatementSpec {
    index: usize,
    effect: Effect,
    principal: Spec,
    action: Spec,
    /// (folded key, key as written, condition, where the key is written).
    conditions: Vec<(FoldedKey, String, AtomSpec, Span)>,
}

/// The boxes of one or more policies over one shared alphabet.
#[derive(Debug, Clone)]
pub(crate) struct Boxes {
    pub(crate) alphabet: Alphabet,
    /// Per policy, its statements' boxes in document order.
    pub(crate) policies: Vec<Vec<StatementBox>>,
}

/// Builds the boxes of `policies` over one alphabet, so that their
/// automata combine.
pub(crate) fn boxes(policies: &[&CompiledPolicy], limits: &Limits) -> Result<Boxes, AnalysisError> {
    boxes_with(policies, AlphabetBuilder::new(), limits)
}

/// [`boxes`] over an alphabet that also names the characters already in
/// `builder` (issuer grammars).
pub(crate) fn boxes_with(
    policies: &[&CompiledPolicy],
    mut builder: AlphabetBuilder,
    limits: &Limits,
) -> Result<Boxes, AnalysisError> {
    let mut specs = Vec::with_capacity(policies.len());
    for p in policies {
        let mut statements = Vec::new();
        for (index, s) in p.statements().iter().enumerate() {
            let mut conditions = Vec::new();
            for c in s.conditions() {
                conditions.push((
                    c.folded_key().clone(),
                    c.key().to_owned(),
                    atom_spec(&c)?,
                    c.key_span(),
                ));
            }
            statements.push(StatementSpec {
                index,
                effect: s.effect(),
                principal: principal_spec(s.principal_view()),
                action: action_spec(s),
                conditions,
            });
        }
        specs.push(statements);
    }
    for s in specs.iter().flatten() {
        s.principal.collect(&mut builder);
        s.action.collect(&mut builder);
        for (_, _, a, _) in &s.conditions {
            a.single.collect(&mut builder);
        }
    }
    let alphabet = builder.build();
    let domains = domains(policies)?;
    let mut out = Vec::with_capacity(specs.len());
    for statements in specs {
        let mut built = Vec::with_capacity(statements.len());
        for s in statements {
            let mut keys: Vec<KeyAtoms> = Vec::new();
            for (folded, name, spec, span) in s.conditions {
                // A condition too complex to build is located at its key.
                let single = spec
                    .single
                    .build_lang(&alphabet, domains.get(&folded), limits)
                    .map_err(|e| match e {
                        AnalysisError::NotExactlyAnalysable {
                            reason, line: 0, ..
                        } => AnalysisError::NotExactlyAnalysable {
                            reason,
                            line: span.line,
                            column: span.column,
                        },
                        other => other,
                    })?;
                let multi = match spec.multi {
                    MultiSpec::Const(b) => Multi::Const(b),
                    MultiSpec::All => Multi::All(single.clone()),
                    MultiSpec::Any => Multi::Any(single.clone()),
                };
                let atom = Atom {
                    absent: spec.absent,
                    single,
                    multi,
                };
                match keys.iter_mut().find(|k| k.folded == folded) {
                    Some(k) => k.atoms.push(atom),
                    None => keys.push(KeyAtoms {
                        folded,
                        name,
                        atoms: vec![atom],
                    }),
                }
            }
            built.push(StatementBox {
                index: s.index,
                effect: s.effect,
                principal: s.principal.build(&alphabet, limits)?,
                action: s.action.build(&alphabet, limits)?,
                keys,
            });
        }
        out.push(built);
    }
    Ok(Boxes {
        alphabet,
        policies: out,
    })
}

/// The language of one principal value over `alphabet` (whose characters
/// the policy's boxes already collected).
pub(crate) fn principal_value_dfa(
    v: &rolecall_eval::compile::PrincipalValue,
    alphabet: &Alphabet,
    limits: &Limits,
) -> Result<Dfa, AnalysisError> {
    principal_spec(PrincipalView::Values(std::slice::from_ref(v))).build(alphabet, limits)
}

/// The typed domain of every key compared as a number, date or IP
/// address, from the constants of all `policies`; a key compared both as
/// text and as a typed value (or as two types) is not exactly analysable.
fn domains(
    policies: &[&CompiledPolicy],
) -> Result<BTreeMap<FoldedKey, Arc<Domain>>, AnalysisError> {
    // Per key: its kind (None for text), where it was first so compared,
    // and its constants.
    let mut seen: BTreeMap<FoldedKey, (Option<Kind>, String, Vec<Constant>)> = BTreeMap::new();
    for p in policies {
        for s in p.statements() {
            for c in s.conditions() {
                let base = c.operator().base;
                if base == BaseOperator::Null {
                    continue;
                }
                let kind = Kind::of(base.family());
                let entry = seen
                    .entry(c.folded_key().clone())
                    .or_insert_with(|| (kind, c.operator().to_string(), Vec::new()));
                if entry.0 != kind {
                    return Err(not_exact(
                        &c,
                        Reason::Typed {
                            key: c.key().to_owned(),
                            why: format!(
                                "compared under `{}` and under `{}`, as values of different types",
                                entry.1,
                                c.operator()
                            ),
                        },
                    ));
                }
                for v in c.values() {
                    match v {
                        ConditionValue::Number(x) => entry.2.push(Constant::Number(x)),
                        ConditionValue::Date(d) => entry.2.push(Constant::Date(d)),
                        ConditionValue::Network(n) => entry.2.push(Constant::Network(*n)),
                        _ => {}
                    }
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    for (folded, (kind, _, constants)) in seen {
        if let Some(kind) = kind {
            let d = Domain::new(folded.as_str(), kind, &constants)?;
            out.insert(folded, Arc::new(d));
        }
    }
    Ok(out)
}

/// R2: exact principals, `{"AWS": "*"}`, and account trust (the
/// account's IAM and STS principals, never its identity providers).
fn principal_spec(p: PrincipalView<'_>) -> Spec {
    let values = match p {
        PrincipalView::Everyone => return Spec::Nfa(Nfa::everything()),
        PrincipalView::Values(v) => v,
    };
    let mut any = Vec::new();
    for v in values {
        if v.is_aws_wildcard() {
            return Spec::Nfa(Nfa::everything());
        }
        any.push(Spec::Nfa(Nfa::literal(v.text())));
        if let Some(account) = v.account() {
            // `arn:<partition>:(iam|sts)::<account>:<rest>`, the partition
            // without `:` (the first five colons split the ARN).
            let arn = |service: &str, rest: &str| {
                let mut elems: Vec<Elem> = "arn:".chars().map(Elem::char).collect();
                elems.push(Elem::Run(Class::Except(vec![':'])));
                elems.extend(
                    format!(":{service}::{account}:{rest}")
                        .chars()
                        .map(Elem::char),
                );
                elems.push(Elem::any_run());
                elems
            };
            let covered = Nfa::new(vec![arn("iam", ""), arn("sts", "")], false);
            let providers = Nfa::new(
                ["iam", "sts"]
                    .iter()
                    .flat_map(|s| [arn(s, "oidc-provider/"), arn(s, "saml-provider/")])
                    .collect(),
                false,
            );
            any.push(Spec::And(vec![
                Spec::Nfa(covered),
                Spec::Not(Box::new(Spec::Nfa(providers))),
            ]));
        }
    }
    Spec::Or(any)
}

/// R3: the request action split at its first `:`, both halves matched
/// ignoring case.
pub(crate) fn action_spec(s: &rolecall_eval::CompiledStatement) -> Spec {
    let mut alts = Vec::new();
    let mut everything = false;
    for v in s.action_values() {
        match v.pattern() {
            ActionPattern::Everything => everything = true,
            ActionPattern::Nothing => {}
            ActionPattern::Literal(text) => {
                if let Some((service, name)) = text.split_once(':') {
                    let mut elems: Vec<Elem> = service
                        .chars()
                        .flat_map(char::to_lowercase)
                        .map(Elem::char)
                        .collect();
                    elems.push(Elem::char(':'));
                    elems.extend(name.chars().flat_map(char::to_lowercase).map(Elem::char));
                    alts.push(elems);
                }
            }
            ActionPattern::Split { service, name } => {
                let mut elems = Vec::new();
                for t in service.tokens() {
                    push_token(&mut elems, t, Some(':'));
                }
                elems.push(Elem::char(':'));
                for t in name.tokens() {
                    push_token(&mut elems, t, None);
                }
                alts.push(elems);
            }
        }
    }
    let any = if everything {
        Spec::Nfa(Nfa::everything())
    } else {
        Spec::Nfa(Nfa::new(alts, true))
    };
    if s.is_not_action() {
        Spec::Not(Box::new(any))
    } else {
        any
    }
}

/// A pattern token as elements; `except` is a character its wildcards
/// cannot match (the service half of an action never holds `:`).
fn push_token(out: &mut Vec<Elem>, t: rolecall_eval::matcher::PatternToken, except: Option<char>) {
    use rolecall_eval::matcher::PatternToken;
    let class = || Class::Except(except.into_iter().collect());
    match t {
        PatternToken::Literal(s) => out.extend(s.chars().map(Elem::char)),
        PatternToken::AnyChar => out.push(Elem::One(class())),
        PatternToken::AnyRun => out.push(Elem::Run(class())),
    }
}

/// The strings `rolecall-eval` reads as ARNs (R8): at least five colons,
/// the first component `arn`.
fn any_arn() -> Nfa {
    let mut elems: Vec<Elem> = "arn:".chars().map(Elem::char).collect();
    for _ in 0..4 {
        elems.push(Elem::Run(Class::Except(vec![':'])));
        elems.push(Elem::char(':'));
    }
    elems.push(Elem::any_run());
    Nfa::new(vec![elems], false)
}

/// An ARN pattern: its six component patterns joined by `:`, the
/// wildcards of the first five never crossing a `:`.
fn arn_nfa(parts: &[rolecall_eval::matcher::Pattern; 6]) -> Nfa {
    let mut elems = Vec::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            elems.push(Elem::char(':'));
        }
        let except = (i < 5).then_some(':');
        for t in p.tokens() {
            push_token(&mut elems, t, except);
        }
    }
    Nfa::new(vec![elems], false)
}

fn not_exact(c: &ConditionView<'_>, reason: Reason) -> AnalysisError {
    let span: Span = c.key_span();
    AnalysisError::NotExactlyAnalysable {
        reason,
        line: span.line,
        column: span.column,
    }
}

/// One condition as a predicate (`condition_holds` in rolecall-eval).
fn atom_spec(c: &ConditionView<'_>) -> Result<AtomSpec, AnalysisError> {
    let op = c.operator();
    let base = op.base;
    if base == BaseOperator::Null {
        // `null_holds`: a qualifier makes it constant; otherwise it tests
        // presence only.
        let (absent, present) = match op.qualifier {
            Some(SetQualifier::ForAllValues) => (true, true),
            Some(SetQualifier::ForAnyValue) => (false, false),
            None => {
                let wants = |w: bool| {
                    c.values()
                        .any(|v| matches!(v, ConditionValue::Bool(b) if b == w))
                };
                (wants(true), wants(false))
            }
        };
        return Ok(AtomSpec {
            absent,
            single: Spec::Const(present),
            multi: MultiSpec::Const(present),
        });
    }
    let family = base.family();
    if !matches!(
        family,
        OperatorFamily::String
            | OperatorFamily::Bool
            | OperatorFamily::Binary
            | OperatorFamily::Arn
            | OperatorFamily::Numeric
            | OperatorFamily::Date
            | OperatorFamily::Ip
    ) {
        return Err(not_exact(
            c,
            Reason::Operator {
                operator: op.to_string(),
                key: c.key().to_owned(),
            },
        ));
    }
    let mut values = Vec::new();
    for v in c.values() {
        values.push(Spec::Nfa(match v {
            ConditionValue::Text(t) => Nfa::literal(t),
            ConditionValue::Folded(f) => Nfa::new(vec![f.chars().map(Elem::char).collect()], true),
            ConditionValue::Pattern(p) => {
                let mut elems = Vec::new();
                for t in p.tokens() {
                    push_token(&mut elems, t, None);
                }
                Nfa::new(
                    vec![elems],
                    p.case() == rolecall_eval::matcher::Case::Insensitive,
                )
            }
            // R7: a Bool context value is `true`/`false` in any ASCII case.
            ConditionValue::Bool(b) => {
                let word = if b { "true" } else { "false" };
                Nfa::new(
                    vec![word
                        .chars()
                        .map(|ch| Elem::One(Class::Only(vec![ch, ch.to_ascii_uppercase()])))
                        .collect()],
                    false,
                )
            }
            // R7: the decoded bytes equal the value's UTF-8 bytes.
            ConditionValue::Bytes(b) => match std::str::from_utf8(b) {
                Ok(s) => Nfa::literal(s),
                Err(_) => Nfa::nothing(),
            },
            ConditionValue::Template(text) => {
                return Err(not_exact(
                    c,
                    Reason::PolicyVariable {
                        value: text.to_owned(),
                        key: c.key().to_owned(),
                    },
                ))
            }
            // R8: both sides split at their first five colons, each
            // component matched on its own, and the first must be `arn`.
            ConditionValue::Arn(parts) => {
                values.push(Spec::And(vec![
                    Spec::Nfa(arn_nfa(parts)),
                    Spec::Nfa(any_arn()),
                ]));
                continue;
            }
            // R7: the context value parsed and compared; the key's cells
            // (crate::lang) hold the comparison exactly.
            ConditionValue::Number(x) => {
                values.push(Spec::Typed(base.positive(), Constant::Number(x)));
                continue;
            }
            ConditionValue::Date(d) => {
                values.push(Spec::Typed(base.positive(), Constant::Date(d)));
                continue;
            }
            ConditionValue::Network(n) => {
                values.push(Spec::Typed(base.positive(), Constant::Network(*n)));
                continue;
            }
        }));
    }
    // `base_match`: OR over the values, NOR when negated.
    let matched = Spec::Or(values);
    let single = match (base.is_negated(), family) {
        // R8: a value that is not an ARN makes the negated ARN operators
        // false too.
        (true, OperatorFamily::Arn) => {
            Spec::And(vec![Spec::Nfa(any_arn()), Spec::Not(Box::new(matched))])
        }
        (true, _) => Spec::Not(Box::new(matched)),
        (false, _) => matched,
    };
    // `condition_holds`: IfExists with a missing key is true first; then
    // ForAllValues is true and ForAnyValue false on a missing key (empty
    // set), a plain operator is its negation flag; a plain operator on a
    // list is false.
    let (absent, multi) = match op.qualifier {
        Some(SetQualifier::ForAllValues) => (true, MultiSpec::All),
        Some(SetQualifier::ForAnyValue) => (false, MultiSpec::Any),
        None => (base.is_negated(), MultiSpec::Const(false)),
    };
    Ok(AtomSpec {
        absent: absent || op.if_exists,
        single,
        multi,
    })
}
