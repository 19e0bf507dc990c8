//! The language of one key's single values: an automaton for keys compared
//! as strings, a set of *cells* for keys compared as numbers, dates or IP
//! addresses.
//!
//! # Cells
//!
//! A Numeric, Date or IP condition reads a context value with the
//! evaluator's parser ([`rolecall_eval::view::read_typed`], R7): a value
//! that does not parse matches no policy value, one that does is compared
//! by its number, instant or address. So what such conditions can tell
//! apart is finite: every value is *unparsable*, or lies in one of the
//! intervals into which the policies' constants cut the parsed values. Those
//! intervals (each constant on its own, the values strictly between two
//! constants, and the values beyond the outermost ones; for IP, the address
//! ranges between network boundaries, IPv4 and IPv6 apart) are the *cells*
//! of the key's [`Domain`], and a language is the set of cells it holds.
//! Every condition on the key holds on all of a cell or on none of it, so
//! the set algebra on cells is exact.
//!
//! A cell exists only if some string parses into it: numbers are `-?D+(.D+)?`
//! read as the nearest `f64` (every finite `f64` and both infinities, `-0`
//! equal to `0`); dates are ISO 8601 instants from year 0000 to 9999 with a
//! zone of at most ±23:59 (every nanosecond in between), or epoch seconds up
//! to `i64::MAX` (whole seconds only beyond the ISO range); IP addresses are
//! every IPv4 and IPv6 address. Each cell has a witness text, checked to
//! parse back into the cell.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use rolecall_eval::view::{read_typed, TypedReading};
use rolecall_policy::grammar::date::parse_date;
use rolecall_policy::grammar::ip::IpNetwork;
use rolecall_policy::OperatorFamily;

use crate::automaton::{Alphabet, Count, Dfa, Op};
use crate::error::{AnalysisError, Reason};

/// How a key's values are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Kind {
    Number,
    Date,
    Ip,
}

impl Kind {
    pub(crate) fn of(family: OperatorFamily) -> Option<Kind> {
        match family {
            OperatorFamily::Numeric => Some(Kind::Number),
            OperatorFamily::Date => Some(Kind::Date),
            OperatorFamily::Ip => Some(Kind::Ip),
            _ => None,
        }
    }

    fn family(self) -> OperatorFamily {
        match self {
            Kind::Number => OperatorFamily::Numeric,
            Kind::Date => OperatorFamily::Date,
            Kind::Ip => OperatorFamily::Ip,
        }
    }
}

/// A constant of a typed condition.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Constant {
    Number(f64),
    Date(i128),
    Network(IpNetwork),
}

/// A position in a kind's value order: `(family, ordinal)`; the family is
/// 0 except for IPv6 addresses (1).
type Pos = (u8, u128);

/// Numbers in the order of `partial_cmp`, `-0` with `0`.
fn num_ord(x: f64) -> u128 {
    let x = if x == 0.0 { 0.0 } else { x };
    let b = x.to_bits();
    u128::from(if b >> 63 == 1 { !b } else { b | (1 << 63) })
}

fn num_val(o: u128) -> f64 {
    let b = u64::try_from(o).unwrap_or(u64::MAX);
    f64::from_bits(if b >> 63 == 1 { b & !(1 << 63) } else { !b })
}

/// The ordinal of `-0`, which no number reads as (it equals `0`).
fn neg_zero_ord() -> u128 {
    u128::from(!(-0.0f64).to_bits())
}

/// Dates as ordinals: nanoseconds shifted to be non-negative.
const DATE_SHIFT: i128 = 1 << 100;

fn date_ord(n: i128) -> u128 {
    u128::try_from(n.saturating_add(DATE_SHIFT)).unwrap_or(0)
}

fn date_val(o: u128) -> i128 {
    i128::try_from(o).unwrap_or(i128::MAX) - DATE_SHIFT
}

const NANOS: i128 = 1_000_000_000;

/// The instants the date parser reaches (see the module documentation),
/// computed with the parser itself.
#[derive(Debug, Clone, Copy)]
struct DateRange {
    /// `0000-01-01T00:00:00+23:59`.
    iso_min: i128,
    /// `0000-01-01T00:00:00Z`.
    utc_min: i128,
    /// `9999-12-31T23:59:59.999999999Z`.
    utc_max: i128,
    /// `9999-12-31T23:59:59.999999999-23:59`.
    iso_max: i128,
    /// `i64::MAX` epoch seconds.
    epoch_max: i128,
}

