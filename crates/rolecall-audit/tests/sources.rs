#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]
//! Inputs, reports and configuration.

use rolecall_audit::config::Config;
use rolecall_audit::report::Report;
use rolecall_audit::source::{audit_source, SourceKind};
use rolecall_audit::{audit_text, AuditOptions, Severity, Verdict};

const LOOSE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::ACCT:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"SUB"}}}]}"#;

fn policy(acct: &str, sub: &str) -> String {
    LOOSE.replace("ACCT", acct).replace("SUB", sub)
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[test]
fn account_dump_with_10000_roles() {
    let mut roles = Vec::new();
    for i in 0..10_000u32 {
        let acct = "111122223333";
        let arn = format!("arn:aws:iam::{acct}:role/r{i}");
        // every 1000th role is open to any owner; others are tight; some URL-encoded
        let sub = if i % 1000 == 7 {
            "repo:*/infra:*".to_owned()
        } else {
            format!("repo:acme/app{i}:ref:refs/heads/main")
        };
        let p = policy(acct, &sub);
        let doc = if i % 2 == 0 {
            serde_json::from_str::<serde_json::Value>(&p).unwrap()
        } else {
            serde_json::Value::String(url_encode(&p))
        };
        roles.push(serde_json::json!({"RoleName": format!("r{i}"), "Arn": arn, "AssumeRolePolicyDocument": doc}));
    }
    let dump =
        serde_json::json!({"RoleDetailList": roles, "UserDetailList": [], "IsTruncated": false});
    let bytes = serde_json::to_vec_pretty(&dump).unwrap();
    let start = std::time::Instant::now();
    let out = audit_source("gaad.json", &bytes, &AuditOptions::default());
    let elapsed = start.elapsed();
    assert_eq!(out.len(), 10_000);
    assert!(out
        .iter()
        .all(|p| p.location.kind == SourceKind::AccountDump && p.location.embedded));
    let open: Vec<&str> = out
        .iter()
        .filter(|p| p.findings.iter().any(|f| f.rule == "TP-OIDC-SUB-ANY-OWNER"))
        .map(|p| p.location.role.as_deref().unwrap())
        .collect();
    assert_eq!(open.len(), 10);
    assert!(open.contains(&"arn:aws:iam::111122223333:role/r7"));
    assert!(
        open.contains(&"arn:aws:iam::111122223333:role/r1007"),
        "URL-encoded document decoded"
    );
    let r1007 = out
        .iter()
        .find(|p| p.location.role.as_deref() == Some("arn:aws:iam::111122223333:role/r1007"))
        .unwrap();
    assert!(r1007.location.line.unwrap() > 1);
    assert!(r1007
        .policy_text
        .as_deref()
        .unwrap()
        .starts_with("{\"Version\""));
    assert!(out
        .iter()
        .all(|p| p.findings.iter().all(|f| f.verdict != Verdict::Invalid)));
    eprintln!("10,000-role dump audited in {elapsed:?}");
}

#[test]
fn url_encoded_policy_file_and_parse_error() {
    let p = policy("111122223333", "repo:*");
    let out = audit_source("p.txt", url_encode(&p).as_bytes(), &AuditOptions::default());
    assert_eq!(out.len(), 1);
    assert!(out[0]
        .findings
        .iter()
        .any(|f| f.rule == "TP-OIDC-SUB-WILDCARD-ALL"));
    let out = audit_source(
        "p.json",
        b"{\n  \"Statement\": [\n    {\"Effect\": \"Allow\",,}]}",
        &AuditOptions::default(),
    );
    assert_eq!(out[0].findings[0].rule, "TP-INVALID-POLICY");
    assert_eq!(out[0].findings[0].span.line, 3);
    // A policy file's own span is where the report points.
    let span = out[0].findings[0].span;
    assert_eq!(
        rolecall_audit::report::file_position(&out[0], &out[0].findings[0]),
        Some((3, span.column))
    );
    assert!(span.column > 1);
}

#[test]
fn terraform_plan() {
    let tight = policy("111122223333", "repo:acme/app:ref:refs/heads/main");
    let loose = policy("111122223333", "repo:acme/*");
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": {"root_module": {
            "resources": [{"address": "aws_iam_role.a", "type": "aws_iam_role", "values": {"assume_role_policy": tight}}],
            "child_modules": [{"resources": [{"address": "module.ci.aws_iam_role.b", "type": "aws_iam_role", "values": {"assume_role_policy": loose}}]}]
        }},
        "resource_changes": [
            {"address": "aws_iam_role.c", "type": "aws_iam_role", "change": {"after": {}, "after_unknown": {"assume_role_policy": true}}}
        ]
    });
    let out = audit_source(
        "plan.json",
        &serde_json::to_vec_pretty(&plan).unwrap(),
        &AuditOptions::default(),
    );
    let by = |a: &str| {
        out.iter()
            .find(|p| p.location.role.as_deref() == Some(a))
            .unwrap()
    };
    assert!(by("module.ci.aws_iam_role.b")
        .findings
        .iter()
        .any(|f| f.rule == "TP-GHA-ORG-WIDE"));
    assert!(by("aws_iam_role.a")
        .findings
        .iter()
        .all(|f| f.severity < Severity::Medium));
    assert_eq!(by("aws_iam_role.c").findings[0].rule, "TP-UNANALYSABLE");
    assert_eq!(out.len(), 3);

    // A policy given as a JSON object rather than a string is audited too (not skipped as a
    // role without a policy), and its text is shown re-printed.
    let object: serde_json::Value = serde_json::from_str(&loose).unwrap();
    let plan = serde_json::json!({
        "resource_changes": [
            {"address": "aws_iam_role.d", "type": "aws_iam_role", "change": {"after": {"assume_role_policy": object}}}
        ]
    });
    let out = audit_source(
        "plan.json",
        &serde_json::to_vec_pretty(&plan).unwrap(),
        &AuditOptions::default(),
    );
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].location.role.as_deref(), Some("aws_iam_role.d"));
    assert!(out[0].findings.iter().any(|f| f.rule == "TP-GHA-ORG-WIDE"));
    assert!(out[0]
        .policy_text
        .as_deref()
        .is_some_and(|t| t.contains("repo:acme/*")));
}

