//! Finding fingerprints (SARIF `partialFingerprints`, `--baseline`): rule id, path, role and
//! position, never the message text.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_audit::report::{finding_fingerprint, Baseline, Report, FINGERPRINT_KEY};
use rolecall_audit::source::audit_source;
use rolecall_audit::{AuditOptions, Severity};

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
  "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
  "Action":"sts:AssumeRoleWithWebIdentity",
  "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}]}"#;

#[test]
fn rewording_keeps_the_fingerprint_and_the_role_changes_it() {
    let policies = audit_source("infra/trust.json", POLICY.as_bytes(), &AuditOptions::new());
    let p = &policies[0];
    let f = p
        .findings
        .iter()
        .find(|f| f.rule == "TP-OIDC-NO-SUB")
        .unwrap();
    let before = finding_fingerprint(p, f);

    let mut reworded = f.clone();
    reworded.message = "a different wording of the same finding".into();
    assert_eq!(finding_fingerprint(p, &reworded), before);

    let mut other_role = p.clone();
    other_role.location.role = Some("arn:aws:iam::111122223333:role/other".into());
    assert_ne!(finding_fingerprint(&other_role, f), before);

    let mut other_path = p.clone();
    other_path.location.path = "infra/other.json".into();
    assert_ne!(finding_fingerprint(&other_path, f), before);
    // `./infra/trust.json` names the same file.
    other_path.location.path = "./infra/trust.json".into();
    assert_eq!(finding_fingerprint(&other_path, f), before);

    let mut moved = f.clone();
    moved.span.line += 1;
    assert_ne!(finding_fingerprint(p, &moved), before);
    let mut other_rule = f.clone();
    other_rule.rule = rolecall_audit::RuleId::OidcNoCond;
    assert_ne!(finding_fingerprint(p, &other_rule), before);
}

#[test]
fn sarif_carries_the_fingerprint() {
    let policies = audit_source("trust.json", POLICY.as_bytes(), &AuditOptions::new());
    let expected: Vec<String> = policies[0]
        .findings
        .iter()
        .map(|f| finding_fingerprint(&policies[0], f))
        .collect();
    let sarif = Report::new(policies, Severity::Info).to_sarif();
    let got: Vec<String> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"][FINGERPRINT_KEY]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(got, expected);
    assert!(sarif["runs"][0]["tool"]["driver"]
        .get("informationUri")
        .is_none());
}

/// `--baseline`: a finding the earlier report held is left out, once per time it held it; the
/// counts follow, and what is new stays.
#[test]
fn a_baseline_leaves_out_as_many_findings_as_it_held() {
    let options = AuditOptions::new();
    let audit = |paths: &[&str]| {
        let policies = paths
            .iter()
            .flat_map(|p| audit_source(p, POLICY.as_bytes(), &options))
            .collect();
        Report::new(policies, Severity::Info)
    };
    let earlier = audit(&["trust.json"]);
    let held = earlier.findings().count();
    assert!(held >= 1, "the policy must have a finding");
    let baseline = Baseline::parse(&serde_json::to_string(&earlier).unwrap()).unwrap();
    assert_eq!(baseline.len(), held);
    assert!(!baseline.is_empty());
    let twice =
        Baseline::parse(&serde_json::to_string(&audit(&["a.json", "b.json"])).unwrap()).unwrap();
    assert_eq!(twice.len(), 2 * held);

    // The same file twice (each fingerprint now twice) and a new file.
    let mut now = audit(&["trust.json", "trust.json", "new.json"]);
    let total: usize = now.summary.values().sum();
    assert_eq!(total, 3 * held);
    assert_eq!(now.apply_baseline(&baseline), held);
    assert_eq!(now.baseline_suppressed, Some(held));
    assert_eq!(now.summary.values().sum::<usize>(), 2 * held);
    let left: Vec<&str> = now
        .findings()
        .map(|(p, _)| p.location.path.as_str())
        .collect();
    assert_eq!(left.len(), 2 * held);
    assert_eq!(left.iter().filter(|p| **p == "new.json").count(), held);
    assert_eq!(left.iter().filter(|p| **p == "trust.json").count(), held);
    // Each severity's count is what is left of it.
    for (severity, n) in &now.summary {
        assert_eq!(
            *n,
            now.findings()
                .filter(|(_, f)| f.severity == *severity)
                .count()
        );
    }

    // A SARIF log of the earlier run is the same baseline.
    let sarif = Baseline::parse(&earlier.to_sarif().to_string()).unwrap();
    assert_eq!(sarif, baseline);

    // An empty baseline leaves everything.
    assert!(Baseline::default().is_empty());
    let mut untouched = audit(&["trust.json"]);
    assert_eq!(untouched.apply_baseline(&Baseline::default()), 0);
    assert_eq!(untouched.findings().count(), held);
}