impl DateRange {
    fn new() -> Option<DateRange> {
        Some(DateRange {
            iso_min: parse_date("0000-01-01T00:00:00+23:59").ok()?,
            utc_min: parse_date("0000-01-01T00:00:00Z").ok()?,
            utc_max: parse_date("9999-12-31T23:59:59.999999999Z").ok()?,
            iso_max: parse_date("9999-12-31T23:59:59.999999999-23:59").ok()?,
            epoch_max: parse_date(&i64::MAX.to_string()).ok()?,
        })
    }

    /// The first reachable instant at or after `n`.
    fn first_at_or_after(&self, n: i128) -> Option<i128> {
        if n <= self.iso_min {
            Some(self.iso_min)
        } else if n <= self.iso_max {
            Some(n)
        } else {
            let secs = n.div_euclid(NANOS) + i128::from(n.rem_euclid(NANOS) != 0);
            let t = secs.checked_mul(NANOS)?;
            (t <= self.epoch_max).then_some(t)
        }
    }

    /// The text of a reachable instant, checked with the parser.
    fn text(&self, n: i128) -> Option<String> {
        let (shifted, zone) = if n < self.utc_min {
            (n + 86_340 * NANOS, "+23:59")
        } else if n <= self.utc_max {
            (n, "Z")
        } else if n <= self.iso_max {
            (n - 86_340 * NANOS, "-23:59")
        } else {
            let text = (n.rem_euclid(NANOS) == 0).then(|| (n / NANOS).to_string())?;
            return (parse_date(&text).ok() == Some(n)).then_some(text);
        };
        let secs = shifted.div_euclid(NANOS);
        let frac = shifted.rem_euclid(NANOS);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        let mut text = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
            sod / 3600,
            sod / 60 % 60,
            sod % 60
        );
        if frac != 0 {
            text.push_str(&format!(".{frac:09}"));
        }
        text.push_str(zone);
        (parse_date(&text).ok() == Some(n)).then_some(text)
    }
}

/// Year, month, day of a day count since 1970-01-01 (proleptic Gregorian).
///
/// Hand-written: the inverse of the date parser's own day count (H.
/// Hinnant's `civil_from_days`), a dozen lines where a calendar crate would
/// be a new dependency for one witness format; every text it helps build is
/// parsed back and compared before use.
fn civil_from_days(z: i128) -> (i128, i128, i128) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// One cell: the reachable values from `lo` to `hi` (inclusive), or every
/// string the parser refuses.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Range {
        lo: Pos,
        hi: Pos,
        /// A text that parses into the cell.
        witness: String,
    },
    Unparsable,
}

/// The cells of one key (see the module documentation).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Domain {
    pub(crate) key: String,
    kind: Kind,
    /// Ranges in order, then [`Cell::Unparsable`] last.
    cells: Vec<Cell>,
}

fn too_complex(key: &str) -> AnalysisError {
    AnalysisError::NotExactlyAnalysable {
        reason: Reason::Typed {
            key: key.to_owned(),
            why: "no text reaches one of its intervals".to_owned(),
        },
        line: 0,
        column: 0,
    }
}

fn net_range(n: &IpNetwork) -> (u8, u128, u128) {
    match n.addr() {
        IpAddr::V4(a) => {
            let bits = 32 - u32::from(n.prefix());
            let mask = u32::MAX.checked_shl(bits).unwrap_or(0);
            let lo = u32::from(a) & mask;
            (0, u128::from(lo), u128::from(lo | !mask))
        }
        IpAddr::V6(a) => {
            let bits = 128 - u32::from(n.prefix());
            let mask = u128::MAX.checked_shl(bits).unwrap_or(0);
            let lo = u128::from(a) & mask;
            (1, lo, lo | !mask)
        }
    }
}

fn ip_text(fam: u8, o: u128) -> String {
    if fam == 0 {
        Ipv4Addr::from(u32::try_from(o).unwrap_or(u32::MAX)).to_string()
    } else {
        Ipv6Addr::from(o).to_string()
    }
}