/// The role's account, which makes a provider of another account dead, is read from a role ARN
/// only when its account field is twelve digits: a get-role output naming account `1234` (or
/// `11112222333x`) knows no account, so no provider is foreign to it.
#[test]
fn own_account_from_a_role_arn_needs_twelve_digits() {
    let foreign = |acct: &str| {
        let get_role = format!(
            r#"{{"Role": {{"RoleName": "r", "Arn": "arn:aws:iam::{acct}:role/r", "AssumeRolePolicyDocument": {}}}}}"#,
            policy("111122223333", "repo:acme/app:ref:refs/heads/main")
        );
        let out = audit_source("r.json", get_role.as_bytes(), &AuditOptions::default());
        assert_eq!(out.len(), 1, "{acct}");
        out[0]
            .findings
            .iter()
            .filter(|f| f.rule == "TP-FOREIGN-OR-STALE-PROVIDER")
            .map(|f| f.message.clone())
            .collect::<Vec<_>>()
    };
    let other = foreign("999988887777");
    assert_eq!(other.len(), 1, "{other:?}");
    assert!(other[0].contains("not the role's account `999988887777`"));
    assert!(foreign("111122223333").is_empty());
    for malformed in ["1234", "11112222333x", "1111222233334"] {
        assert_eq!(foreign(malformed), Vec::<String>::new(), "{malformed}");
    }
}

#[test]
fn cloudformation_yaml_and_json() {
    let yaml = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Tight:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:oidc-provider/token.actions.githubusercontent.com"
            Action: sts:AssumeRoleWithWebIdentity
            Condition:
              StringEquals:
                token.actions.githubusercontent.com:aud: sts.amazonaws.com
              StringLike:
                token.actions.githubusercontent.com:sub: "repo:*"
  Symbolic:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Ref GitHubOIDCProvider
            Action: sts:AssumeRoleWithWebIdentity
  Bucket:
    Type: AWS::S3::Bucket
"#;
    let out = audit_source("t.yaml", yaml.as_bytes(), &AuditOptions::default());
    assert_eq!(out.len(), 2);
    let tight = out
        .iter()
        .find(|p| p.location.role.as_deref() == Some("Tight"))
        .unwrap();
    assert!(
        tight
            .findings
            .iter()
            .any(|f| f.rule == "TP-OIDC-SUB-WILDCARD-ALL"),
        "{:#?}",
        tight.findings
    );
    assert_eq!(tight.location.line, Some(4));
    let sym = out
        .iter()
        .find(|p| p.location.role.as_deref() == Some("Symbolic"))
        .unwrap();
    assert_eq!(sym.findings.len(), 1);
    assert_eq!(sym.findings[0].rule, "TP-UNANALYSABLE");
    assert!(sym.findings[0].message.contains("`Ref`"));
    // JSON template with a policy given as a string
    let p = policy("111122223333", "repo:acme/app:*");
    let t = serde_json::json!({"Resources": {"R": {"Type": "AWS::IAM::Role", "Properties": {"AssumeRolePolicyDocument": p}}}});
    let out = audit_source(
        "t.json",
        &serde_json::to_vec(&t).unwrap(),
        &AuditOptions::default(),
    );
    assert!(out[0].findings.iter().any(|f| f.rule == "TP-GHA-ANY-REF"));
}

