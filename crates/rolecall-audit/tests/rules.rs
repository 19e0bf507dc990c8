#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]
//! One firing and one non-firing fixture per rule family.

use rolecall_audit::{audit_text, AuditOptions, Finding, RuleId, Severity, Verdict};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const EKS: &str = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";

fn web(fed: &str, cond: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{fed}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{cond}}}]}}"#
    )
}

fn gh(cond: &str) -> String {
    web(GH, cond)
}

fn run(p: &str) -> Vec<Finding> {
    audit_text(p, &AuditOptions::default())
}

fn has(p: &str, rule: &str) -> Option<Finding> {
    run(p).into_iter().find(|f| f.rule == rule)
}

const AUD: &str =
    r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}"#;

fn gh_sub(op: &str, sub: &str) -> String {
    if op == "StringEquals" {
        // One operator block may appear only once: merge aud and sub.
        return gh(&format!(
            r#"{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":{sub}}}}}"#
        ));
    }
    gh(&format!(
        r#"{{{AUD},"{op}":{{"token.actions.githubusercontent.com:sub":{sub}}}}}"#
    ))
}

#[test]
fn exact_pin_is_quiet() {
    let f = run(&gh_sub(
        "StringLike",
        r#""repo:acme/app:ref:refs/heads/main""#,
    ));
    assert!(f.iter().all(|f| f.severity < Severity::Medium), "{f:#?}");
}

