//! `Analyzer::who`: per principal and action, disjoint regions described
//! key by key, each with a witness the evaluator allows.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "test helpers panic to fail"
)]

use rolecall_analyze::{Analyzer, Count, Values, Who};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
/// An issuer without a `sub` grammar: its keys are analysed over all
/// strings.
const OTHER: &str = "arn:aws:iam::111122223333:oidc-provider/idp.example.com";

fn policy(statements: &str) -> CompiledPolicy {
    let text = format!(r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#);
    CompiledPolicy::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

fn who(p: &CompiledPolicy) -> Who {
    let w = Analyzer::default().who(p).unwrap();
    for pa in &w.principals {
        for a in &pa.admitted {
            assert_eq!(evaluate(p, &a.witness.request), Decision::Allow, "{a:?}");
            assert_eq!(a.witness.request.action(), pa.action);
        }
    }
    w
}

#[test]
fn exact_subjects_are_listed() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{OTHER}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":["repo:o/a:ref:refs/heads/main","repo:o/a:environment:prod"]}}}}}}"#
    ));
    let w = who(&p);
    assert!(w.is_assumable());
    assert_eq!(w.principals.len(), 1);
    let pa = &w.principals[0];
    assert_eq!(pa.principal, OTHER);
    assert_eq!(pa.admitted.len(), 1);
    let seg = &pa.admitted[0].segments[0];
    assert_eq!(seg.count, Count::Finite(2));
    assert!(!seg.absent && !seg.lists);
    assert_eq!(
        seg.values,
        Values::OneOf(vec![
            "repo:o/a:environment:prod".into(),
            "repo:o/a:ref:refs/heads/main".into()
        ])
    );
    assert!(pa
        .description()
        .contains("one of {`repo:o/a:environment:prod`"));
}

