//! Tokens of real providers, decoded and turned into requests as STS does
//! (docs/SEMANTICS.md §2.5, 4.1 to 4.5).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use base64::Engine as _;
use rolecall_eval::claims::{
    decode_jwt, ClaimRules, RoleAccount, RoleAccountError, TokenError, TokenPart, WebIdentity,
};
use rolecall_eval::request::ContextValue;
use serde_json::{json, Value};

const GH: &str = "token.actions.githubusercontent.com";
const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A compact JWT with a fake signature (rolecall never checks it).
fn jwt(claims: &Value) -> String {
    let header = json!({"alg": "RS256", "typ": "JWT", "kid": "k1"});
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(header.to_string().as_bytes()),
        b64(claims.to_string().as_bytes())
    )
}

fn role() -> RoleAccount {
    RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/app").unwrap()
}

fn identity(claims: Value) -> WebIdentity {
    let token = decode_jwt(&jwt(&claims)).unwrap();
    assert_eq!(token.claims, claims);
    assert_eq!(token.header["alg"], "RS256");
    WebIdentity::from_token(&token, &role(), &ClaimRules::default()).unwrap()
}

fn single(id: &WebIdentity, key: &str) -> Option<String> {
    id.context().lookup(key).map(|e| match e.value() {
        ContextValue::Single(s) => s.clone(),
        ContextValue::Multi(v) => panic!("{key} is multivalued: {v:?}"),
    })
}

fn multi(id: &WebIdentity, key: &str) -> Option<Vec<String>> {
    id.context().lookup(key).map(|e| match e.value() {
        ContextValue::Multi(v) => v.clone(),
        ContextValue::Single(s) => panic!("{key} is single-valued: {s:?}"),
    })
}

fn keys(id: &WebIdentity) -> Vec<String> {
    id.context().iter().map(|e| e.name().to_owned()).collect()
}

#[test]
fn eks_service_account_token() {
    let id = identity(json!({
        "iss": format!("https://{EKS}"),
        "sub": "system:serviceaccount:default:my-sa",
        // EKS always sends a one-element array: single-valued (docs/SEMANTICS.md D6).
        "aud": ["sts.amazonaws.com"],
        "exp": 1_900_000_000, "iat": 1_800_000_000,
        "kubernetes.io": {"namespace": "default", "serviceaccount": {"name": "my-sa"}},
    }));
    let arn = format!("arn:aws:iam::111122223333:oidc-provider/{EKS}");
    assert_eq!(id.provider(), EKS);
    assert_eq!(id.principal(), arn);
    assert_eq!(
        single(&id, &format!("{EKS}:aud")).unwrap(),
        "sts.amazonaws.com"
    );
    assert_eq!(
        single(&id, &format!("{EKS}:sub")).unwrap(),
        "system:serviceaccount:default:my-sa"
    );
    assert_eq!(single(&id, "aws:federatedprovider").unwrap(), arn);
    // Nothing else: `kubernetes.io`, `exp`, `iat` are not keys.
    assert_eq!(id.context().len(), 3, "{:?}", keys(&id));
    assert_eq!(id.actions(), ["sts:AssumeRoleWithWebIdentity"]);
    let reqs: Vec<_> = id.requests().collect();
    assert_eq!(reqs.len(), 1);
    assert_eq!(reqs[0].principal(), arn);
}

fn github(sub: &str, extra: Value) -> Value {
    let mut claims = json!({
        "iss": format!("https://{GH}"),
        "sub": sub,
        "aud": "sts.amazonaws.com",
        "actor": "octocat",
        "actor_id": "583231",
        "repository": "octo-org/octo-repo",
        "repository_id": "456789",
        "repository_owner": "octo-org",
        "workflow": "CI",
        "job_workflow_ref": "octo-org/octo-repo/.github/workflows/ci.yml@refs/heads/main",
        "ref": "refs/heads/main",
        "ref_type": "branch",
        "run_id": "42",
    });
    for (k, v) in extra.as_object().unwrap() {
        claims[k] = v.clone();
    }
    claims
}