#[test]
fn no_condition_and_no_sub() {
    let p = web(GH, "{}").replace(r#","Condition":{}"#, "");
    let f = has(&p, "TP-OIDC-NO-COND").unwrap();
    assert_eq!(f.severity, Severity::Critical);
    let f = has(&gh(&format!("{{{AUD}}}")), "TP-OIDC-NO-SUB").unwrap();
    assert_eq!(f.verdict, Verdict::Open);
    assert!(has(
        &gh_sub("StringEquals", r#""repo:acme/app:ref:refs/heads/main""#),
        "TP-OIDC-NO-SUB"
    )
    .is_none());
}

#[test]
fn loose_value_second_in_list() {
    let p = gh_sub(
        "StringLike",
        r#"["repo:acme/app:ref:refs/heads/main","repo:*"]"#,
    );
    let f = run(&p);
    let loosest = f
        .iter()
        .find(|f| f.rule == "TP-MULTI-VALUE-LOOSEST")
        .expect("loosest");
    assert!(loosest.message.contains("`repo:*`"));
    // the span points at the second value
    assert_eq!(&p[loosest.span.range()], "\"repo:*\"");
    assert!(f.iter().any(|f| f.rule == "TP-OIDC-SUB-WILDCARD-ALL"));
    // two tight values: nothing
    let p = gh_sub(
        "StringLike",
        r#"["repo:acme/app:ref:refs/heads/main","repo:acme/app:environment:prod"]"#,
    );
    assert!(has(&p, "TP-MULTI-VALUE-LOOSEST").is_none());
}

#[test]
fn deny_cancels_loose_allow() {
    let allow = gh_sub("StringLike", r#""repo:*/infra:*""#);
    assert!(has(&allow, "TP-OIDC-SUB-ANY-OWNER").is_some());
    let deny = r#",{"Effect":"Deny","Principal":{"Federated":"FED"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringNotLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}}}]}"#
        .replace("FED", GH);
    let with_deny = format!("{}{}", allow.trim_end_matches("]}"), deny);
    let f = run(&with_deny);
    assert!(
        f.iter().all(|f| f.rule != "TP-OIDC-SUB-ANY-OWNER"),
        "{f:#?}"
    );
}

#[test]
fn stringequals_with_star_is_broken_not_open() {
    let p = gh_sub("StringEquals", r#""repo:acme/*""#);
    let f = run(&p);
    let w = f
        .iter()
        .find(|f| f.rule == "TP-WILDCARD-IN-EQUALS")
        .unwrap();
    assert_eq!(w.verdict, Verdict::Broken);
    assert!(f
        .iter()
        .any(|f| f.rule == "TP-SUB-UNSATISFIABLE" && f.verdict == Verdict::Broken));
    assert!(f.iter().all(|f| f.verdict != Verdict::Open), "{f:#?}");
    // The StringLike reading is reported as advice.
    assert!(f
        .iter()
        .any(|f| f.rule == "TP-GHA-ORG-WIDE" && f.verdict == Verdict::Advice));
    // StringNotEquals with `*` is open.
    let p = gh_sub("StringNotEquals", r#""*""#);
    let w = has(&p, "TP-WILDCARD-IN-EQUALS").unwrap();
    assert_eq!((w.verdict, w.severity), (Verdict::Open, Severity::Critical));
    assert!(has(
        &gh_sub("StringLike", r#""repo:acme/*""#),
        "TP-WILDCARD-IN-EQUALS"
    )
    .is_none());
}

#[test]
fn forallvalues_on_sub() {
    // sub is always present: ForAllValues behaves like the plain operator (low, advice).
    let p = gh_sub("ForAllValues:StringLike", r#""repo:acme/app:*""#);
    let f = has(&p, "TP-SET-OP-SINGLE-VALUED").unwrap();
    assert_eq!((f.severity, f.verdict), (Severity::Low, Verdict::Advice));
    assert!(has(&p, "TP-OIDC-NO-SUB").is_none());
    // On a claim STS never exposes it is vacuous: open when nothing else bounds identity.
    let p = gh(&format!(
        r#"{{{AUD},"ForAllValues:StringEquals":{{"token.actions.githubusercontent.com:iss":"x"}}}}"#
    ));
    assert!(run(&p)
        .iter()
        .any(|f| f.rule == "TP-SET-OP-SINGLE-VALUED" && f.verdict == Verdict::Open));
    assert!(has(
        &gh_sub("StringLike", r#""repo:acme/app:*""#),
        "TP-SET-OP-SINGLE-VALUED"
    )
    .is_none());
}

#[test]
fn key_for_another_issuer() {
    let p =
        gh(r#"{"StringEquals":{"gitlab.com:sub":"project_path:g/p:ref_type:branch:ref:main"}}"#);
    let f = has(&p, "TP-COND-KEY-PROVIDER-MISMATCH").unwrap();
    assert_eq!(f.verdict, Verdict::Broken);
    assert_eq!(&p[f.span.range()], "\"gitlab.com:sub\"");
    // negated: fail-open
    let p = gh(r#"{"StringNotEquals":{"gitlab.com:sub":"x"}}"#);
    let f = has(&p, "TP-COND-KEY-PROVIDER-MISMATCH").unwrap();
    assert_eq!(f.verdict, Verdict::Open);
    assert!(has(
        &gh_sub("StringEquals", r#""repo:a/b:pull_request""#),
        "TP-COND-KEY-PROVIDER-MISMATCH"
    )
    .is_none());
}

#[test]
fn github_2026_claim_key() {
    let p = gh(&format!(r#"{{{AUD},"StringEquals":{{"token.actions.githubusercontent.com:repository":"acme/app"}}}}"#).replace(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringEquals""#,
        r#""StringEquals""#,
    ));
    // after 2026: `repository` bounds the identity
    let now = run(&p);
    assert!(
        now.iter()
            .all(|f| f.rule != "TP-OIDC-NO-SUB" && f.rule != "TP-UNSUPPORTED-CLAIM-KEY"),
        "{now:#?}"
    );
    // before 2026: the key is absent, the statement never matches
    let mut pre = AuditOptions::default();
    pre.pre_2026_claims = true;
    let old = audit_text(&p, &pre);
    let f = old
        .iter()
        .find(|f| f.rule == "TP-UNSUPPORTED-CLAIM-KEY")
        .unwrap();
    assert_eq!(f.verdict, Verdict::Broken);
}

#[test]
fn irsa_namespace_prefix_without_colon() {
    let p = web(
        EKS,
        r#"{"StringEquals":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud":"sts.amazonaws.com"},"StringLike":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:prod*"}}"#,
    );
    let f = has(&p, "TP-IRSA-NAMESPACE-PREFIX").unwrap();
    assert!(
        f.witness
            .as_deref()
            .is_some_and(|w| w.starts_with("system:serviceaccount:prod")
                && !w.starts_with("system:serviceaccount:prod:")
                && f.message.contains(w)),
        "{}",
        f.message
    );
    let p2 = p.replace(
        "system:serviceaccount:prod*",
        "system:serviceaccount:prod:*",
    );
    assert!(has(&p2, "TP-IRSA-NAMESPACE-PREFIX").is_none());
    assert!(has(&p2, "TP-IRSA-SUB-WILDCARD").is_some());
    let p3 = p.replace(
        "system:serviceaccount:prod*",
        "system:serviceaccount:prod:app",
    );
    assert!(run(&p3).iter().all(|f| f.severity < Severity::Medium));
}

#[test]
fn github_shapes() {
    assert!(has(
        &gh_sub("StringLike", r#""repo:octocat*/hello-world*""#),
        "TP-GHA-ORG-PREFIX"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringLike", r#""repo:octocat/hello-world:*""#),
        "TP-GHA-ORG-PREFIX"
    )
    .is_none());
    assert!(has(&gh_sub("StringLike", r#""repo:acme/*""#), "TP-GHA-ORG-WIDE").is_some());
    assert!(has(
        &gh_sub("StringLike", r#""repo:acme/app:*""#),
        "TP-GHA-ORG-WIDE"
    )
    .is_none());
    assert!(has(
        &gh_sub("StringLike", r#""repo:acme/app:*""#),
        "TP-GHA-ANY-REF"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringLike", r#""repo:acme/app:ref:refs/heads/main*""#),
        "TP-GHA-BRANCH-PREFIX"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringLike", r#""repo:acme/app:ref:refs/heads/main""#),
        "TP-GHA-BRANCH-PREFIX"
    )
    .is_none());
    assert!(has(
        &gh_sub("StringEquals", r#""repo:acme/app:pull_request""#),
        "TP-GHA-PULL-REQUEST"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringLike", r#""repo:*""#),
        "TP-OIDC-SUB-WILDCARD-ALL"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringLike", r#""repo:*/*:ref:refs/heads/corgi""#),
        "TP-OIDC-SUB-ANY-OWNER"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringEquals", r#""invalid""#),
        "TP-SUB-UNSATISFIABLE"
    )
    .is_some());
    assert!(has(
        &gh_sub("StringNotEquals", r#""repo:evil/x:ref:refs/heads/main""#),
        "TP-NEGATED-OPERATOR-ON-IDENTITY"
    )
    .is_some());
    // trusted owners from options
    let mut o = AuditOptions::default();
    o.trusted_github_owners = vec!["acme".into()];
    let f = audit_text(&gh_sub("StringLike", r#""repo:other/app:*""#), &o);
    assert!(f.iter().any(|f| f.rule == "TP-OIDC-SUB-ANY-OWNER"));
}

#[test]
fn tenancy_lowers_severity() {
    let ent = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/acme";
    let p = web(ent, "{}").replace(r#","Condition":{}"#, "");
    assert_eq!(has(&p, "TP-OIDC-NO-COND").unwrap().severity, Severity::High);
}

#[test]
fn aws_and_service_principals() {
    let star = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
    assert!(has(star, "TP-PRINCIPAL-STAR-NO-COND").is_some());
    let scoped = star.replace(r#""Action":"sts:AssumeRole""#, r#""Action":"sts:AssumeRole","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/x"}}"#);
    assert!(has(&scoped, "TP-PRINCIPAL-STAR-NO-COND").is_none());
    assert!(has(&scoped, "TP-PRINCIPAL-STAR-SCOPED").is_some());
    let weak = star.replace(r#""Action":"sts:AssumeRole""#, r#""Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abcdefghijkl"}}"#);
    assert!(has(&weak, "TP-PRINCIPAL-STAR-WEAK-COND").is_some());
    let root = star.replace(r#""AWS":"*""#, r#""AWS":"arn:aws:iam::444455556666:root""#);
    assert!(has(&root, "TP-XACCOUNT-NO-EXTERNALID").is_some());
    let mut o = AuditOptions::default();
    o.own_account = Some("444455556666".into());
    assert!(audit_text(&root, &o)
        .iter()
        .all(|f| f.rule != "TP-XACCOUNT-NO-EXTERNALID"));
    let pods = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"]}]}"#;
    assert!(has(pods, "TP-PODID-UNSCOPED").is_some());
    let scoped = pods.replace(r#""sts:TagSession"]"#, r#""sts:TagSession"],"Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:us-east-1:1:cluster/c","aws:RequestTag/kubernetes-namespace":"n"}}"#);
    assert!(has(&scoped, "TP-PODID-UNSCOPED").is_none());
    let sched = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"scheduler.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    assert!(has(sched, "TP-SERVICE-NO-SOURCE").is_some());
    let bound = sched.replace(r#""Action":"sts:AssumeRole""#, r#""Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}"#);
    assert!(has(&bound, "TP-SERVICE-NO-SOURCE").is_none());
}

#[test]
fn structural() {
    let p = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"sts:AssumeRole","Resource":"*"}]}"#;
    let f = run(p);
    assert!(f.iter().any(|f| f.rule == "TP-RESOURCE-IN-TRUST"));
    assert!(f.iter().any(|f| f.rule == "TP-VERSION-2008"));
    let bad = run("{\"Statement\": [ {\"Effect\": \"Allow\",, }]}");
    assert_eq!(bad.len(), 1);
    assert_eq!(
        (bad[0].rule, bad[0].verdict),
        (RuleId::InvalidPolicy, Verdict::Invalid)
    );
    assert_eq!(bad[0].span.line, 1);
}

#[test]
fn disabled_rules_and_overrides() {
    let p = gh_sub("StringLike", r#""repo:acme/app:*""#);
    let mut o = AuditOptions::default();
    o.disabled_rules = vec![RuleId::GhaAnyRef];
    o.severity_overrides
        .insert(RuleId::OidcNoAud, Severity::High);
    let f = audit_text(&p.replace(AUD, r#""StringEquals":{}"#), &o);
    assert!(f.iter().all(|f| f.rule != "TP-GHA-ANY-REF"));
    assert_eq!(
        f.iter()
            .find(|f| f.rule == "TP-OIDC-NO-AUD")
            .unwrap()
            .severity,
        Severity::High
    );
}

/// TP-NAME-RECYCLE stays quiet when the statement also pins the issuer's
/// immutable id exactly (GitHub `repository_id`, GitLab.com `project_id`,
/// docs/SEMANTICS.md §4.7), as GitLab's documented triple pin does; it
/// still fires for a wildcard id, before 2026, and for self-managed GitLab.
#[test]
fn name_recycle_quiet_when_an_immutable_id_is_pinned() {
    const GL: &str = "arn:aws:iam::111122223333:oidc-provider/gitlab.com";
    const GLS: &str = "arn:aws:iam::111122223333:oidc-provider/gitlab.example.com";
    let gitlab = |fed: &str, host: &str, id: &str| {
        web(
            fed,
            &format!(
                r#"{{"StringEquals":{{"{host}:aud":"https://{host}","{host}:sub":"project_path:mygroup/myproject:ref_type:branch:ref:main","{host}:namespace_id":"12345","{host}:project_id":{id}}}}}"#
            ),
        )
    };
    let github = |id: &str| {
        gh(&format!(
            r#"{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:ref:refs/heads/main","token.actions.githubusercontent.com:repository_id":{id}}}}}"#
        ))
    };
    for p in [gitlab(GL, "gitlab.com", r#""67890""#), github(r#""74""#)] {
        assert!(has(&p, "TP-NAME-RECYCLE").is_none(), "{p}");
    }
    // Without an exact id, or where the id is not a key, the advice stays.
    for p in [
        gitlab(GL, "gitlab.com", r#""6789*""#),
        github(r#"["74", "*"]"#),
        gh_sub(
            "StringEquals",
            r#""repo:octo-org/octo-repo:ref:refs/heads/main""#,
        ),
    ] {
        assert!(has(&p, "TP-NAME-RECYCLE").is_some(), "{p}");
    }
    // A self-managed GitLab has no `project_id` key (GitLab's AWS guide says
    // so too): the condition can never hold.
    let own = gitlab(GLS, "gitlab.example.com", r#""67890""#);
    assert!(has(&own, "TP-UNSUPPORTED-CLAIM-KEY").is_some(), "{own}");
    let mut pre = AuditOptions::default();
    pre.pre_2026_claims = true;
    let old = audit_text(&github(r#""74""#), &pre);
    // Before 2026 `repository_id` was no key: the pin cannot hold at all.
    assert!(
        old.iter().any(|f| f.rule == "TP-UNSUPPORTED-CLAIM-KEY"),
        "{old:#?}"
    );
}

/// Since 2026 GitLab.com's `project_id` and CircleCI's project id are keys
/// that bound the caller to one project (docs/SEMANTICS.md §4.7): a statement
/// pinned by them alone is not "anyone with a token"; a group pin is.
#[test]
fn project_id_pins_bound_the_identity() {
    const GL: &str = "arn:aws:iam::111122223333:oidc-provider/gitlab.com";
    let org = "a5b0c7d3-2f41-4e8b-9c6a-1d2e3f405162";
    let cc = format!("oidc.circleci.com/org/{org}");
    let gitlab = |key: &str| {
        web(
            GL,
            &format!(
                r#"{{"StringEquals":{{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:{key}":"67890"}}}}"#
            ),
        )
    };
    let circle = web(
        &format!("arn:aws:iam::111122223333:oidc-provider/{cc}"),
        &format!(
            r#"{{"StringEquals":{{"{cc}:aud":"{org}","{cc}:oidc.circleci.com/project-id":"c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f"}}}}"#
        ),
    );
    for p in [gitlab("project_id"), circle.clone()] {
        assert!(has(&p, "TP-OIDC-NO-SUB").is_none(), "{:#?}", run(&p));
    }
    assert!(has(&gitlab("namespace_id"), "TP-OIDC-NO-SUB").is_some());
    let mut pre = AuditOptions::default();
    pre.pre_2026_claims = true;
    for p in [gitlab("project_id"), circle] {
        let old = audit_text(&p, &pre);
        assert!(
            old.iter().any(|f| f.rule == "TP-UNSUPPORTED-CLAIM-KEY"),
            "{old:#?}"
        );
    }
    // Before 2026 `project_id` named no identity: a condition on it that always holds is low
    // advice there (the missing `sub` pin is reported as such), high since 2026.
    let vacuous = web(
        GL,
        r#"{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com"},"StringEqualsIfExists":{"gitlab.com:project_id":"67890"}}"#,
    );
    let old = audit_text(&vacuous, &pre);
    let f = old
        .iter()
        .find(|f| f.rule == "TP-UNSUPPORTED-CLAIM-KEY")
        .unwrap_or_else(|| panic!("{old:#?}"));
    assert_eq!(f.severity, rolecall_audit::Severity::Low, "{f:#?}");
}

/// A custom GitHub `sub` template (`repository_owner`, then `context`): a policy pinning a
/// subject of that template is read with the template's grammar when the options carry it (no
/// unknown-grammar or unsatisfiable finding; wildcards are analysed per its fields), and is
/// reported as outside GitHub's default template without it.
#[test]
fn github_custom_template_grammar() {
    use rolecall_eval::issuers::SubjectGrammar;
    let keys = ["repository_owner".to_owned(), "context".to_owned()];
    let template =
        AuditOptions::new().with_github_subjects(SubjectGrammar::github_template(&keys).unwrap());
    let unknown_or_broken = |fs: &[Finding]| {
        fs.iter()
            .filter(|f| {
                f.rule == RuleId::SubGrammarUnknown
                    || f.rule == RuleId::SubUnsatisfiable
                    || f.verdict == Verdict::Broken
            })
            .map(|f| f.rule.to_string())
            .collect::<Vec<_>>()
    };
    let p = gh_sub(
        "StringEquals",
        r#""repository_owner:octo-org:environment:prod""#,
    );
    let with = audit_text(&p, &template);
    assert!(unknown_or_broken(&with).is_empty(), "{with:#?}");
    let without = run(&p);
    assert!(
        without.iter().any(|f| f.rule == RuleId::SubGrammarUnknown
            && f.message.contains("custom subject template")),
        "{without:#?}"
    );
    // A wildcard in the owner field is analysed with the template: any owner is open.
    let open = gh_sub("StringLike", r#""repository_owner:*:environment:prod""#);
    let f = audit_text(&open, &template)
        .into_iter()
        .find(|f| f.rule == RuleId::OidcSubAnyOwner)
        .unwrap();
    assert_eq!(f.verdict, Verdict::Open);
    let w = f.witness.unwrap();
    assert!(
        w.starts_with("repository_owner:") && w.ends_with(":environment:prod"),
        "{w}"
    );
    // A subject the template does not mint is unsatisfiable under it.
    let wrong = gh_sub("StringEquals", r#""repo:octo-org/app:ref:refs/heads/main""#);
    assert!(audit_text(&wrong, &template)
        .iter()
        .any(|f| f.rule == RuleId::SubUnsatisfiable));
}