#[test]
fn a_deny_splits_the_allowed_set_into_disjoint_regions() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{OTHER}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:o/*"}}}}}},
        {{"Effect":"Deny","Principal":"*","Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":"repo:o/bad",
                                         "token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}}}}}"#
    ));
    let w = who(&p);
    let pa = &w.principals[0];
    // Outside the Deny: `sub` not `repo:o/bad`, or `sub` is `repo:o/bad`
    // and `aud` is not `sts.amazonaws.com`.
    assert_eq!(pa.admitted.len(), 2, "{pa:#?}");
    let first = &pa.admitted[0].segments[0];
    assert_eq!(first.count, Count::Unbounded);
    assert!(
        matches!(&first.values, Values::Matching { examples } if !examples.contains(&"repo:o/bad".to_owned()))
    );
    let second = &pa.admitted[1];
    assert_eq!(
        second.segments[0].values,
        Values::OneOf(vec!["repo:o/bad".into()])
    );
    assert_eq!(
        second.segments[1].values,
        Values::AnyBut(vec!["sts.amazonaws.com".into()])
    );
    assert!(second.segments[1].absent);
    // The witnesses differ: each region has its own.
    assert_ne!(pa.admitted[0].witness.request, second.witness.request);
}

#[test]
fn unassumable_policy_has_no_principals() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringEquals":{{"k":"a"}},"StringNotEquals":{{"k":"a"}}}}}}"#
    ));
    assert!(!who(&p).is_assumable());
}

#[test]
fn each_principal_and_action_separately() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":["{OTHER}","accounts.google.com"]}},
          "Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}},
        {{"Effect":"Deny","Principal":{{"Federated":"accounts.google.com"}},"Action":"sts:TagSession"}}"#
    ));
    let w = who(&p);
    let got: Vec<(&str, &str)> = w
        .principals
        .iter()
        .map(|pa| (pa.principal.as_str(), pa.action.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (OTHER, "sts:AssumeRoleWithWebIdentity"),
            (OTHER, "sts:TagSession"),
            ("accounts.google.com", "sts:AssumeRoleWithWebIdentity"),
        ]
    );
    assert_eq!(w.principals[0].description(), "any request");
}

#[test]
fn counts_of_single_characters_and_bounded_patterns() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"a":"x?","b":"??"}}}}}}"#
    ));
    let w = who(&p);
    let segs = &w.principals[0].admitted[0].segments;
    // Every Unicode scalar value: 0x110000 minus the 2,048 surrogates.
    assert_eq!(segs[0].count, Count::Finite(1_112_064));
    assert_eq!(segs[1].count, Count::Finite(1_112_064u128 * 1_112_064));
}

#[test]
fn an_account_principal_is_reported_as_written() {
    let p = policy(
        r#"{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole",
            "Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}"#,
    );
    let w = who(&p);
    assert_eq!(w.principals.len(), 1);
    assert_eq!(w.principals[0].principal, "111122223333");
    assert_eq!(w.principals[0].action, "sts:AssumeRole");
    let seg = &w.principals[0].admitted[0].segments[0];
    // `true` in any ASCII case (R7).
    assert_eq!(seg.count, Count::Finite(16), "{seg:?}");
}

fn sub_of(pa: &rolecall_analyze::PrincipalAccess, i: usize) -> String {
    pa.admitted
        .get(i)
        .unwrap()
        .witness
        .request
        .context()
        .lookup("token.actions.githubusercontent.com:sub")
        .and_then(|e| e.value().as_single().map(str::to_owned))
        .unwrap()
}

#[test]
fn github_subjects_are_described_per_form_and_field() {
    use rolecall_analyze::SubjectModel;
    use rolecall_eval::issuers::SubjectGrammar;
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}}}}}"#
    ));
    let w = who(&p);
    let pa = &w.principals[0];
    assert_eq!(
        pa.subject,
        SubjectModel::Grammar {
            issuer: "GitHub".into()
        }
    );
    let forms: Vec<Option<&str>> = pa.admitted.iter().map(|a| a.form.as_deref()).collect();
    // The four forms, then the rest of the set: `sub` values GitHub's
    // default template does not mint (`repo:octo-org/`, custom templates).
    assert_eq!(
        forms,
        [
            Some("branch"),
            Some("tag"),
            Some("environment"),
            Some("pull_request"),
            None
        ]
    );
    let rest = pa.admitted.last().unwrap();
    assert!(rest.outside_grammar);
    assert!(rest
        .description()
        .starts_with("`sub` outside the issuer's grammar"));
    let grammar = SubjectGrammar::github();
    assert!(grammar.matches(&sub_of(pa, 4)).is_none());
    for (i, a) in pa.admitted.iter().enumerate().take(4) {
        // A real subject: it parses under GitHub's grammar, in its form.
        let sub = sub_of(pa, i);
        let parsed = grammar.parse(&sub).unwrap_or_else(|| panic!("{sub}"));
        assert_eq!(Some(parsed.form), a.form.as_deref(), "{sub}");
        let owner = a
            .segments
            .iter()
            .find(|s| s.field.as_deref() == Some("owner"))
            .unwrap();
        assert_eq!(owner.values, Values::OneOf(vec!["octo-org".into()]));
        assert_eq!(owner.count, Count::Finite(1));
        let repo = a
            .segments
            .iter()
            .find(|s| s.field.as_deref() == Some("repository"))
            .unwrap();
        assert_eq!(repo.values, Values::Any);
    }
    // Not `repo:octo-org/` (no repository), as the all-strings analysis
    // would give.
    assert!(
        sub_of(pa, 0).starts_with("repo:octo-org/")
            && sub_of(pa, 0).len() > "repo:octo-org/".len() + 2
    );
    assert!(
        pa.description().contains(
            "form branch; owner one of {`octo-org`}; repository any value; branch any value"
        ),
        "{}",
        pa.description()
    );
}

#[test]
fn branch_and_environment_pinned() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":["repo:octo-org/app:ref:refs/heads/main","repo:octo-org/app:environment:prod"]}}}}}}"#
    ));
    let w = who(&p);
    let pa = &w.principals[0];
    assert!(pa.admitted.iter().all(|a| !a.outside_grammar));
    let got: Vec<(String, String)> = pa
        .admitted
        .iter()
        .map(|a| {
            let last = a.segments.last().unwrap();
            (
                a.form.clone().unwrap(),
                format!("{} {}", last.field.clone().unwrap(), last.values),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("branch".to_owned(), "branch one of {`main`}".to_owned()),
            (
                "environment".to_owned(),
                "environment one of {`prod`}".to_owned()
            ),
        ]
    );
}

#[test]
fn outsiders_of_trusted_tenants() {
    let a = Analyzer::default();
    let org = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:octo-org/*"}}}}}}"#
    ));
    let trusted = vec!["octo-org".to_owned()];
    let out = a.admits_outside(&org, &trusted).unwrap();
    assert!(!out.admits_outsiders(), "{out:?}");
    assert!(out.unknown.is_empty());
    let any = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"token.actions.githubusercontent.com:sub":"repo:*/app:*"}}}}}}"#
    ));
    let out = a.admits_outside(&any, &trusted).unwrap();
    assert!(out.admits_outsiders());
    for pa in &out.admitted {
        for acc in &pa.admitted {
            assert_eq!(evaluate(&any, &acc.witness.request), Decision::Allow);
        }
        let sub = sub_of(pa, 0);
        assert!(
            !sub.starts_with("repo:octo-org/") && !sub.starts_with("repo:octo-org@"),
            "{sub}"
        );
    }
    // An issuer without a tenant in its grammar is listed, not guessed.
    let google = policy(
        r#"{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}"#,
    );
    let out = a.admits_outside(&google, &trusted).unwrap();
    assert_eq!(out.unknown, vec!["accounts.google.com".to_owned()]);
    assert!(!out.admits_outsiders());
}

