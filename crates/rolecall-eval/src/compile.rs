//! Compiling a parsed policy into the form the evaluator runs
//! (two representations, the syntax tree and this one, with one door
//! between them).
//!
//! [`CompiledPolicy::compile`] is the only way to build a [`CompiledPolicy`],
//! and [`crate::evaluate()`] accepts nothing else. Compiling first applies
//! [`rolecall_policy::validate::refusals`] (docs/DECISIONS.md R1 items 8 to 19):
//! a policy with any refusal is a [`CompileError`] carrying every finding
//! with its position, never a policy that evaluates with a part skipped
//! (docs/SEMANTICS.md D10). It then prepares everything a request does
//! not change, once:
//!
//! * principals (R2): exact strings, `{"AWS": "*"}`, and account ids for
//!   `AWS` account trust;
//! * actions (R3): the service prefix and the name as case-insensitive
//!   [`Pattern`]s;
//! * condition keys (R6): folded once into a [`FoldedKey`], so a lookup is a
//!   binary search over already-folded names;
//! * policy values (R4, R5, R7, R8): dates to nanoseconds, IP networks,
//!   numbers, base64 bytes, booleans, `StringLike` and ARN patterns (ARN
//!   patterns split into six components on the literal text only); a key
//!   with many `StringLike` values gets a [`PatternSet`];
//! * policy variables (R4): read only under `Version` 2012-10-17 and only in
//!   String, ARN and Bool values, kept as a template whose substituted text
//!   is literal.
//!
//! Anything the compiler does not fully understand is an error.

use std::borrow::Cow;
use std::fmt;

use rolecall_policy::grammar::arn::is_account_id;
use rolecall_policy::grammar::ip::IpNetwork;
use rolecall_policy::grammar::pattern::{has_wildcard, parse_pattern};
use rolecall_policy::grammar::variable::{parse_template, TemplatePart};
use rolecall_policy::grammar::{date, decode_binary, ip, number, parse_bool};
use rolecall_policy::validate::{refusals, Diagnostic};
use rolecall_policy::Operator;
use rolecall_policy::{
    BaseOperator, ConditionValue, Effect as AstEffect, LanguageVersion, OperatorFamily, ParseError,
    Policy, Principal, PrincipalKind, Span, Spanned, Statement,
};

use crate::matcher::{Case, Pattern, PatternSet, PatternToken};
use crate::request::FoldedKey;

/// A statement's effect, after validation (only `Allow` and `Deny` compile).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Effect {
    /// `"Allow"`.
    Allow,
    /// `"Deny"`.
    Deny,
}

impl fmt::Display for Effect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        })
    }
}

/// Why a policy could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CompileError {
    /// IAM never accepts the policy (docs/DECISIONS.md R1 items 8 to 19); every
    /// refusal finding, in document order, each with its span.
    Refused {
        /// The refusal findings (never empty).
        findings: Vec<Diagnostic>,
    },
    /// A part the compiler does not understand (fail closed). Validation
    /// refuses such input first, so this signals a gap between the two.
    Unsupported {
        /// Where.
        span: Span,
        /// What.
        message: String,
    },
}

impl CompileError {
    /// Where the (first) problem is.
    pub fn span(&self) -> Span {
        match self {
            CompileError::Refused { findings } => {
                // INVARIANT: a refusal carries at least one diagnostic (it is
                // built only from a non-empty `refusals` result).
                debug_assert!(!findings.is_empty(), "a refusal without a diagnostic");
                findings.first().map_or(Span::SYNTHETIC, |f| f.span)
            }
            CompileError::Unsupported { span, .. } => *span,
        }
    }

    /// The refusal findings (empty for [`CompileError::Unsupported`]).
    pub fn findings(&self) -> &[Diagnostic] {
        match self {
            CompileError::Refused { findings } => findings,
            CompileError::Unsupported { .. } => &[],
        }
    }
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CompileError::Refused { findings } => {
                let Some(first) = findings.first() else {
                    return f.write_str("policy is refused");
                };
                write!(
                    f,
                    "policy is refused: line {}, column {}: {} [{}]",
                    first.span.line, first.span.column, first.message, first.rule
                )?;
                match findings.len() {
                    1 => Ok(()),
                    2 => f.write_str(" (and 1 more problem)"),
                    n => write!(f, " (and {} more problems)", n - 1),
                }
            }
            CompileError::Unsupported { span, message } => {
                write!(f, "line {}, column {}: {message}", span.line, span.column)
            }
        }
    }
}

