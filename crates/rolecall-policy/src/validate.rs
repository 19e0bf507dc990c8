//! Write-time validation of a role trust policy.
//!
//! Parsing reads a document exactly and applies none of the rules below;
//! this module decides which documents IAM would refuse, and what else a
//! reviewer should hear about. Each [`Diagnostic`] has a stable rule id, a
//! [`FindingClass`] and the [`Span`] of the offending node.
//!
//! The classes follow docs/SEMANTICS.md D9:
//!
//! * [`FindingClass::Refused`]: IAM never accepts such a document for a role
//!   (docs/DECISIONS.md R1 items 8 to 19, exactly). The evaluator refuses to
//!   evaluate a policy with any of these ([`refusals`] is its gate), and the
//!   reference model mirrors the same list.
//! * [`FindingClass::Guardrail`]: IAM refuses to *create or update* such a
//!   trust policy today, but existing policies keep working, so evaluation
//!   runs as AWS runs it (the identity-provider controls of docs/SEMANTICS.md §6.3).
//! * [`FindingClass::Advice`]: Access Analyzer-style checks that IAM does
//!   not (or is not known to) enforce.
//!
//! # Rules
//!
//! | id | class | what | source |
//! |---|---|---|---|
//! | `TPV-VERSION` | Refused | `Version` not `2012-10-17` or `2008-10-17` | R1.8, S1.2 |
//! | `TPV-EMPTY-STATEMENT` | Refused | `Statement` is an empty array | R1.9, S1.4 |
//! | `TPV-EFFECT-MISSING` | Refused | no `Effect` | R1.10, S1.6 |
//! | `TPV-EFFECT-CASE` | Refused | `Effect` is `Allow`/`Deny` in the wrong case | R1.10, S1.6 |
//! | `TPV-EFFECT-INVALID` | Refused | any other `Effect` | R1.10, S1.6 |
//! | `TPV-PRINCIPAL-MISSING` | Refused | no `Principal` | R1.11, S1.7 |
//! | `TP-NOTPRINCIPAL` | Refused | `NotPrincipal` present | R1.11, S1.7 |
//! | `TPV-ACTION-AND-NOTACTION` | Refused | both `Action` and `NotAction` | R1.12, S1.8 |
//! | `TPV-ACTION-MISSING` | Refused | neither `Action` nor `NotAction` | R1.12, S1.8 |
//! | `TP-RESOURCE-IN-TRUST` | Refused | `Resource` or `NotResource` present | R1.13, S1.9 |
//! | `TPV-ACTION-NOT-STS` | Refused | an action that is not `*` or an STS assume-family glob | R1.14, S1.8 |
//! | `TPV-DUPLICATE-SID` | Refused | two statements with the same non-empty `Sid` | R1.15, S1.5 |
//! | `TPV-SID-CHARS` | Refused | a `Sid` with a character other than ASCII letters and digits | R1.15, S1.5 |
//! | `TPV-FEDERATED-SYNTAX` | Refused | a `Federated` value that is not a provider ARN or domain name | R1.16, S1.7 |
//! | `TPV-VARIABLE-SYNTAX` | Refused | malformed `${...}` where variables are read | R1.17, R4, S3.10 |
//! | `TPV-NUMERIC-VALUE` | Refused | a Numeric operator value that does not parse | R1.18, R7 |
//! | `TPV-DATE-VALUE` | Refused | a Date operator value that does not parse | R1.18, R7 |
//! | `TPV-IP-VALUE` | Refused | an IP operator value that does not parse | R1.18, R7 |
//! | `TPV-BINARY-VALUE` | Refused | a `BinaryEquals` value that is not base64 | R1.18, R7 |
//! | `TPV-BOOL-VALUE` | Refused | a `Bool` value not `true`/`false` (a variable is allowed under 2012-10-17) | R1.18, R7 |
//! | `TPV-NULL-VALUE` | Refused | a `Null` value not `true`/`false` | R1.18, S3.6 |
//! | `TPV-ARN-VALUE` | Refused | an ARN operator value with fewer than six components | R1.19, R8 |
//! | `TPV-GITHUB-SUB-UNSCOPED` | Guardrail | GitHub OIDC principal without a scoped `sub`/`job_workflow_ref` | S6.3, S9 cases 84-85 |
//! | `TPV-COGNITO-NO-CONDITION` | Guardrail | `cognito-identity.amazonaws.com` principal with no condition | S6.3 |
//! | `TPV-GOOGLE-NO-APPID` | Guardrail | `accounts.google.com` principal without `StringEquals` on an application id | S6.3 |
//! | `TPV-PRINCIPAL-STAR` | Advice (warning) | `"Principal": "*"` | S1.7 |
//! | `TPV-AWS-PRINCIPAL-WILDCARD` | Refused | `*` or `?` inside an `AWS` value other than `*` itself | R1.16a, S2.3 |
//! | `TPV-PRINCIPAL-PARTIAL-WILDCARD` | Advice (warning) | `*` inside a `Service` or `CanonicalUser` value | S1.7 |
//! | `TPV-AWS-PRINCIPAL-SYNTAX` | Advice (warning) | an `AWS` value that is not `*`, an account id or an ARN | S1.7 |
//! | `TP-ACTION-PRINCIPAL-MISMATCH` | Advice (warning) | a provider principal whose assume action the statement does not allow | S1.7 |
//! | `TPV-MISSING-QUALIFIER` | Advice (warning) | a plain operator on a known multivalued key (`*:amr`, `aws:TagKeys`, `sts:TransitiveTagKeys`) | S3.7, D5 |
//! | `TPV-NULL-QUALIFIER` | Advice (warning) | `ForAllValues:Null` / `ForAnyValue:Null` (constant) | S3.6, R9 |
//! | `TPV-VARIABLE-IN-2008` | Advice (warning) | `${` in a value under 2008-10-17, where it is literal text | S1.2 |
//! | `TP-POLICY-SIZE` | Advice (warning) | over 2,048 characters without whitespace (default quota) | S1.11 |
//! | `TPV-EMPTY-SID` | Advice (info) | `"Sid": ""` | S1.5 |
//!
//! (`R` = docs/DECISIONS.md, `S` = docs/SEMANTICS.md.) Refused and Guardrail
//! findings are [`DiagnosticLevel::Error`]. Parse-level rules (unknown members,
//! wrong types, duplicate keys, unknown operators, `NullIfExists`) are
//! parse errors and never reach this module.
//!
//! # Example
//!
//! ```
//! use rolecall_policy::{Policy, Spanned, Span, OneOrMany, Statement, Effect};
//! use rolecall_policy::validate::{refusals, validate};
//!
//! let statement = Statement {
//!     sid: None,
//!     effect: Some(Spanned::synthetic(Effect::Other("allow".into()))),
//!     principal: None,
//!     not_principal: None,
//!     action: None,
//!     not_action: None,
//!     resource: None,
//!     not_resource: None,
//!     condition: None,
//!     span: Span::SYNTHETIC,
//! };
//! let policy = Policy {
//!     version: None,
//!     id: None,
//!     statement: Spanned::synthetic(OneOrMany::One(statement)),
//!     span: Span::SYNTHETIC,
//! };
//! let rules: Vec<_> = refusals(&policy).iter().map(|f| f.rule).collect();
//! assert_eq!(rules, ["TPV-EFFECT-CASE", "TPV-PRINCIPAL-MISSING", "TPV-ACTION-MISSING"]);
//! assert_eq!(validate(&policy).len(), 3);
//! ```