#[test]
fn github_branch_exposes_the_2026_claims_only() {
    let claims = github("repo:octo-org/octo-repo:ref:refs/heads/main", json!({}));
    let id = identity(claims.clone());
    assert_eq!(
        id.principal(),
        format!("arn:aws:iam::111122223333:oidc-provider/{GH}")
    );
    assert_eq!(
        single(&id, &format!("{GH}:sub")).unwrap(),
        "repo:octo-org/octo-repo:ref:refs/heads/main"
    );
    for claim in [
        "actor",
        "actor_id",
        "repository",
        "repository_id",
        "workflow",
        "job_workflow_ref",
        "ref",
    ] {
        assert_eq!(
            single(&id, &format!("{GH}:{claim}")).as_deref(),
            claims[claim].as_str(),
            "{claim}"
        );
    }
    // Not in the table: not keys.
    for claim in [
        "repository_owner",
        "ref_type",
        "run_id",
        "environment",
        "iss",
    ] {
        assert!(
            id.context().lookup(&format!("{GH}:{claim}")).is_none(),
            "{claim}"
        );
    }
    // Pre-2026: only sub and aud.
    let old = WebIdentity::from_claims(&claims, None, &role(), &ClaimRules::pre_2026()).unwrap();
    assert!(old.context().lookup(&format!("{GH}:actor")).is_none());
    assert_eq!(
        keys(&old),
        vec![
            "aws:FederatedProvider".to_owned(),
            format!("{GH}:aud"),
            format!("{GH}:sub")
        ]
    );
}

#[test]
fn github_environment_and_non_string_claims() {
    let id = identity(github(
        "repo:o/r:environment:Production%3AV1",
        json!({"environment": "Production:V1"}),
    ));
    assert_eq!(
        single(&id, &format!("{GH}:sub")).unwrap(),
        "repo:o/r:environment:Production%3AV1"
    );
    assert_eq!(
        single(&id, &format!("{GH}:environment")).unwrap(),
        "Production:V1"
    );
    // docs/DECISIONS.md R20: a listed claim that is not a JSON string (AWS
    // documents every GitHub key as a String) is refused, whatever its type;
    // the old reading made `1234` the text "1234" and dropped objects.
    for bad in [
        json!(1234),
        json!(true),
        json!({"x": 1}),
        json!(null),
        json!(["a"]),
    ] {
        let claims = github(
            "repo:o/r:ref:refs/heads/main",
            json!({ "enterprise_id": bad }),
        );
        let err =
            WebIdentity::from_claims(&claims, None, &role(), &ClaimRules::default()).unwrap_err();
        match err {
            TokenError::ClaimType {
                claim, expected, ..
            } => {
                assert_eq!(claim, "enterprise_id");
                assert!(expected.starts_with("a string"), "{expected}");
            }
            other => panic!("{other:?}"),
        }
        // Before 2026 the claim is not read at all.
        let old =
            WebIdentity::from_claims(&claims, None, &role(), &ClaimRules::pre_2026()).unwrap();
        assert!(old
            .context()
            .lookup(&format!("{GH}:enterprise_id"))
            .is_none());
    }
    // A claim outside the table may hold anything.
    let id = identity(github(
        "repo:o/r:ref:refs/heads/main",
        json!({"run_number": 7, "runner_id": 12}),
    ));
    assert!(id.context().lookup(&format!("{GH}:runner_id")).is_none());
}

#[test]
fn github_pull_request_and_immutable_subject() {
    let pr = identity(github(
        "repo:o/r:pull_request",
        json!({"ref": "refs/pull/7/merge"}),
    ));
    assert_eq!(
        single(&pr, &format!("{GH}:sub")).unwrap(),
        "repo:o/r:pull_request"
    );
    assert_eq!(
        single(&pr, &format!("{GH}:ref")).unwrap(),
        "refs/pull/7/merge"
    );
    let imm = identity(github(
        "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
        json!({}),
    ));
    assert_eq!(
        single(&imm, &format!("{GH}:sub")).unwrap(),
        "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"
    );
}

#[test]
fn github_enterprise_issuer_keeps_the_slug() {
    let mut claims = github("repo:o/r:ref:refs/heads/main", json!({}));
    claims["iss"] = json!(format!("https://{GH}/octocat-inc"));
    let id = identity(claims);
    assert_eq!(id.provider(), format!("{GH}/octocat-inc"));
    assert_eq!(
        id.principal(),
        format!("arn:aws:iam::111122223333:oidc-provider/{GH}/octocat-inc")
    );
    assert!(single(&id, &format!("{GH}/octocat-inc:sub")).is_some());
    // docs/SEMANTICS.md §9 case 82: the key without the slug is absent.
    assert!(id.context().lookup(&format!("{GH}:sub")).is_none());
    // The host still selects GitHub's row of the claim table.
    assert_eq!(
        single(&id, &format!("{GH}/octocat-inc:actor")).unwrap(),
        "octocat"
    );
}

