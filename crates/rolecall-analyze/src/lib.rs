//! rolecall-analyze: exact questions about the *set* of requests a trust
//! policy allows, answered offline, each answer backed by a request the
//! evaluator checks.
//!
//! Evaluation (`rolecall-eval`) decides one request. This crate decides
//! questions about all of them: can anyone assume the role at all
//! ([`Analyzer::unassumable`]), which request does it allow
//! ([`Analyzer::witness`]), does a new version of a policy allow anything
//! the old one did not ([`Analyzer::implies`]), do two policies allow the
//! same requests ([`Analyzer::equivalent`]). `docs/ANALYSIS.md` describes
//! the design.
//!
//! # Model
//!
//! * A request is a principal, an action, and a context in which each key
//!   is absent, one string, or a list of strings: exactly the requests
//!   `rolecall_eval::evaluate` takes.
//! * Each statement is a *box*: a principal language, an action language,
//!   and per condition a predicate on one key (its result for an absent
//!   key, the language of single values it accepts, and what it asks of a
//!   list). The policy allows `⋃ Allow boxes ∖ ⋃ Deny boxes`.
//! * String languages are finite automata over a symbolic alphabet
//!   ([`automaton`]); the semantics come from the evaluator's compiled
//!   policy ([`rolecall_eval::view`]), never from a copy of the operator
//!   rules.
//! * What cannot be answered exactly (numeric, date and IP operators,
//!   policy variables, automata over the state limit) is an
//!   [`AnalysisError::NotExactlyAnalysable`] with the reason, never a guess.
//! * Every witness is evaluated by `rolecall_eval::evaluate` before it is
//!   returned; one the evaluator does not decide as claimed is
//!   [`AnalysisError::WitnessRejected`], never an answer.
//!
//! # Example
//!
//! ```
//! use rolecall_analyze::{Analyzer, Implication};
//! use rolecall_eval::CompiledPolicy;
//!
//! let old = CompiledPolicy::from_json(r#"{"Version":"2012-10-17","Statement":{
//!     "Effect":"Allow",
//!     "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action":"sts:AssumeRoleWithWebIdentity",
//!     "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
//!                  "StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/app:*"}}}}"#)?;
//! // The change widens the repository to every repository of the owner.
//! let new = CompiledPolicy::from_json(r#"{"Version":"2012-10-17","Statement":{
//!     "Effect":"Allow",
//!     "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
//!     "Action":"sts:AssumeRoleWithWebIdentity",
//!     "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
//!                  "StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}}}"#)?;
//!
//! let analyzer = Analyzer::default();
//! assert!(analyzer.implies(&old, &new)?.holds());
//! let Implication::NewAccess(witness) = analyzer.implies(&new, &old)? else {
//!     panic!("the change grants new access");
//! };
//! let sub = witness.request.context().lookup("token.actions.githubusercontent.com:sub").unwrap();
//! assert_eq!(sub.value().as_single(), Some("repo:octo-org/"));
//! assert!(analyzer.unassumable(&new)?.is_assumable());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod automaton;
mod error;
mod finite;
mod grammar;
mod lang;
mod model;
mod query;
mod who;

use rolecall_eval::request::Request;
use rolecall_eval::{evaluate, CompiledPolicy, Decision, Effect};

pub use automaton::Count;
pub use error::{AnalysisError, Reason};
pub use who::{
    Access, Outside, PrincipalAccess, Segment, SubjectModel, Values, Who, MAX_LISTED, MAX_REGIONS,
};

use model::{boxes, Boxes, StatementBox};
use query::{box_contains, Ctx};

/// Bounds on the work of one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most states any one automaton may have.
    pub max_states: usize,
    /// The most steps of subtracting Deny boxes (each step tries one way
    /// of escaping one Deny).
    pub max_search: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_states: 10_000,
            max_search: 10_000,
        }
    }
}

impl Limits {
    /// Counts one search step in `steps`: an error once there are more than
    /// [`Limits::max_search`] (the finite paths and the Deny subtraction
    /// share this budget's meaning).
    pub(crate) fn step(&self, steps: &mut usize) -> Result<(), AnalysisError> {
        *steps += 1;
        if *steps > self.max_search {
            return Err(AnalysisError::NotExactlyAnalysable {
                reason: Reason::SearchTooLarge {
                    limit: self.max_search,
                },
                line: 0,
                column: 0,
            });
        }
        Ok(())
    }
}

/// A request the analysis found, checked by `rolecall_eval::evaluate`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Witness {
    /// The request.
    pub request: Request,
    /// The Allow statement (numbered from 0) whose box it was found in.
    pub statement: usize,
}

