#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]
//! Verdicts issue 15 found wrong on real trust policies, one test each (each failed before its
//! fix): the breadth a statement admits is judged on the admitted set, whatever spelled it, and
//! a statement is broken only when it (or its purpose) can never be used.

use rolecall_audit::{audit_text, AuditOptions, Finding, RuleId, Severity, Verdict};

fn run(p: &str) -> Vec<Finding> {
    audit_text(p, &AuditOptions::default())
}

fn rules(f: &[Finding]) -> Vec<(RuleId, Verdict)> {
    f.iter().map(|f| (f.rule, f.verdict)).collect()
}

/// The finding of `rule`; fails listing the rules found when there is none.
fn finding(f: &[Finding], rule: RuleId) -> &Finding {
    f.iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("no {rule}: {:?}", rules(f)))
}

/// Fails unless `rule` is among the findings.
#[track_caller]
fn assert_fires(f: &[Finding], rule: RuleId) {
    assert!(
        f.iter().any(|f| f.rule == rule),
        "no {rule}: {:?}",
        rules(f)
    );
}

/// Fails if `rule` is among the findings.
#[track_caller]
fn assert_quiet(f: &[Finding], rule: RuleId) {
    assert!(
        f.iter().all(|f| f.rule != rule),
        "{rule} fired: {:?}",
        rules(f)
    );
}

/// Fails if any finding has the verdict `v`.
#[track_caller]
fn assert_no_verdict(f: &[Finding], v: Verdict) {
    assert!(f.iter().all(|f| f.verdict != v), "{v:?}: {:?}", rules(f));
}

fn policy(statements: &str) -> String {
    format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#)
}

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

/// A GitHub web-identity `Allow` statement whose `Condition` object holds `blocks`.
fn gh_allow(blocks: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{{blocks}}}}}"#
    )
}

#[test]
fn org_wide_sub_under_for_all_values_is_org_wide() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
        "ForAllValues:StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*"}"#,
    ));
    let f = run(&p);
    let wide = finding(&f, RuleId::GhaOrgWide);
    assert_eq!(wide.verdict, Verdict::Open);
    assert!(wide.message.contains("repo:acme/"), "{}", wide.message);
    // Spelled plainly, the same set gets the same rule.
    let plain = p.replace("ForAllValues:StringLike", "StringLike");
    assert!(run(&plain).iter().any(|f| f.rule == RuleId::GhaOrgWide));
}

#[test]
fn hcp_terraform_project_wildcard_with_pinned_workspace_is_not_open() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/app.terraform.io"},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{"StringEquals":{"app.terraform.io:aud":"aws.workload.identity"},
        "StringLike":{"app.terraform.io:sub":"organization:acme:project:*:workspace:prod:run_phase:apply"}}}"#,
    );
    let f = run(&p);
    assert_no_verdict(&f, Verdict::Open);
    // A wildcard workspace still is.
    let wide = p.replace("workspace:prod", "workspace:*");
    assert!(run(&wide)
        .iter()
        .any(|f| f.rule == RuleId::TfcWorkspaceWildcard));
}

#[test]
fn pod_identity_pinned_by_cluster_name_is_pinned() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession"],
        "Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-name":"prod","aws:RequestTag/kubernetes-namespace":"payments"}}}"#,
    );
    let f = run(&p);
    assert!(
        f.iter()
            .all(|f| f.rule != RuleId::PodidNoCluster && f.rule != RuleId::PodidUnscoped),
        "{:?}",
        rules(&f)
    );
}

#[test]
fn tag_session_statement_beside_the_assume_statement_is_not_broken() {
    let assume = format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}}}}"#
    );
    let tag = format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:TagSession"}}"#
    );
    let f = run(&policy(&format!("{assume},{tag}")));
    assert_no_verdict(&f, Verdict::Broken);
    // Alone, the TagSession statement's purpose can never be served; nor beside a statement
    // that denies the assume action, or allows it to another principal.
    let deny = assume.replace(r#""Effect":"Allow""#, r#""Effect":"Deny""#);
    let other = assume.replace(GH, "arn:aws:iam::111122223333:oidc-provider/gitlab.com");
    for p in [
        tag.clone(),
        format!("{deny},{tag}"),
        format!("{other},{tag}"),
    ] {
        let f = run(&policy(&p));
        assert!(
            f.iter().any(|f| f.rule == RuleId::ActionPrincipalMismatch
                && f.verdict == Verdict::Broken
                && f.statement == Some(p.matches("\"Effect\"").count() - 1)),
            "{p}: {:?}",
            rules(&f)
        );
    }

    // Pod Identity: TagSession granted by a second statement for the same service.
    let pods = r#"{"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:RequestTag/eks-cluster-arn":"arn:aws:eks:us-east-1:111122223333:cluster/prod"}}},
        {"Effect":"Allow","Principal":{"Service":"pods.eks.amazonaws.com"},"Action":"sts:TagSession"}"#;
    let f = run(&policy(pods));
    assert_no_verdict(&f, Verdict::Broken);
}

#[test]
fn inert_extra_action_on_a_service_principal_is_not_broken() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]}"#,
    );
    let f = run(&p);
    let m = finding(&f, RuleId::ActionPrincipalMismatch);
    assert_eq!(m.verdict, Verdict::Advice);
    // With no usable action the statement is broken.
    let only = p.replace(
        r#"["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]"#,
        r#""sts:AssumeRoleWithWebIdentity""#,
    );
    assert!(run(&only)
        .iter()
        .any(|f| f.rule == RuleId::ActionPrincipalMismatch && f.verdict == Verdict::Broken));
}

/// A policy trusting gitlab.com, its `aud` pinned and its `sub` under `StringLike`.
fn gitlab_like(sub: &str) -> String {
    policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"gitlab.com:aud":"https://gitlab.com"}},"StringLike":{{"gitlab.com:sub":"{sub}"}}}}}}"#
    ))
}