#[test]
fn gitlab_exposes_the_documented_claims() {
    let id = identity(json!({
        "iss": "https://gitlab.com",
        "sub": "project_path:group/project:ref_type:branch:ref:main",
        "aud": "https://gitlab.com",
        "namespace_id": "1", "project_path": "group/project", "ref": "main",
        "project_id": "22", "ref_protected": "true", "user_login": "sample-user",
    }));
    assert_eq!(
        id.principal(),
        "arn:aws:iam::111122223333:oidc-provider/gitlab.com"
    );
    assert_eq!(
        keys(&id),
        [
            "aws:FederatedProvider",
            "gitlab.com:aud",
            "gitlab.com:namespace_id",
            "gitlab.com:project_id",
            "gitlab.com:ref_protected",
            "gitlab.com:sub",
            "gitlab.com:user_login",
        ]
    );
    // GitLab writes ids as strings; a number is refused (R20).
    let err = from_claims_err(json!({
        "iss": "https://gitlab.com", "sub": "s", "aud": "a", "project_id": 22,
    }));
    assert!(matches!(err, TokenError::ClaimType { ref claim, .. } if claim == "project_id"));
    // A self-managed GitLab has only the standard keys.
    let own = identity(json!({
        "iss": "https://gitlab.example.com", "sub": "s", "aud": "a", "project_id": "22",
    }));
    assert!(own
        .context()
        .lookup("gitlab.example.com:project_id")
        .is_none());
}

#[test]
fn google_with_and_without_azp() {
    let with = identity(json!({
        "iss": "https://accounts.google.com",
        "sub": "110169484474386276334", "aud": "aud-client", "azp": "azp-client",
        "email": "a@example.com",
    }));
    assert_eq!(with.principal(), "accounts.google.com");
    assert_eq!(
        single(&with, "accounts.google.com:aud").unwrap(),
        "azp-client"
    );
    assert_eq!(
        single(&with, "accounts.google.com:oaud").unwrap(),
        "aud-client"
    );
    assert_eq!(
        single(&with, "accounts.google.com:azp").unwrap(),
        "azp-client"
    );
    assert!(with.context().lookup("accounts.google.com:email").is_none());
    assert!(with.context().lookup("aws:FederatedProvider").is_none());

    // Google's `iss` may also be written without the scheme.
    let without = identity(json!({
        "iss": "accounts.google.com", "sub": "1101", "aud": "aud-client",
    }));
    assert_eq!(
        single(&without, "accounts.google.com:aud").unwrap(),
        "aud-client"
    );
    assert_eq!(
        single(&without, "accounts.google.com:oaud").unwrap(),
        "aud-client"
    );
    assert!(without
        .context()
        .lookup("accounts.google.com:azp")
        .is_none());
}

#[test]
fn cognito_amr_is_multivalued() {
    let id = identity(json!({
        "iss": "https://cognito-identity.amazonaws.com",
        "sub": "us-east-1:1234-abcd",
        "aud": "us-east-1:pool-id",
        "amr": ["authenticated", "graph.facebook.com", "graph.facebook.com:123"],
    }));
    assert_eq!(id.principal(), "cognito-identity.amazonaws.com");
    assert_eq!(
        single(&id, "aws:FederatedProvider").unwrap(),
        "cognito-identity.amazonaws.com"
    );
    assert_eq!(
        multi(&id, "cognito-identity.amazonaws.com:amr").unwrap(),
        [
            "authenticated",
            "graph.facebook.com",
            "graph.facebook.com:123"
        ]
    );
    let unauth = identity(json!({
        "iss": "https://cognito-identity.amazonaws.com",
        "sub": "us-east-1:1", "aud": "us-east-1:pool-id", "amr": "unauthenticated",
    }));
    // A lone string is still a multivalued key.
    assert_eq!(
        multi(&unauth, "cognito-identity.amazonaws.com:amr").unwrap(),
        ["unauthenticated"]
    );
}

