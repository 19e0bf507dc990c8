//! Hand-written policy changes with their expected answers: whether the new
//! version grants access the old one did not, and the reverse. Every
//! witness is checked again here with the evaluator.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_analyze::{
    AnalysisError, Analyzer, Assumability, Blocked, Implication, Limits, Part, Reason,
};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

const GH: &str = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";
const EKS_ABC: &str =
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC";
const EKS_DEF: &str =
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/DEF";

/// A policy of the given statements (JSON objects).
fn policy(statements: &[String]) -> CompiledPolicy {
    let text = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        statements.join(",")
    );
    CompiledPolicy::from_json(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// An Allow (or Deny) statement for `principal`, `action` and a condition
/// block (JSON object text, or empty).
fn st(effect: &str, principal: &str, action: &str, condition: &str) -> String {
    let condition = if condition.is_empty() {
        String::new()
    } else {
        format!(r#","Condition":{condition}"#)
    };
    format!(r#"{{"Effect":"{effect}","Principal":{principal},"Action":{action}{condition}}}"#)
}

fn fed(arn: &str) -> String {
    format!(r#"{{"Federated":"{arn}"}}"#)
}

const WEB: &str = r#""sts:AssumeRoleWithWebIdentity""#;

fn gh(condition: &str) -> String {
    st("Allow", &fed(GH), WEB, condition)
}

/// Checks the expected answers both ways and the witnesses.
fn expect(name: &str, old: &[String], new: &[String], new_access: bool, removed_access: bool) {
    let (old, new) = (policy(old), policy(new));
    let a = Analyzer::default();
    for (first, second, want, what) in [
        (&new, &old, new_access, "new access"),
        (&old, &new, removed_access, "removed access"),
    ] {
        match a
            .implies(first, second)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
        {
            Implication::Holds => assert!(!want, "{name}: expected {what}, found none"),
            Implication::NewAccess(w) => {
                assert!(want, "{name}: unexpected {what}: {:?}", w.request);
                assert_eq!(evaluate(first, &w.request), Decision::Allow, "{name}");
                assert_ne!(evaluate(second, &w.request), Decision::Allow, "{name}");
            }
        }
    }
    let eq = a.equivalent(&old, &new).unwrap();
    assert_eq!(
        eq.holds(),
        !new_access && !removed_access,
        "{name}: equivalent"
    );
}

#[test]
fn widening_the_repository() {
    let sub = |v: &str| {
        format!(r#"{{"StringLike":{{"token.actions.githubusercontent.com:sub":"{v}"}}}}"#)
    };
    expect(
        "repo to owner",
        &[gh(&sub("repo:octo-org/app:*"))],
        &[gh(&sub("repo:octo-org/*"))],
        true,
        false,
    );
    expect(
        "owner to repo (narrowing)",
        &[gh(&sub("repo:octo-org/*"))],
        &[gh(&sub("repo:octo-org/app:*"))],
        false,
        true,
    );
    expect(
        "question mark versus star",
        &[gh(&sub("repo:o/r:ref:refs/heads/v?"))],
        &[gh(&sub("repo:o/r:ref:refs/heads/v*"))],
        true,
        false,
    );
    expect(
        "double star is star",
        &[gh(&sub("repo:o/*"))],
        &[gh(&sub("repo:o/**"))],
        false,
        false,
    );
}

#[test]
fn narrowing_by_deny() {
    let allow = gh(r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/*"}}"#);
    let deny = st(
        "Deny",
        r#""*""#,
        r#""sts:*""#,
        r#"{"StringLike":{"token.actions.githubusercontent.com:sub":"*:pull_request"}}"#,
    );
    expect(
        "deny pull requests",
        std::slice::from_ref(&allow),
        &[allow.clone(), deny],
        false,
        true,
    );
    // A Deny whose conditions can never hold removes nothing.
    let never = st(
        "Deny",
        r#""*""#,
        r#""sts:*""#,
        r#"{"StringEquals":{"token.actions.githubusercontent.com:sub":"a"},
            "StringLike":{"token.actions.githubusercontent.com:sub":"b*"}}"#,
    );
    expect(
        "unsatisfiable deny",
        std::slice::from_ref(&allow),
        &[allow.clone(), never],
        false,
        false,
    );
}

#[test]
fn equivalent_rewrites() {
    let k = "token.actions.githubusercontent.com:sub";
    expect(
        "StringLike without wildcard is StringEquals",
        &[gh(&format!(
            r#"{{"StringEquals":{{"{k}":"repo:o/r:ref:refs/heads/main"}}}}"#
        ))],
        &[gh(&format!(
            r#"{{"StringLike":{{"{k}":"repo:o/r:ref:refs/heads/main"}}}}"#
        ))],
        false,
        false,
    );
    expect(
        "two values or two statements",
        &[gh(&format!(r#"{{"StringEquals":{{"{k}":["a","b"]}}}}"#))],
        &[
            gh(&format!(r#"{{"StringEquals":{{"{k}":"a"}}}}"#)),
            gh(&format!(r#"{{"StringEquals":{{"{k}":"b"}}}}"#)),
        ],
        false,
        false,
    );
    expect(
        "Null true is StringNotLike star",
        &[gh(&format!(r#"{{"Null":{{"{k}":"true"}}}}"#))],
        &[gh(&format!(r#"{{"StringNotLike":{{"{k}":"*"}}}}"#))],
        false,
        false,
    );
    expect(
        "Bool is ASCII case-insensitive equality",
        &[gh(r#"{"Bool":{"aws:SecureTransport":"true"}}"#)],
        &[gh(
            r#"{"StringEqualsIgnoreCase":{"aws:SecureTransport":"TRUE"}}"#,
        )],
        false,
        false,
    );
    expect(
        "an escaped star is a literal",
        &[gh(&format!(r#"{{"StringEquals":{{"{k}":"a*"}}}}"#))],
        &[gh(&format!(r#"{{"StringLike":{{"{k}":"a${{*}}"}}}}"#))],
        false,
        false,
    );
    expect(
        "action case",
        &[st(
            "Allow",
            &fed(GH),
            r#""sts:assumerolewithwebidentity""#,
            "",
        )],
        &[gh("")],
        false,
        false,
    );
}

#[test]
fn value_case() {
    let k = "token.actions.githubusercontent.com:repository";
    expect(
        "exact to ignoring case",
        &[gh(&format!(
            r#"{{"StringEquals":{{"{k}":"Octo-Org/App"}}}}"#
        ))],
        &[gh(&format!(
            r#"{{"StringEqualsIgnoreCase":{{"{k}":"octo-org/app"}}}}"#
        ))],
        true,
        false,
    );
    expect(
        "another case of the value",
        &[gh(&format!(
            r#"{{"StringEquals":{{"{k}":"Octo-Org/App"}}}}"#
        ))],
        &[gh(&format!(
            r#"{{"StringEquals":{{"{k}":"octo-org/app"}}}}"#
        ))],
        true,
        true,
    );
}

#[test]
fn another_clusters_provider() {
    let cond = r#"{"StringLike":{"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub":"system:serviceaccount:prod:*"}}"#;
    expect(
        "provider of cluster DEF",
        &[st("Allow", &fed(EKS_ABC), WEB, cond)],
        &[st("Allow", &fed(EKS_DEF), WEB, cond)],
        true,
        true,
    );
    expect(
        "both providers",
        &[st("Allow", &fed(EKS_ABC), WEB, cond)],
        &[st(
            "Allow",
            &format!(r#"{{"Federated":["{EKS_ABC}","{EKS_DEF}"]}}"#),
            WEB,
            cond,
        )],
        true,
        false,
    );
}

#[test]
fn dropped_and_relaxed_conditions() {
    let aud = r#""StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}"#;
    let sub = r#""StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/*"}"#;
    expect(
        "aud dropped",
        &[gh(&format!("{{{aud},{sub}}}"))],
        &[gh(&format!("{{{sub}}}"))],
        true,
        false,
    );
    expect(
        "aud list widened",
        &[gh(&format!("{{{aud}}}"))],
        &[gh(
            r#"{"StringEquals":{"token.actions.githubusercontent.com:aud":["sts.amazonaws.com","other"]}}"#,
        )],
        true,
        false,
    );
    expect(
        "IfExists admits an absent key",
        &[gh(&format!("{{{sub}}}"))],
        &[gh(
            r#"{"StringLikeIfExists":{"token.actions.githubusercontent.com:sub":"repo:o/*"}}"#,
        )],
        true,
        false,
    );
    expect(
        "action widened to AssumeRole*",
        &[gh("")],
        &[st("Allow", &fed(GH), r#""sts:AssumeRole*""#, "")],
        true,
        false,
    );
    expect(
        "NotAction TagSession is narrower than everything",
        &[st("Allow", &fed(GH), r#""*""#, "")],
        &[format!(
            r#"{{"Effect":"Allow","Principal":{},"NotAction":"sts:TagSession"}}"#,
            fed(GH)
        )],
        false,
        true,
    );
}

#[test]
fn set_operators_and_lists() {
    let amr = "cognito-identity.amazonaws.com:amr";
    let cog = |c: &str| {
        st(
            "Allow",
            r#"{"Federated":"cognito-identity.amazonaws.com"}"#,
            WEB,
            c,
        )
    };
    expect(
        "ForAnyValue to ForAllValues",
        &[cog(&format!(
            r#"{{"ForAnyValue:StringLike":{{"{amr}":"authenticated"}}}}"#
        ))],
        &[cog(&format!(
            r#"{{"ForAllValues:StringLike":{{"{amr}":"authenticated"}}}}"#
        ))],
        true,
        true,
    );
    // A plain negated operator is false on a list; a Deny of the positive
    // operator is not: the rewrite admits multivalued keys.
    let k = "token.actions.githubusercontent.com:sub";
    expect(
        "StringNotEquals versus a Deny",
        &[gh(&format!(r#"{{"StringNotEquals":{{"{k}":"x"}}}}"#))],
        &[
            gh(""),
            st(
                "Deny",
                r#""*""#,
                r#""sts:*""#,
                &format!(r#"{{"StringEquals":{{"{k}":"x"}}}}"#),
            ),
        ],
        true,
        false,
    );
}

#[test]
fn account_principals() {
    expect(
        "bare account id also names the literal id",
        &[st(
            "Allow",
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
            r#""sts:AssumeRole""#,
            "",
        )],
        &[st(
            "Allow",
            r#"{"AWS":"111122223333"}"#,
            r#""sts:AssumeRole""#,
            "",
        )],
        true,
        false,
    );
}

#[test]
fn arn_operators_match_per_component() {
    let role = |op: &str| {
        st(
            "Allow",
            r#"{"AWS":"111122223333"}"#,
            r#""sts:AssumeRole""#,
            &format!(r#"{{"{op}":{{"aws:PrincipalArn":"arn:aws:iam::*:role/x"}}}}"#),
        )
    };
    // StringLike's `*` crosses `:`, ArnLike's does not in the first five
    // components.
    expect(
        "ArnLike to StringLike",
        &[role("ArnLike")],
        &[role("StringLike")],
        true,
        false,
    );
    expect(
        "ArnLike is ArnEquals",
        &[role("ArnLike")],
        &[role("ArnEquals")],
        false,
        false,
    );
    // A value that is not an ARN fails the negated ARN operators too (new
    // access); an ARN whose `*` would have to cross a `:` passes
    // ArnNotLike and fails StringNotLike (removed access).
    expect(
        "ArnNotLike to StringNotLike",
        &[role("ArnNotLike")],
        &[role("StringNotLike")],
        true,
        true,
    );
}

#[test]
fn unassumable_names_the_part() {
    let a = Analyzer::default();
    let k = "token.actions.githubusercontent.com:sub";
    let p = policy(&[gh(&format!(
        r#"{{"StringEquals":{{"{k}":"a"}},"StringLike":{{"{k}":"b*"}}}}"#
    ))]);
    assert_eq!(
        a.unassumable(&p).unwrap(),
        Assumability::Unassumable(vec![rolecall_analyze::StatementReport {
            statement: 0,
            blocked: Blocked::Never(Part::Key(k.into())),
        }])
    );
    let p = policy(&[gh(""), st("Deny", r#""*""#, r#""*""#, "")]);
    assert_eq!(
        a.unassumable(&p).unwrap(),
        Assumability::Unassumable(vec![rolecall_analyze::StatementReport {
            statement: 0,
            blocked: Blocked::DeniedBy(vec![1]),
        }])
    );
    let p = policy(&[st("Allow", &fed(GH), r#"[]"#, "")]);
    assert!(matches!(
        a.unassumable(&p).unwrap(),
        Assumability::Unassumable(r) if r[0].blocked == Blocked::Never(Part::Action)
    ));
    let p = policy(&[gh(&format!(r#"{{"StringLike":{{"{k}":"repo:o/*"}}}}"#))]);
    let Assumability::Assumable(w) = a.unassumable(&p).unwrap() else {
        panic!("assumable");
    };
    assert_eq!(evaluate(&p, &w.request), Decision::Allow);
    assert_eq!(w.request.action(), "sts:AssumeRoleWithWebIdentity");
}

#[test]
fn what_is_not_modelled_is_refused_with_the_reason() {
    let a = Analyzer::default();
    // One key compared as a number and as text: the cells of the one and
    // the automaton of the other do not combine.
    let p = policy(&[gh(
        r#"{"NumericLessThan":{"aws:EpochTime":"5"},"StringLike":{"aws:EpochTime":"1*"}}"#,
    )]);
    let e = a.witness(&p).unwrap_err();
    assert!(matches!(
        &e,
        AnalysisError::NotExactlyAnalysable { reason: Reason::Typed { key, .. }, line: 1, .. }
            if key == "aws:EpochTime"
    ));
    assert!(
        e.to_string().starts_with(
            "not exactly analysable: key `aws:EpochTime` is compared under `NumericLessThan` and under `StringLike`"
        ),
        "{e}"
    );
    let p = policy(&[gh(
        r#"{"StringEquals":{"sts:RoleSessionName":"${token.actions.githubusercontent.com:actor}"}}"#,
    )]);
    assert!(matches!(
        a.witness(&p).unwrap_err(),
        AnalysisError::NotExactlyAnalysable {
            reason: Reason::PolicyVariable { .. },
            ..
        }
    ));
}

#[test]
fn adversarial_patterns_stop_at_the_state_limit() {
    let a = Analyzer::new(Limits {
        max_states: 2_000,
        max_search: 2_000,
    });
    let k = "token.actions.githubusercontent.com:sub";
    // `*a` followed by many `?`: the automaton must remember the last
    // characters read, 2^n states.
    let blowup = format!("*a{}", "?".repeat(24));
    let p = policy(&[gh(&format!(r#"{{"StringNotLike":{{"{k}":"{blowup}"}}}}"#))]);
    let started = std::time::Instant::now();
    let e = a.witness(&p).unwrap_err();
    assert!(
        matches!(
            e,
            AnalysisError::NotExactlyAnalysable {
                reason: Reason::TooComplex { limit: 2_000 },
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("pattern too complex"));
    // Located at the condition key (line 1 of the one-line policy).
    assert!(
        matches!(e, AnalysisError::NotExactlyAnalysable { line: 1, column, .. } if column > 1),
        "{e}"
    );
    // Many overlapping stars, in many values and statements: bounded either
    // way, an answer or the typed error, quickly.
    let values: Vec<String> = (0..40)
        .map(|i| format!(r#""*{}*a*b*{}*""#, i % 7, i % 5))
        .collect();
    let many = values.join(",");
    let p = policy(&[
        gh(&format!(r#"{{"StringLike":{{"{k}":[{many}]}}}}"#)),
        st(
            "Deny",
            r#""*""#,
            r#""*""#,
            &format!(r#"{{"StringNotLike":{{"{k}":[{many}]}}}}"#),
        ),
    ]);
    match a.witness(&p) {
        Ok(w) => assert!(w.is_some()),
        Err(AnalysisError::NotExactlyAnalysable { reason, .. }) => {
            assert!(matches!(
                reason,
                Reason::TooComplex { .. } | Reason::SearchTooLarge { .. }
            ))
        }
        Err(e) => panic!("{e}"),
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn escapes_are_literal_characters_and_exact() {
    let a = Analyzer::default();
    let k = "token.actions.githubusercontent.com:sub";
    // `${*}` and `${?}` are a literal `*` and `?`: the escaped pattern is
    // the one string, not a wildcard.
    let escaped = policy(&[gh(&format!(
        r#"{{"StringLike":{{"{k}":"a${{*}}b${{?}}"}}}}"#
    ))]);
    let literal = policy(&[gh(&format!(r#"{{"StringEquals":{{"{k}":"a*b?"}}}}"#))]);
    assert!(a.equivalent(&escaped, &literal).unwrap().holds());
    let wild = policy(&[gh(&format!(r#"{{"StringLike":{{"{k}":"a*b?"}}}}"#))]);
    let Implication::NewAccess(w) = a.implies(&wild, &escaped).unwrap() else {
        panic!("the wildcard admits more");
    };
    assert_eq!(evaluate(&wild, &w.request), Decision::Allow);
    assert_ne!(evaluate(&escaped, &w.request), Decision::Allow);
    // `${$}` is a `$`.
    let dollar = policy(&[gh(&format!(r#"{{"StringEquals":{{"{k}":"${{$}}x"}}}}"#))]);
    let plain = policy(&[gh(&format!(r#"{{"StringEquals":{{"{k}":"$x"}}}}"#))]);
    assert!(a.equivalent(&dollar, &plain).unwrap().holds());
}
