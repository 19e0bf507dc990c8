//! `Analyzer::with_github_subjects`: `who` and `admits_outside` under a
//! GitHub custom `sub` template instead of the default one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "test helpers panic to fail"
)]

use rolecall_analyze::{Access, Analyzer, Values, Who};
use rolecall_eval::issuers::SubjectGrammar;
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const SUB: &str = "token.actions.githubusercontent.com:sub";

fn template() -> SubjectGrammar {
    SubjectGrammar::github_template(&["repository_owner".to_owned(), "context".to_owned()]).unwrap()
}

fn policy(op: &str, sub: &str) -> CompiledPolicy {
    CompiledPolicy::from_json(&format!(
        r#"{{"Version":"2012-10-17","Statement":{{"Effect":"Allow","Principal":{{"Federated":"{GH}"}},
          "Action":"sts:AssumeRoleWithWebIdentity","Condition":{{"{op}":{{"{SUB}":{sub}}}}}}}}}"#
    ))
    .unwrap()
}

fn sub(a: &Access) -> String {
    a.witness
        .request
        .context()
        .lookup(SUB)
        .and_then(|e| e.value().as_single().map(str::to_owned))
        .unwrap()
}

fn checked(p: &CompiledPolicy, w: Who) -> Vec<Access> {
    assert_eq!(w.principals.len(), 1, "{w:?}");
    for a in &w.principals[0].admitted {
        assert_eq!(evaluate(p, &a.witness.request), Decision::Allow, "{a:?}");
    }
    w.principals.into_iter().next().unwrap().admitted
}

#[test]
fn template_subjects_are_split_per_form() {
    let p = policy(
        "StringEquals",
        r#"["repo:octo-org/app:environment:prod","repository_owner:octo-org:environment:prod"]"#,
    );
    // Default grammar: the `repo:` subject is a form, the template's is
    // outside the grammar.
    let default = checked(&p, Analyzer::default().who(&p).unwrap());
    let in_grammar: Vec<&Access> = default.iter().filter(|a| a.form.is_some()).collect();
    assert_eq!(in_grammar.len(), 1, "{default:?}");
    assert_eq!(sub(in_grammar[0]), "repo:octo-org/app:environment:prod");
    assert!(default
        .iter()
        .any(|a| a.outside_grammar && sub(a) == "repository_owner:octo-org:environment:prod"));

    // The template: the other way round, described by the template's fields.
    let analyzer = Analyzer::default().with_github_subjects(template());
    let custom = checked(&p, analyzer.who(&p).unwrap());
    let in_grammar: Vec<&Access> = custom.iter().filter(|a| a.form.is_some()).collect();
    assert_eq!(in_grammar.len(), 1, "{custom:?}");
    let a = in_grammar[0];
    assert_eq!(a.form.as_deref(), Some("environment"));
    assert_eq!(sub(a), "repository_owner:octo-org:environment:prod");
    let fields: Vec<(Option<&str>, &Values)> = a
        .segments
        .iter()
        .filter(|s| s.key == SUB)
        .map(|s| (s.field.as_deref(), &s.values))
        .collect();
    assert_eq!(
        fields,
        vec![
            (
                Some("repository_owner"),
                &Values::OneOf(vec!["octo-org".to_owned()])
            ),
            (Some("environment"), &Values::OneOf(vec!["prod".to_owned()])),
        ]
    );
    assert!(custom
        .iter()
        .any(|a| a.outside_grammar && sub(a) == "repo:octo-org/app:environment:prod"));
    assert_ne!(
        Analyzer::default().who(&p).unwrap(),
        analyzer.who(&p).unwrap()
    );
}

#[test]
fn outsiders_under_the_template() {
    let trusted = ["octo-org".to_owned()];
    let analyzer = Analyzer::default().with_github_subjects(template());
    // Under the default grammar no subject starting `repository_owner:` is
    // minted, so nothing here names a tenant; under the template every
    // subject names the owner octo-org.
    let org = policy("StringLike", r#""repository_owner:octo-org:*""#);
    assert!(!analyzer
        .admits_outside(&org, &trusted)
        .unwrap()
        .admits_outsiders());
    assert!(!Analyzer::default()
        .admits_outside(&org, &trusted)
        .unwrap()
        .admits_outsiders());
    // A wildcard owner admits outsiders, and the witness is a template
    // subject of another owner, allowed by the evaluator.
    let any = policy("StringLike", r#""repository_owner:*:environment:prod""#);
    let out = analyzer.admits_outside(&any, &trusted).unwrap();
    assert!(out.admits_outsiders(), "{out:?}");
    for pa in &out.admitted {
        for a in &pa.admitted {
            assert_eq!(evaluate(&any, &a.witness.request), Decision::Allow);
            let s = sub(a);
            let parsed = template().matches(&s).unwrap();
            assert!(
                parsed
                    .iter()
                    .any(|(k, v)| k == "repository_owner" && v != "octo-org"),
                "{s}"
            );
        }
    }
    // Without the template the analyzer sees no GitHub subject at all.
    assert!(!Analyzer::default()
        .admits_outside(&any, &trusted)
        .unwrap()
        .admits_outsiders());
}
