//! Regions (conjunctions of per-dimension constraints), the search that
//! subtracts boxes from them, and witness requests.

use rolecall_eval::request::{Context, ContextValue, FoldedKey, Request};

use crate::automaton::{Alphabet, Dfa, Nfa, Op};
use crate::error::{AnalysisError, Reason};
use crate::lang::Lang;
use crate::model::{Atom, KeyAtoms, Multi, StatementBox};
use crate::Limits;

/// The conjunction of every constraint on one key.
#[derive(Debug, Clone)]
pub(crate) struct KeyConj {
    pub(crate) folded: FoldedKey,
    pub(crate) name: String,
    /// True when an absent key satisfies every constraint.
    pub(crate) absent: bool,
    /// The single values that satisfy every constraint.
    pub(crate) single: Lang,
    /// False when some constraint is false on every list.
    pub(crate) multi_ok: bool,
    /// Every element of a list's set must be in this language.
    pub(crate) all: Lang,
    /// For each, some element of the set must be in it.
    pub(crate) anys: Vec<Lang>,
}

/// A set of requests: a principal language, an action language and, for
/// each key named, a [`KeyConj`] (other keys are unconstrained).
#[derive(Debug, Clone)]
pub(crate) struct Region {
    pub(crate) principal: Dfa,
    pub(crate) action: Dfa,
    pub(crate) keys: Vec<KeyConj>,
}

/// Which part of a box a search step negates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartRef {
    Principal,
    Action,
    Atom(usize, usize),
}