impl std::error::Error for CompileError {}

/// Why a policy text could not be turned into a [`CompiledPolicy`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// The text is not a policy document (`rolecall_policy::parse`).
    #[error(transparent)]
    Parse(#[from] ParseError),
    /// The document is refused or not understood.
    #[error(transparent)]
    Compile(#[from] CompileError),
}

/// A policy ready to evaluate. Build it with [`CompiledPolicy::compile`] or
/// [`CompiledPolicy::from_json`].
#[derive(Debug, Clone)]
pub struct CompiledPolicy {
    // INVARIANT (validated): built only by `compile`, after `refusals`
    // found nothing; every statement is Allow or Deny with a principal and
    // exactly one of Action/NotAction, and every value parsed.
    pub(crate) version: LanguageVersion,
    pub(crate) statements: Vec<CompiledStatement>,
    pub(crate) span: Span,
}

/// One compiled statement.
#[derive(Debug, Clone)]
pub struct CompiledStatement {
    pub(crate) sid: Option<Spanned<String>>,
    pub(crate) effect: Effect,
    pub(crate) effect_span: Span,
    pub(crate) principal: CompiledPrincipal,
    pub(crate) action: CompiledAction,
    pub(crate) conditions: Vec<CompiledCondition>,
    pub(crate) span: Span,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledPrincipal {
    /// `"Principal": "*"`.
    pub(crate) everyone: bool,
    pub(crate) values: Vec<PrincipalValue>,
    pub(crate) span: Span,
}

/// One value of a statement's `Principal` (read it through
/// [`crate::view`]).
#[derive(Debug, Clone)]
pub struct PrincipalValue {
    pub(crate) kind: PrincipalKind,
    pub(crate) text: String,
    pub(crate) span: Span,
    /// `{"AWS": "*"}`.
    pub(crate) aws_wildcard: bool,
    /// For an `AWS` account id `N` or `arn:<p>:iam::N:root`: `N` (R2).
    pub(crate) account: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CompiledAction {
    /// `NotAction`.
    pub(crate) negated: bool,
    pub(crate) values: Vec<ActionValue>,
    pub(crate) span: Span,
}

/// One value of a statement's `Action` or `NotAction` (read it through
/// [`crate::view`]).
#[derive(Debug, Clone)]
pub struct ActionValue {
    pub(crate) text: String,
    pub(crate) span: Span,
    pub(crate) matcher: ActionMatcher,
}

#[derive(Debug, Clone)]
pub(crate) enum ActionMatcher {
    /// `*`.
    Everything,
    /// `service:name`, both case-insensitive globs (R3).
    Split { service: Pattern, name: Pattern },
    /// `service:name` without wildcards, all ASCII, matched against the
    /// value's own `text`: for an ASCII request action, R3 then reduces to
    /// one ASCII case-insensitive comparison of the whole text (the
    /// request's first `:` must sit where the policy's does, and ASCII
    /// folding is R6 folding); a non-ASCII request action compares the two
    /// halves under R6 folding. The split-and-glob path cost 210 of the
    /// 1,180 instructions of an IRSA evaluate (callgrind, eval_loop), and
    /// keeping no patterns here saves five allocations per compile.
    Literal,
    /// No `:`: matches no action (refused by R1.14 before compiling).
    Nothing,
}

/// One condition key under one operator: operators and keys are ANDed, so
/// the compiled statement keeps a flat list.
#[derive(Debug, Clone)]
pub(crate) struct CompiledCondition {
    pub(crate) operator: Operator,
    pub(crate) operator_span: Span,
    pub(crate) key: String,
    pub(crate) key_span: Span,
    pub(crate) folded: FoldedKey,
    pub(crate) values: Vec<PolicyValue>,
    pub(crate) values_span: Span,
    /// `StringLike`/`StringNotLike`: the variable-free patterns at once.
    pub(crate) like_set: Option<PatternSet>,
    /// Whether a value has policy variables (with `like_set`, only those
    /// values are looked at one by one; scanning all 10,000 values of the
    /// scale policy for them was most of its lookup).
    pub(crate) has_templates: bool,
    /// `Null`: a value `true` / a value `false` is present.
    pub(crate) null_wants_absent: bool,
    pub(crate) null_wants_present: bool,
}

impl CompiledCondition {
    pub(crate) fn family(&self) -> OperatorFamily {
        self.operator.base.family()
    }
}

#[derive(Debug, Clone)]
pub(crate) struct PolicyValue {
    pub(crate) text: String,
    pub(crate) span: Span,
    pub(crate) form: ValueForm,
}

/// A policy value prepared for its operator.
#[derive(Debug, Clone)]
pub(crate) enum ValueForm {
    /// `StringEquals` against the value's own `text` (no escape to apply):
    /// sharing the text saves an allocation per value, 2 of the IRSA
    /// policy's compile.
    Written,
    /// `StringEquals` text with `${*}`-style escapes applied.
    Text(Box<str>),
    /// `StringEqualsIgnoreCase` text, folded (R6).
    Folded(Box<str>),
    /// `StringLike` pattern.
    Pattern(Pattern),
    /// ARN pattern, six components (R8).
    Arn(Box<[Pattern; 6]>),
    /// A String, ARN or Bool value with policy variables (R4).
    Template(Box<[TplItem]>),
    /// Numeric.
    Number(f64),
    /// Date, nanoseconds since the epoch.
    Date(i128),
    /// Bool, or a `Null` test value.
    Bool(bool),
    /// BinaryEquals.
    Bytes(Box<[u8]>),
    /// IpAddress.
    Network(IpNetwork),
}

/// One piece of a value with policy variables.
#[derive(Debug, Clone)]
pub(crate) enum TplItem {
    /// Written text: `*`, `?` (Like, ARN) and `:` (ARN) keep their meaning.
    Text(Box<str>),
    /// `${*}`, `${?}`, `${$}`: always a literal character.
    Lit(char),
    /// `${NAME}` or `${NAME, 'DEFAULT'}`; substituted text is literal (D4).
    Var {
        folded: FoldedKey,
        default: Option<Box<str>>,
    },
}

impl CompiledPolicy {
    /// Validates and compiles a parsed policy.
    ///
    /// # Errors
    ///
    /// [`CompileError::Refused`] with every docs/DECISIONS.md R1 refusal (items 8
    /// to 19) and its span; [`CompileError::Unsupported`] for anything else
    /// the compiler cannot read.
    pub fn compile(policy: &Policy) -> Result<CompiledPolicy, CompileError> {
        CompiledPolicy::compile_owned(policy.clone())
    }

    /// [`CompiledPolicy::compile`], moving the tree's strings into the
    /// compiled policy instead of copying them: six fewer allocations for
    /// the IRSA policy (callgrind, `eval_loop compile`).
    fn compile_owned(policy: Policy) -> Result<CompiledPolicy, CompileError> {
        let findings = refusals(&policy);
        if !findings.is_empty() {
            return Err(CompileError::Refused { findings });
        }
        let version = policy.language_version().ok_or_else(|| {
            unsupported(
                policy.version.as_ref().map_or(policy.span, |v| v.span),
                "unknown policy version".into(),
            )
        })?;
        let span = policy.span;
        let statements = policy
            .statement
            .node
            .into_iter()
            .map(|s| compile_statement(s, version))
            .collect::<Result<Vec<_>, _>>()?;
        if statements.is_empty() {
            return Err(unsupported(span, "policy has no statement".into()));
        }
        Ok(CompiledPolicy {
            version,
            statements,
            span,
        })
    }

    /// Parses (with `rolecall_policy::parse`'s default limits) and
    /// compiles a policy document.
    ///
    /// # Errors
    ///
    /// [`PolicyError::Parse`] or [`PolicyError::Compile`], with positions.
    pub fn from_json(text: &str) -> Result<CompiledPolicy, PolicyError> {
        let policy = rolecall_policy::parse(text)?;
        Ok(CompiledPolicy::compile_owned(policy)?)
    }

    /// The number of statements.
    pub fn statement_count(&self) -> usize {
        self.statements.len()
    }

    /// The statements in document order (statement `i` is number `i`, R10).
    pub fn statements(&self) -> &[CompiledStatement] {
        &self.statements
    }

    /// The policy language version in force (a missing `Version` is
    /// 2008-10-17).
    pub fn language_version(&self) -> LanguageVersion {
        self.version
    }

    /// The span of the whole document.
    pub fn span(&self) -> Span {
        self.span
    }
}

impl CompiledStatement {
    /// The `Sid`, if written.
    pub fn sid(&self) -> Option<&str> {
        self.sid.as_ref().map(|s| s.node.as_str())
    }

    /// The span of the `Sid` value, if written.
    pub fn sid_span(&self) -> Option<Span> {
        self.sid.as_ref().map(|s| s.span)
    }

    /// `Allow` or `Deny`.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The span of the `Effect` value.
    pub fn effect_span(&self) -> Span {
        self.effect_span
    }

    /// The span of the statement object.
    pub fn span(&self) -> Span {
        self.span
    }

    /// The span of the `Principal` value.
    pub fn principal_span(&self) -> Span {
        self.principal.span
    }

    /// The span of the `Action` or `NotAction` value.
    pub fn action_span(&self) -> Span {
        self.action.span
    }

    /// Whether the statement uses `NotAction`.
    pub fn is_not_action(&self) -> bool {
        self.action.negated
    }

    /// The number of condition keys (over every operator).
    pub fn condition_count(&self) -> usize {
        self.conditions.len()
    }
}

fn unsupported(span: Span, message: String) -> CompileError {
    CompileError::Unsupported { span, message }
}

fn compile_statement(
    s: Statement,
    version: LanguageVersion,
) -> Result<CompiledStatement, CompileError> {
    let (effect, effect_span) = match s.effect {
        Some(Spanned {
            node: AstEffect::Allow,
            span,
        }) => (Effect::Allow, span),
        Some(Spanned {
            node: AstEffect::Deny,
            span,
        }) => (Effect::Deny, span),
        Some(e) => {
            return Err(unsupported(
                e.span,
                format!("unknown effect `{}`", e.as_str()),
            ))
        }
        None => return Err(unsupported(s.span, "statement has no effect".into())),
    };
    if s.not_principal.is_some() || s.resource.is_some() || s.not_resource.is_some() {
        return Err(unsupported(
            s.span,
            "statement has `NotPrincipal`, `Resource` or `NotResource`".into(),
        ));
    }
    let principal = match s.principal {
        Some(p) => compile_principal(p),
        None => return Err(unsupported(s.span, "statement has no principal".into())),
    };
    let action = match (s.action, s.not_action) {
        (Some(a), None) => compile_action(a, false),
        (None, Some(a)) => compile_action(a, true),
        _ => {
            return Err(unsupported(
                s.span,
                "statement needs exactly one of `Action` and `NotAction`".into(),
            ))
        }
    };
    let blocks = s.condition.map_or_else(Vec::new, |c| c.node.blocks);
    let keys = blocks.iter().map(|b| b.entries.len()).sum();
    let mut conditions = Vec::with_capacity(keys);
    for block in blocks {
        for entry in block.entries {
            conditions.push(compile_condition(
                &block.operator,
                entry.key,
                entry.values,
                version,
            )?);
        }
    }
    Ok(CompiledStatement {
        sid: s.sid,
        effect,
        effect_span,
        principal,
        action,
        conditions,
        span: s.span,
    })
}

fn compile_principal(p: Spanned<Principal>) -> CompiledPrincipal {
    let mut values = Vec::new();
    let everyone = match p.node {
        Principal::Wildcard => true,
        Principal::Map(entries) => {
            for entry in entries {
                let kind = entry.kind.node;
                let aws = kind == PrincipalKind::Aws;
                for v in entry.values.node {
                    values.push(PrincipalValue {
                        kind,
                        aws_wildcard: aws && v.node == "*",
                        account: if aws { account_of(&v.node) } else { None },
                        text: v.node,
                        span: v.span,
                    });
                }
            }
            false
        }
    };
    CompiledPrincipal {
        everyone,
        values,
        span: p.span,
    }
}

/// R2: the account an `AWS` value trusts as a whole: a 12-digit id `N` or
/// `arn:<p>:iam::N:root`.
fn account_of(value: &str) -> Option<String> {
    if is_account_id(value) {
        return Some(value.to_owned());
    }
    let mut parts = value.split(':');
    match (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) {
        (Some("arn"), Some(_), Some("iam"), Some(""), Some(n), Some("root"), None)
            if is_account_id(n) =>
        {
            Some(n.to_owned())
        }
        _ => None,
    }
}

fn compile_action(
    a: Spanned<rolecall_policy::OneOrMany<Spanned<String>>>,
    negated: bool,
) -> CompiledAction {
    let values = a
        .node
        .into_iter()
        .map(|v| {
            let matcher = if v.node == "*" {
                ActionMatcher::Everything
            } else {
                match v.node.split_once(':') {
                    // R3: split at the first `:`; both halves are
                    // case-insensitive globs.
                    Some(_) if v.node.is_ascii() && !has_wildcard(&v.node) => {
                        ActionMatcher::Literal
                    }
                    Some((service, name)) => ActionMatcher::Split {
                        service: Pattern::new(service, Case::Insensitive),
                        name: Pattern::new(name, Case::Insensitive),
                    },
                    None => ActionMatcher::Nothing,
                }
            };
            ActionValue {
                text: v.node,
                span: v.span,
                matcher,
            }
        })
        .collect();
    CompiledAction {
        negated,
        values,
        span: a.span,
    }
}

fn compile_condition(
    operator: &Spanned<Operator>,
    key: Spanned<String>,
    values: Spanned<rolecall_policy::OneOrMany<Spanned<ConditionValue>>>,
    version: LanguageVersion,
) -> Result<CompiledCondition, CompileError> {
    let op = operator.node;
    let base = op.base;
    // R4: variables only under 2012-10-17, only in String, ARN, Bool.
    let reads_variables = version == LanguageVersion::V2012_10_17 && base.accepts_variables();
    let mut prepared = Vec::with_capacity(values.node.len());
    for v in values.node {
        let text = v.node.into_text();
        let form = prepare_value(base, &text, reads_variables)
            .map_err(|why| unsupported(v.span, format!("value `{text}` of `{op}`: {why}")))?;
        prepared.push(PolicyValue {
            text,
            span: v.span,
            form,
        });
    }
    // A set only pays for itself where it uses globset: below the threshold
    // `PatternSet` loops over the same patterns the values already hold, so
    // building it only doubled them in memory (a 1,000-statement policy of
    // 20 conditions evaluated 2.8x slower per statement than a 100-statement
    // one, from cache misses: `--bench scale statements`).
    let patterns = prepared
        .iter()
        .filter(|v| matches!(v.form, ValueForm::Pattern(_)))
        .count();
    let like_set = (base.positive() == BaseOperator::StringLike
        && patterns >= crate::matcher::GLOBSET_THRESHOLD)
        .then(|| {
            PatternSet::new(prepared.iter().filter_map(|v| match &v.form {
                ValueForm::Pattern(p) => Some(p.clone()),
                _ => None,
            }))
        });
    let prepared_has_templates = prepared
        .iter()
        .any(|v| matches!(v.form, ValueForm::Template(_)));
    let null_wants = |want: bool| {
        base == BaseOperator::Null
            && prepared
                .iter()
                .any(|v| matches!(v.form, ValueForm::Bool(b) if b == want))
    };
    Ok(CompiledCondition {
        operator: op,
        operator_span: operator.span,
        folded: FoldedKey::new(&key.node),
        key: key.node,
        key_span: key.span,
        null_wants_absent: null_wants(true),
        null_wants_present: null_wants(false),
        values: prepared,
        values_span: values.span,
        like_set,
        has_templates: prepared_has_templates,
    })
}

/// Prepares one policy value for its operator (R4, R5, R7, R8).
fn prepare_value(
    base: BaseOperator,
    text: &str,
    reads_variables: bool,
) -> Result<ValueForm, String> {
    if !(reads_variables && text.contains("${")) {
        // One literal (R4: no variable, no escape): not read as a template,
        // and its text is used as it is. Building and concatenating a
        // one-literal template cost ~1 k instructions a value, 2 k of the
        // IRSA policy's compile (callgrind).
        return literal_value(base, text, None);
    }
    let parts = parse_template(text).map_err(|e| e.to_string())?.parts;
    let has_variables = parts
        .iter()
        .any(|p| matches!(p, TemplatePart::Variable { .. }));
    let family = base.family();
    if has_variables {
        if !matches!(
            family,
            OperatorFamily::String | OperatorFamily::Arn | OperatorFamily::Bool
        ) {
            return Err("policy variables are not read here".into());
        }
        if family == OperatorFamily::Arn && literal_colons(&parts) < 5 {
            return Err("an ARN has six colon-separated components".into());
        }
        let items = parts
            .into_iter()
            .map(|p| match p {
                TemplatePart::Literal(s) => TplItem::Text(s.into()),
                TemplatePart::Escaped(c) => TplItem::Lit(c),
                TemplatePart::Variable { name, default } => TplItem::Var {
                    folded: FoldedKey::new(&name),
                    default: default.map(Into::into),
                },
            })
            .collect();
        return Ok(ValueForm::Template(items));
    }
    literal_value(base, text, Some(&parts))
}

/// Prepares a value without variables. `parts` is its template when it was
/// read as one (it may hold `${*}`-style escapes, which are literal
/// characters); `None` when `text` is all literal.
fn literal_value(
    base: BaseOperator,
    text: &str,
    parts: Option<&[TemplatePart]>,
) -> Result<ValueForm, String> {
    let family = base.family();
    let plain = || -> Cow<'_, str> {
        match parts {
            None => Cow::Borrowed(text),
            Some(parts) => Cow::Owned(
                parts
                    .iter()
                    .map(|p| match p {
                        TemplatePart::Literal(s) => s.clone(),
                        TemplatePart::Escaped(c) => c.to_string(),
                        _ => String::new(),
                    })
                    .collect(),
            ),
        }
    };
    Ok(match base.positive() {
        BaseOperator::StringEquals => match parts {
            None => ValueForm::Written,
            Some(_) => ValueForm::Text(plain().into()),
        },
        BaseOperator::StringEqualsIgnoreCase => ValueForm::Folded(
            plain()
                .chars()
                .flat_map(char::to_lowercase)
                .collect::<String>()
                .into(),
        ),
        BaseOperator::StringLike => ValueForm::Pattern(match parts {
            Some(parts) => Pattern::from_tokens(pattern_tokens(parts), Case::Sensitive),
            // `Pattern::new` builds the simple shapes straight from the
            // text, without tokens (compile-ten 410.5 k -> 395.5 k
            // instructions, callgrind).
            None => Pattern::new(text, Case::Sensitive),
        }),
        BaseOperator::ArnEquals | BaseOperator::ArnLike => ValueForm::Arn(match parts {
            Some(parts) => arn_patterns(parts)?,
            None => arn_patterns(&[TemplatePart::Literal(text.to_owned())])?,
        }),
        BaseOperator::Bool | BaseOperator::Null => {
            ValueForm::Bool(parse_bool(text).ok_or("expected `true` or `false`")?)
        }
        BaseOperator::BinaryEquals => {
            ValueForm::Bytes(decode_binary(text).map_err(|e| e.to_string())?.into())
        }
        BaseOperator::IpAddress => {
            ValueForm::Network(ip::parse_ip_network(text).map_err(|e| e.to_string())?)
        }
        _ if family == OperatorFamily::Numeric => {
            ValueForm::Number(number::parse_numeric(text).map_err(|e| e.to_string())?)
        }
        _ if family == OperatorFamily::Date => {
            ValueForm::Date(date::parse_date(text).map_err(|e| e.to_string())?)
        }
        other => return Err(format!("operator `{other}` is not understood")),
    })
}

fn literal_colons(parts: &[TemplatePart]) -> usize {
    parts
        .iter()
        .map(|p| match p {
            TemplatePart::Literal(s) => s.matches(':').count(),
            _ => 0,
        })
        .sum()
}

/// Wildcard tokens of a variable-free value: `*`/`?` of the written text
/// are wildcards, escapes are literal (R4, R5).
fn pattern_tokens(parts: &[TemplatePart]) -> Vec<PatternToken> {
    let mut tokens = Vec::new();
    for p in parts {
        match p {
            TemplatePart::Literal(s) => tokens.extend(parse_pattern(s)),
            TemplatePart::Escaped(c) => tokens.push(PatternToken::Literal(c.to_string())),
            _ => {}
        }
    }
    tokens
}

/// R8: split at the first five colons of the written text (never inside
/// an escape) into six component patterns.
fn arn_patterns(parts: &[TemplatePart]) -> Result<Box<[Pattern; 6]>, String> {
    let mut components: Vec<Vec<PatternToken>> = vec![Vec::new()];
    for p in parts {
        match p {
            TemplatePart::Literal(s) => {
                let mut rest = s.as_str();
                loop {
                    let split = if components.len() < 6 {
                        rest.split_once(':')
                    } else {
                        None
                    };
                    match split {
                        Some((head, tail)) => {
                            if let Some(c) = components.last_mut() {
                                c.extend(parse_pattern(head));
                            }
                            components.push(Vec::new());
                            rest = tail;
                        }
                        None => {
                            if let Some(c) = components.last_mut() {
                                c.extend(parse_pattern(rest));
                            }
                            break;
                        }
                    }
                }
            }
            TemplatePart::Escaped(ch) => {
                if let Some(c) = components.last_mut() {
                    c.push(PatternToken::Literal(ch.to_string()));
                }
            }
            _ => return Err("unexpected policy variable".into()),
        }
    }
    let patterns: Vec<Pattern> = components
        .into_iter()
        .map(|c| Pattern::from_tokens(c, Case::Sensitive))
        .collect();
    let found = patterns.len();
    <[Pattern; 6]>::try_from(patterns)
        .map(Box::new)
        .map_err(|_| format!("an ARN has six colon-separated components, found {found}"))
}