#[test]
fn gitlab_project_any_ref_is_not_group_wide() {
    let p = gitlab_like("project_path:acme/app:*");
    let f = run(&p);
    assert_quiet(&f, RuleId::GitlabGroupWide);
    assert_fires(&f, RuleId::GitlabAnyRef);
    // Any ref includes tags: the narrower "a tag as well as a branch" is not said again.
    assert_quiet(&f, RuleId::GitlabReftypeWildcard);
}

/// A CircleCI organisation id.
const CIRCLECI_ORG: &str = "0e3e0b5f-0a0c-4a1b-9a4e-4c7a1b2c3d4e";

/// A CircleCI web-identity `Allow` of organisation [`CIRCLECI_ORG`], its `aud` pinned, with one
/// more condition block.
fn circleci_allow(block: &str) -> String {
    let org = CIRCLECI_ORG;
    format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/oidc.circleci.com/org/{org}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"oidc.circleci.com/org/{org}:aud":"{org}"}},{block}}}}}"#
    )
}

#[test]
fn circleci_v2_subject_is_satisfiable() {
    let org = CIRCLECI_ORG;
    let p = policy(&circleci_allow(&format!(
        r#""StringLike":{{"oidc.circleci.com/org/{org}:sub":"org/{org}/project/7a1b2c3d-0a0c-4a1b-9a4e-4c7a1b2c3d4e/user/*/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main"}}"#
    )));
    let f = run(&p);
    assert_quiet(&f, RuleId::SubUnsatisfiable);
}

#[test]
fn china_region_irsa_any_service_account_is_open() {
    let fed =
        "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC";
    let key = "oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC";
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{fed}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"{key}:aud":"sts.amazonaws.com"}},"StringLike":{{"{key}:sub":"system:serviceaccount:*"}}}}}}"#
    ));
    let f = run(&p);
    assert!(
        f.iter().any(|f| f.verdict == Verdict::Open
            && matches!(
                f.rule,
                RuleId::IrsaNamespacePrefix | RuleId::OidcSubWildcardAll | RuleId::IrsaNoSub
            )),
        "{:?}",
        rules(&f)
    );
}

#[test]
fn a_dead_value_beside_a_live_one_is_advice_not_broken() {
    let sub = |v: &str| {
        policy(&gh_allow(&format!(
            r#""StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":{v}}}"#
        )))
    };
    let verdict = |p: &str, rule: RuleId| {
        run(p)
            .into_iter()
            .find(|f| f.rule == rule)
            .map(|f| f.verdict)
    };
    // `*` under StringEquals beside an exact subject: the statement still works.
    let mixed = sub(r#"["repo:acme/app:ref:refs/heads/main","repo:acme/*"]"#);
    assert_eq!(
        verdict(&mixed, RuleId::WildcardInEquals),
        Some(Verdict::Advice)
    );
    let only = sub(r#""repo:acme/*""#);
    assert_eq!(
        verdict(&only, RuleId::WildcardInEquals),
        Some(Verdict::Broken)
    );

    // A deleted principal beside a live one.
    let aws = |principals: &str| {
        policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":{principals}}},"Action":"sts:AssumeRole"}}"#
        ))
    };
    let both = aws(r#"["AROAEXAMPLEID1234567","arn:aws:iam::111122223333:role/deployer"]"#);
    assert_eq!(
        verdict(&both, RuleId::DeletedPrincipal),
        Some(Verdict::Advice)
    );
    let gone = aws(r#""AROAEXAMPLEID1234567""#);
    assert_eq!(
        verdict(&gone, RuleId::DeletedPrincipal),
        Some(Verdict::Broken)
    );

    // An audience the provider does not register beside one it does.
    let mut o = AuditOptions::default();
    o.client_ids.insert(
        "token.actions.githubusercontent.com".into(),
        vec!["sts.amazonaws.com".into()],
    );
    let two_auds = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":["sts.amazonaws.com","https://github.com/acme"],"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}"#,
    ));
    let f = audit_text(&two_auds, &o);
    let aud = f
        .iter()
        .find(|f| f.rule == RuleId::AudNotInClientlist)
        .unwrap();
    assert_eq!(aud.verdict, Verdict::Advice);
    let one_aud = two_auds.replace(
        r#"["sts.amazonaws.com","https://github.com/acme"]"#,
        r#""https://github.com/acme""#,
    );
    let f = audit_text(&one_aud, &o);
    let aud = f
        .iter()
        .find(|f| f.rule == RuleId::AudNotInClientlist)
        .unwrap();
    assert_eq!(aud.verdict, Verdict::Broken);
}

#[test]
fn printed_witnesses_are_confirmed_by_the_analyzer() {
    // Every open finding over the corpus that quotes a witness carries it, confirmed (a refuted
    // one is dropped, one the analyzer cannot decide says so).
    let dir = rolecall_testkit::corpus_dir();
    let mut witnessed = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for f in run(&text) {
            if let Some(w) = &f.witness {
                witnessed += 1;
                assert!(
                    f.message.contains(w.as_str()),
                    "{}: {}",
                    path.display(),
                    f.message
                );
                assert!(
                    !f.message.contains("not confirmed"),
                    "{}: {}",
                    path.display(),
                    f.message
                );
            }
        }
    }
    assert!(witnessed >= 40, "only {witnessed} witnessed findings");
}

#[test]
fn an_issuer_without_a_known_grammar_is_never_silent() {
    let p = |sub: &str| {
        policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.example-ci.dev"}},"Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{{"StringEquals":{{"token.example-ci.dev:aud":"sts.amazonaws.com"}},"StringLike":{{"token.example-ci.dev:sub":"{sub}"}}}}}}"#
        ))
    };
    let text = p("project:acme-*");
    let f = run(&text);
    let unknown = finding(&f, RuleId::SubGrammarUnknown);
    // It points at the `sub` values, and quotes them only.
    assert_eq!(&text[unknown.span.range()], r#""project:acme-*""#);
    assert!(
        !unknown.message.contains("sts.amazonaws.com"),
        "{}",
        unknown.message
    );
    // The witness is the analyzer's, over all strings.
    let w = unknown.witness.as_deref().unwrap();
    assert!(w.starts_with("project:acme-"), "{w}");
    assert!(unknown.message.contains(w));
    // `*` alone admits every subject of the issuer.
    let f = run(&p("*"));
    assert!(
        f.iter()
            .any(|f| f.rule == RuleId::OidcSubWildcardAll && f.verdict == Verdict::Open),
        "{:?}",
        rules(&f)
    );
}