/// Shared state of one query: alphabet, limits, the non-empty-string
/// language, and the step budget.
pub(crate) struct Ctx<'a> {
    pub(crate) alphabet: &'a Alphabet,
    pub(crate) limits: &'a Limits,
    non_empty: Dfa,
    steps: usize,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(
        alphabet: &'a Alphabet,
        limits: &'a Limits,
    ) -> Result<Ctx<'a>, AnalysisError> {
        Ok(Ctx {
            alphabet,
            limits,
            non_empty: Dfa::build(&Nfa::non_empty(), alphabet, limits.max_states)?,
            steps: 0,
        })
    }

    pub(crate) fn and(&self, a: &Dfa, b: &Dfa) -> Result<Dfa, AnalysisError> {
        Ok(a.product(b, Op::And, self.limits.max_states)?)
    }

    fn tick(&mut self) -> Result<(), AnalysisError> {
        self.limits.step(&mut self.steps)
    }

    /// Whether some value of the key satisfies the conjunction.
    pub(crate) fn key_satisfiable(&self, k: &KeyConj) -> Result<bool, AnalysisError> {
        Ok(k.absent || !k.single.is_empty() || self.multi_value(k)?.is_some())
    }

    /// A set `R` of non-empty strings satisfying the list constraints: one
    /// element of each `Any` language inside the `All` language.
    pub(crate) fn multi_value(&self, k: &KeyConj) -> Result<Option<Vec<String>>, AnalysisError> {
        if !k.multi_ok {
            return Ok(None);
        }
        let limit = self.limits.max_states;
        let allowed = k.all.non_empty(&self.non_empty, limit)?;
        let mut out: Vec<String> = Vec::new();
        for a in &k.anys {
            match a.product(&allowed, Op::And, limit)?.shortest(self.alphabet) {
                Some(w) => {
                    if !out.contains(&w) {
                        out.push(w);
                    }
                }
                None => return Ok(None),
            }
        }
        Ok(Some(out))
    }

    pub(crate) fn region_satisfiable(&self, r: &Region) -> Result<bool, AnalysisError> {
        if r.principal.is_empty() || r.action.is_empty() {
            return Ok(false);
        }
        for k in &r.keys {
            if !self.key_satisfiable(k)? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// The region of one box.
    pub(crate) fn region_of(&self, b: &StatementBox) -> Result<Region, AnalysisError> {
        let mut r = Region {
            principal: b.principal.clone(),
            action: b.action.clone(),
            keys: Vec::new(),
        };
        for k in &b.keys {
            for a in &k.atoms {
                self.conjoin_atom(&mut r, k, a)?;
            }
        }
        Ok(r)
    }

    /// `r ∩ b`.
    fn intersect(&self, r: &Region, b: &StatementBox) -> Result<Region, AnalysisError> {
        let mut out = Region {
            principal: self.and(&r.principal, &b.principal)?,
            action: self.and(&r.action, &b.action)?,
            keys: r.keys.clone(),
        };
        for k in &b.keys {
            for a in &k.atoms {
                self.conjoin_atom(&mut out, k, a)?;
            }
        }
        Ok(out)
    }

    /// Requires key `folded` to be present, single-valued and in `single`
    /// (an issuer's `sub`); `name` spells it in witnesses when the region
    /// does not name it yet.
    pub(crate) fn restrict_key(
        &self,
        r: &mut Region,
        folded: &FoldedKey,
        name: &str,
        single: &Dfa,
    ) -> Result<(), AnalysisError> {
        let limit = self.limits.max_states;
        match r.keys.iter_mut().find(|c| &c.folded == folded) {
            Some(c) => {
                c.absent = false;
                c.multi_ok = false;
                c.single = c
                    .single
                    .product(&Lang::Str(single.clone()), Op::And, limit)?;
            }
            None => r.keys.push(KeyConj {
                folded: folded.clone(),
                name: name.to_owned(),
                absent: false,
                single: Lang::Str(single.clone()),
                multi_ok: false,
                all: Lang::Str(Dfa::everything(self.alphabet)),
                anys: Vec::new(),
            }),
        }
        Ok(())
    }

    /// Requires key `folded`, when it is one string, to be outside
    /// `single`; absent and list values stay as they were.
    pub(crate) fn exclude_single(
        &self,
        r: &mut Region,
        folded: &FoldedKey,
        name: &str,
        single: &Dfa,
    ) -> Result<(), AnalysisError> {
        let limit = self.limits.max_states;
        let outside = Lang::Str(single.complement());
        match r.keys.iter_mut().find(|c| &c.folded == folded) {
            Some(c) => c.single = c.single.product(&outside, Op::And, limit)?,
            None => r.keys.push(KeyConj {
                folded: folded.clone(),
                name: name.to_owned(),
                absent: true,
                single: outside,
                multi_ok: true,
                all: Lang::Str(Dfa::everything(self.alphabet)),
                anys: Vec::new(),
            }),
        }
        Ok(())
    }

    fn conjoin_atom(&self, r: &mut Region, k: &KeyAtoms, a: &Atom) -> Result<(), AnalysisError> {
        let idx = match r.keys.iter().position(|c| c.folded == k.folded) {
            Some(i) => i,
            None => {
                r.keys.push(KeyConj {
                    folded: k.folded.clone(),
                    name: k.name.clone(),
                    absent: true,
                    single: a.single.everything_like(self.alphabet),
                    multi_ok: true,
                    all: a.single.everything_like(self.alphabet),
                    anys: Vec::new(),
                });
                r.keys.len() - 1
            }
        };
        let Some(c) = r.keys.get_mut(idx) else {
            return Ok(());
        };
        c.absent &= a.absent;
        c.single = c
            .single
            .product(&a.single, Op::And, self.limits.max_states)?;
        match &a.multi {
            Multi::Const(true) => {}
            Multi::Const(false) => c.multi_ok = false,
            Multi::All(b) => c.all = c.all.product(b, Op::And, self.limits.max_states)?,
            Multi::Any(x) => c.anys.push(x.clone()),
        }
        Ok(())
    }

    fn parts(b: &StatementBox) -> Vec<PartRef> {
        let mut out = vec![PartRef::Principal, PartRef::Action];
        for (i, k) in b.keys.iter().enumerate() {
            out.extend((0..k.atoms.len()).map(|j| PartRef::Atom(i, j)));
        }
        out
    }

    /// `r` minus the part `p` of `b` (the requests of `r` that `p` rejects).
    fn without(&self, r: &Region, b: &StatementBox, p: PartRef) -> Result<Region, AnalysisError> {
        let mut out = r.clone();
        match p {
            PartRef::Principal => {
                out.principal = self.and(&r.principal, &b.principal.complement())?;
            }
            PartRef::Action => out.action = self.and(&r.action, &b.action.complement())?,
            PartRef::Atom(i, j) => {
                if let Some(k) = b.keys.get(i) {
                    if let Some(a) = k.atoms.get(j) {
                        self.conjoin_atom(&mut out, k, &a.negated())?;
                    }
                }
            }
        }
        Ok(out)
    }

    /// A non-empty part of `r` outside every box of `minus`, or `None`
    /// when `minus` covers `r`.
    ///
    /// A request avoids a box when some part of the box rejects it, so the
    /// search picks, for each box that still meets the region, one part to
    /// negate; boxes that no longer meet the region are skipped (they stay
    /// disjoint from every sub-region).
    pub(crate) fn subtract(
        &mut self,
        r: Region,
        minus: &[&StatementBox],
    ) -> Result<Option<Region>, AnalysisError> {
        self.tick()?;
        if !self.region_satisfiable(&r)? {
            return Ok(None);
        }
        for (i, b) in minus.iter().enumerate() {
            if !self.region_satisfiable(&self.intersect(&r, b)?)? {
                continue;
            }
            let rest = minus.get(i + 1..).unwrap_or_default();
            for p in Self::parts(b) {
                let sub = self.without(&r, b, p)?;
                if let Some(found) = self.subtract(sub, rest)? {
                    return Ok(Some(found));
                }
            }
            return Ok(None);
        }
        Ok(Some(r))
    }

    /// `r` with the part `p` of `b` required (the requests of `r` that `p`
    /// accepts).
    fn with(&self, r: &Region, b: &StatementBox, p: PartRef) -> Result<Region, AnalysisError> {
        let mut out = r.clone();
        match p {
            PartRef::Principal => out.principal = self.and(&r.principal, &b.principal)?,
            PartRef::Action => out.action = self.and(&r.action, &b.action)?,
            PartRef::Atom(i, j) => {
                if let Some(k) = b.keys.get(i) {
                    if let Some(a) = k.atoms.get(j) {
                        self.conjoin_atom(&mut out, k, a)?;
                    }
                }
            }
        }
        Ok(out)
    }

    /// All of `r` outside every box of `minus`, as disjoint regions pushed
    /// to `out` (at most `max` of them).
    ///
    /// For a box that meets the region, its parts p₁…pₙ give the disjoint
    /// pieces `r ∩ p₁ ∩ … ∩ pᵢ₋₁ ∩ ¬pᵢ`, each then split by the rest.
    pub(crate) fn split(
        &mut self,
        r: Region,
        minus: &[&StatementBox],
        out: &mut Vec<Region>,
        max: usize,
    ) -> Result<(), AnalysisError> {
        self.tick()?;
        if !self.region_satisfiable(&r)? {
            return Ok(());
        }
        for (i, b) in minus.iter().enumerate() {
            if !self.region_satisfiable(&self.intersect(&r, b)?)? {
                continue;
            }
            let rest = minus.get(i + 1..).unwrap_or_default();
            let mut kept = r;
            for p in Self::parts(b) {
                let sub = self.without(&kept, b, p)?;
                self.split(sub, rest, out, max)?;
                kept = self.with(&kept, b, p)?;
                if !self.region_satisfiable(&kept)? {
                    break;
                }
            }
            return Ok(());
        }
        if out.len() >= max {
            return Err(AnalysisError::NotExactlyAnalysable {
                reason: Reason::TooManyRegions { limit: max },
                line: 0,
                column: 0,
            });
        }
        out.push(r);
        Ok(())
    }

    /// `r ∩ b` when it is not empty.
    pub(crate) fn meet(
        &self,
        r: &Region,
        b: &StatementBox,
    ) -> Result<Option<Region>, AnalysisError> {
        let m = self.intersect(r, b)?;
        Ok(self.region_satisfiable(&m)?.then_some(m))
    }

    /// Which part of a region is empty: `None` when none is.
    pub(crate) fn empty_part(&self, r: &Region) -> Result<Option<crate::Part>, AnalysisError> {
        if r.principal.is_empty() {
            return Ok(Some(crate::Part::Principal));
        }
        if r.action.is_empty() {
            return Ok(Some(crate::Part::Action));
        }
        for k in &r.keys {
            if !self.key_satisfiable(k)? {
                return Ok(Some(crate::Part::Key(k.name.clone())));
            }
        }
        Ok(None)
    }

    /// A request in a satisfiable region: readable where there is a choice
    /// (a trust action, short values of readable characters, single values
    /// before absent keys before lists).
    pub(crate) fn request(&self, r: &Region) -> Result<Option<Request>, AnalysisError> {
        self.request_with(r, None, None)
    }

    /// [`Ctx::request`] with the principal and the action given (both in
    /// the region).
    pub(crate) fn request_with(
        &self,
        r: &Region,
        principal: Option<&str>,
        action: Option<&str>,
    ) -> Result<Option<Request>, AnalysisError> {
        let principal = match principal {
            Some(p) => p.to_owned(),
            None => match r.principal.shortest(self.alphabet) {
                Some(p) => p,
                None => return Ok(None),
            },
        };
        let action = action
            .map(str::to_owned)
            .or_else(|| {
                TRUST_ACTIONS
                    .iter()
                    .find(|a| r.action.accepts(self.alphabet, a))
                    .map(|a| (*a).to_owned())
            })
            .or_else(|| r.action.shortest(self.alphabet));
        let Some(action) = action else {
            return Ok(None);
        };
        let mut context = Context::new();
        for k in &r.keys {
            let value = if let Some(v) = k
                .single
                .non_empty(&self.non_empty, self.limits.max_states)?
                .shortest(self.alphabet)
            {
                Some(ContextValue::Single(v))
            } else if k.absent {
                None
            } else if k.single.accepts(self.alphabet, "") {
                Some(ContextValue::Single(String::new()))
            } else {
                match self.multi_value(k)? {
                    Some(values) => Some(ContextValue::Multi(values)),
                    None => return Ok(None),
                }
            };
            if let Some(v) = value {
                if context.insert(k.name.clone(), v).is_err() {
                    return Ok(None);
                }
            }
        }
        Ok(Some(Request::new(principal, action, context)))
    }
}

/// Actions a witness names when the policy allows them, most common first.
pub(crate) const TRUST_ACTIONS: &[&str] = &[
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:TagSession",
    "sts:SetSourceIdentity",
];

/// Whether the boxes' set holds `request` (Allowed = any Allow box and no
/// Deny box), read off the automata: the analysis's own membership test.
pub(crate) fn box_contains(alphabet: &Alphabet, b: &StatementBox, request: &Request) -> bool {
    b.principal.accepts(alphabet, request.principal())
        && b.action.accepts(alphabet, request.action())
        && b.keys.iter().all(|k| {
            let found = request.context().get(&k.folded).map(|e| e.value());
            k.atoms.iter().all(|a| atom_holds(alphabet, a, found))
        })
}

fn atom_holds(alphabet: &Alphabet, a: &Atom, found: Option<&ContextValue>) -> bool {
    match found {
        None => a.absent,
        Some(ContextValue::Single(v)) => a.single.accepts(alphabet, v),
        Some(ContextValue::Multi(vs)) => {
            let mut set = vs.iter().filter(|v| !v.is_empty());
            match &a.multi {
                Multi::Const(b) => *b,
                Multi::All(l) => set.all(|v| l.accepts(alphabet, v)),
                Multi::Any(l) => set.any(|v| l.accepts(alphabet, v)),
            }
        }
    }
}