#[test]
fn sarif_structure() {
    let out = audit_source(
        "roles/p.json",
        policy("111122223333", "repo:*").as_bytes(),
        &AuditOptions::default(),
    );
    let report = Report::new(out, Severity::Low);
    assert_eq!(report.worst(), Some(Severity::Critical));
    assert_eq!(Report::new(Vec::new(), Severity::Low).worst(), None);
    assert!(report.summary[&Severity::Critical] >= 1);
    assert_eq!(report.summary[&Severity::Info], 0, "info filtered out");
    let s = report.to_sarif();
    assert_eq!(s["version"], "2.1.0");
    assert!(s["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let driver = &s["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "rolecall");
    assert!(driver["version"].is_string());
    // No placeholder home page (issue 13): the project has no public URL yet.
    assert!(driver.get("informationUri").is_none());
    let rules = driver["rules"].as_array().unwrap();
    for r in rules {
        for k in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
            "properties",
        ] {
            assert!(!r[k].is_null(), "rule lacks {k}: {r}");
        }
        r["properties"]["security-severity"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap();
    }
    let results = s["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for res in results {
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], res["ruleId"]);
        assert!(["error", "warning", "note"].contains(&res["level"].as_str().unwrap()));
        assert!(res["message"]["text"].is_string());
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "roles/p.json");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        assert!(res["partialFingerprints"]["rolecall/v2"].is_string());
    }
    let j = report.to_json().unwrap();
    assert!(j["policies"][0]["findings"][0]["rule"].is_string());
}

#[test]
fn config_strict_and_applied() {
    let err =
        Config::parse("[rules]\ndisable = []\n[github]\ntrusted_owner = [\"x\"]\n").unwrap_err();
    assert_eq!(err.line, 4, "{err}");
    assert!(err.message.contains("trusted_owner"), "{err}");
    let err = Config::parse("[[ignore]]\npath = \"a\"\n").unwrap_err();
    assert!(err.message.contains("reason"), "{err}");
    let err = Config::parse("[severity]\n\"TP-NOPE\" = \"low\"\n").unwrap_err();
    assert_eq!(err.line, 2);
    let cfg = Config::parse(
        "[rules]\ndisable = [\"TP-NAME-RECYCLE\"]\n[severity]\n\"TP-GHA-ANY-REF\" = \"low\"\n[[ignore]]\nrole = \"aws_iam_role.x\"\nreason = \"legacy\"\n[github]\ntrusted_owners = [\"acme\"]\n[eks]\ntrusted_namespaces = [\"prod\"]\n",
    )
    .unwrap();
    let opts = cfg.apply(AuditOptions::default());
    assert_eq!(opts.trusted_github_owners, ["acme"]);
    let mut out = audit_source(
        "p.json",
        policy("111122223333", "repo:acme/app:*").as_bytes(),
        &opts,
    );
    let any_ref = out[0]
        .findings
        .iter()
        .find(|f| f.rule == "TP-GHA-ANY-REF")
        .unwrap();
    assert_eq!(any_ref.severity, Severity::Low);
    assert!(out[0].findings.iter().all(|f| f.rule != "TP-NAME-RECYCLE"));
    out[0].location.role = Some("aws_iam_role.x".into());
    cfg.filter(&mut out);
    assert!(out[0].findings.is_empty());
}

/// A configuration error points at the offending key: line and column.
#[test]
fn config_errors_have_a_column() {
    let err = Config::parse("[github]\n  trusted_owner = [\"x\"]\n").unwrap_err();
    assert_eq!((err.line, err.column), (2, 3), "{err}");
    assert!(err.to_string().starts_with("2:3: "), "{err}");
}

