//! The dated provider-specific claim table (docs/SEMANTICS.md §4.7,
//! docs/DECISIONS.md R20) against the key list AWS publishes for
//! `AssumeRoleWithWebIdentity`. When AWS changes the list, this test and a
//! new entry of `CLAIM_TABLES` change together.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::collections::BTreeSet;

use rolecall_eval::claims::{
    provider_matches, ClaimKind, ClaimRules, RoleAccount, TokenError, WebIdentity, CLAIM_TABLES,
    PROVIDER_CLAIMS_2026,
};
use rolecall_eval::request::ContextValue;
use serde_json::{json, Value};

/// Every provider-specific key of the "Condition keys" column of
/// `AssumeRoleWithWebIdentity` on
/// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html,
/// spelt as AWS spells it (the standard `aud`/`sub`/`amr`/`oaud`, the
/// Facebook and Amazon keys and the `aws:`/`sts:` keys are not
/// provider-specific and are left out).
const AWS_2026: &[&str] = &[
    "accounts.google.com:google/organization_number",
    "agent.${Domain}.buildkite.dev:build_branch",
    "agent.${Domain}.buildkite.dev:cluster_id",
    "agent.${Domain}.buildkite.dev:cluster_name",
    "agent.${Domain}.buildkite.dev:organization_id",
    "agent.${Domain}.buildkite.dev:organization_slug",
    "agent.${Domain}.buildkite.dev:pipeline_id",
    "agent.${Domain}.buildkite.dev:pipeline_slug",
    "agent.${Domain}.buildkite.site:build_branch",
    "agent.${Domain}.buildkite.site:cluster_id",
    "agent.${Domain}.buildkite.site:cluster_name",
    "agent.${Domain}.buildkite.site:organization_id",
    "agent.${Domain}.buildkite.site:organization_slug",
    "agent.${Domain}.buildkite.site:pipeline_id",
    "agent.${Domain}.buildkite.site:pipeline_slug",
    "agent.buildkite.com:build_branch",
    "agent.buildkite.com:cluster_id",
    "agent.buildkite.com:cluster_name",
    "agent.buildkite.com:organization_id",
    "agent.buildkite.com:organization_slug",
    "agent.buildkite.com:pipeline_id",
    "agent.buildkite.com:pipeline_slug",
    "github.com/enterprises/${EnterpriseName}:actor",
    "github.com/enterprises/${EnterpriseName}:actor_id",
    "github.com/enterprises/${EnterpriseName}:enterprise_id",
    "github.com/enterprises/${EnterpriseName}:environment",
    "github.com/enterprises/${EnterpriseName}:job_workflow_ref",
    "github.com/enterprises/${EnterpriseName}:ref",
    "github.com/enterprises/${EnterpriseName}:repository",
    "github.com/enterprises/${EnterpriseName}:repository_id",
    "github.com/enterprises/${EnterpriseName}:repository_owner_id",
    "github.com/enterprises/${EnterpriseName}:workflow",
    "gitlab.com:namespace_id",
    "gitlab.com:pipeline_source",
    "gitlab.com:project_id",
    "gitlab.com:ref_protected",
    "gitlab.com:runner_environment",
    "gitlab.com:user_access_level",
    "gitlab.com:user_email",
    "gitlab.com:user_id",
    "gitlab.com:user_login",
    "idcs-${OciUniqueIdentifier}.identity.oraclecloud.com:rpst_id",
    "oidc.circleci.com/org/${OrgId}:oidc.circleci.com/project-id",
    "token.actions.${Domain}.ghe.com:actor",
    "token.actions.${Domain}.ghe.com:actor_id",
    "token.actions.${Domain}.ghe.com:enterprise_id",
    "token.actions.${Domain}.ghe.com:environment",
    "token.actions.${Domain}.ghe.com:job_workflow_ref",
    "token.actions.${Domain}.ghe.com:ref",
    "token.actions.${Domain}.ghe.com:repository",
    "token.actions.${Domain}.ghe.com:repository_id",
    "token.actions.${Domain}.ghe.com:repository_owner_id",
    "token.actions.${Domain}.ghe.com:workflow",
    "token.actions.githubusercontent.com/${SubPath}:actor",
    "token.actions.githubusercontent.com/${SubPath}:actor_id",
    "token.actions.githubusercontent.com/${SubPath}:enterprise_id",
    "token.actions.githubusercontent.com/${SubPath}:environment",
    "token.actions.githubusercontent.com/${SubPath}:job_workflow_ref",
    "token.actions.githubusercontent.com/${SubPath}:ref",
    "token.actions.githubusercontent.com/${SubPath}:repository",
    "token.actions.githubusercontent.com/${SubPath}:repository_id",
    "token.actions.githubusercontent.com/${SubPath}:repository_owner_id",
    "token.actions.githubusercontent.com/${SubPath}:workflow",
    "token.actions.githubusercontent.com:actor",
    "token.actions.githubusercontent.com:actor_id",
    "token.actions.githubusercontent.com:enterprise_id",
    "token.actions.githubusercontent.com:environment",
    "token.actions.githubusercontent.com:job_workflow_ref",
    "token.actions.githubusercontent.com:ref",
    "token.actions.githubusercontent.com:repository",
    "token.actions.githubusercontent.com:repository_id",
    "token.actions.githubusercontent.com:repository_owner_id",
    "token.actions.githubusercontent.com:workflow",
];

