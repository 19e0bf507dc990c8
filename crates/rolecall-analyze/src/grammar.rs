//! Issuer `sub` grammars (`rolecall_eval::issuers`) as automata, and the
//! projection of an admitted subject language onto a form's fields.
//!
//! A [`SubjectForm`] is a sequence of parts: literal text, one of several
//! literals, or a field whose values are the strings of a [`NameAlphabet`]
//! (character ranges, a length range, the characters allowed at both ends).
//! Each becomes alternatives of [`Elem`] sequences: a literal is one
//! character per element; a field of `min..=max` characters is `min` times
//! "one character of the class" then `max - min` times "zero or one"
//! (`Elem::Opt`), or a run when there is no upper bound; the edge rule adds
//! a first and a last element over the edge characters. The form's language
//! is the concatenation, its grammar's the union of its forms.

use rolecall_eval::issuers::{CharRange, FieldRole, NameAlphabet, Part as GPart, SubjectForm};

use crate::automaton::{Alphabet, Class, Dfa, Elem, Nfa, Op};
use crate::error::{AnalysisError, Reason};
use crate::Limits;

/// A class with at most this many listed characters; a larger one is
/// written as its complement, which must then be as small.
const MAX_CLASS: u32 = 4_096;

fn unsupported(why: String) -> AnalysisError {
    AnalysisError::NotExactlyAnalysable {
        reason: Reason::Grammar { why },
        line: 0,
        column: 0,
    }
}

/// Every Unicode scalar value, by code point, without the surrogates.
fn scalar_count(r: &CharRange) -> u32 {
    let (lo, hi) = (u32::from(r.lo), u32::from(r.hi));
    if hi < lo {
        return 0;
    }
    let surrogates = {
        let (a, b) = (lo.max(0xd800), hi.min(0xdfff));
        if a <= b {
            b - a + 1
        } else {
            0
        }
    };
    hi - lo + 1 - surrogates
}

/// The characters of `ranges` as a [`Class`]: listed when few, else as the
/// few characters outside them.
fn class_of(ranges: &[CharRange]) -> Result<Class, AnalysisError> {
    let total: u32 = ranges.iter().map(scalar_count).sum();
    let inside = |c: char| ranges.iter().any(|r| r.contains(c));
    if total <= MAX_CLASS {
        let mut chars: Vec<char> = ranges.iter().flat_map(|r| r.lo..=r.hi).collect();
        chars.sort_unstable();
        chars.dedup();
        return Ok(Class::Only(chars));
    }
    let outside = (0x11_0000u32 - 0x800).saturating_sub(total);
    if outside <= MAX_CLASS {
        // The gaps between the sorted ranges (walking the ranges, not the
        // 1.1 million characters).
        let mut sorted: Vec<(u32, u32)> = ranges
            .iter()
            .map(|r| (u32::from(r.lo), u32::from(r.hi)))
            .collect();
        sorted.sort_unstable();
        let mut chars = Vec::new();
        let mut next = 0u32;
        for (lo, hi) in sorted.into_iter().chain([(0x11_0000, 0x11_0000)]) {
            chars.extend((next..lo).filter_map(char::from_u32));
            next = next.max(hi.saturating_add(1));
        }
        debug_assert!(chars.iter().all(|c| !inside(*c)));
        return Ok(Class::Except(chars));
    }
    Err(unsupported(format!(
        "a name alphabet of {total} characters is neither small nor nearly everything"
    )))
}

/// Length bounds up to this many characters are written into the
/// automaton; a longer bound is left out (the field is then any length from
/// its minimum): a chain of hundreds of optional positions per field made
/// every product and minimisation of a GitHub subject cost seconds. The
/// language is then wider than the issuer's, never narrower, and each
/// witness's `sub` is checked against the grammar itself before it is
/// returned ([`crate::Reason::Grammar`] when the only subjects admitted are
/// too long to mint).
pub(crate) const MAX_BOUNDED_LEN: usize = 8;

