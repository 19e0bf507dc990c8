//! Reports: a text-independent [`Report`], its JSON form, and SARIF 2.1.0 for GitHub code
//! scanning.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
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
    /// With `--baseline`: how many findings the baseline held, and were therefore left out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline_suppressed: Option<usize>,
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
            baseline_suppressed: None,
        }
    }

    /// Leaves out the findings the baseline holds (matched by [`finding_fingerprint`]; a
    /// fingerprint the baseline holds `n` times covers `n` findings), updates the counts and
    /// returns how many were left out.
    pub fn apply_baseline(&mut self, baseline: &Baseline) -> usize {
        let mut left = baseline.fingerprints.clone();
        let mut suppressed = 0;
        for p in &mut self.policies {
            let findings = std::mem::take(&mut p.findings);
            for f in findings {
                match left.get_mut(&finding_fingerprint(p, &f)) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        suppressed += 1;
                        if let Some(c) = self.summary.get_mut(&f.severity) {
                            *c = c.saturating_sub(1);
                        }
                    }
                    _ => p.findings.push(f),
                }
            }
        }
        self.baseline_suppressed = Some(suppressed);
        suppressed
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
    ///
    /// # Errors
    ///
    /// When serialization fails (it does not for reports this crate builds;
    /// the error is passed on rather than turned into `null`).
    pub fn to_json(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    /// The SARIF 2.1.0 log.
    pub fn to_sarif(&self) -> Value {
        let mut log = self.sarif_shell();
        if let Some(results) = log.pointer_mut("/runs/0/results") {
            *results = self.findings().map(|(p, f)| sarif_result(p, f)).collect();
        }
        log
    }

    /// Writes the log of [`Report::to_sarif`] (pretty-printed, the same text), building one
    /// result at a time: the whole log as a `Value` took 744 MiB for 60,001 findings of one
    /// 0.96 MB policy (TESTING.md, "Hostile inputs").
    pub fn write_sarif(&self, w: impl std::io::Write) -> serde_json::Result<()> {
        let shell = self.sarif_shell();
        serde_json::to_writer_pretty(
            w,
            &Streamed {
                value: &shell,
                report: self,
                depth: 0,
            },
        )
    }

    /// The log with an empty `runs[0].results`.
    fn sarif_shell(&self) -> Value {
        let rules: Vec<Value> = RULES.iter().map(sarif_rule).collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": { "driver": {
                    "name": "rolecall",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }},
                "results": [],
                "properties": self.baseline_suppressed.map_or(json!({}), |n| json!({ "baselineSuppressed": n })),
            }]
        })
    }
}

/// A SARIF log shell serialized with `runs[*].results` filled from the report, result by
/// result. Map keys come in the shell's order, which is the order its `Value` has.
struct Streamed<'a> {
    value: &'a Value,
    report: &'a Report,
    /// 0: the log; 1: the `runs` array; 2: a run.
    depth: u8,
}

impl<'a> serde::Serialize for Streamed<'a> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        let inner = |value: &'a Value, depth: u8| Streamed {
            value,
            report: self.report,
            depth,
        };
        match (self.depth, self.value) {
            (0 | 2, Value::Object(m)) => {
                let mut out = s.serialize_map(Some(m.len()))?;
                for (k, v) in m {
                    match (self.depth, k.as_str()) {
                        (0, "runs") => out.serialize_entry(k, &inner(v, 1))?,
                        (2, "results") => out.serialize_entry(k, &Results(self.report))?,
                        _ => out.serialize_entry(k, v)?,
                    }
                }
                out.end()
            }
            (1, Value::Array(runs)) => {
                let mut out = s.serialize_seq(Some(runs.len()))?;
                for run in runs {
                    out.serialize_element(&inner(run, 2))?;
                }
                out.end()
            }
            (_, other) => other.serialize(s),
        }
    }
}

/// Every finding of a report as a SARIF result, built one at a time.
struct Results<'a>(&'a Report);

impl serde::Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.findings().map(|(p, f)| sarif_result(p, f)))
    }
}

/// One finding as a SARIF result.
fn sarif_result(p: &AuditedPolicy, f: &Finding) -> Value {
    // INVARIANT: `RULES` lists every `RuleId` in declaration order, so a
    // rule's discriminant is its index in the log's rule list (pinned by
    // `sarif_rule_index_is_the_catalogue_position` in tests/sources.rs).
    let index = f.rule as usize;
    debug_assert_eq!(RULES.get(index).map(|r| r.id), Some(f.rule));
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
}