/// A part of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// The `Principal`.
    Principal,
    /// The `Action` or `NotAction`.
    Action,
    /// The conditions on this key (as first written), taken together.
    Key(String),
}

/// Why one Allow statement admits no request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Blocked {
    /// This part can never be satisfied.
    Never(Part),
    /// Every request it admits is denied by these Deny statements.
    DeniedBy(Vec<usize>),
}

/// One Allow statement of an unassumable policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementReport {
    /// The statement, numbered from 0.
    pub statement: usize,
    /// Why it admits nothing.
    pub blocked: Blocked,
}

/// The answer of [`Analyzer::unassumable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assumability {
    /// Some request is allowed; here is one.
    Assumable(Witness),
    /// No request is allowed; why, for each Allow statement (none when the
    /// policy has no Allow statement).
    Unassumable(Vec<StatementReport>),
}

impl Assumability {
    /// Whether some request is allowed.
    pub fn is_assumable(&self) -> bool {
        matches!(self, Assumability::Assumable(_))
    }
}

/// The answer of [`Analyzer::implies`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Implication {
    /// Every request the first policy allows, the second allows.
    Holds,
    /// A request the first policy allows and the second does not.
    NewAccess(Witness),
}

impl Implication {
    /// Whether the implication holds.
    pub fn holds(&self) -> bool {
        matches!(self, Implication::Holds)
    }
}

/// The answer of [`Analyzer::equivalent`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Equivalence {
    /// A request only the first policy allows.
    pub only_first: Option<Witness>,
    /// A request only the second policy allows.
    pub only_second: Option<Witness>,
}

impl Equivalence {
    /// Whether both allow the same requests.
    pub fn holds(&self) -> bool {
        self.only_first.is_none() && self.only_second.is_none()
    }
}

/// The set of requests a policy allows, as automata: for testing the
/// analysis against the evaluator request by request.
#[derive(Debug, Clone)]
pub struct AllowedSet {
    boxes: Boxes,
}

impl AllowedSet {
    /// Whether the policy allows `request`, decided from the automata (not
    /// by the evaluator).
    pub fn contains(&self, request: &Request) -> bool {
        let Some(statements) = self.boxes.policies.first() else {
            return false;
        };
        let a = &self.boxes.alphabet;
        let mut allowed = false;
        for b in statements {
            if box_contains(a, b, request) {
                match b.effect {
                    Effect::Deny => return false,
                    Effect::Allow => allowed = true,
                }
            }
        }
        allowed
    }

    /// The number of symbols of the alphabet (interesting characters plus
    /// one for all others).
    pub fn alphabet_len(&self) -> usize {
        self.boxes.alphabet.len()
    }
}

/// Runs the queries under [`Limits`].
#[derive(Debug, Clone, Default)]
pub struct Analyzer {
    limits: Limits,
    /// The grammar of GitHub's `sub` for [`Analyzer::who`] and
    /// [`Analyzer::admits_outside`] instead of the default template's
    /// (see [`Analyzer::with_github_subjects`]).
    github_subjects: Option<rolecall_eval::issuers::SubjectGrammar>,
    /// The issuer grammars' automata, built once (shared by clones).
    grammars: who::GrammarCache,
}

fn of_effect(b: &[StatementBox], e: Effect) -> Vec<&StatementBox> {
    b.iter().filter(|s| s.effect == e).collect()
}

/// Checks a witness with the evaluator: `want_allowed` in `allowed_by`,
/// and not allowed by `denied_by`.
fn verify(
    request: Request,
    statement: usize,
    allowed_by: &CompiledPolicy,
    denied_by: Option<&CompiledPolicy>,
) -> Result<Witness, AnalysisError> {
    let first = evaluate(allowed_by, &request);
    let second = denied_by.map(|p| evaluate(p, &request));
    let rejected = |claimed: &str, decided: Decision| AnalysisError::WitnessRejected {
        request: format!("{request:?}"),
        claimed: claimed.to_owned(),
        decided: decided.to_string(),
    };
    if first != Decision::Allow {
        return Err(rejected("allowed", first));
    }
    if let Some(d) = second.filter(|d| *d == Decision::Allow) {
        return Err(rejected("not allowed by the other policy", d));
    }
    Ok(Witness { request, statement })
}

impl Analyzer {
    /// An analyzer with these limits.
    pub fn new(limits: Limits) -> Analyzer {
        Analyzer {
            limits,
            github_subjects: None,
            grammars: who::GrammarCache::default(),
        }
    }

