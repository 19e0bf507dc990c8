//! Reports: a text-independent [`Report`], its JSON form, and SARIF 2.1.0 for GitHub code
//! scanning.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::finding::{Finding, Severity};
use crate::rules::{RuleInfo, RULES};
use crate::source::AuditedPolicy;

/// Findings of many policies, filtered by severity, with counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    // Field order is the JSON report's key order (`rolecall audit --format
    // json` serializes the report directly): the counts first, so that the
    // top of a large report says what it holds.
    /// Number of findings per severity (after filtering).
    pub summary: BTreeMap<Severity, usize>,
    /// The filter applied.
    pub min_severity: Severity,
    /// The policies audited (all of them, including those without findings).
    pub policies: Vec<AuditedPolicy>,
}

impl Report {
    /// Builds a report keeping only findings at `min_severity` or above.
    pub fn new(mut policies: Vec<AuditedPolicy>, min_severity: Severity) -> Report {
        let mut summary: BTreeMap<Severity, usize> =
            Severity::ALL.iter().map(|s| (*s, 0)).collect();
        for p in &mut policies {
            p.findings.retain(|f| f.severity >= min_severity);
            for f in &p.findings {
                *summary.entry(f.severity).or_insert(0) += 1;
            }
        }
        Report {
            policies,
            summary,
            min_severity,
        }
    }

    /// Every finding with its policy.
    pub fn findings(&self) -> impl Iterator<Item = (&AuditedPolicy, &Finding)> {
        self.policies
            .iter()
            .flat_map(|p| p.findings.iter().map(move |f| (p, f)))
    }

    /// The most severe finding's severity, if any (for exit codes).
    pub fn worst(&self) -> Option<Severity> {
        self.findings().map(|(_, f)| f.severity).max()
    }

    /// The JSON report.
    pub fn to_json(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// The SARIF 2.1.0 log.
    pub fn to_sarif(&self) -> Value {
        let rules: Vec<Value> = RULES.iter().map(sarif_rule).collect();
        let results: Vec<Value> = self
            .findings()
            .map(|(p, f)| {
                let index = RULES.iter().position(|r| r.id == f.rule).unwrap_or(0);
                let (line, column) = file_position(p, f).unwrap_or((1, 1));
                let role = p
                    .location
                    .role
                    .as_deref()
                    .map_or(String::new(), |r| format!(" [{r}]"));
                let text = format!("{}{role}: {}", f.title, f.message);
                json!({
                    "ruleId": f.rule,
                    "ruleIndex": index,
                    "level": level(f.severity),
                    "message": { "text": text },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": { "uri": p.location.path },
                            "region": { "startLine": line, "startColumn": column }
                        }
                    }],
                    "partialFingerprints": {
                        FINGERPRINT_KEY: finding_fingerprint(p, f)
                    },
                    "properties": {
                        "severity": f.severity.as_str(),
                        "verdict": f.verdict.as_str(),
                        "embedded": p.location.embedded,
                        "policyLine": f.span.line,
                        "policyColumn": f.span.column,
                        "statement": f.statement,
                    }
                })
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "rolecall",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": results,
            }]
        })
    }
}

/// Where a finding is in the file the user gave: the span's line and column for a policy file;
/// for a policy embedded in a dump, plan or template (whose span refers to the embedded
/// document), the line where the role is declared, column 1. `None` when neither is known.
pub fn file_position(p: &AuditedPolicy, f: &Finding) -> Option<(u32, u32)> {
    if p.location.embedded || f.span.is_synthetic() {
        p.location.line.map(|l| (l.max(1), 1))
    } else {
        Some((f.span.line.max(1), f.span.column.max(1)))
    }
}

/// The key of rolecall's SARIF `partialFingerprints` entry. v1 hashed the message text, so
/// rewording a message broke baselines and code-scanning alert tracking; v2 does not.
pub const FINGERPRINT_KEY: &str = "rolecall/v2";

/// A finding's fingerprint: rule id, path (without a leading `./`), role and the finding's
/// position in the policy document, and not the message, so that rewording a message keeps
/// it. The same for the SARIF `partialFingerprints` and for `--baseline` matching.
pub fn finding_fingerprint(p: &AuditedPolicy, f: &Finding) -> String {
    fingerprint_of(
        f.rule,
        &p.location.path,
        p.location.role.as_deref(),
        f.span.line,
        f.span.column,
    )
}

/// [`finding_fingerprint`] from its parts (as a JSON report holds them).
pub fn fingerprint_of(
    rule: &str,
    path: &str,
    role: Option<&str>,
    line: u32,
    column: u32,
) -> String {
    let path = path.strip_prefix("./").unwrap_or(path);
    fingerprint(&[
        rule,
        path,
        role.unwrap_or(""),
        &line.to_string(),
        &column.to_string(),
    ])
}

/// SARIF level for a severity: critical/high `error`, medium `warning`, low/info `note`.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// GitHub's numeric `security-severity` for a severity.
pub fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn sarif_rule(r: &RuleInfo) -> Value {
    json!({
        "id": r.id,
        "name": r.id.trim_start_matches("TP-").to_lowercase().split('-').map(|w| {
            let mut c = w.chars();
            c.next().map_or(String::new(), |f| f.to_uppercase().chain(c).collect())
        }).collect::<String>(),
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": r.detects },
        // No `helpUri`: SARIF wants an absolute URI, and the project has no public home yet;
        // the rule reference ships with rolecall as docs/RULES.md.
        "help": {
            "text": format!("{} Why: {} Fix: {} Reference: docs/RULES.md#{}", r.detects, r.why, r.fix, r.anchor()),
            "markdown": format!("{}\n\n**Why.** {}\n\n**Fix.** {}\n\nSee `docs/RULES.md#{}` in the rolecall repository.", r.detects, r.why, r.fix, r.anchor()),
        },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "tags": ["security", "iam", "trust-policy"],
            "security-severity": security_severity(r.severity),
        }
    })
}

/// FNV-1a over the parts: stable across runs and platforms (unlike `DefaultHasher`).
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}