/// The alternatives of a field's values.
fn field_alts(a: &NameAlphabet) -> Result<Vec<Vec<Elem>>, AnalysisError> {
    let chars = class_of(&a.chars)?;
    let mut a = a.clone();
    if a.max_len.is_some_and(|m| m > MAX_BOUNDED_LEN) {
        a.max_len = None;
    }
    let a = &a;
    let run = |n: usize, max: Option<usize>| -> Vec<Elem> {
        let mut out: Vec<Elem> = (0..n).map(|_| Elem::One(chars.clone())).collect();
        match max {
            Some(m) => out.extend((n..m).map(|_| Elem::Opt(chars.clone()))),
            None => out.push(Elem::Run(chars.clone())),
        }
        out
    };
    let Some(edge) = &a.edge else {
        return Ok(vec![run(a.min_len, a.max_len)]);
    };
    let Class::Only(edge_chars) = class_of(edge)? else {
        return Err(unsupported("a large edge alphabet".into()));
    };
    let e = Elem::One(Class::Only(
        edge_chars
            .into_iter()
            .filter(|c| chars.contains(*c))
            .collect(),
    ));
    let mut alts = Vec::new();
    let fits = |n: usize| n >= a.min_len && a.max_len.is_none_or(|m| n <= m);
    if fits(0) {
        alts.push(Vec::new());
    }
    if fits(1) {
        alts.push(vec![e.clone()]);
    }
    if a.max_len.is_none_or(|m| m >= 2) {
        let mut middle = vec![e.clone()];
        middle.extend(run(
            a.min_len.saturating_sub(2),
            a.max_len.map(|m| m.saturating_sub(2)),
        ));
        middle.push(e);
        alts.push(middle);
    }
    Ok(alts)
}

/// The alternatives of one part.
fn part_alts(p: &GPart) -> Result<Vec<Vec<Elem>>, AnalysisError> {
    Ok(match p {
        GPart::Literal(t) => vec![t.chars().map(Elem::char).collect()],
        GPart::OneOf(ts) => ts
            .iter()
            .map(|t| t.chars().map(Elem::char).collect())
            .collect(),
        GPart::Field(f) => field_alts(&f.alphabet)?,
    })
}

/// At most this many alternatives per form (products of one-of parts and
/// edge rules).
const MAX_ALTERNATIVES: usize = 1_024;

/// One form's automata-to-be: the whole form and each part.
#[derive(Debug, Clone)]
pub(crate) struct FormSpec {
    pub(crate) name: String,
    pub(crate) whole: Nfa,
    /// Per part: its field (name and role) when it is one, and its language.
    pub(crate) parts: Vec<(Option<(String, FieldRole)>, Nfa)>,
}

impl FormSpec {
    pub(crate) fn new(form: &SubjectForm) -> Result<FormSpec, AnalysisError> {
        let mut whole: Vec<Vec<Elem>> = vec![Vec::new()];
        let mut parts = Vec::new();
        for p in &form.parts {
            let alts = part_alts(p)?;
            let mut next = Vec::new();
            for prefix in &whole {
                for a in &alts {
                    let mut v = prefix.clone();
                    v.extend(a.iter().cloned());
                    next.push(v);
                }
            }
            if next.len() > MAX_ALTERNATIVES {
                return Err(unsupported(format!(
                    "form `{}` has more than {MAX_ALTERNATIVES} alternatives",
                    form.name
                )));
            }
            whole = next;
            let field = match p {
                GPart::Field(f) => Some((f.name.clone(), f.role)),
                _ => None,
            };
            parts.push((field, Nfa::new(alts, false)));
        }
        Ok(FormSpec {
            name: form.name.clone(),
            whole: Nfa::new(whole, false),
            parts,
        })
    }

    /// The form's parts with the field of `role` restricted to `values`
    /// (the trusted tenants), as one language.
    pub(crate) fn with_field_in(
        &self,
        form: &SubjectForm,
        role: FieldRole,
        values: &[String],
    ) -> Result<Option<Nfa>, AnalysisError> {
        let mut whole: Vec<Vec<Elem>> = vec![Vec::new()];
        let mut found = false;
        for p in &form.parts {
            let alts = match p {
                GPart::Field(f) if f.role == role => {
                    found = true;
                    values
                        .iter()
                        .filter(|v| f.alphabet.contains(v))
                        .map(|v| v.chars().map(Elem::char).collect())
                        .collect()
                }
                other => part_alts(other)?,
            };
            let mut next = Vec::new();
            for prefix in &whole {
                for a in &alts {
                    let mut v = prefix.clone();
                    v.extend(a.iter().cloned());
                    next.push(v);
                }
            }
            if next.len() > MAX_ALTERNATIVES {
                return Err(unsupported(format!(
                    "form `{}` has more than {MAX_ALTERNATIVES} alternatives",
                    form.name
                )));
            }
            whole = next;
        }
        Ok(found.then(|| Nfa::new(whole, false)))
    }
}

/// A form as automata over the analysis's alphabet.
#[derive(Debug, Clone)]
pub(crate) struct FormDfa {
    pub(crate) name: String,
    pub(crate) whole: Dfa,
    pub(crate) parts: Vec<(Option<(String, FieldRole)>, Dfa)>,
}