/// The only key AWS types `Numeric`; every other one is `String`.
const AWS_NUMERIC: &[&str] = &["accounts.google.com:google/organization_number"];

/// One provider per pattern, with each placeholder filled in.
fn instance(pattern: &str) -> String {
    pattern
        .replace("${Domain}", "octocorp")
        .replace("${SubPath}", "octo-inc")
        .replace("${EnterpriseName}", "octo-inc")
        .replace("${OrgId}", "0fbd8a1e-1b2c-4d5e-8f90-123456789abc")
        .replace("${OciUniqueIdentifier}", "a1b2c3d4e5f6")
}

#[test]
fn the_2026_table_is_exactly_aws_list() {
    let ours: BTreeSet<String> = PROVIDER_CLAIMS_2026
        .iter()
        .flat_map(|row| {
            row.claims
                .iter()
                .map(|k| format!("{}:{}", row.provider, k.name))
        })
        .collect();
    let aws: BTreeSet<String> = AWS_2026.iter().map(|k| (*k).to_owned()).collect();
    assert_eq!(ours, aws, "the table and AWS's list differ");
    for row in PROVIDER_CLAIMS_2026 {
        for key in row.claims {
            let full = format!("{}:{}", row.provider, key.name);
            let numeric = AWS_NUMERIC.contains(&full.as_str());
            assert_eq!(key.kind == ClaimKind::Numeric, numeric, "{full}");
        }
    }
    // Each documented key is found through its provider, placeholders
    // filled in: no earlier row shadows a later one.
    let rules = ClaimRules::default();
    for key in AWS_2026 {
        let (provider, name) = key.rsplit_once(':').unwrap();
        let provider = instance(provider);
        assert!(
            rules
                .provider_claims(&provider)
                .iter()
                .any(|k| k.name == name),
            "{provider}:{name}"
        );
    }
}

#[test]
fn tables_are_dated_and_ordered() {
    assert!(!CLAIM_TABLES.is_empty());
    for pair in CLAIM_TABLES.windows(2) {
        assert!(pair[0].since < pair[1].since);
    }
    for t in CLAIM_TABLES {
        assert!(ClaimRules::as_of(t.since).is_some(), "{}", t.since);
        assert!(t.source.starts_with("https://docs.aws.amazon.com/"));
    }
    let newest = CLAIM_TABLES.last().unwrap();
    assert_eq!(ClaimRules::default(), ClaimRules::with_table(newest.rows));
    assert_eq!(ClaimRules::as_of(newest.since), Some(ClaimRules::default()));
    assert_eq!(ClaimRules::as_of("2099-12-31"), Some(ClaimRules::default()));
    assert_eq!(
        ClaimRules::as_of("2026-01-31"),
        Some(ClaimRules::pre_2026())
    );
    assert_eq!(
        ClaimRules::as_of("2025-06-01"),
        Some(ClaimRules::pre_2026())
    );
    for bad in [
        "2026-1-01",
        "2026/02/01",
        "",
        "2026-02-01T00:00:00Z",
        "２０２６-02-01",
    ] {
        assert_eq!(ClaimRules::as_of(bad), None, "{bad}");
    }
}