impl Domain {
    /// The cells of a key of `kind` compared with `constants`.
    pub(crate) fn new(
        key: &str,
        kind: Kind,
        constants: &[Constant],
    ) -> Result<Domain, AnalysisError> {
        let mut cells = Vec::new();
        match kind {
            Kind::Number => {
                let mut points: Vec<u128> = constants
                    .iter()
                    .filter_map(|c| match c {
                        Constant::Number(x) => Some(num_ord(*x)),
                        _ => None,
                    })
                    .collect();
                points.sort_unstable();
                points.dedup();
                let (min, max) = (num_ord(f64::NEG_INFINITY), num_ord(f64::INFINITY));
                let first = |lo: u128| if lo == neg_zero_ord() { lo + 1 } else { lo };
                let mut push = |lo: u128, hi: u128| -> Result<(), AnalysisError> {
                    if lo > hi || (lo == hi && lo == neg_zero_ord()) {
                        return Ok(());
                    }
                    let witness =
                        number_witness(lo, hi, first(lo)).ok_or_else(|| too_complex(key))?;
                    cells.push(Cell::Range {
                        lo: (0, lo),
                        hi: (0, hi),
                        witness,
                    });
                    Ok(())
                };
                let mut start = min;
                for p in points {
                    if p > start {
                        push(start, p - 1)?;
                    }
                    push(p, p)?;
                    start = p + 1;
                }
                if start <= max {
                    push(start, max)?;
                }
            }
            Kind::Date => {
                let r = DateRange::new().ok_or_else(|| too_complex(key))?;
                let mut points: Vec<i128> = constants
                    .iter()
                    .filter_map(|c| match c {
                        Constant::Date(d) => Some(*d),
                        _ => None,
                    })
                    .collect();
                points.sort_unstable();
                points.dedup();
                let mut push = |lo: i128, hi: i128| -> Result<(), AnalysisError> {
                    let Some(first) = r.first_at_or_after(lo).filter(|f| *f <= hi) else {
                        return Ok(());
                    };
                    // A readable instant when the cell has one: the epoch,
                    // else a whole second.
                    let whole = r.first_at_or_after(
                        first.div_euclid(NANOS) * NANOS
                            + NANOS * i128::from(first.rem_euclid(NANOS) != 0),
                    );
                    let witness = [Some(0), whole, Some(first)]
                        .into_iter()
                        .flatten()
                        .filter(|t| *t >= first && *t <= hi && r.first_at_or_after(*t) == Some(*t))
                        .find_map(|t| r.text(t))
                        .ok_or_else(|| too_complex(key))?;
                    cells.push(Cell::Range {
                        lo: (0, date_ord(lo)),
                        hi: (0, date_ord(hi)),
                        witness,
                    });
                    Ok(())
                };
                let mut start = i128::MIN / 4;
                for p in points {
                    if p > start {
                        push(start, p - 1)?;
                    }
                    push(p, p)?;
                    start = p + 1;
                }
                push(start, i128::MAX / 4)?;
            }
            Kind::Ip => {
                for (fam, max) in [(0u8, u128::from(u32::MAX)), (1u8, u128::MAX)] {
                    // Boundaries: where a network starts, and just after
                    // it ends.
                    let mut cuts: Vec<u128> = vec![0];
                    for c in constants {
                        if let Constant::Network(n) = c {
                            let (f, lo, hi) = net_range(n);
                            if f == fam {
                                cuts.push(lo);
                                if hi < max {
                                    cuts.push(hi + 1);
                                }
                            }
                        }
                    }
                    cuts.sort_unstable();
                    cuts.dedup();
                    for (i, &lo) in cuts.iter().enumerate() {
                        let hi = cuts.get(i + 1).map_or(max, |n| n - 1);
                        cells.push(Cell::Range {
                            lo: (fam, lo),
                            hi: (fam, hi),
                            witness: ip_text(fam, lo),
                        });
                    }
                }
            }
        }
        cells.push(Cell::Unparsable);
        let d = Domain {
            key: key.to_owned(),
            kind,
            cells,
        };
        // Every witness parses back into its own cell.
        for (i, c) in d.cells.iter().enumerate() {
            if let Cell::Range { witness, .. } = c {
                if d.cell_of(witness) != Some(i) {
                    return Err(too_complex(key));
                }
            }
        }
        Ok(d)
    }

    fn pos(&self, reading: TypedReading) -> Pos {
        match reading {
            TypedReading::Number(x) => (0, num_ord(x)),
            TypedReading::Date(d) => (0, date_ord(d)),
            TypedReading::Ip(IpAddr::V4(a)) => (0, u128::from(u32::from(a))),
            TypedReading::Ip(IpAddr::V6(a)) => (1, u128::from(a)),
        }
    }

