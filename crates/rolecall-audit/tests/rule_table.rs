#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]
//! One firing and one quiet fixture per rule id: the firing one is the catalogue's example (the
//! one `docs/RULES.md` shows), the quiet one a near miss, usually that example with the rule's
//! fix applied. A rule added to the catalogue without a quiet fixture fails `table_is_complete`.

use rolecall_audit::rules::{RuleInfo, RULES};
use rolecall_audit::source::audit_source;
use rolecall_audit::{AuditOptions, Finding, RuleId};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const GH_AUD: &str = r#""token.actions.githubusercontent.com:aud":"sts.amazonaws.com""#;
const GH_MAIN: &str =
    r#""token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main""#;
const EKS: &str = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
const EKS_KEY: &str = "oidc.eks.us-east-1.amazonaws.com/id/ABC";
const CIRCLE_ORG: &str = "0e3e0b5f-0a0c-4a1b-9a4e-4c7a1b2c3d4e";

/// A policy of the given statements.
fn policy(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// An Allow statement: principal JSON, action JSON, condition JSON (`{}` for none).
fn allow(principal: &str, action: &str, condition: &str) -> String {
    let cond = if condition == "{}" {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(r#"{{"Effect":"Allow","Principal":{principal},"Action":{action}{cond}}}"#)
}

/// A web-identity policy for `fed` with these conditions.
fn web(fed: &str, condition: &str) -> String {
    policy(&[allow(
        &format!(r#"{{"Federated":"{fed}"}}"#),
        r#""sts:AssumeRoleWithWebIdentity""#,
        condition,
    )])
}

/// GitHub, `aud` pinned, `sub` under `op` with `sub` (a JSON value).
fn gh_sub(op: &str, sub: &str) -> String {
    let s = format!(r#""token.actions.githubusercontent.com:sub":{sub}"#);
    if op == "StringEquals" {
        web(GH, &format!(r#"{{"StringEquals":{{{GH_AUD},{s}}}}}"#))
    } else {
        web(
            GH,
            &format!(r#"{{"StringEquals":{{{GH_AUD}}},"{op}":{{{s}}}}}"#),
        )
    }
}

/// The tight GitHub policy: one repository, one branch, audience pinned.
fn gh_tight() -> String {
    web(GH, &format!(r#"{{"StringEquals":{{{GH_AUD},{GH_MAIN}}}}}"#))
}

/// An AWS-principal policy.
fn aws(principal: &str, condition: &str) -> String {
    policy(&[allow(
        &format!(r#"{{"AWS":"{principal}"}}"#),
        r#""sts:AssumeRole""#,
        condition,
    )])
}

/// A service-principal policy.
fn service(name: &str, action: &str, condition: &str) -> String {
    policy(&[allow(
        &format!(r#"{{"Service":"{name}"}}"#),
        action,
        condition,
    )])
}

fn pod_identity_tight() -> String {
    service(
        "pods.eks.amazonaws.com",
        r#"["sts:AssumeRole","sts:TagSession"]"#,
        r#"{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:us-east-1:111122223333:cluster/prod","aws:RequestTag/kubernetes-namespace":"payments","aws:RequestTag/kubernetes-service-account":"payments-api"}}"#,
    )
}

fn eks_sub(op: &str, sub: &str) -> String {
    web(
        EKS,
        &format!(
            r#"{{"StringEquals":{{"{EKS_KEY}:aud":"sts.amazonaws.com"}},"{op}":{{"{EKS_KEY}:sub":"{sub}"}}}}"#
        ),
    )
}

fn gitlab_tight() -> String {
    web(
        "arn:aws:iam::111122223333:oidc-provider/gitlab.com",
        r#"{"StringEquals":{"gitlab.com:aud":"https://gitlab.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}"#,
    )
}

fn tfc_tight() -> String {
    web(
        "arn:aws:iam::111122223333:oidc-provider/app.terraform.io",
        r#"{"StringEquals":{"app.terraform.io:aud":"aws.workload.identity","app.terraform.io:sub":"organization:acme:project:default:workspace:prod:run_phase:apply"}}"#,
    )
}

fn cognito_tight() -> String {
    web(
        "cognito-identity.amazonaws.com",
        r#"{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:12345678-abcd-4ef0-9abc-1234567890ab"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"authenticated"}}"#,
    )
}

/// The quiet fixture of each rule: (file name, text, providers file).
fn quiet(rule: RuleId) -> Option<(&'static str, String, Option<&'static str>)> {
    let json = |t: String| Some(("quiet.json", t, None));
    match rule {
        RuleId::InvalidPolicy
        | RuleId::OidcNoCond
        | RuleId::OidcNoSub
        | RuleId::OidcSubWildcardAll
        | RuleId::OidcSubAnyOwner
        | RuleId::OidcNoAud
        | RuleId::CondKeyProviderMismatch
        | RuleId::SetOpSingleValued
        | RuleId::NegatedOperatorOnIdentity
        | RuleId::IfexistsOnIdentity
        | RuleId::SubUnsatisfiable
        | RuleId::ActionPrincipalMismatch
        | RuleId::TagsessionScope
        | RuleId::ForeignOrStaleProvider
        | RuleId::GhaOrgWide
        | RuleId::GhaOrgPrefix
        | RuleId::GhaAnyRef
        | RuleId::GhaBranchPrefix
        | RuleId::GhaPullRequest
        | RuleId::GhaAbusableClaimFirst
        | RuleId::GhaJobWorkflowRefOnly
        | RuleId::MultiProviderOneStatement
        | RuleId::Notprincipal
        | RuleId::ResourceInTrust
        | RuleId::EmptyValues
        | RuleId::PolicySize
        | RuleId::Version2008
        | RuleId::SubGrammarUnknown => json(gh_tight()),
        RuleId::Unanalysable => Some((
            "quiet.yaml",
            "Resources:\n  DeployRole:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Version: \"2012-10-17\"\n        Statement:\n          - Effect: Allow\n            Principal:\n              Service: ec2.amazonaws.com\n            Action: sts:AssumeRole\n".to_owned(),
            None,
        )),
        RuleId::MultiValueLoosest => json(gh_sub(
            "StringLike",
            r#"["repo:acme/app:ref:refs/heads/main","repo:acme/app:environment:prod"]"#,
        )),
        RuleId::AudNotInClientlist => Some((
            "quiet.json",
            gh_tight(),
            Some(r#"{"Url":"https://token.actions.githubusercontent.com","ClientIDList":["sts.amazonaws.com"],"ThumbprintList":[]}"#),
        )),
        RuleId::WildcardInEquals => json(gh_sub(
            "StringLike",
            r#""repo:acme/app:ref:refs/heads/*""#,
        )),
        RuleId::UnsupportedClaimKey => json(web(
            GH,
            &format!(
                r#"{{"StringEquals":{{{GH_AUD},{GH_MAIN},"token.actions.githubusercontent.com:repository":"acme/app"}}}}"#
            ),
        )),
        RuleId::GhaImmutableSubMismatch | RuleId::NameRecycle => json(web(
            GH,
            &format!(
                r#"{{"StringEquals":{{{GH_AUD},"token.actions.githubusercontent.com:repository_id":"123456789"}},"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:*:ref:refs/heads/main"}}}}"#
            ),
        )),
        RuleId::IrsaNoSub | RuleId::IrsaSubWildcard | RuleId::IrsaNamespacePrefix => json(
            eks_sub("StringEquals", "system:serviceaccount:payments:payments-api")
                .replace(r#"},"StringEquals":{"#, ","),
        ),
        RuleId::PodidUnscoped | RuleId::PodidNoCluster | RuleId::PodidMissingTagsession => {
            json(pod_identity_tight())
        }
        RuleId::PrincipalStarNoCond
        | RuleId::PrincipalStarScoped
        | RuleId::AccountRootTrust
        | RuleId::DeletedPrincipal => json(aws("arn:aws:iam::111122223333:role/deployer", "{}")),
        RuleId::PrincipalStarWeakCond => json(aws(
            "*",
            r#"{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij"}}"#,
        )),
        RuleId::XaccountNoExternalid | RuleId::ExternalidWeak => json(aws(
            "arn:aws:iam::444455556666:root",
            r#"{"StringEquals":{"sts:ExternalId":"9f1c2b7e-5d4a-4c3b-8a9e-0f1e2d3c4b5a"}}"#,
        )),
        RuleId::PrincipalConditionContradiction => json(aws(
            "arn:aws:iam::111122223333:root",
            r#"{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}"#,
        )),
        RuleId::ServiceNoSource | RuleId::TautologicalGuard | RuleId::SourcearnWildcard => {
            json(service(
                "sns.amazonaws.com",
                r#""sts:AssumeRole""#,
                r#"{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"}}"#,
            ))
        }
        RuleId::ServiceUnsupportedKey => json(service(
            "eks.amazonaws.com",
            r#""sts:AssumeRole""#,
            "{}",
        )),
        RuleId::GitlabGroupWide | RuleId::GitlabAnyRef | RuleId::GitlabReftypeWildcard => {
            json(gitlab_tight())
        }
        RuleId::TfcOrgUnpinned | RuleId::TfcWorkspaceWildcard | RuleId::TfcRunPhaseAny => {
            json(tfc_tight())
        }
        RuleId::CircleciProjectWildcard => json(web(
            &format!("arn:aws:iam::111122223333:oidc-provider/oidc.circleci.com/org/{CIRCLE_ORG}"),
            &format!(
                r#"{{"StringEquals":{{"oidc.circleci.com/org/{CIRCLE_ORG}:aud":"{CIRCLE_ORG}"}},"StringLike":{{"oidc.circleci.com/org/{CIRCLE_ORG}:sub":"org/{CIRCLE_ORG}/project/7a1b2c3d-0a0c-4a1b-9a4e-4c7a1b2c3d4e/user/*"}}}}"#
            ),
        )),
        RuleId::BitbucketRepoWildcard => json(web(
            "arn:aws:iam::111122223333:oidc-provider/api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc",
            r#"{"StringEquals":{"api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:aud":"ari:cloud:bitbucket::workspace/5a1b2c3d-6e7f-4a8b-9c0d-1e2f3a4b5c6d","api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc:sub":"{7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e}:{1a2b3c4d-1f2a-4b3c-8d4e-5f6a7b8c9d0e}"}}"#,
        )),
        RuleId::CognitoNoAud | RuleId::CognitoNoAmr | RuleId::CognitoGuest => {
            json(cognito_tight())
        }
        RuleId::ConsumerIdpNoAppid => json(web(
            "accounts.google.com",
            r#"{"StringEquals":{"accounts.google.com:aud":"123456789012-abc.apps.googleusercontent.com"}}"#,
        )),
        _ => None,
    }
}

fn options(providers: Option<&str>) -> AuditOptions {
    let mut o = AuditOptions::default();
    if let Some(p) = providers {
        let v: serde_json::Value = serde_json::from_str(p).unwrap();
        let url = v["Url"].as_str().unwrap().trim_start_matches("https://");
        let ids = v["ClientIDList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_owned())
            .collect();
        o.client_ids.insert(url.to_owned(), ids);
    }
    o
}

fn findings(file: &str, text: &str, providers: Option<&str>) -> Vec<Finding> {
    audit_source(file, text.as_bytes(), &options(providers))
        .into_iter()
        .flat_map(|p| p.findings)
        .collect()
}

fn fired(r: &RuleInfo, f: &[Finding]) -> bool {
    f.iter().any(|f| f.rule == r.id)
}

#[test]
fn table_is_complete() {
    let missing: Vec<RuleId> = RuleId::ALL
        .iter()
        .copied()
        .filter(|r| quiet(*r).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a quiet fixture: {missing:?}"
    );
    assert_eq!(RuleId::ALL.len(), RULES.len());
}

#[test]
fn every_rule_fires_on_its_example() {
    let mut wrong = Vec::new();
    for r in RULES {
        let f = findings(r.example.file, r.example.text, r.example.providers);
        if !fired(r, &f) {
            let got: Vec<&str> = f.iter().map(|f| f.rule.as_str()).collect();
            wrong.push(format!("{}: example does not fire it (got {got:?})", r.id));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_rule_is_quiet_on_its_near_miss() {
    let mut wrong = Vec::new();
    for r in RULES {
        let Some((file, text, providers)) = quiet(r.id) else {
            continue;
        };
        let f = findings(file, &text, providers);
        if let Some(hit) = f.iter().find(|f| f.rule == r.id) {
            wrong.push(format!(
                "{}: fires on its quiet fixture: {}\n  {text}",
                r.id, hit.message
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn ids_round_trip() {
    for r in RuleId::ALL {
        assert_eq!(r.as_str().parse::<RuleId>().unwrap(), *r);
        assert_eq!(r.info().id, *r);
        assert_eq!(serde_json::to_string(r).unwrap(), format!("\"{r}\""));
    }
    assert!("TP-NO-SUCH-RULE".parse::<RuleId>().is_err());
    // Ids compare with their text both ways, and only with their own.
    let (id, other) = (RuleId::OidcNoSub, RuleId::OidcNoCond);
    let text: &str = id.as_str();
    assert!(id == text);
    assert!(text == id);
    assert!(*text == id);
    assert!(other != text);
    assert!(text != other);
    assert!(*text != other);
}

/// `--list-rules --format json`: each rule's entry carries every field of the catalogue, as
/// written there.
#[test]
fn the_catalogue_json_carries_every_field_of_every_rule() {
    let doc = rolecall_audit::rules::catalogue_json();
    let rules = doc["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for (json, rule) in rules.iter().zip(RULES) {
        assert_eq!(json, &rule.to_json());
        assert_eq!(json["id"], rule.id.as_str());
        assert_eq!(json["title"], rule.title);
        assert_eq!(
            json["severity"],
            serde_json::to_value(rule.severity).unwrap()
        );
        assert_eq!(json["detects"], rule.detects);
        assert_eq!(json["why"], rule.why);
        assert_eq!(json["fix"], rule.fix);
        assert_eq!(json["references"], serde_json::json!(rule.references));
        assert_eq!(json["example"]["file"], rule.example.file);
        assert_eq!(json["example"]["text"], rule.example.text);
        assert_eq!(
            json["example"]["providers"],
            serde_json::json!(rule.example.providers)
        );
    }
}

/// docs/RULES.md is the catalogue's Markdown, as generated (the CLI test checks the command
/// that writes it; this checks the library's text, every rule with its own section).
#[test]
fn the_catalogue_markdown_is_docs_rules_md() {
    let md = rolecall_audit::rules::catalogue_markdown();
    assert_eq!(md, include_str!("../../../docs/RULES.md"));
    for r in RULES {
        assert_eq!(
            md.matches(&format!("\n## {}\n", r.id)).count(),
            1,
            "{}",
            r.id
        );
    }
}

/// A rule is looked up by its text id, and a `RuleId` compares equal to its own id only, from
/// either side and as `str` or `&str`.
#[test]
fn rules_are_found_and_compared_by_text_id() {
    for r in RULES {
        let (id, text) = (r.id, r.id.as_str());
        assert_eq!(rolecall_audit::rules::rule(text).map(|x| x.id), Some(id));
        let nope = "TP-NOPE";
        assert_eq!(
            [id == *text, *text == id, id == text, text == id],
            [true; 4]
        );
        assert_eq!(
            [id == *nope, *nope == id, id == nope, nope == id],
            [false; 4]
        );
    }
    assert!(rolecall_audit::rules::rule("TP-NOPE").is_none());
}