#[test]
fn aud_array_of_two_is_multivalued_and_trailing_slash_is_kept() {
    let id = identity(json!({
        "iss": "https://auth.example.com/",
        "sub": "user-1", "aud": ["sts.amazonaws.com", "api://x"], "azp": "cli",
        "amr": ["admins"],
    }));
    assert_eq!(id.provider(), "auth.example.com/");
    assert_eq!(
        multi(&id, "auth.example.com/:aud").unwrap(),
        ["sts.amazonaws.com", "api://x"]
    );
    assert_eq!(single(&id, "auth.example.com/:azp").unwrap(), "cli");
    assert_eq!(multi(&id, "auth.example.com/:amr").unwrap(), ["admins"]);
    assert!(id.context().lookup("auth.example.com:aud").is_none());
}

#[test]
fn session_tags_and_source_identity_add_actions() {
    let id = identity(json!({
        "iss": "https://idp.example.com", "sub": "user-1", "aud": "sts.amazonaws.com",
        "https://aws.amazon.com/tags": {
            "principal_tags": {"Project": ["X"], "CostCenter": ["12345"]},
            "transitive_tag_keys": ["Project"],
        },
        "https://aws.amazon.com/source_identity": "Admin",
    }));
    assert_eq!(
        id.actions(),
        [
            "sts:AssumeRoleWithWebIdentity",
            "sts:TagSession",
            "sts:SetSourceIdentity"
        ]
    );
    assert_eq!(single(&id, "aws:RequestTag/Project").unwrap(), "X");
    assert_eq!(single(&id, "aws:requesttag/costcenter").unwrap(), "12345");
    let mut tag_keys = multi(&id, "aws:TagKeys").unwrap();
    tag_keys.sort();
    assert_eq!(tag_keys, ["CostCenter", "Project"]);
    assert_eq!(multi(&id, "sts:TransitiveTagKeys").unwrap(), ["Project"]);
    assert_eq!(single(&id, "sts:SourceIdentity").unwrap(), "Admin");
    let actions: Vec<String> = id.requests().map(|r| r.action().to_owned()).collect();
    assert_eq!(
        actions,
        [
            "sts:AssumeRoleWithWebIdentity",
            "sts:TagSession",
            "sts:SetSourceIdentity"
        ]
    );

    // Tags without transitive keys: no `sts:TransitiveTagKeys` key.
    let t = identity(json!({
        "iss": "https://idp.example.com", "sub": "u", "aud": "a",
        "https://aws.amazon.com/tags": {"principal_tags": {"Dept": ["Eng"]}},
    }));
    assert!(t.context().lookup("sts:TransitiveTagKeys").is_none());
    assert_eq!(
        t.actions(),
        ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
    );
}

fn from_claims_err(claims: Value) -> TokenError {
    WebIdentity::from_claims(&claims, None, &role(), &ClaimRules::default()).unwrap_err()
}

#[test]
fn bad_tags_are_errors() {
    let base = |tags: Value| json!({"iss": "https://i.example.com", "sub": "s", "aud": "a", "https://aws.amazon.com/tags": tags});
    assert_eq!(
        from_claims_err(base(json!({"principal_tags": {"Project": ["X", "Y"]}}))),
        TokenError::MultiValuedTag {
            key: "Project".into()
        }
    );
    assert!(matches!(
        from_claims_err(base(json!({"principal_tags": {"Project": "X"}}))),
        TokenError::ClaimType { .. }
    ));
    assert!(matches!(
        from_claims_err(base(json!({"principal_tags": {"a": ["1"], "A": ["2"]}}))),
        TokenError::Context(_)
    ));
    assert!(matches!(
        from_claims_err(base(json!({"principal_tags": {}, "other": 1}))),
        TokenError::ClaimType { .. }
    ));
    assert!(matches!(
        from_claims_err(base(json!({"transitive_tag_keys": [1]}))),
        TokenError::ClaimType { .. }
    ));
}