    /// The cell of a context value.
    fn cell_of(&self, v: &str) -> Option<usize> {
        let Some(reading) = read_typed(self.kind.family(), v) else {
            return Some(self.cells.len().saturating_sub(1));
        };
        let p = self.pos(reading);
        self.cells.iter().position(|c| match c {
            Cell::Range { lo, hi, .. } => *lo <= p && p <= *hi,
            Cell::Unparsable => false,
        })
    }

    /// The cells where `value OP constant` holds for the positive form of a
    /// typed operator (`NumericLessThan`, `DateEquals`, `IpAddress`, ...).
    pub(crate) fn holds(&self, op: rolecall_policy::BaseOperator, c: &Constant) -> Vec<bool> {
        use rolecall_policy::BaseOperator as B;
        self.cells
            .iter()
            .map(|cell| {
                let Cell::Range { lo, .. } = cell else {
                    return false;
                };
                // A cell lies wholly on one side of every constant.
                match c {
                    Constant::Network(n) => {
                        let (f, a, b) = net_range(n);
                        lo.0 == f && a <= lo.1 && lo.1 <= b
                    }
                    Constant::Number(_) | Constant::Date(_) => {
                        let k = match c {
                            Constant::Number(x) => num_ord(*x),
                            Constant::Date(d) => date_ord(*d),
                            Constant::Network(_) => 0,
                        };
                        let ord = lo.1.cmp(&k);
                        use std::cmp::Ordering::{Equal, Greater, Less};
                        matches!(
                            (op, ord),
                            (B::NumericEquals | B::DateEquals, Equal)
                                | (B::NumericLessThan | B::DateLessThan, Less)
                                | (
                                    B::NumericLessThanEquals | B::DateLessThanEquals,
                                    Less | Equal
                                )
                                | (B::NumericGreaterThan | B::DateGreaterThan, Greater)
                                | (
                                    B::NumericGreaterThanEquals | B::DateGreaterThanEquals,
                                    Greater | Equal
                                )
                        )
                    }
                }
            })
            .collect()
    }

    /// The intervals of a set of cells, in words.
    fn describe(&self, bits: &[bool]) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < self.cells.len() {
            let set = bits.get(i).copied().unwrap_or(false);
            match self.cells.get(i) {
                Some(Cell::Range { lo, .. }) if set => {
                    let mut j = i;
                    while let (Some(true), Some(Cell::Range { hi: h2, .. })) =
                        (bits.get(j + 1).copied(), self.cells.get(j + 1))
                    {
                        if h2.0 != lo.0 {
                            break;
                        }
                        j += 1;
                    }
                    let hi = match self.cells.get(j) {
                        Some(Cell::Range { hi, .. }) => *hi,
                        _ => *lo,
                    };
                    out.push(self.interval(*lo, hi));
                    i = j + 1;
                }
                Some(Cell::Unparsable) if set => {
                    out.push(format!("any text that is not {}", self.kind_name()));
                    i += 1;
                }
                _ => i += 1,
            }
        }
        out
    }

    fn kind_name(&self) -> &'static str {
        match self.kind {
            Kind::Number => "a number",
            Kind::Date => "a date",
            Kind::Ip => "an IP address",
        }
    }

    fn interval(&self, lo: Pos, hi: Pos) -> String {
        match self.kind {
            Kind::Ip => {
                if lo == hi {
                    ip_text(lo.0, lo.1)
                } else {
                    format!("{} to {}", ip_text(lo.0, lo.1), ip_text(hi.0, hi.1))
                }
            }
            Kind::Number => {
                let (a, b) = (num_val(lo.1), num_val(hi.1));
                let show = |x: f64| match x {
                    f64::INFINITY => "infinity".to_owned(),
                    f64::NEG_INFINITY => "-infinity".to_owned(),
                    x => format!("{x}"),
                };
                if lo == hi {
                    format!("= {}", show(a))
                } else {
                    format!("from {} to {} (inclusive)", show(a), show(b))
                }
            }
            Kind::Date => {
                let r = DateRange::new();
                let text = |o: u128| {
                    let n = date_val(o);
                    r.and_then(|r| {
                        r.first_at_or_after(n)
                            .filter(|f| *f == n)
                            .and_then(|n| r.text(n))
                    })
                    .unwrap_or_else(|| format!("{n} ns after the epoch"))
                };
                if lo == hi {
                    format!("= {}", text(lo.1))
                } else {
                    format!("from {} to {} (inclusive)", text(lo.1), text(hi.1))
                }
            }
        }
    }
}

