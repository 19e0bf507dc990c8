//! The audit of one policy: options, the entry points, and the [`Auditor`] that runs the rule
//! families of [`crate::rules`] statement by statement.
//!
//! Each family lives in its own module under `src/rules/` (structural, OIDC, GitHub, GitLab,
//! HCP Terraform, CircleCI, EKS, Pod Identity, Cognito, AWS principals, services) and adds
//! findings through [`Auditor::push`], naming its rule by [`RuleId`]. Questions about the
//! subjects a statement admits are answered by [`crate::witness`] from rolecall-analyze.

use std::collections::BTreeMap;

use rolecall_policy::{Policy, Span, Statement};

use crate::finding::{Finding, Severity, Verdict};
use crate::rules::common::is_allow;
use crate::rules::RuleId;

/// Options that change what the audit reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuditOptions {
    /// Reproduce STS before the 2026 provider-specific claims (then `…:actor`,
    /// `…:repository` and friends are never request keys).
    pub pre_2026_claims: bool,
    /// GitHub owners you trust; subjects of other owners are foreign.
    pub trusted_github_owners: Vec<String>,
    /// Kubernetes namespaces you trust for IRSA.
    pub trusted_namespaces: Vec<String>,
    /// Rules not to report.
    pub disabled_rules: Vec<RuleId>,
    /// Severity per rule, replacing the computed one.
    pub severity_overrides: BTreeMap<RuleId, Severity>,
    /// The account that owns the role, when known (account dumps, role ARNs).
    pub own_account: Option<String>,
    /// The registered client IDs (`ClientIDList`) of IAM OIDC providers, by
    /// provider name (the URL without `https://`, as in the provider's ARN
    /// and condition keys), from `aws iam get-open-id-connect-provider`.
    /// Enables TP-AUD-NOT-IN-CLIENTLIST for those providers.
    pub client_ids: BTreeMap<String, Vec<String>>,
    /// The `sub` grammar of GitHub issuers when the organisation or repository customises its
    /// subject template ([`AuditOptions::with_github_subjects`]); `None` for GitHub's default
    /// template (name and immutable forms).
    pub github_subjects: Option<rolecall_eval::issuers::SubjectGrammar>,
}

impl AuditOptions {
    /// Default options: 2026 claim behaviour, nothing trusted or disabled.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same options, reading GitHub subjects with `grammar` (a custom template's,
    /// `rolecall_eval::issuers::SubjectGrammar::from_github_template`) instead of the default
    /// template's: subjects are analysed, described and witnessed in the template's form.
    pub fn with_github_subjects(mut self, grammar: rolecall_eval::issuers::SubjectGrammar) -> Self {
        self.github_subjects = Some(grammar);
        self
    }

    /// The analyzer the audit asks: default limits, and the GitHub grammar of the options.
    pub(crate) fn analyzer(&self) -> rolecall_analyze::Analyzer {
        let a = rolecall_analyze::Analyzer::default();
        match &self.github_subjects {
            Some(g) => a.with_github_subjects(g.clone()),
            None => a,
        }
    }
}

/// Audits one parsed policy and returns its findings in document order.
///
/// Refusals of `rolecall_policy::validate::refusals` that no rule of this crate covers are
/// reported as `TP-INVALID-POLICY` (verdict [`Verdict::Invalid`]).
pub fn audit_policy(policy: &Policy, options: &AuditOptions) -> Vec<Finding> {
    let mut a = Auditor {
        opts: options,
        out: Vec::new(),
        statements: policy.statements(),
    };
    a.policy(policy);
    let mut out = a.out;
    out.retain(|f| !options.disabled_rules.contains(&f.rule));
    for f in &mut out {
        if let Some(s) = options.severity_overrides.get(&f.rule) {
            f.severity = *s;
        }
    }
    // By text id within a position, as before ids were typed (output order is stable).
    out.sort_by_key(|f| (f.span.start, f.rule.as_str()));
    out.dedup_by(|a, b| a.rule == b.rule && a.span == b.span && a.message == b.message);
    out
}