/// One admitted set, one answer: `repo:acme/*` (any repository of the owner) spelled with a set
/// qualifier, `IfExists`, beside a narrower value, beside a negated exclusion, beside a Deny
/// statement, or as the second of two statements, is reported as organisation-wide each time,
/// with a witness of the owner `acme` taken from rolecall-analyze's regions.
#[test]
fn one_admitted_set_one_answer() {
    const AUD: &str =
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}"#;
    let allow = |cond: &str| {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{{AUD},{cond}}}}}"#
        )
    };
    let sub = "token.actions.githubusercontent.com:sub";
    let deny = format!(
        r#"{{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"{sub}":"repo:acme/secret:*"}}}}}}"#
    );
    let spellings = [
        policy(&allow(&format!(
            r#""StringLike":{{"{sub}":"repo:acme/*"}}"#
        ))),
        policy(&allow(&format!(
            r#""ForAnyValue:StringLike":{{"{sub}":"repo:acme/*"}}"#
        ))),
        policy(&allow(&format!(
            r#""StringLikeIfExists":{{"{sub}":"repo:acme/*"}}"#
        ))),
        policy(&allow(&format!(
            r#""StringLike":{{"{sub}":["repo:acme/app:ref:refs/heads/main","repo:acme/*"]}}"#
        ))),
        policy(&allow(&format!(
            r#""StringLike":{{"{sub}":"repo:acme/*"}},"StringNotLike":{{"{sub}":"repo:acme/secret:*"}}"#
        ))),
        policy(&format!(
            "{},{deny}",
            allow(&format!(r#""StringLike":{{"{sub}":"repo:acme/*"}}"#))
        )),
        policy(&format!(
            "{},{}",
            allow(&format!(
                r#""StringEquals":{{"{sub}":"repo:acme/app:ref:refs/heads/main"}}"#
            ))
            .replace(
                &format!(r#""StringEquals":{{"{sub}""#),
                &format!(r#""StringLike":{{"{sub}""#)
            ),
            allow(&format!(r#""StringLike":{{"{sub}":"repo:acme/*"}}"#))
        )),
    ];
    for p in &spellings {
        let f = run(p);
        let wide = f
            .iter()
            .find(|f| f.rule == RuleId::GhaOrgWide)
            .unwrap_or_else(|| panic!("{p}\n{:?}", rules(&f)));
        assert_eq!(wide.verdict, Verdict::Open, "{p}");
        let w = wide.witness.as_deref().unwrap();
        assert!(
            w.starts_with("repo:acme/") && !w.starts_with("repo:acme/secret:"),
            "{p}: {w}"
        );
        assert!(
            !f.iter()
                .any(|f| f.rule == RuleId::OidcSubAnyOwner || f.rule == RuleId::Unanalysable),
            "{p}\n{:?}",
            rules(&f)
        );
    }
}

/// A literal `sub` under `StringEqualsIgnoreCase` spelled in another case than GitHub sends is
/// satisfiable (the analyzer reads the operator, not the value's spelling): not broken.
#[test]
fn ignore_case_literal_is_not_unsatisfiable() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
        "StringEqualsIgnoreCase":{"token.actions.githubusercontent.com:sub":"REPO:acme/app:REF:refs/heads/main"}"#,
    ));
    let f = run(&p);
    assert!(
        !f.iter().any(|f| f.verdict == Verdict::Broken),
        "{:?}",
        rules(&f)
    );
}

/// A GitLab subject pins its project by names; the advice names the tenant, which is the
/// top-level group (subgroups belong to it), not the whole namespace path.
#[test]
fn gitlab_name_advice_names_the_top_level_group() {
    for (sub, tenants) in [
        (
            "project_path:acme/platform/app:ref_type:branch:ref:main",
            "(`acme`)",
        ),
        ("project_path:acme/app:ref_type:branch:ref:main", "(`acme`)"),
    ] {
        let p = policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/gitlab.com"}},"Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{{"StringEquals":{{"gitlab.com:aud":"https://gitlab.com","gitlab.com:sub":"{sub}"}}}}}}"#
        ));
        let f = run(&p);
        let advice = f
            .iter()
            .find(|f| f.rule == RuleId::NameRecycle)
            .unwrap_or_else(|| panic!("{sub}: {:?}", rules(&f)));
        assert!(
            advice
                .message
                .contains(&format!("pinned by names {tenants}")),
            "{sub}: {}",
            advice.message
        );
    }
}

/// `project_path:acme/*` admits every project of the group `acme` and of its subgroups: one
/// tenant, reported as group-wide, never as a subject outside the tenant.
#[test]
fn gitlab_group_wildcard_stays_inside_the_group() {
    let p = gitlab_like("project_path:acme/*:ref_type:branch:ref:main");
    let f = run(&p);
    assert_fires(&f, RuleId::GitlabGroupWide);
    assert_quiet(&f, RuleId::OidcSubAnyOwner);
}

/// A GitHub web-identity `Allow` of two subjects, one of owner `acme` and one of owner `evil`.
fn acme_and_evil_allow() -> String {
    gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub":["repo:acme/app:ref:refs/heads/main","repo:evil/app:ref:refs/heads/main"]}"#,
    )
}

/// A GitHub web-identity `Deny` under one `StringEquals` entry.
fn gh_deny(entry: &str) -> String {
    format!(
        r#"{{"Effect":"Deny","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{{entry}}}}}}}"#
    )
}