/// A readable number text in `[lo, hi]` (ordinals), starting at `first`.
fn number_witness(lo: u128, hi: u128, first: u128) -> Option<String> {
    let inside = |x: f64| {
        let o = num_ord(x);
        x.is_finite() && lo <= o && o <= hi
    };
    let (a, b) = (num_val(lo), num_val(hi));
    let candidates = [
        0.0,
        a.ceil(),
        b.floor(),
        (a + 1.0).floor(),
        (b - 1.0).ceil(),
    ];
    if let Some(x) = candidates.into_iter().find(|x| inside(*x)) {
        return Some(format!("{x}"));
    }
    let x = num_val(first);
    if x.is_infinite() {
        let nines = "9".repeat(400);
        return Some(if x < 0.0 { format!("-{nines}") } else { nines });
    }
    Some(format!("{x}"))
}

/// A set of cells of one [`Domain`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cells {
    domain: Arc<Domain>,
    bits: Vec<bool>,
}

/// The single values of one key.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Lang {
    Str(Dfa),
    Cells(Cells),
}

fn mixed() -> AnalysisError {
    AnalysisError::NotExactlyAnalysable {
        reason: Reason::Typed {
            key: String::new(),
            why: "compared both as text and as a typed value".to_owned(),
        },
        line: 0,
        column: 0,
    }
}

impl Lang {
    /// The automaton, for a key compared as text.
    pub(crate) fn as_dfa(&self) -> Option<&Dfa> {
        match self {
            Lang::Str(d) => Some(d),
            Lang::Cells(_) => None,
        }
    }

    pub(crate) fn cells(domain: &Arc<Domain>, bits: Vec<bool>) -> Lang {
        Lang::Cells(Cells {
            domain: Arc::clone(domain),
            bits,
        })
    }

    pub(crate) fn constant(domain: &Arc<Domain>, all: bool) -> Lang {
        Lang::cells(domain, vec![all; domain.cells.len()])
    }

    /// Every value, in the same representation.
    pub(crate) fn everything_like(&self, alphabet: &Alphabet) -> Lang {
        match self {
            Lang::Str(_) => Lang::Str(Dfa::everything(alphabet)),
            Lang::Cells(c) => Lang::constant(&c.domain, true),
        }
    }

    pub(crate) fn product(
        &self,
        other: &Lang,
        op: Op,
        limit: usize,
    ) -> Result<Lang, AnalysisError> {
        match (self, other) {
            (Lang::Str(a), Lang::Str(b)) => Ok(Lang::Str(a.product(b, op, limit)?)),
            (Lang::Cells(a), Lang::Cells(b)) if Arc::ptr_eq(&a.domain, &b.domain) => {
                Ok(Lang::Cells(Cells {
                    domain: Arc::clone(&a.domain),
                    bits: a
                        .bits
                        .iter()
                        .zip(&b.bits)
                        .map(|(x, y)| match op {
                            Op::And => *x && *y,
                            Op::Or => *x || *y,
                            Op::AndNot => *x && !*y,
                        })
                        .collect(),
                }))
            }
            _ => Err(mixed()),
        }
    }

    pub(crate) fn complement(&self) -> Lang {
        match self {
            Lang::Str(d) => Lang::Str(d.complement()),
            Lang::Cells(c) => Lang::Cells(Cells {
                domain: Arc::clone(&c.domain),
                bits: c.bits.iter().map(|b| !b).collect(),
            }),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Lang::Str(d) => d.is_empty(),
            Lang::Cells(c) => !c.bits.iter().any(|b| *b),
        }
    }

    pub(crate) fn accepts(&self, alphabet: &Alphabet, s: &str) -> bool {
        match self {
            Lang::Str(d) => d.accepts(alphabet, s),
            Lang::Cells(c) => c
                .domain
                .cell_of(s)
                .and_then(|i| c.bits.get(i).copied())
                .unwrap_or(false),
        }
    }