#[test]
fn issuer_and_required_claims() {
    assert_eq!(
        from_claims_err(json!({"iss": "http://idp.example.com", "sub": "s", "aud": "a"})),
        TokenError::IssuerNotHttps {
            issuer: "http://idp.example.com".into()
        }
    );
    assert_eq!(
        from_claims_err(json!({"sub": "s", "aud": "a"})),
        TokenError::MissingClaim { claim: "iss" }
    );
    assert_eq!(
        from_claims_err(json!({"iss": "https://i.example.com", "aud": "a"})),
        TokenError::MissingClaim { claim: "sub" }
    );
    assert_eq!(
        from_claims_err(json!({"iss": "https://i.example.com", "sub": "s"})),
        TokenError::MissingClaim { claim: "aud" }
    );
    assert_eq!(
        from_claims_err(json!({"iss": "https://i.example.com", "sub": "s", "aud": []})),
        TokenError::MissingClaim { claim: "aud" }
    );
    // An explicit issuer wins over `iss`; OAuth 2.0 providers have none.
    let fb = WebIdentity::from_claims(
        &json!({"app_id": "123", "id": 456}),
        Some("graph.facebook.com"),
        &role(),
        &ClaimRules::default(),
    )
    .unwrap();
    assert_eq!(fb.principal(), "graph.facebook.com");
    assert_eq!(single(&fb, "graph.facebook.com:app_id").unwrap(), "123");
    assert_eq!(single(&fb, "graph.facebook.com:id").unwrap(), "456");
}

#[test]
fn decode_errors_are_typed() {
    let good = jwt(&json!({"iss": "https://i", "sub": "s", "aud": "a"}));
    let parts: Vec<&str> = good.split('.').collect();

    assert_eq!(
        decode_jwt("a.b").unwrap_err(),
        TokenError::NotThreeParts { parts: 2 }
    );
    assert_eq!(
        decode_jwt(&format!("{good}.x")).unwrap_err(),
        TokenError::NotThreeParts { parts: 4 }
    );

    // A `+` (standard base64) in the claims: offset points into the token.
    let bad = format!("{}.ab+d.{}", parts[0], parts[2]);
    assert_eq!(
        decode_jwt(&bad).unwrap_err(),
        TokenError::Base64 {
            part: TokenPart::Claims,
            offset: parts[0].len() + 1 + 2
        }
    );
    // Padding is refused.
    let padded = format!("{}.{}=.{}", parts[0], b64(b"{}a"), parts[2]);
    assert!(matches!(
        decode_jwt(&padded).unwrap_err(),
        TokenError::Base64 {
            part: TokenPart::Claims,
            ..
        }
    ));

    let not_json = format!("{}.{}.{}", parts[0], b64(b"{\n\"a\": }"), parts[2]);
    match decode_jwt(&not_json).unwrap_err() {
        TokenError::Json {
            part: TokenPart::Claims,
            line: 2,
            column,
            ..
        } => assert!(column > 0),
        other => panic!("{other:?}"),
    }
    let not_object = format!("{}.{}.{}", parts[0], b64(b"[1]"), parts[2]);
    assert_eq!(
        decode_jwt(&not_object).unwrap_err(),
        TokenError::NotAnObject {
            part: TokenPart::Claims
        }
    );
    let header_array = format!("{}.{}.{}", b64(b"[]"), parts[1], parts[2]);
    assert_eq!(
        decode_jwt(&header_array).unwrap_err(),
        TokenError::NotAnObject {
            part: TokenPart::Header
        }
    );

    for (claims, name) in [
        (json!({"aud": 5}), "aud"),
        (json!({"aud": ["a", 1]}), "aud"),
        (json!({"sub": 5}), "sub"),
        (json!({"iss": true}), "iss"),
        (json!({"amr": {}}), "amr"),
        (json!({"exp": "soon"}), "exp"),
        (
            json!({"https://aws.amazon.com/source_identity": 1}),
            "https://aws.amazon.com/source_identity",
        ),
    ] {
        match decode_jwt(&jwt(&claims)).unwrap_err() {
            TokenError::ClaimType { claim, .. } => assert_eq!(claim, name),
            other => panic!("{claims}: {other:?}"),
        }
    }
    assert_eq!(
        TokenError::ClaimType {
            claim: "aud".into(),
            found: "a number",
            expected: "a string or an array of strings"
        }
        .to_string(),
        "claim `aud` is present but is a number: it must be a string or an array of strings"
    );
    // The type found is named: `exp: "123"` is present, as a string.
    assert!(decode_jwt(&jwt(&json!({"exp": "123"})))
        .unwrap_err()
        .to_string()
        .contains("claim `exp` is present but is a string: it must be a number"));
}

/// A token from raw header and claims text (so duplicates survive).
fn raw_jwt(header: &str, claims: &str) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        b64(header.as_bytes()),
        b64(claims.as_bytes())
    )
}