#[test]
fn provider_patterns() {
    let yes = [
        ("gitlab.com", "gitlab.com"),
        (
            "token.actions.${Domain}.ghe.com",
            "token.actions.octo.ghe.com",
        ),
        (
            "token.actions.${Domain}.ghe.com",
            "token.actions.octo-corp_1.ghe.com",
        ),
        (
            "oidc.circleci.com/org/${OrgId}",
            "oidc.circleci.com/org/0fbd8a1e-1b2c",
        ),
        ("a${X}b", "a-b-b"),
    ];
    for (p, s) in yes {
        assert!(provider_matches(p, s), "{p} ~ {s}");
    }
    let no = [
        ("gitlab.com", "GitLab.com"),
        ("gitlab.com", "gitlab.com/"),
        ("token.actions.${Domain}.ghe.com", "token.actions..ghe.com"),
        (
            "token.actions.${Domain}.ghe.com",
            "token.actions.a.b.ghe.com",
        ),
        (
            "token.actions.githubusercontent.com/${SubPath}",
            "token.actions.githubusercontent.com/",
        ),
        (
            "token.actions.githubusercontent.com/${SubPath}",
            "token.actions.githubusercontent.com/a/b",
        ),
        (
            "oidc.circleci.com/org/${OrgId}",
            "oidc.circleci.com/org/x/project",
        ),
        ("a${X", "a${X"),
    ];
    for (p, s) in no {
        assert!(!provider_matches(p, s), "{p} !~ {s}");
    }
}

fn role() -> RoleAccount {
    RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/app").unwrap()
}

fn context_of(claims: &Value) -> Result<Vec<(String, ContextValue)>, TokenError> {
    WebIdentity::from_claims(claims, None, &role(), &ClaimRules::default()).map(|id| {
        id.context()
            .iter()
            .map(|e| (e.name().to_owned(), e.value().clone()))
            .collect()
    })
}

#[test]
fn google_organization_number_is_numeric() {
    let base = json!({"iss": "https://accounts.google.com", "sub": "1", "aud": "c"});
    let with = |google: Value| {
        let mut c = base.clone();
        c["google"] = google;
        c
    };
    let ctx = context_of(&with(json!({"organization_number": 123456789012_u64}))).unwrap();
    assert!(ctx.contains(&(
        "accounts.google.com:google/organization_number".into(),
        ContextValue::Single("123456789012".into())
    )));
    // Absent member or absent object: no key.
    for c in [base.clone(), with(json!({}))] {
        let ctx = context_of(&c).unwrap();
        assert!(ctx.iter().all(|(k, _)| !k.contains("organization_number")));
    }
    // A string, or a `google` claim that is not an object: refused (R20).
    for (c, claim) in [
        (
            with(json!({"organization_number": "123"})),
            "google.organization_number",
        ),
        (with(json!("x")), "google"),
    ] {
        match context_of(&c).unwrap_err() {
            TokenError::ClaimType { claim: got, .. } => assert_eq!(got, claim),
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn circleci_project_id_is_a_slashed_claim() {
    let org = "0fbd8a1e-1b2c-4d5e-8f90-123456789abc";
    let ctx = context_of(&json!({
        "iss": format!("https://oidc.circleci.com/org/{org}"),
        "sub": format!("org/{org}/project/p1/user/u1"),
        "aud": org,
        "oidc.circleci.com/project-id": "p1",
        "oidc.circleci.com/vcs-origin": "github.com/o/r",
    }))
    .unwrap();
    let names: Vec<&str> = ctx.iter().map(|(k, _)| k.as_str()).collect();
    assert!(names
        .contains(&format!("oidc.circleci.com/org/{org}:oidc.circleci.com/project-id").as_str()));
    assert!(names.iter().all(|k| !k.ends_with("vcs-origin")));
}

/// docs/DECISIONS.md R12, R20: the claim table is data; `with_table` uses the table it is
/// given (and only that table), matching whole providers.
#[test]
fn claim_rules_use_the_table_they_are_given() {
    use rolecall_eval::claims::{ClaimKey, ClaimRules, ProviderClaims};
    static TABLE: &[ProviderClaims] = &[ProviderClaims {
        provider: "auth.example.com/${SubPath}",
        claims: &[ClaimKey::string("team")],
    }];
    let custom = ClaimRules::with_table(TABLE);
    let names =
        |p: &str| -> Vec<&str> { custom.provider_claims(p).iter().map(|k| k.name).collect() };
    assert_eq!(names("auth.example.com/tenant"), ["team"]);
    assert!(names("auth.example.com").is_empty());
    assert!(names("token.actions.githubusercontent.com").is_empty());
    assert!(ClaimRules::default()
        .provider_claims("auth.example.com/tenant")
        .is_empty());
}