    /// A short readable member: the shortest string, or the shortest cell
    /// witness (a parsable value before unparsable text, which is `x`).
    pub(crate) fn shortest(&self, alphabet: &Alphabet) -> Option<String> {
        match self {
            Lang::Str(d) => d.shortest(alphabet),
            Lang::Cells(c) => {
                let mut best: Option<&str> = None;
                let mut unparsable = false;
                for (cell, set) in c.domain.cells.iter().zip(&c.bits) {
                    if !set {
                        continue;
                    }
                    match cell {
                        Cell::Range { witness, .. } => {
                            if best.is_none_or(|b| witness.len() < b.len()) {
                                best = Some(witness);
                            }
                        }
                        Cell::Unparsable => unparsable = true,
                    }
                }
                best.map(str::to_owned)
                    .or_else(|| unparsable.then(|| "x".to_owned()))
            }
        }
    }

    /// The non-empty strings of this language (a list's set leaves out
    /// empty strings, R9); every cell has a non-empty member.
    pub(crate) fn non_empty(&self, non_empty: &Dfa, limit: usize) -> Result<Lang, AnalysisError> {
        match self {
            Lang::Str(d) => Ok(Lang::Str(d.product(non_empty, Op::And, limit)?)),
            Lang::Cells(_) => Ok(self.clone()),
        }
    }

    /// Its values in words and how many there are: for cells, the
    /// intervals, and the count of distinct numbers, instants or addresses
    /// (unbounded when unparsable text is admitted: there is no end to it).
    pub(crate) fn describe(&self, alphabet: &Alphabet) -> (crate::Values, Count) {
        match self {
            Lang::Str(d) => crate::who::describe(d, alphabet),
            Lang::Cells(c) => {
                if c.bits.iter().all(|b| *b) {
                    return (crate::Values::Any, Count::Unbounded);
                }
                if self.is_empty() {
                    return (crate::Values::None, Count::Finite(0));
                }
                let mut count = Some(0u128);
                for (cell, set) in c.domain.cells.iter().zip(&c.bits) {
                    if !set {
                        continue;
                    }
                    count = match cell {
                        Cell::Unparsable => None,
                        Cell::Range { lo, hi, .. } => count.and_then(|n| {
                            let size = match c.domain.kind {
                                Kind::Date => {
                                    let r = DateRange::new();
                                    date_cell_size(r, date_val(lo.1), date_val(hi.1))
                                }
                                Kind::Number => {
                                    let mut s = hi.1 - lo.1 + 1;
                                    if lo.1 <= neg_zero_ord() && neg_zero_ord() <= hi.1 {
                                        s -= 1;
                                    }
                                    Some(s)
                                }
                                Kind::Ip => (hi.1 - lo.1).checked_add(1),
                            };
                            size.and_then(|s| n.checked_add(s))
                        }),
                    };
                    if count.is_none() && matches!(cell, Cell::Unparsable) {
                        break;
                    }
                }
                let unparsable = c.bits.last().copied().unwrap_or(false);
                let count = match (unparsable, count) {
                    (true, _) => Count::Unbounded,
                    (false, Some(n)) => Count::Finite(n),
                    (false, None) => Count::Huge,
                };
                (crate::Values::Ranges(c.domain.describe(&c.bits)), count)
            }
        }
    }
}