/// Options trusting the GitHub owner `acme` only.
fn trusting_acme() -> AuditOptions {
    let mut options = AuditOptions::default();
    options.trusted_github_owners = vec!["acme".into()];
    options
}

/// A witness is reported only if a request with it is allowed: a foreign subject listed in the
/// Allow but denied by a Deny statement is no finding (the Deny is seen when the witness is
/// confirmed), and without the Deny it is.
#[test]
fn a_witness_a_deny_refuses_is_no_finding() {
    let allow = acme_and_evil_allow();
    let deny =
        gh_deny(r#""token.actions.githubusercontent.com:sub":"repo:evil/app:ref:refs/heads/main""#);
    let options = trusting_acme();
    let foreign = |f: &[Finding]| {
        f.iter()
            .any(|f| f.witness.as_deref() == Some("repo:evil/app:ref:refs/heads/main"))
    };
    let p = policy(&allow);
    let open = audit_text(&p, &options);
    assert!(foreign(&open), "{:?}", rules(&open));
    // The finding points at the value that admits the witness.
    let f = open
        .iter()
        .find(|f| f.witness.as_deref() == Some("repo:evil/app:ref:refs/heads/main"))
        .unwrap();
    assert_eq!(&p[f.span.range()], r#""repo:evil/app:ref:refs/heads/main""#);
    let denied = audit_text(&policy(&format!("{allow},{deny}")), &options);
    assert!(!foreign(&denied), "{:?}", rules(&denied));
}

/// A witness the analyzer cannot decide is kept, saying so: here a Deny statement compares a
/// claim with a policy variable, which per-key languages cannot express. Every such finding says
/// it once, and the findings around it are untouched.
#[test]
fn a_witness_the_analyzer_cannot_decide_is_kept_and_says_so() {
    let allow = acme_and_evil_allow();
    let deny = gh_deny(r#""token.actions.githubusercontent.com:actor":"${aws:username}""#);
    let options = trusting_acme();
    let f = audit_text(&policy(&format!("{allow},{deny}")), &options);
    let witnessed: Vec<&Finding> = f.iter().filter(|f| f.witness.is_some()).collect();
    assert!(!witnessed.is_empty(), "{:?}", rules(&f));
    for w in &witnessed {
        assert_eq!(
            w.message
                .matches("(witness not confirmed by rolecall-analyze: ")
                .count(),
            1,
            "{}",
            w.message
        );
        assert!(w.message.contains("policy variable"), "{}", w.message);
    }
    assert!(witnessed
        .iter()
        .any(|w| w.witness.as_deref() == Some("repo:evil/app:ref:refs/heads/main")));
    // Without the Deny the same witnesses are confirmed.
    let plain = audit_text(&policy(&allow), &options);
    assert!(plain
        .iter()
        .filter(|f| f.witness.is_some())
        .all(|f| !f.message.contains("not confirmed")));
}

/// An unconditional Deny makes an account's Allow dead only when it covers that account: every
/// principal (`*`) or the account's root; another account's root leaves the Allow alive.
#[test]
fn an_unconditional_deny_kills_only_the_accounts_it_covers() {
    let allow = r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole"}"#;
    let deny = |principal: &str| {
        format!(r#"{{"Effect":"Deny","Principal":{principal},"Action":"sts:AssumeRole"}}"#)
    };
    for (principal, dead) in [
        (r#""*""#, true),
        (r#"{"AWS":"*"}"#, true),
        (r#"{"AWS":"arn:aws:iam::111122223333:root"}"#, true),
        (r#"{"AWS":"arn:aws:iam::444455556666:root"}"#, false),
        (r#"{"AWS":"111122223333"}"#, true),
    ] {
        let f = run(&policy(&format!("{allow},{}", deny(principal))));
        assert_eq!(
            f.iter().any(|f| f.rule == RuleId::SubUnsatisfiable),
            dead,
            "{principal}: {:?}",
            rules(&f)
        );
    }
}

/// A principal whose account is not twelve digits names no account: no account finding is
/// made for it (the grammar finding is the policy's problem).
#[test]
fn a_malformed_account_names_no_account() {
    for principal in [
        "arn:aws:iam::12345:root",
        "arn:aws:iam::11112222333a:root",
        "123456789",
        "11112222333a",
    ] {
        let f = run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}"#
        )));
        assert!(
            f.iter().all(|f| f.rule != RuleId::AccountRootTrust),
            "{principal}: {:?}",
            rules(&f)
        );
        // Nor does it contradict a condition pinning an account.
        let f = run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"aws:PrincipalAccount":"111122223333"}}}}}}"#
        )));
        assert_quiet(&f, RuleId::PrincipalConditionContradiction);
    }
    for principal in ["arn:aws:iam::111122223333:root", "111122223333"] {
        let f = run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"{principal}"}},"Action":"sts:AssumeRole"}}"#
        )));
        assert_fires(&f, RuleId::AccountRootTrust);
    }
}