use std::collections::HashMap;
use std::fmt;

use crate::ast::{
    ConditionEntry, ConditionValue, Effect, LanguageVersion, OneOrMany, Policy, Principal,
    PrincipalKind, Statement, Version,
};
use crate::grammar::operator::{BaseOperator, Operator, OperatorFamily};
use crate::grammar::pattern::{has_wildcard, matches, parse_pattern};
use crate::grammar::principal::{
    parse_aws_principal, parse_federated, BuiltinProvider, FederatedPrincipal,
};
use crate::grammar::variable::{parse_template, TemplatePart};
use crate::grammar::{date, decode_binary, ip, number, parse_bool};
use crate::span::{Span, Spanned};

/// One validation diagnostic (named apart from `rolecall-audit`'s findings,
/// which rank by who can exploit them).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The stable rule id (`TP-...` where the audit catalogue, `docs/RULES.md`, has the same
    /// fact, else `TPV-...`).
    pub rule: &'static str,
    /// How loudly to report it.
    pub level: DiagnosticLevel,
    /// What IAM and the evaluator do with such a policy.
    pub class: FindingClass,
    /// What is wrong, lowercase, user text in backticks.
    pub message: String,
    /// The offending node.
    pub span: Span,
    /// How to fix it, when there is one obvious fix.
    pub hint: Option<String>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} [{}]: {}", self.level, self.rule, self.message)
    }
}

/// How loudly a diagnostic is reported; ordered from the quietest
/// (`Info < Warning < Error`), the same direction as `rolecall-audit`'s
/// severities.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DiagnosticLevel {
    /// Worth knowing; harmless.
    Info,
    /// Likely a mistake, or something Access Analyzer reports.
    Warning,
    /// IAM refuses the document (now or for new policies).
    Error,
}

impl fmt::Display for DiagnosticLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Info => "info",
        })
    }
}

/// What IAM and the evaluator do with a policy that has the finding
/// (docs/SEMANTICS.md D9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FindingClass {
    /// IAM never accepts it; evaluation refuses it (kind (a), docs/DECISIONS.md
    /// R1 items 8-19).
    Refused,
    /// IAM refuses new or updated policies with it (kind (b)); evaluation
    /// still runs.
    Guardrail,
    /// Advice only.
    Advice,
}

/// Every finding for `policy`, in document order (by span start; findings
/// on one node keep the order the rules run in).
pub fn validate(policy: &Policy) -> Vec<Diagnostic> {
    run(policy, true)
}

/// Only the [`FindingClass::Refused`] findings: the evaluator's gate. A
/// policy with any of them is invalid (docs/DECISIONS.md R1).
///
/// Equal to `validate` filtered to the refused class, but the guardrail and
/// advice rules do not run at all: running them and dropping their findings
/// was 65 % of `CompiledPolicy::from_json(IRSA)` (72 k of 110 k
/// instructions, callgrind).
pub fn refusals(policy: &Policy) -> Vec<Diagnostic> {
    run(policy, false)
}

/// One walk for both entry points; `advice` selects whether the guardrail
/// and advice rules run too.
fn run(policy: &Policy, advice: bool) -> Vec<Diagnostic> {
    let mut v = Validator {
        findings: Vec::new(),
        language: policy.language_version(),
        advice,
    };
    v.policy(policy);
    let mut findings = v.findings;
    findings.sort_by_key(|f| f.span.start);
    findings
}

/// The role trust policy length quota's default (docs/SEMANTICS.md §1.11).
pub const TRUST_POLICY_QUOTA: usize = 2048;

/// The actions a role trust policy may grant (docs/DECISIONS.md R1 item 14).
pub const TRUST_ACTIONS: [&str; 5] = [
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "TagSession",
    "SetSourceIdentity",
];

/// The GitHub Actions OIDC issuer host (docs/SEMANTICS.md §6.1).
const GITHUB_ISSUER: &str = "token.actions.githubusercontent.com";

/// docs/DECISIONS.md R6: "ignoring case" compares `char::to_lowercase` sequences.
fn fold(s: &str) -> String {
    // For ASCII text that is ASCII lower-casing, done in one copy: the
    // char-by-char fold was half of `validate(IRSA)` (about 20 k of 39 k
    // instructions, callgrind), from the advice rules' key comparisons.
    if s.is_ascii() {
        return s.to_ascii_lowercase();
    }
    s.chars().flat_map(char::to_lowercase).collect()
}