/// How many reachable instants lie in `[lo, hi]`.
fn date_cell_size(r: Option<DateRange>, lo: i128, hi: i128) -> Option<u128> {
    let r = r?;
    let iso = {
        let (a, b) = (lo.max(r.iso_min), hi.min(r.iso_max));
        if a <= b {
            u128::try_from(b - a + 1).ok()?
        } else {
            0
        }
    };
    // Whole seconds beyond the ISO range.
    let (a, b) = (lo.max(r.iso_max + 1), hi.min(r.epoch_max));
    let epoch = if a <= b {
        let first = a.div_euclid(NANOS) + i128::from(a.rem_euclid(NANOS) != 0);
        let last = b.div_euclid(NANOS);
        u128::try_from((last - first + 1).max(0)).ok()?
    } else {
        0
    };
    iso.checked_add(epoch)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn civil_dates_round_trip_through_the_parser() {
        let r = DateRange::new().unwrap();
        for n in [
            0i128,
            1,
            NANOS,
            -NANOS,
            r.iso_min,
            r.iso_min + 1,
            r.utc_min,
            r.utc_min - 1,
            r.utc_max,
            r.utc_max + 1,
            r.iso_max,
            r.iso_max + NANOS - r.iso_max.rem_euclid(NANOS),
            r.epoch_max,
            951_782_400 * NANOS,       // 2000-02-29
            1_709_164_800 * NANOS + 5, // 2024-02-29, 5 ns
        ] {
            let text = r.text(n).unwrap_or_else(|| panic!("{n}"));
            assert_eq!(parse_date(&text).unwrap(), n, "{text}");
        }
        assert_eq!(r.text(0).unwrap(), "1970-01-01T00:00:00Z");
        // An instant that has a UTC spelling is written in UTC; an earlier one with a zone.
        assert_eq!(r.text(r.utc_min).unwrap(), "0000-01-01T00:00:00Z");
        assert!(r.text(r.utc_min - 1).unwrap().ends_with("+23:59"));
        assert_eq!(
            r.first_at_or_after(r.iso_max + 1),
            Some(r.iso_max + NANOS - r.iso_max.rem_euclid(NANOS))
        );
        assert_eq!(r.first_at_or_after(r.epoch_max + 1), None);
    }

    #[test]
    fn number_cells_and_witnesses() {
        let d = Domain::new(
            "k",
            Kind::Number,
            &[Constant::Number(10.0), Constant::Number(0.0)],
        )
        .unwrap();
        // (-inf), (-inf, 0), 0, (0, 10), 10, (10, inf), inf... as ranges:
        // [-inf, 0), {0}, (0, 10), {10}, (10, inf], unparsable.
        assert_eq!(d.cells.len(), 6);
        assert_eq!(d.cell_of("-0"), d.cell_of("0"));
        assert_eq!(d.cell_of("0.00"), Some(1));
        assert_eq!(d.cell_of("9.999999999999999999"), Some(3), "rounds to 10");
        assert_eq!(d.cell_of("1e3"), Some(5));
        let lt = d.holds(
            rolecall_policy::BaseOperator::NumericLessThan,
            &Constant::Number(10.0),
        );
        assert_eq!(lt, vec![true, true, true, false, false, false]);
        // Adjacent constants leave no gap between them.
        let a = 1.0f64;
        let b = f64::from_bits(a.to_bits() + 1);
        let d = Domain::new(
            "k",
            Kind::Number,
            &[Constant::Number(a), Constant::Number(b)],
        )
        .unwrap();
        assert_eq!(d.cells.len(), 5);
    }

    /// On one domain, the products of cells are set operations cell by cell; cells of two
    /// domains do not mix.
    #[test]
    fn cell_products_are_set_operations() {
        let d = Arc::new(
            Domain::new(
                "k",
                Kind::Number,
                &[Constant::Number(0.0), Constant::Number(10.0)],
            )
            .unwrap(),
        );
        let bits = |l: &Lang| match l {
            Lang::Cells(c) => c.bits.clone(),
            Lang::Str(_) => panic!("cells expected"),
        };
        let a = Lang::cells(&d, vec![true, true, false, false, true, false]);
        let b = Lang::cells(&d, vec![true, false, true, false, true, true]);
        for (op, want) in [
            (Op::And, [true, false, false, false, true, false]),
            (Op::Or, [true, true, true, false, true, true]),
            (Op::AndNot, [false, true, false, false, false, false]),
        ] {
            assert_eq!(bits(&a.product(&b, op, 10).unwrap()), want, "{op:?}");
        }
        let other = Arc::new(Domain::new("k", Kind::Number, &[]).unwrap());
        let c = Lang::constant(&other, true);
        assert!(a.product(&c, Op::And, 10).is_err());
    }

    #[test]
    fn ip_cells_split_at_network_boundaries() {
        let n = rolecall_policy::grammar::ip::parse_ip_network("10.0.0.0/8").unwrap();
        let d = Domain::new("k", Kind::Ip, &[Constant::Network(n)]).unwrap();
        // v4: [0, 10.0.0.0), the /8, after it; v6: one cell; unparsable.
        assert_eq!(d.cells.len(), 5);
        assert_eq!(d.cell_of("10.1.2.3"), Some(1));
        assert_eq!(d.cell_of("11.0.0.0"), Some(2));
        assert_eq!(d.cell_of("::ffff:10.1.2.3"), Some(3));
        assert_eq!(d.cell_of("10.1.2"), Some(4));
        let bits = d.holds(
            rolecall_policy::BaseOperator::IpAddress,
            &Constant::Network(n),
        );
        assert_eq!(
            d.describe(&bits),
            vec!["10.0.0.0 to 10.255.255.255".to_owned()]
        );
    }
}