/// An `[[ignore]]` entry drops a finding only when every criterion it gives matches: path
/// (a pattern), role (a pattern, and the finding must have a role) and rule.
#[test]
fn an_ignore_entry_needs_every_criterion_it_gives() {
    let opts = AuditOptions::default();
    let audited = |path: &str, role: Option<&str>| {
        let mut out = audit_source(
            path,
            policy("111122223333", "repo:acme/app:*").as_bytes(),
            &opts,
        );
        out[0].location.role = role.map(str::to_owned);
        out
    };
    let kept = |cfg: &str, path: &str, role: Option<&str>| {
        let cfg = Config::parse(cfg).unwrap();
        let mut out = audited(path, role);
        let before = out[0].findings.len();
        assert!(before > 1 && out[0].findings.iter().any(|f| f.rule == "TP-GHA-ANY-REF"));
        cfg.filter(&mut out);
        let any_ref = out[0].findings.iter().any(|f| f.rule == "TP-GHA-ANY-REF");
        (out[0].findings.len(), before, any_ref)
    };
    let entry = |fields: &str| format!("[[ignore]]\n{fields}\nreason = \"r\"\n");
    // Path and rule: both must match.
    let cfg = entry("path = \"roles/*.json\"\nrule = \"TP-GHA-ANY-REF\"");
    let (n, before, any_ref) = kept(&cfg, "roles/a.json", None);
    assert_eq!((n, any_ref), (before - 1, false));
    let (n, before, _) = kept(&cfg, "other/a.json", None);
    assert_eq!(n, before, "another path");
    let cfg = entry("path = \"roles/*.json\"\nrule = \"TP-NAME-RECYCLE\"");
    let (_, _, any_ref) = kept(&cfg, "roles/a.json", None);
    assert!(any_ref, "another rule");
    // Role: a finding without a role is never matched by a role pattern.
    let cfg = entry("role = \"*\"");
    let (n, before, _) = kept(&cfg, "roles/a.json", None);
    assert_eq!(n, before, "no role");
    let (n, _, _) = kept(&cfg, "roles/a.json", Some("r"));
    assert_eq!(n, 0, "any role");
    let cfg = entry("role = \"prod-*\"\npath = \"roles/*\"");
    let (n, before, _) = kept(&cfg, "roles/a.json", Some("dev-x"));
    assert_eq!(n, before, "another role");
    let (n, before, _) = kept(&cfg, "elsewhere/a.json", Some("prod-x"));
    assert_eq!(n, before, "the role matches, the path does not");
    let (n, _, _) = kept(&cfg, "roles/a.json", Some("prod-x"));
    assert_eq!(n, 0, "both match");
}

/// `rolecall audit` and `rolecall check` count the trust-policy size the
/// same way (docs/DECISIONS.md R15): around the quota, with spaces inside values
/// and pretty-printing whitespace between tokens, `TP-POLICY-SIZE` comes
/// from both or from neither, whatever the input form.
#[test]
fn size_finding_agrees_with_check() {
    let base = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"PAD"}}}]}"#;
    let compact_without_pad = base.len() - "PAD".len();
    let quota = rolecall_policy::validate::TRUST_POLICY_QUOTA;
    let mut seen = [false, false];
    for total in quota - 3..=quota + 3 {
        // Half of the padding is spaces inside the value.
        let n = total - compact_without_pad;
        let pad: String = (0..n).map(|i| if i % 2 == 0 { 'a' } else { ' ' }).collect();
        let compact = base.replace("PAD", &pad);
        let value: serde_json::Value = serde_json::from_str(&compact).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        assert_eq!(compact.chars().count(), total);
        for text in [&compact, &pretty] {
            let policy = rolecall_policy::parse(text).unwrap();
            let by_check = rolecall_policy::validate::validate(&policy)
                .iter()
                .any(|f| f.rule == "TP-POLICY-SIZE");
            let by_audit = audit_text(text, &AuditOptions::default())
                .iter()
                .any(|f| f.rule == "TP-POLICY-SIZE");
            assert_eq!(by_audit, by_check, "{total} chars: {text}");
            assert_eq!(by_check, total > quota, "{total} chars");
            seen[usize::from(by_check)] = true;
        }
    }
    assert_eq!(seen, [true, true]);
}