#[test]
fn eks_namespace_wildcard_admits_other_namespaces() {
    let eks = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC";
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{eks}"}},"Action":"sts:AssumeRoleWithWebIdentity",
          "Condition":{{"StringLike":{{"oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub":"system:serviceaccount:*:app"}}}}}}"#
    ));
    let out = Analyzer::default()
        .admits_outside(&p, &["shop".to_owned()])
        .unwrap();
    assert!(out.admits_outsiders(), "{out:?}");
    let w = &out.admitted[0].admitted[0].witness.request;
    let sub = w
        .context()
        .lookup("oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC:sub")
        .and_then(|e| e.value().as_single())
        .unwrap();
    let parsed = rolecall_eval::issuers::SubjectGrammar::eks()
        .matches(sub)
        .unwrap();
    assert_ne!(parsed[0].1, "shop", "{sub}");
}

/// `max_search` counts steps: a limit of one allows the one step a single
/// statement takes.
#[test]
fn a_search_limit_of_one_answers_a_single_statement() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}}}}"#
    ));
    let limits = rolecall_analyze::Limits {
        max_search: 1,
        ..rolecall_analyze::Limits::default()
    };
    let w = Analyzer::new(limits).witness(&p).unwrap().unwrap();
    assert_eq!(evaluate(&p, &w.request), Decision::Allow);
}

/// Trusted tenants whose names are longer than the whole policy: the
/// answer does not depend on how long the trusted names are.
#[test]
fn long_trusted_names_do_not_change_the_answer() {
    let p = policy(&format!(
        r#"{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},"Action":"sts:AssumeRoleWithWebIdentity",
        "Condition":{{"StringEquals":{{"token.actions.githubusercontent.com:sub":"repo:acme/app:ref:refs/heads/main"}}}}}}"#
    ));
    for trusted in [
        vec!["acme".to_owned()],
        vec!["acme".to_owned(), "x".repeat(3_000)],
    ] {
        let out = Analyzer::default().admits_outside(&p, &trusted).unwrap();
        assert!(!out.admits_outsiders(), "{}", trusted.len());
    }
    for trusted in [vec!["other".to_owned()], vec!["y".repeat(3_000)]] {
        let out = Analyzer::default().admits_outside(&p, &trusted).unwrap();
        assert!(out.admits_outsiders(), "{}", trusted[0].len());
    }
}