/// A condition on another issuer's `sub` key in a GitHub statement is always true (the key is
/// absent): serious when nothing else pins the subject, low when a positive `sub` condition of
/// the statement's own issuer does, and low for a key that names no identity.
#[test]
fn another_issuers_key_is_serious_only_when_the_subject_is_unbounded() {
    let statement = |conditions: &str| policy(&gh_allow(conditions));
    let aud = r#""token.actions.githubusercontent.com:aud":"sts.amazonaws.com""#;
    let own_sub =
        r#""token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main""#;
    // `IfExists`: true when the key is absent, which it always is here.
    let other_sub = r#""StringEqualsIfExists":{"gitlab.com:sub":"x"}"#;
    for (conditions, serious) in [
        (
            format!(r#""StringEquals":{{{aud},{own_sub}}},{other_sub}"#),
            false,
        ),
        (format!(r#""StringEquals":{{{aud}}},{other_sub}"#), true),
        (
            format!(r#""StringEquals":{{{aud}}},"StringEqualsIfExists":{{"gitlab.com:aud":"x"}}"#),
            false,
        ),
        // A negated `sub` condition pins nothing.
        (
            format!(
                r#""StringEquals":{{{aud}}},{other_sub},"StringNotEquals":{{"token.actions.githubusercontent.com:sub":"repo:evil/x:ref:refs/heads/main"}}"#
            ),
            true,
        ),
    ] {
        let f = run(&statement(&conditions));
        let mismatch = f
            .iter()
            .find(|f| f.rule == RuleId::CondKeyProviderMismatch)
            .unwrap_or_else(|| panic!("{conditions}: {:?}", rules(&f)));
        assert_eq!(
            mismatch.severity > Severity::Low,
            serious,
            "{conditions}: {:?}",
            mismatch.severity
        );
    }
}

/// A statement that trusts two issuers carries each issuer's keys: neither is "another
/// issuer's key" there.
#[test]
fn keys_of_every_trusted_issuer_belong_to_the_statement() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":["{GH}","arn:aws:iam::111122223333:oidc-provider/gitlab.com"]}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main",
        "gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}}}}}}"#
    ));
    let f = run(&p);
    assert_quiet(&f, RuleId::CondKeyProviderMismatch);
}

/// Messages name a `sub` value with the operator of the block that holds it.
#[test]
fn a_sub_value_is_quoted_with_its_own_operator() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
        "StringLike":{"token.actions.githubusercontent.com:sub":["repo:acme/app:ref:refs/heads/main","repo:*"]}"#,
    ));
    let f = run(&p);
    let quoted: Vec<&str> = f
        .iter()
        .filter(|f| f.message.contains("`sub` value `repo:*`"))
        .map(|f| f.message.as_str())
        .collect();
    assert!(!quoted.is_empty(), "{:?}", rules(&f));
    for m in quoted {
        assert!(m.contains("`StringLike` `sub` value `repo:*`"), "{m}");
    }
}

/// The "if `StringEquals` were `StringLike`" advice is for a `StringEquals` with wildcards
/// only; a `StringLike` already reads them as wildcards and gets no such advice.
#[test]
fn like_reading_advice_only_for_string_equals() {
    let statement = |condition: &str| policy(&gh_allow(condition));
    let aud = r#""token.actions.githubusercontent.com:aud":"sts.amazonaws.com""#;
    let sub = r#""token.actions.githubusercontent.com:sub":"repo:acme/*""#;
    let advice = |f: &[Finding]| {
        f.iter()
            .any(|f| f.message.contains("were changed to `StringLike`"))
    };
    let f = run(&statement(&format!(r#""StringEquals":{{{aud},{sub}}}"#)));
    assert!(advice(&f), "{:?}", rules(&f));
    let f = run(&statement(&format!(
        r#""StringEquals":{{{aud}}},"StringLike":{{{sub}}}"#
    )));
    assert!(!advice(&f), "{:?}", rules(&f));
}

/// `sts:` keys are STS's own, not an issuer's: no "another issuer's key" finding.
#[test]
fn sts_keys_are_not_issuer_keys() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"},
        "StringLikeIfExists":{"sts:RoleSessionName":"ci.acme.io:*"}"#,
    ));
    let f = run(&p);
    assert_quiet(&f, RuleId::CondKeyProviderMismatch);
}

/// A finding about a statement's `sub` values as a whole points at those values.
#[test]
fn an_unsatisfiable_sub_points_at_its_values() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub":"not-a-github-subject"}"#,
    ));
    let f = run(&p);
    let broken = finding(&f, RuleId::SubUnsatisfiable);
    assert_eq!(&p[broken.span.range()], r#""not-a-github-subject""#);
    assert_eq!(broken.span.line, 2);
}

/// TP-MULTI-VALUE-LOOSEST: among three or more ORed values too, the loosest is pointed at.
#[test]
fn the_loosest_of_several_values_is_pointed_at() {
    for values in [
        r#""repo:acme/app:ref:refs/heads/main","repo:acme/*""#,
        r#""repo:acme/app:ref:refs/heads/main","repo:acme/web:ref:refs/heads/main","repo:acme/*""#,
    ] {
        let p = policy(&gh_allow(&format!(
            r#""StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},
            "StringLike":{{"token.actions.githubusercontent.com:sub":[{values}]}}"#
        )));
        let f = run(&p);
        let loosest = f
            .iter()
            .find(|f| f.rule == RuleId::MultiValueLoosest)
            .unwrap_or_else(|| panic!("{values}: {:?}", rules(&f)));
        assert_eq!(&p[loosest.span.range()], r#""repo:acme/*""#);
        assert_eq!(loosest.severity, Severity::High, "{values}");
    }
    // A loosest value that admits other owners, or every subject, is critical.
    for loose in ["repo:*/app:ref:refs/heads/main", "repo:*"] {
        let p = policy(&gh_allow(&format!(
            r#""StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},
            "StringLike":{{"token.actions.githubusercontent.com:sub":["repo:acme/app:ref:refs/heads/main","{loose}"]}}"#
        )));
        let f = run(&p);
        let loosest = finding(&f, RuleId::MultiValueLoosest);
        assert_eq!(&p[loosest.span.range()], format!("\"{loose}\""));
        assert_eq!(loosest.severity, Severity::Critical, "{loose}");
    }
}

/// The name-recycling advice points at a value that pins by name, not at one that already
/// carries immutable ids.
#[test]
fn name_advice_points_at_a_name_form_value() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub":["repo:acme@1234/app@5678:ref:refs/heads/main","repo:acme/app:ref:refs/heads/main"]}"#,
    ));
    let f = run(&p);
    let advice = finding(&f, RuleId::NameRecycle);
    assert_eq!(
        &p[advice.span.range()],
        r#""repo:acme/app:ref:refs/heads/main""#
    );
}