/// Audits policy text: parse (a parse error becomes an `Invalid` finding), audit, and check the
/// size quota, which needs the text.
pub fn audit_text(text: &str, options: &AuditOptions) -> Vec<Finding> {
    match rolecall_policy::parse(text) {
        Ok(p) => {
            let mut f = audit_policy(&p, options);
            f.extend(size_finding(&p, options));
            f
        }
        Err(e) => vec![parse_error_finding(&e)],
    }
}

/// TP-POLICY-SIZE when the policy is over the default quota and the rule is enabled. The size is
/// `validate::policy_size`, the count `rolecall check` uses (docs/DECISIONS.md R15).
pub(crate) fn size_finding(policy: &Policy, options: &AuditOptions) -> Option<Finding> {
    if options.disabled_rules.contains(&RuleId::PolicySize) {
        return None;
    }
    let span = policy.span;
    rolecall_policy::validate::size_over_quota(policy).map(|size| {
        make(
            RuleId::PolicySize,
            Severity::Low,
            Verdict::Invalid,
            format!(
                "the policy has {size} characters without whitespace between JSON tokens; the default quota is {}",
                rolecall_policy::validate::TRUST_POLICY_QUOTA
            ),
            span,
            None,
        )
    })
}

/// The finding for a document that does not parse.
pub fn parse_error_finding(e: &rolecall_policy::ParseError) -> Finding {
    make(
        RuleId::InvalidPolicy,
        Severity::High,
        Verdict::Invalid,
        format!("the policy does not parse: {e}"),
        Span {
            start: e.offset(),
            end: e.offset(),
            line: e.line(),
            column: e.column(),
        },
        None,
    )
}

/// A finding of `rule`, with the rule's texts from the catalogue.
pub(crate) fn make(
    rule: RuleId,
    severity: Severity,
    verdict: Verdict,
    message: String,
    span: Span,
    statement: Option<usize>,
) -> Finding {
    let info = rule.info();
    Finding {
        rule,
        severity,
        verdict,
        title: info.title,
        message,
        why: info.why,
        fix: info.fix,
        references: info.references,
        span,
        statement,
        witness: None,
    }
}

/// The state of one policy's audit: the options, the findings so far, and every statement (Deny
/// statements are consulted when an Allow is judged).
pub(crate) struct Auditor<'a> {
    pub(crate) opts: &'a AuditOptions,
    pub(crate) out: Vec<Finding>,
    pub(crate) statements: &'a [Statement],
}

impl Auditor<'_> {
    /// Records `w` as the witness of the finding pushed last.
    pub(crate) fn set_witness(&mut self, w: &str) {
        if let Some(f) = self.out.last_mut() {
            f.witness = Some(w.to_owned());
        }
    }

    /// Adds a finding of `rule`.
    pub(crate) fn push(
        &mut self,
        rule: RuleId,
        severity: Severity,
        verdict: Verdict,
        message: String,
        span: Span,
        stmt: Option<usize>,
    ) {
        self.out
            .push(make(rule, severity, verdict, message, span, stmt));
    }

    fn policy(&mut self, policy: &Policy) {
        for r in rolecall_policy::validate::refusals(policy) {
            if r.rule.parse::<RuleId>().is_ok() {
                continue; // a rule of this crate reports the same fact with more context
            }
            self.push(
                RuleId::InvalidPolicy,
                Severity::High,
                Verdict::Invalid,
                format!("IAM would refuse this policy ({}): {}", r.rule, r.message),
                r.span,
                None,
            );
        }
        self.version(policy);
        for (i, st) in self.statements.iter().enumerate() {
            self.structural(i, st);
            if is_allow(st) {
                self.federated(i, st);
                self.aws_principals(i, st);
                self.services(i, st);
            }
        }
    }
}
