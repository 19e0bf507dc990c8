//! `who`: the set of requests a policy allows, per principal and trust
//! action, split into disjoint regions and described key by key.
//!
//! The types here are the stable result of [`crate::Analyzer::who`]; the
//! `rolecall who` command prints them.

use rolecall_eval::view::PrincipalView;
use rolecall_eval::{CompiledPolicy, Effect};

use crate::automaton::{Alphabet, Count, Dfa};
use crate::error::AnalysisError;
use crate::model::{boxes, principal_value_dfa, StatementBox};
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

/// One disjoint part of what a principal may do with an action: a
/// product of per-key sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    /// The Allow statement (numbered from 0) it comes from.
    pub statement: usize,
    /// The grammar form of the `sub` (`branch`, `environment`, ...) when
    /// the issuer's grammar was applied and the region is one form.
    pub form: Option<String>,
    /// The constrained keys (and grammar fields), in policy order; a key
    /// not listed is unconstrained.
    pub segments: Vec<Segment>,
    /// A request of this region, allowed by the evaluator.
    pub witness: Witness,
}

impl Access {
    /// The region in words: its segments joined by `; `.
    pub fn description(&self) -> String {
        if self.segments.is_empty() {
            return "any request".to_owned();
        }
        let mut parts: Vec<String> = Vec::new();
        if let Some(form) = &self.form {
            parts.push(format!("form {form}"));
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
fn principal_values(
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

/// [`crate::Analyzer::who`].
pub(crate) fn who(policy: &CompiledPolicy, limits: &Limits) -> Result<Who, AnalysisError> {
    let b = boxes(&[policy], limits)?;
    let mut ctx = Ctx::new(&b.alphabet, limits)?;
    let none = Vec::new();
    let statements = b.policies.first().unwrap_or(&none);
    let mut principals = Vec::new();
    for (text, value) in principal_values(policy) {
        let lang = match value {
            Some(v) => principal_value_dfa(v, &b.alphabet, limits)?,
            None => Dfa::everything(&b.alphabet),
        };
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
                let mut regions = Vec::new();
                ctx.split(region, &denies, &mut regions, MAX_REGIONS)?;
                for r in regions {
                    // The principal as written when the region holds it.
                    let named = r
                        .principal
                        .accepts(&b.alphabet, &text)
                        .then_some(text.as_str());
                    let Some(request) = ctx.request_with(&r, named, Some(action))? else {
                        return Err(AnalysisError::WitnessRejected {
                            request: "(none)".into(),
                            claimed: "a request in a satisfiable region".into(),
                            decided: "no request could be built".into(),
                        });
                    };
                    let witness = verify(request, allow.index, policy, None)?;
                    let mut segments = Vec::new();
                    for k in &r.keys {
                        segments.push(segment(&ctx, k)?);
                    }
                    admitted.push(Access {
                        statement: allow.index,
                        form: None,
                        segments,
                        witness,
                    });
                }
            }
            if !admitted.is_empty() {
                principals.push(PrincipalAccess {
                    principal: text.clone(),
                    action: (*action).to_owned(),
                    subject: SubjectModel::AllStrings,
                    admitted,
                });
            }
        }
    }
    Ok(Who { principals })
}