impl FormDfa {
    pub(crate) fn build(
        spec: &FormSpec,
        alphabet: &Alphabet,
        limits: &Limits,
    ) -> Result<FormDfa, AnalysisError> {
        let limit = limits.max_states;
        let mut parts = Vec::new();
        for (f, n) in &spec.parts {
            parts.push((f.clone(), Dfa::build(n, alphabet, limit)?));
        }
        Ok(FormDfa {
            name: spec.name.clone(),
            whole: Dfa::build(&spec.whole, alphabet, limit)?,
            parts,
        })
    }

    /// The same automata over the alphabet `to` (see [`Dfa::remap`]).
    pub(crate) fn remap(&self, from: &Alphabet, to: &Alphabet) -> FormDfa {
        FormDfa {
            name: self.name.clone(),
            whole: self.whole.remap(from, to),
            parts: self
                .parts
                .iter()
                .map(|(f, d)| (f.clone(), d.remap(from, to)))
                .collect(),
        }
    }

    /// Per field, the values some string of `lang` (already inside this
    /// form) has there: the projection of `lang` onto each field, and the
    /// field's whole language (to tell "any value").
    pub(crate) fn project(
        &self,
        lang: &Dfa,
        limits: &Limits,
    ) -> Result<Vec<(String, Dfa, Dfa)>, AnalysisError> {
        let limit = limits.max_states;
        // Before part i, `lang` is in one of starts[i]; after it, it must
        // be in a state marked in ends[i + 1] to still accept.
        let mut starts: Vec<Vec<u32>> = vec![vec![0]];
        for (_, p) in &self.parts {
            let from = starts.last().cloned().unwrap_or_default();
            starts.push(lang.image(&from, p));
        }
        // ends[j]: the states of starts[j] from which the rest of the form
        // (parts j..) reaches acceptance; computed from the last part back.
        let n = self.parts.len();
        let mut ends: Vec<Vec<bool>> = vec![Vec::new(); n + 1];
        if let Some(last) = ends.get_mut(n) {
            *last = lang.accepting();
        }
        for j in (0..n).rev() {
            let mut marks = vec![false; lang.states()];
            if let (Some((_, p)), Some(from), Some(next)) =
                (self.parts.get(j), starts.get(j), ends.get(j + 1))
            {
                for &s in from {
                    let ok =
                        lang.reaches(s, p, &|t| next.get(t as usize).copied().unwrap_or(false));
                    if let Some(m) = marks.get_mut(s as usize) {
                        *m = ok;
                    }
                }
            }
            if let Some(e) = ends.get_mut(j) {
                *e = marks;
            }
        }
        let mut out = Vec::new();
        for (i, (field, p)) in self.parts.iter().enumerate() {
            let Some((name, _)) = field else {
                continue;
            };
            let (Some(from), Some(to)) = (starts.get(i), ends.get(i + 1)) else {
                continue;
            };
            let mut values = Dfa::nothing_like(p);
            for &s in from {
                let piece = lang.rooted(s, to).product(p, Op::And, limit)?;
                values = values.product(&piece, Op::Or, limit)?;
            }
            out.push((name.clone(), values, p.clone()));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::panic,
        reason = "test module: a panic is a failing test"
    )]
    use super::*;

    fn range(lo: u32, hi: u32) -> CharRange {
        CharRange::new(char::from_u32(lo).unwrap(), char::from_u32(hi).unwrap())
    }

    /// The number of characters of a class, `Only` or `Except`.
    fn listed(ranges: &[CharRange]) -> Result<(bool, usize), AnalysisError> {
        Ok(match class_of(ranges)? {
            Class::Only(c) => (true, c.len()),
            Class::Except(c) => (false, c.len()),
        })
    }

    /// A name alphabet is listed when it has at most `MAX_CLASS` characters, written as the
    /// characters outside it when those are at most `MAX_CLASS`, and refused in between; the
    /// surrogates (U+D800 to U+DFFF) are no characters, inside or outside.
    #[test]
    fn a_class_is_listed_inside_or_outside_or_refused() {
        let max = MAX_CLASS as usize;
        assert_eq!(listed(&[range(0x100, 0x10FF)]).unwrap(), (true, max));
        assert!(listed(&[range(0x100, 0x1100)]).is_err());
        assert_eq!(listed(&[range(0x1000, 0x10_FFFF)]).unwrap(), (false, max));
        assert!(listed(&[range(0x1001, 0x10_FFFF)]).is_err());
        // Across the surrogates: U+D000 to U+E7FF holds 6,144 code points, 4,096 characters.
        assert_eq!(listed(&[range(0xD000, 0xE7FF)]).unwrap(), (true, max));
        assert!(listed(&[range(0xD000, 0xE800)]).is_err());
        // Everything but the 4,096 characters U+E000 to U+EFFF, the surrogates not among them.
        assert_eq!(
            listed(&[range(0, 0xD7FF), range(0xF000, 0x10_FFFF)]).unwrap(),
            (false, max)
        );
    }
}