/// A statement that trusts two issuers is judged per issuer, each on its own subjects: the
/// findings are those of two statements trusting one issuer each. (`IfExists`: each issuer's
/// token lacks the other's key; with a plain `StringLike` the statement could never match.)
#[test]
fn two_issuers_in_one_statement_are_judged_apart() {
    const GL: &str = "arn:aws:iam::111122223333:oidc-provider/gitlab.com";
    let gh_sub = r#""token.actions.githubusercontent.com:sub":"repo:acme/*""#;
    let gl_sub = r#""gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:*""#;
    let statement = |feds: &str, subs: &str| {
        format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":{feds}}},"Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{{"StringLikeIfExists":{{{subs}}}}}}}"#
        )
    };
    let key = |f: &Finding| {
        (
            f.rule,
            f.severity,
            format!("{:?}", f.verdict),
            f.witness.clone(),
        )
    };
    let mut together: Vec<_> = run(&policy(&statement(
        &format!(r#"["{GH}","{GL}"]"#),
        &format!("{gh_sub},{gl_sub}"),
    )))
    .iter()
    .map(key)
    .collect();
    let mut apart: Vec<_> = run(&policy(&format!(
        "{},{}",
        statement(&format!(r#""{GH}""#), gh_sub),
        statement(&format!(r#""{GL}""#), gl_sub)
    )))
    .iter()
    .map(key)
    .collect();
    together.sort();
    apart.sort();
    assert!(apart.iter().any(|k| k.3.is_some()), "{apart:?}");
    assert_eq!(together, apart);
}

/// When the `sub` values together are too complex for the analyzer (three `*X` + eleven `?`
/// patterns: their union needs more than 10,000 states) but each alone is not, they are analysed
/// one by one: the breadth is reported, not "cannot tell".
#[test]
fn values_too_complex_together_are_analysed_one_by_one() {
    let q = "?".repeat(11);
    let values: Vec<String> = ["a", "b", "c"]
        .iter()
        .map(|c| format!(r#""repo:acme/app:ref:refs/heads/*{c}{q}""#))
        .collect();
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},
        "StringLike":{{"token.actions.githubusercontent.com:sub":[{}]}}}}}}"#,
        values.join(",")
    ));
    let f = run(&p);
    assert_quiet(&f, RuleId::Unanalysable);
    // `*a???????????` after `refs/heads/` admits branches that merely end so.
    let prefix = finding(&f, RuleId::GhaBranchPrefix);
    assert!(
        prefix.message.contains("refs/heads/*a"),
        "{}",
        prefix.message
    );
}

/// `sts:TagSession` beside conditions on the issuer's keys is advised about; without such
/// conditions there is nothing to say.
#[test]
fn tag_session_advice_needs_issuer_key_conditions() {
    let with_tag = |blocks: &str| {
        policy(&gh_allow(blocks).replace(
            r#""Action":"sts:AssumeRoleWithWebIdentity""#,
            r#""Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]"#,
        ))
    };
    let f = run(&with_tag(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}"#,
    ));
    assert_fires(&f, RuleId::TagsessionScope);
    let f = run(&with_tag(r#""StringEquals":{"aws:SourceIdentity":"x"}"#));
    assert_quiet(&f, RuleId::TagsessionScope);
}

/// A set operator on GitHub's always-present, single-valued `sub` works as the plain operator:
/// advice that it is fragile, and the subject counts as pinned.
#[test]
fn set_operators_on_sub_pin_it_with_advice() {
    for op in ["ForAnyValue:StringEquals", "ForAllValues:StringEquals"] {
        let f = run(&policy(&gh_allow(&format!(
            r#""StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}},"{op}":{{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}"#
        ))));
        assert!(
            f.iter().any(
                |f| f.rule == RuleId::SetOpSingleValued && f.message.contains("always present")
            ),
            "{op}: {:?}",
            rules(&f)
        );
        assert!(
            f.iter().all(|f| f.rule != RuleId::OidcNoSub),
            "{op}: {:?}",
            rules(&f)
        );
    }
}

/// SAML statements have their own rules: the OIDC "no identity pinned" finding is not one.
#[test]
fn saml_statements_get_no_oidc_identity_finding() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/Okta"},"Action":"sts:AssumeRoleWithSAML","Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}"#,
    );
    let f = run(&p);
    assert!(
        f.iter()
            .all(|f| f.rule != RuleId::OidcNoSub && f.verdict != Verdict::Open),
        "{:?}",
        rules(&f)
    );
}

/// A `StringLike` on an AWS key whose only value is `*` only asserts the key is present.
#[test]
fn a_lone_star_pattern_is_a_tautological_guard() {
    let f = run(&policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringLike":{"aws:PrincipalArn":"*"}}}"#,
    ));
    assert_fires(&f, RuleId::TautologicalGuard);
}

/// `ForAllValues` on a claim the token may lack is true without it; `ForAnyValue` is false
/// without it, so only the first is called vacuous.
#[test]
fn only_for_all_values_is_vacuous_on_an_absent_claim() {
    let with = |op: &str| {
        run(&policy(&gh_allow(&format!(
            r#""StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:acme/app:environment:prod"}},"{op}":{{"token.actions.githubusercontent.com:environment":"prod"}}"#
        ))))
    };
    let vacuous = |f: &[Finding]| {
        f.iter().any(|f| {
            f.message
                .contains("true whenever the token lacks the claim")
        })
    };
    let f = with("ForAllValues:StringEquals");
    assert!(vacuous(&f), "{:?}", rules(&f));
    let f = with("ForAnyValue:StringEquals");
    assert!(!vacuous(&f), "{:?}", rules(&f));
}