const HEADER: &str = r#"{"alg":"RS256","kid":"k1"}"#;

fn duplicate(token: &str) -> (TokenPart, String) {
    match decode_jwt(token).unwrap_err() {
        TokenError::DuplicateMember { part, member, .. } => (part, member),
        other => panic!("{token}: {other:?}"),
    }
}

/// RFC 7519 section 4 allows keeping the last duplicate; rolecall refuses
/// (docs/DECISIONS.md R16). Before, serde_json kept the last `sub`.
#[test]
fn duplicate_members_are_refused_in_claims_and_header() {
    let admin = "system:serviceaccount:kube-system:admin";
    let app = "system:serviceaccount:prod:payments-api";
    let claims =
        format!(r#"{{"iss":"https://i.example.com","sub":"{admin}","aud":"a","sub":"{app}"}}"#);
    let token = raw_jwt(HEADER, &claims);
    assert_eq!(duplicate(&token), (TokenPart::Claims, "sub".to_owned()));
    let e = decode_jwt(&token).unwrap_err().to_string();
    assert!(
        e.starts_with("member `sub` appears more than once in the token claims (line 1, column"),
        "{e}"
    );
    assert!(!e.contains(app) && !e.contains(admin), "{e}");

    // Two `aud`, and a header with two `alg`.
    let two_aud = raw_jwt(
        HEADER,
        r#"{"iss":"https://i","sub":"s","aud":"x","aud":"y"}"#,
    );
    assert_eq!(duplicate(&two_aud), (TokenPart::Claims, "aud".to_owned()));
    let two_alg = raw_jwt(
        r#"{"alg":"none","alg":"RS256","kid":"k1"}"#,
        r#"{"iss":"https://i","sub":"s","aud":"a"}"#,
    );
    assert_eq!(duplicate(&two_alg), (TokenPart::Header, "alg".to_owned()));

    // Nested, in objects and inside arrays, named with their path.
    let nested = raw_jwt(
        HEADER,
        r#"{"iss":"https://i","sub":"s","aud":"a",
            "https://aws.amazon.com/tags":{"principal_tags":{"team":["a"],"team":["b"]}}}"#,
    );
    assert_eq!(
        duplicate(&nested).1,
        "https://aws.amazon.com/tags.principal_tags.team"
    );
    let in_array = raw_jwt(HEADER, r#"{"groups":[{"n":1},{"n":1,"n":2}]}"#);
    assert_eq!(duplicate(&in_array).1, "groups[1].n");
    // Equal names in different objects are not duplicates.
    let ok = raw_jwt(
        HEADER,
        r#"{"iss":"https://i","sub":"s","aud":"a","x":{"sub":1},"y":[{"sub":2}]}"#,
    );
    assert!(decode_jwt(&ok).is_ok());
    // A very long repeated name is shortened in the message.
    let long = "k".repeat(5000);
    let e = decode_jwt(&raw_jwt(HEADER, &format!(r#"{{"{long}":1,"{long}":2}}"#)))
        .unwrap_err()
        .to_string();
    assert!(e.len() < 400, "{} bytes", e.len());
}

/// RFC 7515 section 4.1.11 (docs/DECISIONS.md R17): rolecall implements no JWS
/// extension, so any `crit` is refused, and an invalid one too.
#[test]
fn crit_header_is_refused() {
    let claims = r#"{"iss":"https://i","sub":"s","aud":"a"}"#;
    let with = |crit: &str| {
        decode_jwt(&raw_jwt(
            &format!(r#"{{"alg":"RS256","kid":"k1","crit":{crit},"exp":1}}"#),
            claims,
        ))
    };
    match with(r#"["exp"]"#).unwrap_err() {
        TokenError::UnsupportedCritical { names } => assert_eq!(names, "`exp`"),
        other => panic!("{other:?}"),
    }
    let e = with(r#"["b64","x"]"#).unwrap_err().to_string();
    assert!(e.contains("`b64`, `x`") && e.contains("RFC 7515"), "{e}");
    let many = format!(
        "[{}]",
        (0..50)
            .map(|i| format!("\"e{i}\""))
            .collect::<Vec<_>>()
            .join(",")
    );
    let e = with(&many).unwrap_err().to_string();
    assert!(e.contains("and 45 more") && !e.contains("`e5`"), "{e}");
    for (crit, found) in [
        ("[]", "empty"),
        (r#""exp""#, "a string"),
        ("[1]", "an array holding a value that is not a string"),
        ("null", "`null`"),
    ] {
        assert_eq!(
            with(crit).unwrap_err(),
            TokenError::InvalidCritical { found },
            "{crit}"
        );
    }
    assert!(decode_jwt(&raw_jwt(HEADER, claims)).is_ok());
}

#[test]
fn role_accounts() {
    let r = RoleAccount::from_role_arn("arn:aws-cn:iam::123456789012:role/path/name").unwrap();
    assert_eq!(r.partition(), "aws-cn");
    assert_eq!(r.account_id(), "123456789012");
    assert_eq!(
        r.oidc_provider_arn("x.example.com"),
        "arn:aws-cn:iam::123456789012:oidc-provider/x.example.com"
    );
    for bad in [
        "arn:aws:iam::123456789012:user/x",
        "arn:aws:iam::123456789012:role/",
        "arn:aws:sts::123456789012:role/x",
        "arn:aws:iam:us-east-1:123456789012:role/x",
        "role/x",
    ] {
        assert!(
            matches!(
                RoleAccount::from_role_arn(bad),
                Err(RoleAccountError::NotRoleArn { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        RoleAccount::from_role_arn("arn:aws:iam::12345:role/x"),
        Err(RoleAccountError::BadAccountId { .. })
    ));
    assert!(matches!(
        RoleAccount::new("AWS", "123456789012"),
        Err(RoleAccountError::BadPartition { .. })
    ));
}

#[test]
fn claim_table_matches_providers() {
    let rules = ClaimRules::default();
    let names =
        |p: &str| -> Vec<&str> { rules.provider_claims(p).iter().map(|k| k.name).collect() };
    assert!(names(GH).contains(&"repository"));
    assert!(names(&format!("{GH}/slug")).contains(&"actor"));
    assert!(names("token.actions.octocorp.ghe.com").contains(&"repository_owner_id"));
    assert!(names("token.actions.githubusercontent.com.evil.com").is_empty());
    assert!(names(&format!("{GH}/a/b")).is_empty());
    assert_eq!(names("accounts.google.com"), ["google/organization_number"]);
    assert!(ClaimRules::pre_2026().provider_claims(GH).is_empty());
}

/// Session tags in the token: a tag value must be an array of one
/// string; one non-string element is a type error, not a multivalued tag.
/// `WebIdentity::insert` refuses a key equal ignoring case (R11).
#[test]
fn tag_types_and_identity_insert() {
    use rolecall_eval::claims::{ClaimRules, RoleAccount, TokenError, WebIdentity};
    use rolecall_eval::request::ContextValue;
    use serde_json::json;
    let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/r").unwrap();
    let claims = |tags: serde_json::Value| {
        json!({"iss": "https://server.example.com", "sub": "s", "aud": "a",
               "https://aws.amazon.com/tags": {"principal_tags": tags}})
    };
    let err = WebIdentity::from_claims(
        &claims(json!({"Project": [1]})),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap_err();
    assert!(
        matches!(&err, TokenError::ClaimType { claim, .. } if claim.ends_with("principal_tags.Project")),
        "{err:?}"
    );
    let mut id = WebIdentity::from_claims(
        &claims(json!({"Project": ["X"]})),
        None,
        &role,
        &ClaimRules::default(),
    )
    .unwrap();
    id.insert("custom:key", ContextValue::Single("v".into()))
        .unwrap();
    assert_eq!(
        id.context()
            .lookup("CUSTOM:KEY")
            .unwrap()
            .value()
            .as_single(),
        Some("v")
    );
    assert!(id
        .insert("Custom:Key", ContextValue::Single("w".into()))
        .is_err());
}

/// A bad final base64url symbol is reported at its byte in the token, in
/// the part it belongs to.
#[test]
fn bad_last_base64_symbol_is_located() {
    use rolecall_eval::claims::{decode_jwt, TokenError, TokenPart};
    // `e30` is `{}`; in `e31` the last symbol carries bits past the data.
    let err = decode_jwt("e30.e31.c2ln").unwrap_err();
    assert!(
        matches!(
            err,
            TokenError::Base64 {
                part: TokenPart::Claims,
                offset: 6
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "token claims is not base64url without padding at byte 6"
    );
}