/// Where a finding is in the file the user gave ([`PolicyLocation::file_position`]): the span's
/// line and column for a policy file; for a policy embedded in a dump, plan, template or
/// get-role output, the span mapped back into the file where the document was found there
/// (exactly through a JSON string's escapes), else the start of the value holding it or the
/// line declaring the role. `None` when none is known.
///
/// [`PolicyLocation::file_position`]: crate::source::PolicyLocation::file_position
pub fn file_position(p: &AuditedPolicy, f: &Finding) -> Option<(u32, u32)> {
    p.location
        .file_position(f.span)
        .map(|(line, column, _)| (line, column))
}

/// The key of rolecall's SARIF `partialFingerprints` entry. v1 hashed the message text, so
/// rewording a message broke baselines and code-scanning alert tracking; v2 does not.
pub const FINGERPRINT_KEY: &str = "rolecall/v2";

/// A finding's fingerprint: rule id, path (without a leading `./`), role and the finding's
/// position in the policy document, and not the message, so that rewording a message keeps
/// it. The same for the SARIF `partialFingerprints` and for `--baseline` matching.
pub fn finding_fingerprint(p: &AuditedPolicy, f: &Finding) -> String {
    fingerprint_of(
        f.rule.as_str(),
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
        "name": r.id.as_str().trim_start_matches("TP-").to_lowercase().split('-').map(|w| {
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

/// The findings of an earlier report, by fingerprint, for `rolecall audit --baseline`: the
/// way a team adopts the audit on an existing estate (record today's findings, fail only on
/// new ones).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// How many findings of the earlier report had each fingerprint.
    fingerprints: BTreeMap<String, usize>,
}

/// Why a baseline file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct BaselineError {
    /// What is wrong, in lowercase.
    pub message: String,
    /// 1-based line (0 when the error is not about one place).
    pub line: usize,
    /// 1-based column (0 when the error is not about one place).
    pub column: usize,
}

/// The parts of a report a baseline reads. Typed, so that serde refuses a duplicate `runs`,
/// `policies` or member of a finding instead of keeping the last one.
#[derive(Deserialize)]
struct AnyReport {
    runs: Option<Vec<SarifRun>>,
    policies: Option<Vec<JsonPolicy>>,
}

#[derive(Deserialize)]
struct SarifRun {
    #[serde(default)]
    results: Vec<SarifResult>,
}

#[derive(Deserialize)]
struct SarifResult {
    #[serde(rename = "partialFingerprints", default)]
    partial_fingerprints: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct JsonPolicy {
    location: JsonLocation,
    findings: Vec<JsonFinding>,
}

#[derive(Deserialize)]
struct JsonLocation {
    path: String,
    role: Option<String>,
}

#[derive(Deserialize)]
struct JsonFinding {
    rule: String,
    span: JsonSpan,
}

#[derive(Deserialize)]
struct JsonSpan {
    line: u32,
    column: u32,
}

impl Baseline {
    /// Reads an earlier `rolecall audit --format json` report or SARIF log.
    ///
    /// # Errors
    ///
    /// When the text is neither, or a SARIF result lacks rolecall's fingerprint (a log from
    /// another tool, or from a rolecall before fingerprints stopped depending on messages).
    pub fn parse(text: &str) -> Result<Baseline, BaselineError> {
        let report: AnyReport = serde_json::from_str(text).map_err(|e| BaselineError {
            message: format!("not a rolecall JSON or SARIF report: {e}"),
            line: e.line(),
            column: e.column(),
        })?;
        let error = |message: String| BaselineError {
            message,
            line: 0,
            column: 0,
        };
        let mut fingerprints: BTreeMap<String, usize> = BTreeMap::new();
        match (report.runs, report.policies) {
            (Some(runs), None) => {
                for (n, r) in runs.iter().flat_map(|run| &run.results).enumerate() {
                    let fp = r.partial_fingerprints.get(FINGERPRINT_KEY).ok_or_else(|| {
                        error(format!(
                            "SARIF result {n} has no `{FINGERPRINT_KEY}` fingerprint: the log is not from this version of rolecall; make the baseline again"
                        ))
                    })?;
                    *fingerprints.entry(fp.clone()).or_default() += 1;
                }
            }
            (None, Some(policies)) => {
                for p in &policies {
                    for f in &p.findings {
                        let fp = fingerprint_of(
                            &f.rule,
                            &p.location.path,
                            p.location.role.as_deref(),
                            f.span.line,
                            f.span.column,
                        );
                        *fingerprints.entry(fp).or_default() += 1;
                    }
                }
            }
            _ => {
                return Err(error(
                    "not a rolecall JSON report (`policies`) or SARIF log (`runs`)".into(),
                ))
            }
        }
        Ok(Baseline { fingerprints })
    }

    /// How many findings the baseline holds.
    pub fn len(&self) -> usize {
        self.fingerprints.values().sum()
    }

    /// Whether the baseline holds no finding.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