/// Whether an `Action` value is one IAM accepts in a trust policy
/// (docs/DECISIONS.md R1 item 14).
pub fn is_trust_action(value: &str) -> bool {
    if value == "*" {
        return true;
    }
    let Some((prefix, name)) = value.split_once(':') else {
        return false;
    };
    if name.contains(':') || !prefix.eq_ignore_ascii_case("sts") {
        return false;
    }
    // Fast path for the usual spelling, without allocating: for ASCII text
    // R6 folding is ASCII lower-casing, and a glob without `*`/`?` matches
    // only itself. The general path (fold, parse the glob, match against
    // each name) was 18 % of `CompiledPolicy::from_json(IRSA)` (callgrind).
    if name.is_ascii() && !has_wildcard(name) {
        return TRUST_ACTIONS.iter().any(|a| a.eq_ignore_ascii_case(name));
    }
    trust_glob_matches(name)
}

/// Whether the glob `name` matches a trust action, ignoring case (R6).
fn trust_glob_matches(name: &str) -> bool {
    let pattern = parse_pattern(&fold(name));
    TRUST_ACTIONS.iter().any(|a| matches(&pattern, &fold(a)))
}

/// Whether the action pattern `value` matches the action `sts:<name>`
/// (docs/DECISIONS.md R3).
fn action_allows(value: &str, name: &str) -> bool {
    if value == "*" {
        return true;
    }
    let Some((prefix, pattern)) = value.split_once(':') else {
        return false;
    };
    // Without wildcards and in ASCII, R3 is an ASCII case-insensitive
    // comparison of each half: no fold, no glob parse. The glob path was
    // 37 % of `validate(IRSA)` (5.1k of 13.7k instructions, callgrind on
    // benches/examples/validate_loop.rs).
    if value.is_ascii() && name.is_ascii() && !has_wildcard(value) {
        return prefix.eq_ignore_ascii_case("sts") && pattern.eq_ignore_ascii_case(name);
    }
    action_glob_allows(prefix, pattern, name)
}

/// The general path of [`action_allows`]: both halves as folded globs.
fn action_glob_allows(prefix: &str, pattern: &str, name: &str) -> bool {
    matches(&parse_pattern(&fold(prefix)), "sts")
        && matches(&parse_pattern(&fold(pattern)), &fold(name))
}

struct Validator {
    findings: Vec<Diagnostic>,
    language: Option<LanguageVersion>,
    /// Whether the guardrail and advice rules run ([`validate`]) or only
    /// the refusal rules ([`refusals`]).
    advice: bool,
}

/// How messages name a statement; formatted only when a finding is made.
#[derive(Clone, Copy)]
enum Label<'p> {
    Sid(&'p str),
    Index(usize),
}

impl fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Sid(sid) => write!(f, "statement `{sid}`"),
            Label::Index(i) => write!(f, "statement {i}"),
        }
    }
}

impl Validator {
    fn push(
        &mut self,
        rule: &'static str,
        class: FindingClass,
        span: Span,
        message: String,
        hint: Option<String>,
    ) {
        // The rules below skip their non-refusal checks when `advice` is
        // off; this keeps the class filter exact even if one is missed.
        if !self.advice && class != FindingClass::Refused {
            return;
        }
        let level = match class {
            FindingClass::Refused | FindingClass::Guardrail => DiagnosticLevel::Error,
            FindingClass::Advice => DiagnosticLevel::Warning,
        };
        self.findings.push(Diagnostic {
            rule,
            level,
            class,
            message,
            span,
            hint,
        });
    }

    fn refuse(&mut self, rule: &'static str, span: Span, message: String, hint: Option<String>) {
        self.push(rule, FindingClass::Refused, span, message, hint);
    }

    fn warn(&mut self, rule: &'static str, span: Span, message: String, hint: Option<String>) {
        self.push(rule, FindingClass::Advice, span, message, hint);
    }

    fn policy(&mut self, policy: &Policy) {
        if self.advice {
            self.size(policy);
        }
        if let Some(Spanned {
            node: Version::Other(v),
            span,
        }) = &policy.version
        {
            self.refuse(
                "TPV-VERSION",
                *span,
                format!("`Version` `{v}` is not a policy language version"),
                Some("use `2012-10-17`".into()),
            );
        }
        if let OneOrMany::Many(list) = &policy.statement.node {
            if list.is_empty() {
                self.refuse(
                    "TPV-EMPTY-STATEMENT",
                    policy.statement.span,
                    "`Statement` is an empty array: a policy needs at least one statement".into(),
                    None,
                );
            }
        }
        let mut first_sid: HashMap<&str, Span> = HashMap::new();
        for (index, st) in policy.statements().iter().enumerate() {
            let label = match &st.sid {
                Some(s) if !s.node.is_empty() => Label::Sid(&s.node),
                _ => Label::Index(index),
            };
            if let Some(sid) = &st.sid {
                self.sid(sid, label, &mut first_sid);
            }
            self.statement(st, label);
        }
    }

    fn size(&mut self, policy: &Policy) {
        if let Some(len) = size_over_quota(policy) {
            self.warn(
                "TP-POLICY-SIZE",
                policy.span,
                format!(
                    "policy is {len} characters without whitespace, over the default role trust policy quota of {TRUST_POLICY_QUOTA}"
                ),
                Some("the quota is adjustable; check the account's value".into()),
            );
        }
    }