/// Another account's root trusted without an external id: MFA required lowers the severity, a
/// `Bool` condition on anything else does not.
#[test]
fn only_mfa_guards_a_foreign_root_trust() {
    let trust = |condition: &str| {
        run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::444455556666:root"}},"Action":"sts:AssumeRole","Condition":{condition}}}"#
        )))
    };
    let severity = |f: &[Finding]| {
        f.iter()
            .filter(|f| {
                f.rule == RuleId::AccountRootTrust || f.rule == RuleId::XaccountNoExternalid
            })
            .map(|f| f.severity)
            .max()
            .unwrap_or_else(|| panic!("{:?}", rules(f)))
    };
    let secure = trust(r#"{"Bool":{"aws:SecureTransport":"true"}}"#);
    let mfa = trust(r#"{"Bool":{"aws:MultiFactorAuthPresent":"true"}}"#);
    assert!(
        severity(&secure) > severity(&mfa),
        "{:?} / {:?}",
        rules(&secure),
        rules(&mfa)
    );
}

/// A statement that requires both issuers' `sub` can never match (no token carries both): it is
/// reported as such, and its patterns are not reported as open on top.
#[test]
fn a_statement_requiring_two_issuers_is_broken_not_open() {
    let f = run(&policy(&github_and_gitlab_allow(
        r#""StringLike":{"token.actions.githubusercontent.com:sub":"repo:acme/*","gitlab.com:sub":"project_path:acme/*"}"#,
    )));
    assert_fires(&f, RuleId::MultiProviderOneStatement);
    assert_no_verdict(&f, Verdict::Open);
}

/// A web-identity `Allow` trusting GitHub and gitlab.com in one statement, with `blocks`.
fn github_and_gitlab_allow(blocks: &str) -> String {
    format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":["{GH}","arn:aws:iam::111122223333:oidc-provider/gitlab.com"]}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{{blocks}}}}}"#
    )
}

/// A statement trusting two issuers with conditions on one issuer's keys only is open to that
/// issuer alone: the other issuer's tokens lack the keys, so its "no condition" is not reported.
#[test]
fn an_issuer_whose_tokens_lack_the_required_keys_is_not_open() {
    let p = policy(&github_and_gitlab_allow(
        r#""StringEquals":{"gitlab.com:aud":"https://gitlab.com","gitlab.com:sub":"project_path:acme/app:ref_type:branch:ref:main"}"#,
    ));
    let f = run(&p);
    assert_quiet(&f, RuleId::MultiProviderOneStatement);
    assert_quiet(&f, RuleId::OidcNoCond);
    assert_no_verdict(&f, Verdict::Open);
    // The same statement without the GitLab conditions is open to GitHub's tokens.
    let open = run(&policy(&github_and_gitlab_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}"#,
    )));
    assert_fires(&open, RuleId::OidcNoSub);
}

/// `project_path:acme*/…` admits groups other than `acme` (`acmea`): the witness of the foreign
/// tenant is such a group, not a project of `acme` or of one of its subgroups.
#[test]
fn a_gitlab_group_prefix_is_witnessed_by_another_group() {
    let p = gitlab_like("project_path:acme*/app:ref_type:branch:ref:main");
    let f = run(&p);
    let w = finding(&f, RuleId::OidcSubAnyOwner)
        .witness
        .clone()
        .unwrap();
    let group = w
        .strip_prefix("project_path:")
        .and_then(|path| path.split(['/', ':']).next())
        .unwrap();
    assert!(group.starts_with("acme") && group != "acme", "{w}");
    assert!(finding(&f, RuleId::OidcSubAnyOwner).message.contains(&w));
}

/// The findings of `p` under the pre-2026 claim table, after checking that one of them is an
/// unsupported key's vacuous condition, open and of low severity.
#[track_caller]
fn pre_2026_with_a_low_vacuous_key(p: &str) -> Vec<Finding> {
    let mut pre = AuditOptions::default();
    pre.pre_2026_claims = true;
    let f = audit_text(p, &pre);
    let vacuous = finding(&f, RuleId::UnsupportedClaimKey);
    assert_eq!(
        (vacuous.verdict, vacuous.severity),
        (Verdict::Open, Severity::Low)
    );
    f
}

/// Before 2026 GitHub's `repository` claim is no request key: a condition on it that holds when
/// the key is absent is vacuous, and only of low severity, since `repository` did not name the
/// caller then (`sub` alone did, and nothing bounds it, which is reported on its own).
#[test]
fn a_vacuous_pre_2026_repository_condition_is_low() {
    let p = policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringEqualsIfExists":{"token.actions.githubusercontent.com:repository":"acme/app"}"#,
    ));
    let f = pre_2026_with_a_low_vacuous_key(&p);
    assert_fires(&f, RuleId::OidcNoSub);
    // Since 2026 the key exists: not unsupported, but `IfExists` on an identity claim.
    let now = run(&p);
    assert_quiet(&now, RuleId::UnsupportedClaimKey);
    assert_fires(&now, RuleId::IfexistsOnIdentity);
}

/// The same for CircleCI's `oidc.circleci.com/project-id` claim, a request key only since 2026.
#[test]
fn a_vacuous_pre_2026_circleci_project_condition_is_low() {
    let org = CIRCLECI_ORG;
    let p = policy(&circleci_allow(&format!(
        r#""StringEqualsIfExists":{{"oidc.circleci.com/org/{org}:oidc.circleci.com/project-id":"7a1b2c3d-0a0c-4a1b-9a4e-4c7a1b2c3d4e"}}"#
    )));
    pre_2026_with_a_low_vacuous_key(&p);
    assert_quiet(&run(&p), RuleId::UnsupportedClaimKey);
}