/// TP-AUD-NOT-IN-CLIENTLIST from the library: only positive `StringEquals`
/// / `StringLike` values on the provider's own `aud` key are checked, and
/// only for providers whose client IDs are given.
#[test]
fn aud_not_in_client_list_checks_positive_aud_values() {
    const GH: &str = "token.actions.githubusercontent.com";
    let policy = |condition: &str| {
        format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{condition}}}]}}"#
        )
    };
    let mut options = AuditOptions::default();
    options.client_ids.insert(
        GH.to_owned(),
        vec!["sts.amazonaws.com".into(), "api://Prod".into()],
    );
    let flagged = |condition: &str, options: &AuditOptions| -> Vec<String> {
        audit_text(&policy(condition), options)
            .into_iter()
            .filter(|f| f.rule == "TP-AUD-NOT-IN-CLIENTLIST")
            .map(|f| f.message)
            .collect()
    };
    let sub = format!(r#""{GH}:sub":"repo:o/r:ref:refs/heads/main""#);
    // Exact, case-sensitive: `api://prod` is not `api://Prod`.
    let c = format!(
        r#"{{"StringEquals":{{"{GH}:aud":["sts.amazonaws.com","api://prod","x"],{sub}}}}}"#
    );
    let found = flagged(&c, &options);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("`api://prod`") && found[1].contains("`x`"));
    // The key is matched ignoring case; a pattern is checked against the list.
    let c = format!(
        r#"{{"StringLike":{{"{}:AUD":["api://P*","sts.*.org"]}},"StringEquals":{{{sub}}}}}"#,
        GH.to_uppercase()
    );
    let found = flagged(&c, &options);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("`sts.*.org`"));
    // Negated, IfExists and ForAllValues values are not positive: not checked.
    for op in [
        "StringNotEquals",
        "StringEqualsIfExists",
        "ForAllValues:StringEquals",
    ] {
        let c = format!(r#"{{"{op}":{{"{GH}:aud":"x"}},"StringEquals":{{{sub}}}}}"#);
        assert!(flagged(&c, &options).is_empty(), "{op}");
    }
    // ForAnyValue is positive.
    let c =
        format!(r#"{{"ForAnyValue:StringEquals":{{"{GH}:aud":"x"}},"StringEquals":{{{sub}}}}}"#);
    assert_eq!(flagged(&c, &options).len(), 1);
    // Another key, or no client IDs for the provider: nothing.
    let c = format!(r#"{{"StringEquals":{{"{GH}:azp":"x",{sub}}}}}"#);
    assert!(flagged(&c, &options).is_empty());
    let c = format!(r#"{{"StringEquals":{{"{GH}:aud":"x",{sub}}}}}"#);
    assert!(flagged(&c, &AuditOptions::default()).is_empty());
}

/// SARIF's `ruleIndex` is the rule's discriminant: the catalogue lists every
/// rule id once, in declaration order.
#[test]
fn sarif_rule_index_is_the_catalogue_position() {
    use rolecall_audit::rules::{RuleId, RULES};
    assert_eq!(RULES.len(), RuleId::ALL.len());
    for (i, (info, id)) in RULES.iter().zip(RuleId::ALL).enumerate() {
        assert_eq!(info.id, *id);
        assert_eq!(*id as usize, i, "{}", id.as_str());
    }
}

/// A dump role that gives its trust policy twice is refused, not judged on either copy: here the
/// first copy is open to every repository and the second tight. A well-formed role beside it is
/// audited as usual.
#[test]
fn a_dump_role_giving_a_member_twice_is_refused() {
    let open = policy("111122223333", "repo:*");
    let tight = policy("111122223333", "repo:acme/app:ref:refs/heads/main");
    let dump = format!(
        r#"{{"RoleDetailList":[
        {{"Arn":"arn:aws:iam::111122223333:role/twice","AssumeRolePolicyDocument":{open},"AssumeRolePolicyDocument":{tight}}},
        {{"Arn":"arn:aws:iam::111122223333:role/once","AssumeRolePolicyDocument":{open}}}]}}"#
    );
    let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
    assert_eq!(out.len(), 2);
    let twice = &out[0];
    assert_eq!(
        twice.location.role.as_deref(),
        Some("arn:aws:iam::111122223333:role/twice")
    );
    assert_eq!(twice.findings.len(), 1, "{:?}", twice.findings);
    assert_eq!(twice.findings[0].rule, "TP-INVALID-POLICY");
    assert_eq!(twice.findings[0].verdict, Verdict::Invalid);
    assert!(twice.findings[0]
        .message
        .contains("gives `AssumeRolePolicyDocument` twice"));
    assert!(out[1]
        .findings
        .iter()
        .any(|f| f.rule == "TP-OIDC-SUB-WILDCARD-ALL"));
}