    /// The same analyzer, taking `grammar` as the `sub` grammar of GitHub
    /// issuers (`token.actions.githubusercontent.com`, enterprise and
    /// GHE.com issuers) in [`Analyzer::who`] and [`Analyzer::admits_outside`]:
    /// an organisation's custom template
    /// ([`rolecall_eval::issuers::SubjectGrammar::from_github_template`])
    /// instead of the default one, so that regions are split per the
    /// template's forms and witnesses are subjects it mints.
    pub fn with_github_subjects(
        mut self,
        grammar: rolecall_eval::issuers::SubjectGrammar,
    ) -> Analyzer {
        self.github_subjects = Some(grammar);
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The policy's allowed set as automata.
    ///
    /// # Errors
    ///
    /// [`AnalysisError::NotExactlyAnalysable`] for what the analysis does
    /// not model or what exceeds the limits.
    pub fn allowed_set(&self, policy: &CompiledPolicy) -> Result<AllowedSet, AnalysisError> {
        Ok(AllowedSet {
            boxes: boxes(&[policy], &self.limits)?,
        })
    }

    /// A request `first` allows and `second` (if given) does not, from the
    /// boxes of both over one alphabet; checked by the evaluator.
    fn difference(
        &self,
        first: &CompiledPolicy,
        second: Option<&CompiledPolicy>,
    ) -> Result<Option<Witness>, AnalysisError> {
        let policies: Vec<&CompiledPolicy> = std::iter::once(first).chain(second).collect();
        let b = boxes(&policies, &self.limits)?;
        let mut ctx = Ctx::new(&b.alphabet, &self.limits)?;
        let none: Vec<StatementBox> = Vec::new();
        let p1 = b.policies.first().unwrap_or(&none);
        let p2 = b.policies.get(1).unwrap_or(&none);
        let denies1 = of_effect(p1, Effect::Deny);
        let allows2 = of_effect(p2, Effect::Allow);
        let denies2 = of_effect(p2, Effect::Deny);
        for allow in of_effect(p1, Effect::Allow) {
            let region = ctx.region_of(allow)?;
            // Outside every Allow of the second policy (and every Deny of
            // the first)...
            let mut minus = denies1.clone();
            minus.extend(allows2.iter().copied());
            let found = match ctx.subtract(region.clone(), &minus)? {
                Some(r) => Some(r),
                // ... or inside a Deny of the second.
                None => {
                    let mut found = None;
                    for d in &denies2 {
                        if let Some(m) = ctx.meet(&region, d)? {
                            if let Some(r) = ctx.subtract(m, &denies1)? {
                                found = Some(r);
                                break;
                            }
                        }
                    }
                    found
                }
            };
            if let Some(r) = found {
                let request = ctx
                    .request(&r)?
                    .ok_or_else(|| AnalysisError::WitnessRejected {
                        request: "(none)".into(),
                        claimed: "a request in a satisfiable region".into(),
                        decided: "no request could be built".into(),
                    })?;
                return verify(request, allow.index, first, second).map(Some);
            }
        }
        Ok(None)
    }

    /// A request the policy allows, or `None` when it allows none.
    ///
    /// # Errors
    ///
    /// [`AnalysisError::NotExactlyAnalysable`]; [`AnalysisError::WitnessRejected`]
    /// if the evaluator disagrees with the analysis (a bug).
    pub fn witness(&self, policy: &CompiledPolicy) -> Result<Option<Witness>, AnalysisError> {
        if let Some(found) = finite::witness(policy, &self.limits)? {
            return Ok(found);
        }
        self.difference(policy, None)
    }

    /// Whether the policy allows any request: a witness if so, otherwise
    /// for each Allow statement the part that can never be satisfied or the
    /// Deny statements that cover it.
    ///
    /// # Errors
    ///
    /// As [`Analyzer::witness`].
    pub fn unassumable(&self, policy: &CompiledPolicy) -> Result<Assumability, AnalysisError> {
        if let Some(w) = self.witness(policy)? {
            return Ok(Assumability::Assumable(w));
        }
        let b = boxes(&[policy], &self.limits)?;
        let ctx = Ctx::new(&b.alphabet, &self.limits)?;
        let none = Vec::new();
        let statements = b.policies.first().unwrap_or(&none);
        let denies = of_effect(statements, Effect::Deny);
        let mut reports = Vec::new();
        for allow in of_effect(statements, Effect::Allow) {
            let region = ctx.region_of(allow)?;
            let blocked = match ctx.empty_part(&region)? {
                Some(part) => Blocked::Never(part),
                None => {
                    let mut by = Vec::new();
                    for d in &denies {
                        if ctx.meet(&region, d)?.is_some() {
                            by.push(d.index);
                        }
                    }
                    Blocked::DeniedBy(by)
                }
            };
            reports.push(StatementReport {
                statement: allow.index,
                blocked,
            });
        }
        Ok(Assumability::Unassumable(reports))
    }

    /// Whether every request `new` allows, `old` allows too ("no new
    /// access"); otherwise a request `new` allows and `old` does not.
    ///
    /// # Errors
    ///
    /// As [`Analyzer::witness`].
    pub fn implies(
        &self,
        new: &CompiledPolicy,
        old: &CompiledPolicy,
    ) -> Result<Implication, AnalysisError> {
        Ok(match self.difference(new, Some(old))? {
            None => Implication::Holds,
            Some(w) => Implication::NewAccess(w),
        })
    }

    /// Who may assume the role: per principal written in an Allow statement
    /// and per trust action (`sts:AssumeRoleWithWebIdentity`,
    /// `sts:AssumeRole`, `sts:AssumeRoleWithSAML`, `sts:TagSession`,
    /// `sts:SetSourceIdentity`), the allowed requests as disjoint regions,
    /// each described key by key (its values, whether it may be absent or
    /// a list, and how many values) with a witness the evaluator allows.
    /// A principal and action with nothing allowed is left out, so an
    /// unassumable policy has no entries.
    ///
    /// ```
    /// use rolecall_analyze::{Analyzer, Values};
    /// use rolecall_eval::CompiledPolicy;
    ///
    /// let policy = CompiledPolicy::from_json(r#"{"Version":"2012-10-17","Statement":{
    ///     "Effect":"Allow",
    ///     "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
    ///     "Action":"sts:AssumeRoleWithWebIdentity",
    ///     "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",
    ///         "token.actions.githubusercontent.com:sub":["repo:octo-org/app:ref:refs/heads/main",
    ///                                                    "repo:octo-org/app:environment:prod"]}}}}"#)?;
    /// let who = Analyzer::default().who(&policy)?;
    /// assert_eq!(who.principals.len(), 1);
    /// let access = &who.principals[0];
    /// assert_eq!(access.action, "sts:AssumeRoleWithWebIdentity");
    /// // GitHub's `sub` grammar splits the set per form (branch, environment),
    /// // each described per field of the subject.
    /// let mut forms: Vec<_> = access.admitted.iter().filter_map(|r| r.form.as_deref()).collect();
    /// forms.sort();
    /// assert_eq!(forms, ["branch", "environment"]);
    /// let owner = access.admitted[0].segments.iter()
    ///     .find(|s| s.field.as_deref() == Some("owner"))
    ///     .ok_or("no owner field")?;
    /// assert_eq!(owner.values, Values::OneOf(vec!["octo-org".to_owned()]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    ///
    /// As [`Analyzer::witness`]; also [`Reason::TooManyRegions`] when one
    /// principal and action would need more than [`MAX_REGIONS`] regions.
    pub fn who(&self, policy: &CompiledPolicy) -> Result<Who, AnalysisError> {
        who::who(
            policy,
            &self.limits,
            self.github_subjects.as_ref(),
            &self.grammars,
        )
    }

    /// Whether the policy admits a subject outside the `trusted` tenants
    /// (GitHub owners, Kubernetes namespaces: the grammar field whose role
    /// is [`rolecall_eval::issuers::FieldRole::Tenant`]), per principal and
    /// action, with witnesses: [`Analyzer::who`] over the subjects of each
    /// issuer's grammar whose tenant is not trusted. A subject is trusted
    /// when some parse of it names a trusted tenant (compared exactly, as
    /// the `sub` carries it). Principals whose issuer has no grammar with a
    /// tenant are listed in [`Outside::unknown`], not guessed.
    ///
    /// # Errors
    ///
    /// As [`Analyzer::who`].
    pub fn admits_outside(
        &self,
        policy: &CompiledPolicy,
        trusted: &[String],
    ) -> Result<Outside, AnalysisError> {
        who::admits_outside(
            policy,
            trusted,
            &self.limits,
            self.github_subjects.as_ref(),
            &self.grammars,
        )
    }

    /// Whether the two policies allow the same requests, with a request
    /// for each direction in which they differ.
    ///
    /// # Errors
    ///
    /// As [`Analyzer::witness`].
    pub fn equivalent(
        &self,
        first: &CompiledPolicy,
        second: &CompiledPolicy,
    ) -> Result<Equivalence, AnalysisError> {
        Ok(Equivalence {
            only_first: self.difference(first, Some(second))?,
            only_second: self.difference(second, Some(first))?,
        })
    }
}