/// `sts:AssumeRoleWithWebIdentity` alone is of no use to an AWS principal: the statement is
/// broken; beside `sts:AssumeRole` it is inert advice; for a `Federated` principal it is right.
#[test]
fn a_web_identity_action_for_an_aws_principal_is_broken() {
    let st = |principal: &str, action: &str| {
        run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{principal},"Action":{action}}}"#
        )))
    };
    let aws = r#"{"AWS":"arn:aws:iam::111122223333:role/ci"}"#;
    let f = st(aws, r#""sts:AssumeRoleWithWebIdentity""#);
    assert_eq!(
        finding(&f, RuleId::ActionPrincipalMismatch).verdict,
        Verdict::Broken
    );
    let f = st(aws, r#"["sts:AssumeRole","sts:AssumeRoleWithWebIdentity"]"#);
    assert_eq!(
        finding(&f, RuleId::ActionPrincipalMismatch).verdict,
        Verdict::Advice
    );
    let f = st(
        &format!(r#"{{"Federated":"{GH}"}}"#),
        r#""sts:AssumeRoleWithWebIdentity""#,
    );
    assert_quiet(&f, RuleId::ActionPrincipalMismatch);
    // Beside a `Federated` principal, which uses it, the action is not the AWS principal's.
    let f = st(
        &format!(r#"{{"AWS":"arn:aws:iam::111122223333:role/ci","Federated":"{GH}"}}"#),
        r#""sts:AssumeRoleWithWebIdentity""#,
    );
    assert_quiet(&f, RuleId::ActionPrincipalMismatch);
}

/// TP-EXTERNALID-WEAK: an external id of fewer than 8 characters, or a pattern, is weak; a `*`
/// in a `StringEquals` value is a plain character.
#[test]
fn external_id_strength() {
    let with = |op: &str, id: &str| {
        run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::444455556666:root"}},"Action":"sts:AssumeRole","Condition":{{"{op}":{{"sts:ExternalId":"{id}"}}}}}}"#
        )))
    };
    assert_fires(&with("StringEquals", "abcdefg"), RuleId::ExternalidWeak);
    assert_quiet(&with("StringEquals", "abcdefgh"), RuleId::ExternalidWeak);
    assert_quiet(&with("StringEquals", "abcd*efgh"), RuleId::ExternalidWeak);
    assert_fires(&with("StringLike", "abcd*efgh"), RuleId::ExternalidWeak);
}

/// TP-BITBUCKET-REPO-WILDCARD is for a `*` that `StringLike` reads as a wildcard: not for a `?`,
/// nor for a `*` that `StringEquals` compares literally.
#[test]
fn bitbucket_repo_wildcard_needs_a_like_star() {
    const ISS: &str = "api.bitbucket.org/2.0/workspaces/acme/pipelines-config/identity/oidc";
    let with = |op: &str, sub: &str| {
        run(&policy(&format!(
            r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{ISS}"}},"Action":"sts:AssumeRoleWithWebIdentity",
            "Condition":{{"StringEquals":{{"{ISS}:aud":"ari:cloud:bitbucket::workspace/5a1b2c3d-6e7f-4a8b-9c0d-1e2f3a4b5c6d"}},"{op}":{{"{ISS}:sub":"{sub}"}}}}}}"#
        )))
    };
    let repo = "{7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e}";
    assert_fires(
        &with("StringLike", &format!("{repo}:*")),
        RuleId::BitbucketRepoWildcard,
    );
    assert_quiet(
        &with(
            "StringLike",
            &format!("{repo}:{{1a2b3c4d-1f2a-4b3c-8d4e-5f6a7b8c9d0?}}"),
        ),
        RuleId::BitbucketRepoWildcard,
    );
    assert_quiet(
        &with("StringEquals", &format!("{repo}:*")),
        RuleId::BitbucketRepoWildcard,
    );
}

/// A custom-template subject that starts with a claim any repository chooses is scoped (advice)
/// when a later claim names the owner or the repository, by name or by id; otherwise anyone can
/// reproduce it (critical).
#[test]
fn an_abusable_first_claim_is_scoped_by_any_owner_or_repository_claim() {
    for (sub, scoped) in [
        ("environment:prod:repo:acme/app", true),
        ("environment:prod:repository_owner:acme", true),
        ("environment:prod:repository_id:123456", true),
        ("environment:prod:actor:octocat", false),
    ] {
        let f = run(&policy(&gh_allow(&format!(
            r#""StringEquals":{{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"{sub}"}}"#
        ))));
        let first = finding(&f, RuleId::GhaAbusableClaimFirst);
        let want = if scoped {
            (Severity::Low, Verdict::Advice)
        } else {
            (Severity::Critical, Verdict::Open)
        };
        assert_eq!((first.severity, first.verdict), want, "{sub}");
    }
}

/// A finding is reported once, even when the statement names its issuer twice.
#[test]
fn an_issuer_named_twice_is_reported_once() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":["{GH}","{GH}"]}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:*"}}}}}}"#
    ));
    let f = run(&p);
    assert_fires(&f, RuleId::OidcSubWildcardAll);
    for (i, a) in f.iter().enumerate() {
        assert!(
            f[i + 1..]
                .iter()
                .all(|b| (a.rule, a.span, &a.message) != (b.rule, b.span, &b.message)),
            "{:?}",
            rules(&f)
        );
    }
}

/// A condition on a key that names no caller (`sts:RoleSessionName`) bounds nobody: the subject
/// is still open. On a self-managed GitLab, `project_id` is an identity claim STS does not
/// expose, so an `IfExists` on it is vacuous at the identity severity (lowered one step for a
/// tenant-scoped issuer), not at the low one of other keys.
#[test]
fn conditions_that_bound_nobody_leave_the_subject_open() {
    let f = run(&policy(&gh_allow(
        r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","sts:RoleSessionName":"ci"}"#,
    )));
    assert_fires(&f, RuleId::OidcNoSub);
    let gl = "gitlab.example.com";
    let f = run(&policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::111122223333:oidc-provider/{gl}"}},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"StringEquals":{{"{gl}:aud":"https://{gl}"}},"StringEqualsIfExists":{{"{gl}:project_id":"42"}}}}}}"#
    )));
    let vacuous = finding(&f, RuleId::UnsupportedClaimKey);
    assert_eq!(
        (vacuous.verdict, vacuous.severity),
        (Verdict::Open, Severity::Medium)
    );
}