    fn sid<'p>(
        &mut self,
        sid: &'p Spanned<String>,
        label: Label<'_>,
        first: &mut HashMap<&'p str, Span>,
    ) {
        let s = sid.node.as_str();
        if s.is_empty() {
            if !self.advice {
                return;
            }
            self.push(
                "TPV-EMPTY-SID",
                FindingClass::Advice,
                sid.span,
                format!("{label}: `Sid` is empty"),
                Some("remove it or give it a name".into()),
            );
            if let Some(f) = self.findings.last_mut() {
                f.level = DiagnosticLevel::Info;
            }
            return;
        }
        if let Some((i, c)) = s.char_indices().find(|(_, c)| !c.is_ascii_alphanumeric()) {
            self.refuse(
                "TPV-SID-CHARS",
                sid.span,
                format!(
                    "{label}: `Sid` `{s}` has `{c}` at byte {i}; only ASCII letters and digits are allowed"
                ),
                None,
            );
        }
        match first.get(s) {
            Some(at) => {
                let at = *at;
                self.refuse(
                    "TPV-DUPLICATE-SID",
                    sid.span,
                    format!(
                        "{label}: duplicate `Sid` `{s}` (first at {at}): statement IDs (SID) in a single policy must be unique"
                    ),
                    None,
                );
            }
            None => {
                first.insert(s, sid.span);
            }
        }
    }

    fn statement(&mut self, st: &Statement, label: Label<'_>) {
        match &st.effect {
            None => self.refuse(
                "TPV-EFFECT-MISSING",
                st.span,
                format!("{label}: `Effect` is missing"),
                Some("add `\"Effect\": \"Allow\"` or `\"Effect\": \"Deny\"`".into()),
            ),
            Some(Spanned {
                node: Effect::Other(e),
                span,
            }) => {
                let canonical = ["Allow", "Deny"]
                    .into_iter()
                    .find(|c| c.eq_ignore_ascii_case(e));
                match canonical {
                    Some(c) => self.refuse(
                        "TPV-EFFECT-CASE",
                        *span,
                        format!("{label}: `Effect` `{e}` must be written `{c}` (case-sensitive)"),
                        Some(format!("write `{c}`")),
                    ),
                    None => self.refuse(
                        "TPV-EFFECT-INVALID",
                        *span,
                        format!("{label}: `Effect` `{e}` is neither `Allow` nor `Deny`"),
                        None,
                    ),
                }
            }
            Some(_) => {}
        }

        match &st.principal {
            None if st.not_principal.is_none() => self.refuse(
                "TPV-PRINCIPAL-MISSING",
                st.span,
                format!("{label}: `Principal` is missing; a role trust policy must name who may assume the role"),
                None,
            ),
            None => {}
            Some(p) => self.principal(st, p, label),
        }
        if let Some(np) = &st.not_principal {
            self.refuse(
                "TP-NOTPRINCIPAL",
                np.span,
                format!("{label}: `NotPrincipal` cannot be used in a role trust policy"),
                Some("use `Principal` and narrow it with conditions".into()),
            );
        }

        match (&st.action, &st.not_action) {
            (Some(_), Some(na)) => self.refuse(
                "TPV-ACTION-AND-NOTACTION",
                na.span,
                format!("{label}: `Action` and `NotAction` cannot both be present"),
                None,
            ),
            (None, None) => self.refuse(
                "TPV-ACTION-MISSING",
                st.span,
                format!("{label}: `Action` is missing"),
                Some("add `\"Action\": \"sts:AssumeRoleWithWebIdentity\"` (or the assume action the principal uses)".into()),
            ),
            _ => {}
        }
        for list in [&st.action, &st.not_action].into_iter().flatten() {
            for a in list.node.iter() {
                if !is_trust_action(&a.node) {
                    self.refuse(
                        "TPV-ACTION-NOT-STS",
                        a.span,
                        format!(
                            "{label}: action `{}` is not an STS assume-role action (IAM: \"AssumeRole policy may only specify STS AssumeRole actions\")",
                            a.node
                        ),
                        Some(format!(
                            "a trust policy may list `sts:{}`",
                            TRUST_ACTIONS.join("`, `sts:")
                        )),
                    );
                }
            }
        }

        for (name, r) in [
            ("Resource", &st.resource),
            ("NotResource", &st.not_resource),
        ] {
            if let Some(r) = r {
                self.refuse(
                    "TP-RESOURCE-IN-TRUST",
                    r.span,
                    format!("{label}: has prohibited field `{name}`: the role itself is the resource of its trust policy"),
                    Some(format!("remove `{name}`")),
                );
            }
        }

        if let Some(c) = &st.condition {
            for block in &c.node.blocks {
                for entry in &block.entries {
                    self.condition_entry(&block.operator, entry, label);
                }
                if self.advice
                    && block.operator.node.base == BaseOperator::Null
                    && block.operator.node.qualifier.is_some()
                {
                    self.warn(
                        "TPV-NULL-QUALIFIER",
                        block.operator.span,
                        format!(
                            "{label}: `{}` is constant (`ForAllValues:Null` is always true, `ForAnyValue:Null` always false)",
                            block.operator.node
                        ),
                        Some("use plain `Null`".into()),
                    );
                }
            }
        }

        if self.advice {
            self.guardrails(st, label);
        }
    }

    fn principal(&mut self, st: &Statement, p: &Spanned<Principal>, label: Label<'_>) {
        let entries = match &p.node {
            Principal::Wildcard => {
                if !self.advice {
                    return;
                }
                self.warn(
                    "TPV-PRINCIPAL-STAR",
                    p.span,
                    format!("{label}: `\"Principal\": \"*\"` trusts everyone (Access Analyzer: role trust policy unsupported wildcard in principal)"),
                    Some("name the principal; `{\"AWS\": \"*\"}` with a condition on `aws:PrincipalArn` if you mean any AWS principal".into()),
                );
                return;
            }
            Principal::Map(entries) => entries,
        };
        for entry in entries {
            for value in entry.values.node.iter() {
                let v = value.node.as_str();
                match entry.kind.node {
                    PrincipalKind::Federated => match parse_federated(v) {
                        Err(e) => self.refuse(
                            "TPV-FEDERATED-SYNTAX",
                            value.span,
                            format!("{label}: federated principal `{v}` is malformed (at byte {}): federated principals must be valid domain names or SAML metadata ARNs", e.offset),
                            Some(if v.starts_with("https://") {
                                "drop `https://`: an OIDC provider is `arn:aws:iam::<account>:oidc-provider/<host>`".into()
                            } else {
                                "an OIDC provider is `arn:aws:iam::<account>:oidc-provider/<host>`".into()
                            }),
                        ),
                        Ok(fp) if self.advice => self.action_for_principal(st, value, fp, label),
                        Ok(_) => {}
                    },
                    // R1.16a: IAM stores an `AWS` principal as the unique id of the account,
                    // user or role it names, and no IAM name holds `*` or `?`: a wildcard inside
                    // the value names nothing IAM can resolve ("Invalid principal in policy").
                    PrincipalKind::Aws if v != "*" && v.contains(['*', '?']) => self.refuse(
                        "TPV-AWS-PRINCIPAL-WILDCARD",
                        value.span,
                        format!("{label}: `AWS` principal `{v}` has a wildcard inside it; IAM refuses it (only a whole-value `*` is a wildcard in a principal)"),
                        Some("name the account, user or role exactly, or use `{\"AWS\": \"*\"}` with a condition such as `ArnLike` on `aws:PrincipalArn`".into()),
                    ),
                    // Only advice below.
                    _ if !self.advice => {}
                    kind => {
                        if v.contains('*') && v != "*" {
                            self.warn(
                                "TPV-PRINCIPAL-PARTIAL-WILDCARD",
                                value.span,
                                format!("{label}: `{}` principal `{v}` has a wildcard inside it; only a whole-value `*` is a wildcard in a principal", kind.as_str()),
                                Some("name the principal exactly and use a condition such as `ArnLike` on `aws:PrincipalArn`".into()),
                            );
                        }
                        if kind == PrincipalKind::Aws {
                            if let Err(e) = parse_aws_principal(v) {
                                self.warn(
                                    "TPV-AWS-PRINCIPAL-SYNTAX",
                                    value.span,
                                    format!("{label}: `AWS` principal `{v}` is malformed: {e}"),
                                    None,
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    /// Access Analyzer "mismatched action for principal": an OIDC or web
    /// provider goes with `AssumeRoleWithWebIdentity`, SAML with
    /// `AssumeRoleWithSAML`.
    fn action_for_principal(
        &mut self,
        st: &Statement,
        value: &Spanned<String>,
        fp: FederatedPrincipal<'_>,
        label: Label<'_>,
    ) {
        let needed = match fp {
            FederatedPrincipal::OidcProvider(_) | FederatedPrincipal::Builtin(_) => {
                "AssumeRoleWithWebIdentity"
            }
            FederatedPrincipal::SamlProvider { .. } => "AssumeRoleWithSAML",
            FederatedPrincipal::Domain(_) => return,
        };
        let Some(actions) = &st.action else {
            return;
        };
        if !actions.node.iter().any(|a| action_allows(&a.node, needed)) {
            self.warn(
                "TP-ACTION-PRINCIPAL-MISMATCH",
                value.span,
                format!(
                    "{label}: principal `{}` can only assume the role with `sts:{needed}`, which `Action` does not allow (Access Analyzer: mismatched action for principal)",
                    value.node
                ),
                Some(format!("add `sts:{needed}` to `Action`")),
            );
        }
    }

    fn condition_entry(
        &mut self,
        op: &Spanned<Operator>,
        entry: &ConditionEntry,
        label: Label<'_>,
    ) {
        let operator = op.node;
        let base = operator.base;
        let reads_vars =
            self.language == Some(LanguageVersion::V2012_10_17) && base.accepts_variables();
        let key = &entry.key.node;

        if self.advice && operator.qualifier.is_none() && base != BaseOperator::Null && {
            let folded = fold(key);
            folded.ends_with(":amr") || folded == "aws:tagkeys" || folded == "sts:transitivetagkeys"
        } {
            self.warn(
                "TPV-MISSING-QUALIFIER",
                entry.key.span,
                format!("{label}: `{key}` is multivalued, so the plain `{operator}` on it is always false"),
                Some(format!("use `ForAnyValue:{operator}` or `ForAllValues:{operator}`")),
            );
        }

        for value in entry.values.node.iter() {
            let text = value.node.text();
            let text = text.as_ref();
            let at = value.span;
            let ctx = || format!("{label}: `{operator}` on `{key}`: value `{text}`");
            let mut template_ok = true;
            let mut has_vars = false;
            let mut literal_colons = text.matches(':').count();
            // Without `${` a value is all literal text (R4): no variables,
            // nothing to refuse, and `literal_colons` is already right.
            if reads_vars && text.contains("${") {
                if let ConditionValue::String(s) = &value.node {
                    match parse_template(s) {
                        Ok(t) => {
                            has_vars = t.has_variables();
                            // docs/DECISIONS.md R8: only literal colons split an ARN.
                            literal_colons = t
                                .parts
                                .iter()
                                .map(|p| match p {
                                    TemplatePart::Literal(l) => l.matches(':').count(),
                                    _ => 0,
                                })
                                .sum();
                        }
                        Err(e) => {
                            template_ok = false;
                            self.refuse(
                                "TPV-VARIABLE-SYNTAX",
                                at,
                                format!("{}: {e}", ctx()),
                                Some("write `${name}` or `${name, 'default'}`; `${$}` is a literal `$`".into()),
                            );
                        }
                    }
                }
            } else if self.advice
                && !reads_vars
                && base.accepts_variables()
                && self.language == Some(LanguageVersion::V2008_10_17)
                && text.contains("${")
            {
                self.warn(
                    "TPV-VARIABLE-IN-2008",
                    at,
                    format!(
                        "{}: `${{...}}` is literal text under policy language version 2008-10-17",
                        ctx()
                    ),
                    Some("add `\"Version\": \"2012-10-17\"` to use policy variables".into()),
                );
            }

            let bad = match base.family() {
                OperatorFamily::Numeric => number::parse_numeric(text)
                    .err()
                    .map(|e| ("TPV-NUMERIC-VALUE", e.to_string())),
                OperatorFamily::Date => date::parse_date(text)
                    .err()
                    .map(|e| ("TPV-DATE-VALUE", e.to_string())),
                OperatorFamily::Ip => ip::parse_ip_network(text)
                    .err()
                    .map(|e| ("TPV-IP-VALUE", e.to_string())),
                OperatorFamily::Binary => decode_binary(text)
                    .err()
                    .map(|e| ("TPV-BINARY-VALUE", e.to_string())),
                // A variable may supply the boolean under 2012-10-17.
                OperatorFamily::Bool if template_ok && !has_vars && parse_bool(text).is_none() => {
                    Some(("TPV-BOOL-VALUE", "expected `true` or `false`".into()))
                }
                OperatorFamily::Null if parse_bool(text).is_none() => Some((
                    "TPV-NULL-VALUE",
                    "expected `true` (key absent) or `false` (key present)".into(),
                )),
                OperatorFamily::Arn if template_ok && literal_colons < 5 => Some((
                    "TPV-ARN-VALUE",
                    format!(
                        "an ARN pattern has six colon-separated components, found {}",
                        literal_colons + 1
                    ),
                )),
                _ => None,
            };
            if let Some((rule, why)) = bad {
                self.refuse(rule, at, format!("{}: {why}", ctx()), None);
            }
        }
    }

    /// docs/SEMANTICS.md §6.3: identity-provider controls, applied by IAM when a
    /// trust policy is created or updated. Deny statements grant nothing and
    /// are not checked.
    fn guardrails(&mut self, st: &Statement, label: Label<'_>) {
        if matches!(st.effect.as_ref().map(|e| &e.node), Some(Effect::Deny)) {
            return;
        }
        let Some(Spanned {
            node: Principal::Map(entries),
            ..
        }) = &st.principal
        else {
            return;
        };
        let federated = entries
            .iter()
            .filter(|e| e.kind.node == PrincipalKind::Federated)
            .flat_map(|e| e.values.node.iter());
        for value in federated {
            match parse_federated(&value.node) {
                Ok(FederatedPrincipal::OidcProvider(p))
                    if is_github(p.provider) && !github_scoped(st, p.provider) =>
                {
                    self.push(
                            "TPV-GITHUB-SUB-UNSCOPED",
                            FindingClass::Guardrail,
                            value.span,
                            format!(
                                "{label}: trust policy with trusted principal `{}` must evaluate, using StringEquals, StringLike or StringEqualsIgnoreCase, `{p}:sub` or `{p}:job_workflow_ref` which is not scoped to all: IAM refuses to create a role with this trust policy or to update a trust policy to it; an existing role is not affected and keeps working until its trust policy is next changed",
                                value.node,
                                p = p.provider
                            ),
                            Some(format!(
                                "add `\"StringEquals\": {{\"{}:sub\": \"repo:<owner>/<repo>:ref:refs/heads/<branch>\"}}`",
                                p.provider
                            )),
                        );
                }
                Ok(FederatedPrincipal::Builtin(BuiltinProvider::Cognito)) => {
                    let any_condition = st
                        .condition
                        .as_ref()
                        .is_some_and(|c| c.node.blocks.iter().any(|b| !b.entries.is_empty()));
                    if !any_condition {
                        self.push(
                            "TPV-COGNITO-NO-CONDITION",
                            FindingClass::Guardrail,
                            value.span,
                            format!("{label}: IAM requires that roles for identity pools have at least one trust policy condition; this statement lets any identity pool assume the role"),
                            Some("add `\"StringEquals\": {\"cognito-identity.amazonaws.com:aud\": \"<region>:<identity-pool-id>\"}`".into()),
                        );
                    }
                }
                Ok(FederatedPrincipal::Builtin(BuiltinProvider::Google))
                    if !google_app_pinned(st) =>
                {
                    self.push(
                            "TPV-GOOGLE-NO-APPID",
                            FindingClass::Guardrail,
                            value.span,
                            format!("{label}: policy trusting `accounts.google.com` requires a `StringEquals` condition on an application id"),
                            Some("add `\"StringEquals\": {\"accounts.google.com:aud\": \"<client-id>\"}`".into()),
                        );
                }
                _ => {}
            }
        }
    }
}

/// GitHub's shared issuer, `token.actions.githubusercontent.com` (host
/// compared ignoring case). IAM applies identity-provider controls to
/// *shared* providers, whose issuer many organisations use; an
/// enterprise's own issuer (`token.actions.githubusercontent.com/<slug>`,
/// `token.actions.<subdomain>.ghe.com`) is unique to it, a private provider
/// in AWS's terms, and needs no control (docs/SEMANTICS.md §6.3).
fn is_github(provider: &str) -> bool {
    provider.eq_ignore_ascii_case(GITHUB_ISSUER)
}

/// The GitHub control as probed (docs/SEMANTICS.md §6.3, cases 84-85): a plain
/// `StringEquals`, `StringLike` or `StringEqualsIgnoreCase` (no qualifier, no
/// `IfExists`) on `<provider>:sub` or `<provider>:job_workflow_ref` whose
/// first value is not `*`. IAM was observed to inspect only the first value:
/// `["repo:acme/x", "*"]` is accepted and `["*", "repo:acme/x"]` refused.
fn github_scoped(st: &Statement, provider: &str) -> bool {
    let keys = [
        fold(&format!("{provider}:sub")),
        fold(&format!("{provider}:job_workflow_ref")),
    ];
    st.condition.iter().flat_map(|c| &c.node.blocks).any(|b| {
        let op = b.operator.node;
        op.qualifier.is_none()
            && !op.if_exists
            && matches!(
                op.base,
                BaseOperator::StringEquals
                    | BaseOperator::StringLike
                    | BaseOperator::StringEqualsIgnoreCase
            )
            && b.entries.iter().any(|e| {
                keys.contains(&fold(&e.key.node))
                    && e.values
                        .node
                        .as_slice()
                        .first()
                        .is_some_and(|v| v.node.text() != "*")
            })
    })
}

/// Google's control: plain `StringEquals` on `accounts.google.com:aud`,
/// `:oaud` or `:azp` (the application ids Google tokens carry, docs/SEMANTICS.md
/// 4.2) with at least one value.
fn google_app_pinned(st: &Statement) -> bool {
    let keys = [
        "accounts.google.com:aud",
        "accounts.google.com:oaud",
        "accounts.google.com:azp",
    ];
    st.condition.iter().flat_map(|c| &c.node.blocks).any(|b| {
        let op = b.operator.node;
        op.base == BaseOperator::StringEquals
            && op.qualifier.is_none()
            && !op.if_exists
            && b.entries
                .iter()
                .any(|e| keys.contains(&fold(&e.key.node).as_str()) && !e.values.node.is_empty())
    })
}

/// The length in chars of the compact JSON rendering of `policy`: what the
/// trust policy quota counts (docs/SEMANTICS.md §1.11, docs/DECISIONS.md R15), and the
/// number `TP-POLICY-SIZE` compares with [`TRUST_POLICY_QUOTA`] in both
/// `rolecall check` and `rolecall audit`.
///
/// ```
/// let p = rolecall_policy::parse(r#"{ "Statement" : { "Sid" : "a b" } }"#).unwrap();
/// // `{"Statement":{"Sid":"a b"}}`: the space inside the value counts.
/// assert_eq!(rolecall_policy::validate::policy_size(&p), 27);
/// ```
pub fn policy_size(policy: &Policy) -> usize {
    // Counted from the tree instead of rendering it: building and
    // serializing a serde_json `Value` cost about 26 k instructions per IRSA
    // policy, counting costs 6.8 k (callgrind). The count equals the
    // rendering's (pinned by `policy_size_is_pinned`) for every tree without
    // two equal member names, which the parser refuses (docs/DECISIONS.md R1
    // item 3).
    compact::policy(policy)
}

/// [`policy_size`] when it is over [`TRUST_POLICY_QUOTA`], else `None`;
/// without counting when the source text is provably under the quota.
///
/// ```
/// let p = rolecall_policy::parse(r#"{"Statement": {"Effect": "Allow"}}"#).unwrap();
/// assert_eq!(rolecall_policy::validate::size_over_quota(&p), None);
/// ```
pub fn size_over_quota(policy: &Policy) -> Option<usize> {
    // A parsed policy's compact rendering is never longer than its source
    // text, except that a number may print longer than it was written
    // (`1e2` is `100.0`): every char takes at least one source byte, and
    // the parser refuses the control characters that would print longer
    // escaped. So a short source is under the quota without counting.
    // Counting was two thirds of `validate` on the IRSA policy
    // (14.8k of 22.3k instructions, callgrind on
    // benches/examples/validate_loop.rs).
    if !policy.span.is_synthetic()
        && policy.span.end.saturating_sub(policy.span.start) + compact::number_growth(policy)
            <= TRUST_POLICY_QUOTA
    {
        return None;
    }
    Some(policy_size(policy)).filter(|&len| len > TRUST_POLICY_QUOTA)
}

/// Lengths, in chars, of compact JSON renderings (serde_json's: no
/// whitespace; `"`, `\\` and control characters escaped, nothing else).
mod compact {
    use std::fmt::{self, Write};

    use crate::ast::{ConditionValue, OneOrMany, Policy, Principal, Statement};
    use crate::span::Spanned;

    /// Counts the chars of escaped JSON string content written to it.
    struct Escaped(usize);

    impl Write for Escaped {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            // One pass over the bytes: a char starts at every byte that is
            // not a UTF-8 continuation byte, and every escaped char is one
            // ASCII byte.
            self.0 += s
                .bytes()
                .map(|b| match b {
                    b'"' | b'\\' | 0x08 | 0x0c | b'\n' | b'\r' | b'\t' => 2,
                    0..=0x1f => 6, // `\u00XX`
                    0x80..=0xbf => 0,
                    _ => 1,
                })
                .sum::<usize>();
            Ok(())
        }
    }

    /// A JSON string holding `s`.
    fn string(s: &str) -> usize {
        let mut n = Escaped(0);
        let _ = n.write_str(s);
        2 + n.0
    }

    /// A JSON string holding the `Display` of `x`, without allocating.
    fn display(x: impl fmt::Display) -> usize {
        let mut n = Escaped(0);
        let _ = write!(n, "{x}");
        2 + n.0
    }

    /// An object or array with these member (or element) lengths.
    fn container(items: impl Iterator<Item = usize>) -> usize {
        let (count, sum) = items.fold((0usize, 0usize), |(c, s), len| (c + 1, s + len));
        2 + sum + count.saturating_sub(1) // braces, commas
    }

    /// `"key":value`.
    fn member(key: &str, value: usize) -> usize {
        string(key) + 1 + value
    }

    fn strings(v: &OneOrMany<Spanned<String>>) -> usize {
        match v {
            OneOrMany::One(s) => string(&s.node),
            OneOrMany::Many(l) => container(l.iter().map(|s| string(&s.node))),
        }
    }

    /// An upper bound on how much longer the numbers of the policy print
    /// than they may have been written: their printed length (each was
    /// written in at least one byte).
    pub(super) fn number_growth(policy: &Policy) -> usize {
        policy
            .statements()
            .iter()
            .filter_map(|st| st.condition.as_ref())
            .flat_map(|c| c.node.blocks.iter())
            .flat_map(|b| b.entries.iter())
            .flat_map(|e| e.values.node.iter())
            .map(|v| match &v.node {
                ConditionValue::Number(n) => display(n) - 2,
                _ => 0,
            })
            .sum()
    }

    fn cond_value(v: &ConditionValue) -> usize {
        match v {
            ConditionValue::String(s) => string(s),
            ConditionValue::Number(n) => display(n) - 2, // unquoted
            ConditionValue::Bool(true) => 4,
            ConditionValue::Bool(false) => 5,
        }
    }

    fn principal(p: &Principal) -> usize {
        match p {
            Principal::Wildcard => string("*"),
            Principal::Map(entries) => container(
                entries
                    .iter()
                    .map(|e| member(e.kind.node.as_str(), strings(&e.values.node))),
            ),
        }
    }

    fn statement(st: &Statement) -> usize {
        let lists = [
            ("Action", &st.action),
            ("NotAction", &st.not_action),
            ("Resource", &st.resource),
            ("NotResource", &st.not_resource),
        ];
        let condition = st.condition.as_ref().map(|c| {
            let blocks = c.node.blocks.iter().map(|b| {
                let entries = b.entries.iter().map(|e| {
                    let value = match &e.values.node {
                        OneOrMany::One(v) => cond_value(&v.node),
                        OneOrMany::Many(l) => container(l.iter().map(|v| cond_value(&v.node))),
                    };
                    member(&e.key.node, value)
                });
                display(b.operator.node) + 1 + container(entries)
            });
            member("Condition", container(blocks))
        });
        let members = st
            .sid
            .iter()
            .map(|s| member("Sid", string(&s.node)))
            .chain(
                st.effect
                    .iter()
                    .map(|e| member("Effect", string(e.node.as_str()))),
            )
            .chain(
                st.principal
                    .iter()
                    .map(|p| member("Principal", principal(&p.node))),
            )
            .chain(
                st.not_principal
                    .iter()
                    .map(|p| member("NotPrincipal", principal(&p.node))),
            )
            .chain(
                lists
                    .into_iter()
                    .filter_map(|(k, v)| v.as_ref().map(|v| member(k, strings(&v.node)))),
            )
            .chain(condition);
        container(members)
    }

    pub(super) fn policy(p: &Policy) -> usize {
        let statements = match &p.statement.node {
            OneOrMany::One(s) => statement(s),
            OneOrMany::Many(l) => container(l.iter().map(statement)),
        };
        let members = p
            .version
            .iter()
            .map(|v| member("Version", string(v.node.as_str())))
            .chain(p.id.iter().map(|id| member("Id", string(&id.node))))
            .chain([member("Statement", statements)]);
        container(members)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pins `policy_size` (the `TP-POLICY-SIZE` count): these numbers were
    /// produced by the first implementation (a serde_json `Value` rendered
    /// compactly), so a faster one must give the same.
    #[test]
    fn policy_size_is_pinned() {
        let irsa = r#"{
          "Version": "2012-10-17",
          "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
              "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:aud": "sts.amazonaws.com",
              "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE:sub": "system:serviceaccount:default:my-service-account"
            }}
          }]
        }"#;
        // Every node kind: Id, Sid, one statement object, principal arrays,
        // NotPrincipal, NotAction, Resource lists, qualifiers, numbers,
        // booleans, escapes (quote, backslash, TAB, LF, CR, `/`) and
        // non-ASCII text (one char each).
        let odd = r#"{"Id": "x\"y", "Statement": {"Sid": "S1", "Effect": "allow",
          "Principal": {"AWS": ["123456789012", "arn:aws:iam::1:root"], "Service": "a.b"},
          "NotPrincipal": "*", "NotAction": ["sts:*"], "Resource": "*", "NotResource": ["a/b", "c\\d"],
          "Condition": {"ForAnyValue:StringLikeIfExists": {"k:é\t": ["a\nb", "\r", "ÿ"]},
                        "NumericLessThan": {"n": 1.50, "m": [-3, 2e3]}, "Bool": {"b": true, "c": [false, "true"]}}}}"#;
        let mut control = crate::parse(irsa).unwrap();
        // Control characters cannot be parsed (docs/DECISIONS.md R1 item 2) but a
        // tree built in code may hold them: `\u0001` style, 6 chars.
        if let OneOrMany::Many(list) = &mut control.statement.node {
            list[0].sid = Some(Spanned::synthetic("\u{1}\u{1f}\u{7f}\u{8}\u{c}".into()));
        }
        assert_eq!(policy_size(&crate::parse(irsa).unwrap()), 493);
        assert_eq!(policy_size(&crate::parse(odd).unwrap()), 371);
        // 493 + `,"Sid":""` (8) + 6 + 6 + 1 (DEL is not escaped) + 2 + 2.
        assert_eq!(policy_size(&control), 519);
    }

    /// On every parseable policy of the corpus: the count equals
    /// serde_json's compact rendering of the document itself (member order
    /// does not change a length), and `refusals` is `validate` filtered.
    #[test]
    fn policy_size_and_refusals_on_the_corpus() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/corpus");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let Ok(policy) = crate::parse(&text) else {
                continue;
            };
            let value: serde_json::Value = serde_json::from_str(&text).unwrap();
            let rendered = value.to_string().chars().count();
            assert_eq!(policy_size(&policy), rendered, "{}", path.display());
            // The shortcut in `size` relies on this bound.
            assert!(
                policy_size(&policy)
                    <= policy.span.end - policy.span.start + compact::number_growth(&policy),
                "{}",
                path.display()
            );
            // `refusals` skips the other rules but finds the same refusals.
            let mut refused = validate(&policy);
            refused.retain(|f| f.class == FindingClass::Refused);
            assert_eq!(refusals(&policy), refused, "{}", path.display());
            checked += 1;
        }
        assert!(checked > 50, "only {checked} corpus policies parsed");
    }

    /// The fast path of `action_allows` agrees with the glob path on the
    /// spellings it takes.
    #[test]
    fn action_allows_fast_path_agrees_with_glob() {
        for value in [
            "sts:AssumeRoleWithWebIdentity",
            "STS:assumerolewithwebidentity",
            "sts:TagSession",
            "sts:AssumeRole",
            "iam:TagSession",
            "sts:TagSession ",
        ] {
            for name in ["AssumeRoleWithWebIdentity", "TagSession", "AssumeRole"] {
                let (prefix, pattern) = value.split_once(':').unwrap();
                assert_eq!(
                    action_allows(value, name),
                    action_glob_allows(prefix, pattern, name),
                    "{value} {name}"
                );
            }
        }
        assert!(action_allows("STS:tagsession", "TagSession"));
        assert!(!action_allows("sts:TagSession", "AssumeRole"));
    }

    /// The allocation-free fast path of `is_trust_action` agrees with the
    /// general glob path on the spellings it takes.
    #[test]
    fn trust_action_fast_path_agrees_with_glob() {
        for name in [
            "AssumeRoleWithWebIdentity",
            "assumerolewithwebidentity",
            "ASSUMEROLEWITHSAML",
            "AssumeRole",
            "TagSession",
            "tagsession",
            "SetSourceIdentity",
            "TagSessions",
            "AssumeRoleWithWebIdentity ",
            "AssumeRol",
            "",
            "GetCallerIdentity",
        ] {
            let fast = is_trust_action(&format!("sts:{name}"));
            assert_eq!(fast, trust_glob_matches(name), "{name}");
            assert_eq!(fast, is_trust_action(&format!("STS:{name}")), "{name}");
        }
        // The general path still handles globs and non-ASCII folding.
        assert!(is_trust_action("sts:Assume*"));
        assert!(is_trust_action("sts:?agSession"));
        assert!(!is_trust_action("sts:AssumeRoleWithWebIdentity?"));
        assert!(is_trust_action("sts:TAGSESSİON") == trust_glob_matches("TAGSESSİON"));
        assert!(!is_trust_action("iam:AssumeRole"));
        assert!(!is_trust_action("sts:AssumeRole:x"));
        assert!(is_trust_action("*"));
    }
}
