//! End-to-end `AssumeRoleWithWebIdentity` runs with tokens signed inside the
//! test by a freshly generated RSA key (nothing secret is committed), one
//! test per STS error of docs/SEMANTICS.md §5.4.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::sync::OnceLock;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use rolecall_sts::call::{Check, Response, StsErrorCode, Wording};
use rolecall_sts::{
    assume_role_with_web_identity, CallInput, CallResult, KeySet, KeySetError, ProviderError,
    ProviderRegistry, TrustPolicy,
};
use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey, LineEnding};
use rsa::traits::PublicKeyParts;
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const ROLE: &str = "arn:aws:iam::111122223333:role/app";
const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";
const GH: &str = "token.actions.githubusercontent.com";
const KID: &str = "test-key-1";
const NOW: i64 = 1_750_000_000;

struct TestKey {
    private_pem: String,
    public_pem: String,
    jwks: String,
}

/// One 2048-bit key per test binary: generation is the slow part.
fn key() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| {
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let public = private.to_public_key();
        let b64 = |bytes: Vec<u8>| URL_SAFE_NO_PAD.encode(bytes);
        let jwks = json!({"keys": [{
            "kty": "RSA", "alg": "RS256", "use": "sig", "kid": KID,
            "n": b64(public.n().to_bytes_be()), "e": b64(public.e().to_bytes_be()),
        }]});
        TestKey {
            private_pem: private.to_pkcs1_pem(LineEnding::LF).unwrap().to_string(),
            public_pem: public.to_pkcs1_pem(LineEnding::LF).unwrap(),
            jwks: jwks.to_string(),
        }
    })
}

fn sign_with(header: &Header, claims: &Value) -> String {
    let key = EncodingKey::from_rsa_pem(key().private_pem.as_bytes()).unwrap();
    jsonwebtoken::encode(header, claims, &key).unwrap()
}

fn sign(claims: &Value) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KID.to_owned());
    sign_with(&header, claims)
}

fn eks_claims() -> Value {
    json!({
        "iss": format!("https://{EKS}"),
        "sub": "system:serviceaccount:prod:app",
        "aud": ["sts.amazonaws.com"],
        "iat": NOW - 60,
        "nbf": NOW - 60,
        "exp": NOW + 3600,
        "kubernetes.io": {"namespace": "prod"},
    })
}

fn gh_claims() -> Value {
    json!({
        "iss": format!("https://{GH}"),
        "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
        "aud": "sts.amazonaws.com",
        "repository": "octo-org/octo-repo",
        "ref": "refs/heads/main",
        "iat": NOW - 10,
        "exp": NOW + 300,
    })
}

fn providers() -> ProviderRegistry {
    ProviderRegistry::from_json(&format!(
        r#"{{"account": "{ACCOUNT}", "providers": [
            {{"url": "https://{EKS}", "client_ids": ["sts.amazonaws.com"]}},
            {{"url": "https://{GH}", "client_ids": ["sts.amazonaws.com"]}}]}}"#
    ))
    .unwrap()
}

fn keys() -> KeySet {
    KeySet::from_jwks_json(&key().jwks, "test-jwks").unwrap()
}

fn irsa_policy() -> TrustPolicy {
    TrustPolicy::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{
            "Sid": "Irsa", "Effect": "Allow",
            "Principal": {{"Federated": "arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{"StringEquals": {{
                "{EKS}:aud": "sts.amazonaws.com",
                "{EKS}:sub": "system:serviceaccount:prod:app"}}}}}}]}}"#
    ))
    .unwrap()
}

fn gh_policy() -> TrustPolicy {
    TrustPolicy::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{
            "Sid": "GitHubMain", "Effect": "Allow",
            "Principal": {{"Federated": "arn:aws:iam::{ACCOUNT}:oidc-provider/{GH}"}},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {{
                "StringEquals": {{"{GH}:aud": "sts.amazonaws.com"}},
                "StringLike": {{"{GH}:sub": "repo:octo-org/octo-repo:*"}}}}}}]}}"#
    ))
    .unwrap()
}

fn run_with(
    token: &str,
    policy: &TrustPolicy,
    registry: &ProviderRegistry,
    now: i64,
) -> CallResult {
    let keys = keys();
    let input = CallInput::builder()
        .role_arn(ROLE)
        .policy(policy)
        .token(token)
        .providers(registry)
        .keys(&keys)
        .now(now)
        .session_name(Some("test-session"))
        .build()
        .unwrap();
    assume_role_with_web_identity(&input)
}

fn run(token: &str) -> CallResult {
    run_with(token, &irsa_policy(), &providers(), NOW)
}

/// The error, checked to be the expected code, check and message.
fn expect_error(result: &CallResult, code: StsErrorCode, check: Check, message: &str) {
    let error = result
        .error()
        .unwrap_or_else(|| panic!("expected an error, got {result:#?}"));
    assert_eq!(error.code, code, "{error:#?}");
    assert_eq!(error.check, check, "{error:#?}");
    assert_eq!(error.message, message, "{error:#?}");
    assert!(!result.checks.last().unwrap().passed);
}

#[test]
fn good_irsa_token_succeeds() {
    let result = run(&sign(&eks_claims()));
    let Response::Success(ok) = &result.outcome else {
        panic!("{result:#?}");
    };
    assert_eq!(
        ok.subject_from_web_identity_token,
        "system:serviceaccount:prod:app"
    );
    assert_eq!(ok.provider, format!("https://{EKS}"));
    assert_eq!(ok.audience, ["sts.amazonaws.com"]);
    assert_eq!(
        ok.assumed_role_arn,
        "arn:aws:sts::111122223333:assumed-role/app/test-session"
    );
    assert_eq!(ok.actions.len(), 1);
    assert_eq!(ok.actions[0].statements[0].sid.as_deref(), Some("Irsa"));
    assert_eq!(
        ok.actions[0].statements[0].to_string(),
        "statement 0 (`Irsa`)"
    );
    assert!(result.checks.iter().all(|c| c.passed));
    // JSON output carries the status tag.
    let v = serde_json::to_value(&result).unwrap();
    assert_eq!(v["outcome"]["status"], "success");
    assert_eq!(v["outcome"]["actions"][0]["decision"], "Allow");
}

#[test]
fn good_github_token_succeeds() {
    let result = run_with(&sign(&gh_claims()), &gh_policy(), &providers(), NOW);
    assert!(result.is_success(), "{result:#?}");
}

#[test]
fn wrong_sub_is_access_denied() {
    let mut claims = eks_claims();
    claims["sub"] = json!("system:serviceaccount:default:app");
    let result = run(&sign(&claims));
    expect_error(
        &result,
        StsErrorCode::AccessDenied,
        Check::Authorization,
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    );
    assert_eq!(result.error().unwrap().wording, Wording::Observed);
    let Response::Error { actions, .. } = &result.outcome else {
        panic!()
    };
    assert_eq!(actions[0].decision, rolecall_eval::Decision::ImplicitDeny);
}

#[test]
fn unregistered_issuer() {
    let registry = ProviderRegistry::from_json(&format!(
        r#"{{"account": "{ACCOUNT}", "providers": [{{"url": "https://{GH}", "client_ids": ["sts.amazonaws.com"]}}]}}"#
    ))
    .unwrap();
    let result = run_with(&sign(&eks_claims()), &irsa_policy(), &registry, NOW);
    expect_error(
        &result,
        StsErrorCode::InvalidIdentityToken,
        Check::Issuer,
        &format!("No OpenIDConnect provider found in your account for https://{EKS}"),
    );
}

#[test]
fn provider_of_another_account_is_not_found() {
    let registry = ProviderRegistry::from_json(&format!(
        r#"{{"account": "444455556666", "providers": [{{"url": "https://{EKS}", "client_ids": ["sts.amazonaws.com"]}}]}}"#
    ))
    .unwrap();
    let result = run_with(&sign(&eks_claims()), &irsa_policy(), &registry, NOW);
    let error = result.error().unwrap();
    assert_eq!(error.check, Check::Issuer);
    // Said as such, not only "no provider" (issue 13).
    assert!(
        error.cause.starts_with(&format!(
            "provider `https://{EKS}` is registered in account 444455556666, the role is in account {ACCOUNT}"
        )),
        "{}",
        error.cause
    );
}

#[test]
fn trailing_slash_issuer_mismatch() {
    let mut claims = eks_claims();
    claims["iss"] = json!(format!("https://{EKS}/"));
    let result = run(&sign(&claims));
    expect_error(
        &result,
        StsErrorCode::InvalidIdentityToken,
        Check::Issuer,
        &format!("No OpenIDConnect provider found in your account for https://{EKS}/"),
    );
    assert!(result.error().unwrap().cause.contains("trailing `/`"));
}

#[test]
fn wrong_audience() {
    let mut claims = eks_claims();
    claims["aud"] = json!("sts.amazon.com");
    let result = run(&sign(&claims));
    expect_error(
        &result,
        StsErrorCode::InvalidIdentityToken,
        Check::Audience,
        "Incorrect token audience",
    );
    assert!(result.error().unwrap().cause.contains("`sts.amazon.com`"));
}

#[test]
fn audience_array_passes_when_one_element_is_registered() {
    let mut claims = eks_claims();
    claims["aud"] = json!(["other", "sts.amazonaws.com"]);
    let result = run(&sign(&claims));
    // The audience check passes (UNCONFIRMED choice); the policy's plain
    // StringEquals on a multivalued `aud` is then false (docs/SEMANTICS.md D6).
    assert!(result
        .checks
        .iter()
        .any(|c| c.check == Check::Audience && c.passed));
    assert_eq!(result.error().unwrap().code, StsErrorCode::AccessDenied);
}

#[test]
fn missing_audience() {
    let mut claims = eks_claims();
    claims.as_object_mut().unwrap().remove("aud");
    expect_error(
        &run(&sign(&claims)),
        StsErrorCode::InvalidIdentityToken,
        Check::Audience,
        "Missing a required claim: aud",
    );
}

#[test]
fn expired_by_six_minutes_fails_and_by_four_passes() {
    let mut claims = eks_claims();
    claims["exp"] = json!(NOW - 360);
    let result = run(&sign(&claims));
    expect_error(
        &result,
        StsErrorCode::ExpiredTokenException,
        Check::Expiry,
        &format!(
            "Token expired: current date/time {NOW} must be before the expiration date/time {}",
            NOW - 360
        ),
    );
    claims["exp"] = json!(NOW - 240);
    assert!(run(&sign(&claims)).is_success());
    // The boundary: exactly 300 s late still passes, 301 s fails.
    claims["exp"] = json!(NOW - 300);
    assert!(run(&sign(&claims)).is_success());
    claims["exp"] = json!(NOW - 301);
    assert!(!run(&sign(&claims)).is_success());
}

#[test]
fn not_before_in_the_future() {
    let mut claims = eks_claims();
    claims["nbf"] = json!(NOW + 301);
    let result = run(&sign(&claims));
    assert_eq!(
        result.error().unwrap().code,
        StsErrorCode::InvalidIdentityToken
    );
    assert_eq!(result.error().unwrap().check, Check::NotBefore);
    claims["nbf"] = json!(NOW + 299);
    assert!(run(&sign(&claims)).is_success());
    // The skew is inclusive: `nbf` exactly 300 s ahead is accepted.
    claims["nbf"] = json!(NOW + 300);
    assert!(run(&sign(&claims)).is_success());
}

#[test]
fn bad_signature() {
    let token = sign(&eks_claims());
    let (head, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let mut claims = eks_claims();
    claims["sub"] = json!("system:serviceaccount:prod:attacker");
    let forged_claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let forged = format!("{head}.{forged_claims}.{signature}");
    let result = run(&forged);
    assert_eq!(
        result.error().unwrap().code,
        StsErrorCode::InvalidIdentityToken
    );
    assert_eq!(result.error().unwrap().check, Check::Signature);
    assert!(result.error().unwrap().cause.contains("does not verify"));
}

#[test]
fn unknown_kid() {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some("rotated-away".to_owned());
    let result = run(&sign_with(&header, &eks_claims()));
    expect_error(
        &result,
        StsErrorCode::InvalidIdentityToken,
        Check::VerificationKey,
        "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements",
    );
    assert!(result.error().unwrap().cause.contains("`rotated-away`"));
}

#[test]
fn alg_none_is_refused() {
    let header = URL_SAFE_NO_PAD.encode(json!({"alg": "none", "kid": KID}).to_string());
    let claims = URL_SAFE_NO_PAD.encode(eks_claims().to_string());
    let result = run(&format!("{header}.{claims}."));
    assert_eq!(
        result.error().unwrap().code,
        StsErrorCode::InvalidIdentityToken
    );
    assert_eq!(result.error().unwrap().check, Check::VerificationKey);
    assert!(result.error().unwrap().cause.contains("`none`"));
}

#[test]
fn hs256_with_the_public_key_as_secret_is_refused() {
    // The classic algorithm-confusion forgery: an HMAC keyed with the
    // public key, which the attacker knows.
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(KID.to_owned());
    let secret = EncodingKey::from_secret(key().public_pem.as_bytes());
    let token = jsonwebtoken::encode(&header, &eks_claims(), &secret).unwrap();
    let result = run(&token);
    assert_eq!(
        result.error().unwrap().code,
        StsErrorCode::InvalidIdentityToken
    );
    assert!(!result.is_success());
    assert!(result.error().unwrap().cause.contains("`HS256`"));
}

#[test]
fn rs384_is_refused() {
    let mut header = Header::new(Algorithm::RS384);
    header.kid = Some(KID.to_owned());
    let result = run(&sign_with(&header, &eks_claims()));
    assert_eq!(result.error().unwrap().check, Check::VerificationKey);
}

#[test]
fn token_over_20000_characters() {
    let mut claims = eks_claims();
    claims["padding"] = json!("x".repeat(20_000));
    let result = run(&sign(&claims));
    let error = result.error().unwrap();
    assert_eq!(error.code, StsErrorCode::ValidationError);
    assert_eq!(error.check, Check::Parameters);
    assert!(
        error.message.contains("'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"),
        "{error:#?}"
    );
}

#[test]
fn bad_session_name_and_role_arn() {
    let policy = irsa_policy();
    let registry = providers();
    let keys = keys();
    let token = sign(&eks_claims());
    let input = CallInput::builder()
        .role_arn("arn:aws:iam::111122223333:user/bob")
        .policy(&policy)
        .token(&token)
        .providers(&registry)
        .keys(&keys)
        .now(NOW)
        .session_name(Some("has space"))
        .build()
        .unwrap();
    let result = assume_role_with_web_identity(&input);
    let error = result.error().unwrap();
    assert!(
        error.message.starts_with("2 validation errors detected: "),
        "{error:#?}"
    );
    assert!(error.message.contains("regular expression pattern"));
}

#[test]
fn malformed_token() {
    let result = run("not-a-jwt");
    assert_eq!(result.error().unwrap().check, Check::TokenFormat);
    assert_eq!(
        result.error().unwrap().code,
        StsErrorCode::InvalidIdentityToken
    );
}

fn tag_policy(with_tag_session: bool) -> TrustPolicy {
    let actions = if with_tag_session {
        r#"["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]"#
    } else {
        r#""sts:AssumeRoleWithWebIdentity""#
    };
    TrustPolicy::from_json(&format!(
        r#"{{"Version": "2012-10-17", "Statement": [{{
            "Effect": "Allow",
            "Principal": {{"Federated": "arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"}},
            "Action": {actions}}}]}}"#
    ))
    .unwrap()
}

#[test]
fn session_tags_need_tag_session() {
    let mut claims = eks_claims();
    claims["https://aws.amazon.com/tags"] = json!({"principal_tags": {"team": ["a"]}});
    let token = sign(&claims);
    let result = run_with(&token, &tag_policy(false), &providers(), NOW);
    expect_error(
        &result,
        StsErrorCode::AccessDenied,
        Check::Authorization,
        "Not authorized to perform sts:TagSession",
    );
    let Response::Error { actions, .. } = &result.outcome else {
        panic!()
    };
    assert!(actions[0].decision.is_allowed());
    assert_eq!(actions[1].action, "sts:TagSession");
    assert!(run_with(&token, &tag_policy(true), &providers(), NOW).is_success());
}

#[test]
fn unknown_client_ids_are_undetermined() {
    let registry = ProviderRegistry::from_json(&format!(
        r#"{{"OpenIDConnectProviderList": [{{"Arn": "arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"}}]}}"#
    ))
    .unwrap();
    let result = run_with(&sign(&eks_claims()), &irsa_policy(), &registry, NOW);
    assert!(
        matches!(result.outcome, Response::Undetermined { .. }),
        "{result:#?}"
    );
}

#[test]
fn malformed_jwks_and_providers_give_clear_errors() {
    let e = KeySet::from_jwks_json(
        "{\"keys\": [\n  {\"kty\": \"RSA\", \"n\": 5}]}",
        "jwks.json",
    )
    .unwrap_err();
    assert!(matches!(e, KeySetError::Json { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("`jwks.json`"), "{e}");
    let e = ProviderRegistry::from_json(
        "{\"account\": \"111122223333\",\n \"providers\": [{\"url\": 1}]}",
    )
    .unwrap_err();
    assert!(matches!(e, ProviderError::Json { line: 2, .. }), "{e:?}");
    assert!(e.to_string().contains("invalid type"), "{e}");
}

#[test]
fn key_set_from_issuer_mirror_directories() {
    let base = std::env::temp_dir().join(format!("rolecall-sts-test-{}", std::process::id()));
    let eks_dir = base.join("eks");
    let gh_dir = base.join("gh");
    std::fs::create_dir_all(eks_dir.join(".well-known")).unwrap();
    std::fs::create_dir_all(gh_dir.join(".well-known")).unwrap();
    std::fs::write(
        eks_dir.join(".well-known/openid-configuration"),
        json!({"issuer": format!("https://{EKS}"), "jwks_uri": format!("https://{EKS}/keys")})
            .to_string(),
    )
    .unwrap();
    std::fs::write(eks_dir.join("keys"), &key().jwks).unwrap();
    std::fs::write(
        gh_dir.join(".well-known/openid-configuration"),
        json!({"issuer": format!("https://{GH}"), "jwks_uri": format!("https://{GH}/.well-known/jwks"),
               "subject_types_supported": ["public"]})
        .to_string(),
    )
    .unwrap();
    std::fs::write(gh_dir.join(".well-known/jwks"), &key().jwks).unwrap();
    for dir in [&eks_dir, &gh_dir] {
        let set = KeySet::from_path(dir).unwrap();
        assert!(set.contains(KID) && !set.contains("other"));
        assert_eq!(set.len(), 1);
        assert!(set.discovery_issuer().is_some());
    }
    std::fs::remove_dir_all(&base).unwrap();
}

#[test]
fn invalid_policy_is_refused_with_a_position() {
    let e = TrustPolicy::from_json(
        "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"allow\"}]}",
    )
    .unwrap_err();
    assert!(!e.to_string().is_empty());
    assert!(TrustPolicy::from_json("{").is_err());
}

#[test]
fn inspect_reports_keys_and_oddities() {
    use rolecall_eval::claims::{ClaimRules, RoleAccount};
    use rolecall_sts::inspect::{inspect, Note};

    let mut claims = eks_claims();
    claims["aud"] = json!(["a", "b"]);
    claims["exp"] = json!(NOW - 400);
    let mut header = Header::new(Algorithm::RS384);
    header.kid = None;
    let token = sign_with(&header, &claims);
    let role = RoleAccount::from_role_arn(ROLE).unwrap();
    let report = inspect(&token, &ClaimRules::default(), Some(&role), Some(NOW));
    assert_eq!(
        report.principal.as_deref(),
        Some(format!("arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}").as_str())
    );
    let aud = report
        .context
        .iter()
        .find(|k| k.name == format!("{EKS}:aud"))
        .unwrap();
    assert!(aud.multivalued);
    assert_eq!(aud.values, ["a", "b"]);
    assert!(report.notes.contains(&Note::Expired {
        exp: NOW - 400,
        now: NOW
    }));
    assert!(report.notes.contains(&Note::AudienceArray {
        values: vec!["a".into(), "b".into()]
    }));
    assert!(report.notes.contains(&Note::AlgorithmNotAccepted {
        alg: Some("RS384".into())
    }));
    assert!(report.notes.contains(&Note::NoKeyId));
    assert!(report.notes.contains(&Note::ClaimsNotExposed {
        claims: vec!["kubernetes.io".into()]
    }));
    assert_eq!(report.actions, ["sts:AssumeRoleWithWebIdentity"]);
    // Which notes refuse the token by themselves, and how they read.
    for n in &report.notes {
        let refuses = !matches!(
            n,
            Note::AudienceArray { .. } | Note::ClaimsNotExposed { .. }
        );
        assert_eq!(n.refuses(), refuses, "{n:?}");
        assert!(!n.describe().is_empty(), "{n:?}");
    }
    let expired = Note::Expired {
        exp: NOW - 400,
        now: NOW,
    };
    assert_eq!(
        expired.describe(),
        format!(
            "expired: exp {} is 400 s before now {NOW} (STS allows 300 s): ExpiredTokenException",
            NOW - 400
        )
    );

    // No `exp` at all: refused, whatever the clock.
    let mut claims = eks_claims();
    claims.as_object_mut().unwrap().remove("exp");
    for now in [Some(NOW), None] {
        let report = inspect(&sign(&claims), &ClaimRules::default(), None, now);
        assert!(report.notes.contains(&Note::NoExpiry), "{:?}", report.notes);
        assert_eq!(Note::NoExpiry.describe(), "no `exp` claim: refused");
    }

    // A fresh GitHub token: exposed 2026 claims, no notes about them.
    let report = inspect(&sign(&gh_claims()), &ClaimRules::default(), None, Some(NOW));
    assert!(report.principal.is_none());
    assert!(report
        .context
        .iter()
        .any(|k| k.name == format!("{GH}:repository")));
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    let report = inspect("xx.yy", &ClaimRules::default(), None, None);
    assert!(report.error.is_some());
    // Shorter than STS's 4 characters: refused as STS refuses it.
    let report = inspect("x.y", &ClaimRules::default(), None, None);
    assert!(report.refused.is_some());
}

/// A token signed over the header and claims *text* given, so that
/// repeated members reach the reader as written.
fn sign_raw(header: &str, claims: &str) -> String {
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let key = EncodingKey::from_rsa_pem(key().private_pem.as_bytes()).unwrap();
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &key, Algorithm::RS256).unwrap();
    format!("{message}.{signature}")
}

fn rs256_header() -> String {
    format!(r#"{{"alg":"RS256","typ":"JWT","kid":"{KID}"}}"#)
}

/// The EKS claims as text, `extra` members inserted after `sub`.
fn eks_claims_text(extra: &str) -> String {
    format!(
        r#"{{"iss":"https://{EKS}","sub":"system:serviceaccount:prod:app",{extra}"aud":["sts.amazonaws.com"],"iat":{},"exp":{}}}"#,
        NOW - 60,
        NOW + 3600
    )
}

fn expect_refused(result: &CallResult, cause: &str) {
    let error = result
        .error()
        .unwrap_or_else(|| panic!("expected a refusal, got {result:#?}"));
    assert_eq!(error.code, StsErrorCode::InvalidIdentityToken, "{error:#?}");
    assert_eq!(error.check, Check::TokenFormat, "{error:#?}");
    assert!(error.cause.contains(cause), "{}", error.cause);
}

/// Correctly signed tokens with repeated members: serde_json kept the last
/// one, so each of these succeeded before (docs/DECISIONS.md R16).
#[test]
fn repeated_members_are_invalid_identity_tokens() {
    assert!(run(&sign_raw(&rs256_header(), &eks_claims_text(""))).is_success());
    // Two `sub`: the policy allows the last one.
    let two_subs = format!(
        r#"{{"iss":"https://{EKS}","sub":"system:serviceaccount:kube-system:admin","sub":"system:serviceaccount:prod:app","aud":"sts.amazonaws.com","exp":{}}}"#,
        NOW + 3600
    );
    let result = run(&sign_raw(&rs256_header(), &two_subs));
    expect_refused(
        &result,
        "the token is refused: member `sub` appears more than once in the token claims",
    );
    assert!(!result.error().unwrap().cause.contains("kube-system"));
    // Two `aud`.
    let two_auds = eks_claims_text(r#""aud":"evil","#);
    expect_refused(
        &run(&sign_raw(&rs256_header(), &two_auds)),
        "member `aud` appears more than once in the token claims",
    );
    // `alg` twice in the header, `none` first.
    let header = format!(r#"{{"alg":"none","alg":"RS256","kid":"{KID}"}}"#);
    expect_refused(
        &run(&sign_raw(&header, &eks_claims_text(""))),
        "member `alg` appears more than once in the token header",
    );
    // Nested: a session tag given twice.
    let tags = eks_claims_text(
        r#""https://aws.amazon.com/tags":{"principal_tags":{"team":["a"],"team":["b"]}},"#,
    );
    expect_refused(
        &run(&sign_raw(&rs256_header(), &tags)),
        "member `https://aws.amazon.com/tags.principal_tags.team` appears more than once",
    );
}

/// RFC 7515 section 4.1.11 (docs/DECISIONS.md R17); accepted before.
#[test]
fn crit_headers_are_refused() {
    let header = format!(r#"{{"alg":"RS256","kid":"{KID}","crit":["exp"],"exp":1}}"#);
    expect_refused(
        &run(&sign_raw(&header, &eks_claims_text(""))),
        "header `crit` requires extension(s) `exp` that rolecall does not implement",
    );
    let header = format!(r#"{{"alg":"RS256","kid":"{KID}","crit":[]}}"#);
    expect_refused(
        &run(&sign_raw(&header, &eks_claims_text(""))),
        "header `crit` is empty",
    );
}

/// A present but unusable `exp` was reported as missing, a negative one as
/// expired, and an unusable `nbf` was ignored (docs/DECISIONS.md R18).
#[test]
fn unusable_times_are_named_as_present() {
    for (exp, why) in [
        (
            json!(1e30),
            "claim `exp` is present but unusable: `1e+30` is after 9999-12-31T23:59:59Z",
        ),
        (
            json!(-1),
            "claim `exp` is present but unusable: `-1` is negative",
        ),
        (
            json!("123"),
            "claim `exp` is present but is a string: it must be a number",
        ),
    ] {
        let mut claims = eks_claims();
        claims["exp"] = exp;
        let result = run(&sign(&claims));
        expect_refused(&result, why);
        assert!(!result.error().unwrap().message.contains("Missing"));
    }
    let mut claims = eks_claims();
    claims["nbf"] = json!(1e30);
    expect_refused(
        &run(&sign(&claims)),
        "claim `nbf` is present but unusable: `1e+30` is after",
    );
    // A missing `exp` is still reported as missing, at the expiry check.
    let mut claims = eks_claims();
    claims.as_object_mut().unwrap().remove("exp");
    expect_error(
        &run(&sign(&claims)),
        StsErrorCode::InvalidIdentityToken,
        Check::Expiry,
        "Missing a required claim: exp",
    );
}

/// A directory mirroring `issuer` with the test key.
fn mirror(name: &str, discovery: &Value) -> std::path::PathBuf {
    let dir =
        std::env::temp_dir().join(format!("rolecall-sts-mirror-{}-{name}", std::process::id()));
    std::fs::create_dir_all(dir.join(".well-known")).unwrap();
    std::fs::write(
        dir.join(".well-known/openid-configuration"),
        discovery.to_string(),
    )
    .unwrap();
    std::fs::write(dir.join("keys"), &key().jwks).unwrap();
    dir
}

/// Keys mirrored for GitHub's issuer verified an EKS token before.
#[test]
fn a_mirror_of_another_issuer_does_not_verify() {
    let token = sign(&eks_claims());
    let run_dir = |dir: &std::path::Path| {
        let keys = KeySet::from_path(dir).unwrap();
        let (policy, registry) = (irsa_policy(), providers());
        let input = CallInput::builder()
            .role_arn(ROLE)
            .policy(&policy)
            .token(&token)
            .providers(&registry)
            .keys(&keys)
            .now(NOW)
            .build()
            .unwrap();
        assume_role_with_web_identity(&input)
    };
    let own = mirror(
        "own",
        &json!({"issuer": format!("https://{EKS}"), "jwks_uri": format!("https://{EKS}/keys")}),
    );
    assert!(run_dir(&own).is_success());
    let other = mirror(
        "other",
        &json!({"issuer": format!("https://{GH}"), "jwks_uri": format!("https://{GH}/keys")}),
    );
    let result = run_dir(&other);
    let error = result.error().unwrap();
    assert_eq!(error.check, Check::VerificationKey);
    assert_eq!(error.wording, Wording::Approximated);
    assert!(
        error
            .cause
            .contains(&format!("is a mirror of issuer `https://{GH}`"))
            && error
                .cause
                .contains(&format!("not of the token's issuer `https://{EKS}`")),
        "{}",
        error.cause
    );
    // Byte for byte: a trailing slash is another issuer.
    let slash = mirror(
        "slash",
        &json!({"issuer": format!("https://{EKS}/"), "jwks_uri": format!("https://{EKS}/keys")}),
    );
    assert_eq!(
        run_dir(&slash).error().unwrap().check,
        Check::VerificationKey
    );
    // No `issuer` at all, or one given twice: the mirror is refused.
    let none = mirror("none", &json!({"jwks_uri": format!("https://{EKS}/keys")}));
    let e = KeySet::from_path(&none).unwrap_err();
    assert!(e.to_string().contains("missing field `issuer`"), "{e}");
    let twice =
        std::env::temp_dir().join(format!("rolecall-sts-mirror-{}-twice", std::process::id()));
    std::fs::create_dir_all(twice.join(".well-known")).unwrap();
    std::fs::write(
        twice.join(".well-known/openid-configuration"),
        format!(
            r#"{{"issuer": "https://{GH}", "jwks_uri": "https://{EKS}/keys", "issuer": "https://{EKS}"}}"#
        ),
    )
    .unwrap();
    std::fs::write(twice.join("keys"), &key().jwks).unwrap();
    let e = KeySet::from_path(&twice).unwrap_err();
    assert!(e.to_string().contains("duplicate member `issuer`"), "{e}");
    for dir in [own, other, slash, none, twice] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

/// `inspect` refuses what the call refuses before any lookup, with the
/// same error; before, it decoded a 25,000-character token and took
/// `exp: 1e30` as a valid time.
#[test]
fn inspect_and_call_share_the_token_checks() {
    use rolecall_eval::claims::ClaimRules;
    use rolecall_sts::inspect::inspect;

    let mut long = eks_claims();
    long["padding"] = json!("x".repeat(25_000));
    let mut far = eks_claims();
    far["exp"] = json!(1e30);
    let two_subs = sign_raw(
        &rs256_header(),
        &eks_claims_text(r#""sub":"system:serviceaccount:kube-system:admin","#),
    );
    for token in [sign(&long), sign(&far), two_subs] {
        let call = run(&token);
        let report = inspect(&token, &ClaimRules::default(), None, Some(NOW));
        assert_eq!(report.refused.as_ref(), call.error(), "{report:#?}");
        assert!(report.header.is_none() && report.claims.is_none());
        assert!(report.context.is_empty());
    }
    let report = inspect(&sign(&long), &ClaimRules::default(), None, Some(NOW));
    assert_eq!(
        report.refused.unwrap().message,
        "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"
    );
}

/// Error codes read as STS spells them (also their JSON form); checks have stable kebab-case
/// names (also their JSON form); an error displays as `CODE: MESSAGE`.
#[test]
fn codes_and_checks_have_stable_names() {
    for (code, name) in [
        (StsErrorCode::ValidationError, "ValidationError"),
        (StsErrorCode::InvalidIdentityToken, "InvalidIdentityToken"),
        (StsErrorCode::ExpiredTokenException, "ExpiredTokenException"),
        (StsErrorCode::AccessDenied, "AccessDenied"),
    ] {
        assert_eq!(code.as_str(), name);
        assert_eq!(serde_json::to_value(code).unwrap(), name);
    }
    for (check, name) in [
        (Check::Parameters, "parameters"),
        (Check::TokenFormat, "token-format"),
        (Check::Issuer, "issuer"),
        (Check::VerificationKey, "verification-key"),
        (Check::Signature, "signature"),
        (Check::Audience, "audience"),
        (Check::Expiry, "expiry"),
        (Check::NotBefore, "not-before"),
        (Check::Claims, "claims"),
        (Check::Authorization, "authorization"),
    ] {
        assert_eq!(check.as_str(), name);
        assert_eq!(serde_json::to_value(check).unwrap(), name);
    }
    let mut claims = eks_claims();
    claims["sub"] = json!("system:serviceaccount:default:app");
    let result = run(&sign(&claims));
    assert_eq!(
        result.error().unwrap().to_string(),
        "AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity"
    );
}

/// The claim table given to the builder is the one used, in any order of the builder's calls.
#[test]
fn the_builder_keeps_the_claim_rules_given() {
    let keys = keys();
    let (policy, registry) = (gh_policy(), providers());
    let token = sign(&gh_claims());
    for rules in [
        rolecall_eval::claims::ClaimRules::default(),
        rolecall_eval::claims::ClaimRules::pre_2026(),
    ] {
        let input = CallInput::builder()
            .rules(rules)
            .role_arn(ROLE)
            .policy(&policy)
            .token(&token)
            .providers(&registry)
            .keys(&keys)
            .now(NOW)
            .build()
            .unwrap();
        assert_eq!(input.rules, rules);
        let later = CallInput::builder()
            .role_arn(ROLE)
            .policy(&policy)
            .token(&token)
            .providers(&registry)
            .keys(&keys)
            .now(NOW)
            .rules(rules)
            .build()
            .unwrap();
        assert_eq!(later.rules, rules);
        assert!(assume_role_with_web_identity(&later).is_success());
    }
}

/// The cause of an issuer no provider matches: a provider of another issuer in another account
/// is not "the same provider elsewhere"; the `https://` note only for an issuer without it; the
/// registered providers listed up to ten, then counted.
#[test]
fn unregistered_issuer_causes() {
    let cause = |registry: &ProviderRegistry, claims: &Value| {
        let result = run_with(&sign(claims), &irsa_policy(), registry, NOW);
        let error = result.error().unwrap().clone();
        assert_eq!(error.check, Check::Issuer, "{error:#?}");
        error.cause
    };
    let other_issuer_elsewhere = ProviderRegistry::from_json(&format!(
        r#"{{"account": "444455556666", "providers": [{{"url": "https://{GH}", "client_ids": ["sts.amazonaws.com"]}}]}}"#
    ))
    .unwrap();
    let c = cause(&other_issuer_elsewhere, &eks_claims());
    assert!(
        c.starts_with(&format!(
            "issuer `https://{EKS}` equals the url of no IAM OIDC provider of account {ACCOUNT}"
        )),
        "{c}"
    );
    assert!(!c.contains("must start with"), "{c}");
    // Another issuer is no near miss of this one.
    assert!(!c.contains("differs only"), "{c}");
    let mut plain = eks_claims();
    plain["iss"] = json!(EKS);
    let c = cause(&other_issuer_elsewhere, &plain);
    assert!(c.contains("; the issuer must start with `https://`"), "{c}");

    let listed = |n: usize| {
        let providers: Vec<String> = (0..n)
            .map(|i| {
                format!(r#"{{"url": "https://idp{i}.example.com", "client_ids": ["sts.amazonaws.com"]}}"#)
            })
            .collect();
        let registry = ProviderRegistry::from_json(&format!(
            r#"{{"account": "{ACCOUNT}", "providers": [{}]}}"#,
            providers.join(",")
        ))
        .unwrap();
        cause(&registry, &eks_claims())
    };
    let ten = listed(10);
    assert!(ten.contains("https://idp9.example.com"), "{ten}");
    assert!(!ten.contains("more"), "{ten}");
    let eleven = listed(11);
    assert!(
        eleven.ends_with("https://idp9.example.com (account 111122223333), and 1 more]"),
        "{eleven}"
    );
    assert!(!eleven.contains("https://idp10.example.com"), "{eleven}");
}

/// `token inspect` uses STS's clock skew, inclusive, on both sides: `exp` 300 s past and `nbf`
/// 300 s ahead are fine, one second more is noted.
#[test]
fn inspect_clock_skew_boundaries() {
    use rolecall_eval::claims::ClaimRules;
    use rolecall_sts::inspect::{inspect, Note};
    let notes = |exp: i64, nbf: i64| {
        let mut claims = gh_claims();
        claims["exp"] = json!(exp);
        claims["nbf"] = json!(nbf);
        inspect(&sign(&claims), &ClaimRules::default(), None, Some(NOW)).notes
    };
    assert!(notes(NOW - 300, NOW + 300).is_empty());
    assert_eq!(
        notes(NOW - 301, NOW),
        [Note::Expired {
            exp: NOW - 301,
            now: NOW
        }]
    );
    assert_eq!(
        notes(NOW + 60, NOW + 301),
        [Note::NotYetValid {
            nbf: NOW + 301,
            now: NOW
        }]
    );
}

/// A token without `aud`, or with an empty list, is noted as lacking an audience.
#[test]
fn inspect_notes_a_missing_audience() {
    use rolecall_eval::claims::ClaimRules;
    use rolecall_sts::inspect::{inspect, Note};
    for aud in [None, Some(json!([]))] {
        let mut claims = gh_claims();
        match &aud {
            None => {
                claims.as_object_mut().unwrap().remove("aud");
            }
            Some(v) => claims["aud"] = v.clone(),
        }
        let report = inspect(&sign(&claims), &ClaimRules::default(), None, Some(NOW));
        assert!(
            report.notes.contains(&Note::MissingAudience),
            "{aud:?}: {:?}",
            report.notes
        );
    }
    // A one-element list is one audience: nothing to note.
    let mut claims = gh_claims();
    claims["aud"] = json!(["sts.amazonaws.com"]);
    let report = inspect(&sign(&claims), &ClaimRules::default(), None, Some(NOW));
    assert!(report.notes.is_empty(), "{:?}", report.notes);
}

/// A key set file is read up to 1 MiB: a file of exactly that many bytes is read, one byte more
/// is refused as too large (not read on and parsed).
#[test]
fn key_set_files_are_read_up_to_the_limit() {
    use rolecall_sts::keys::MAX_DOCUMENT_BYTES;
    let limit = usize::try_from(MAX_DOCUMENT_BYTES).unwrap();
    assert_eq!(limit, 1024 * 1024);
    let dir = std::env::temp_dir().join(format!("rolecall-sts-keys-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let jwks = &key().jwks;
    for (name, len, ok) in [("at.json", limit, true), ("over.json", limit + 1, false)] {
        let path = dir.join(name);
        let mut text = jwks.clone();
        text.push_str(&" ".repeat(len - jwks.len()));
        std::fs::write(&path, &text).unwrap();
        let read = KeySet::from_path(&path);
        if ok {
            assert!(read.is_ok(), "{name}: {:?}", read.err());
        } else {
            let e = read.err().unwrap().to_string();
            assert!(
                e.contains("larger than the 1048576-byte limit"),
                "{name}: {e}"
            );
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A mirror's `jwks_uri` must be `https://` and a plain path: no query or fragment, even when
/// the file it would name is there.
#[test]
fn a_mirror_jwks_uri_must_be_https_and_plain() {
    for (name, issuer, uri) in [
        (
            "http",
            format!("http://{EKS}"),
            format!("http://{EKS}/keys"),
        ),
        (
            "query",
            format!("https://{EKS}"),
            format!("https://{EKS}/keys?v=1"),
        ),
        (
            "fragment",
            format!("https://{EKS}"),
            format!("https://{EKS}/keys#k"),
        ),
    ] {
        let dir = mirror(name, &json!({"issuer": issuer, "jwks_uri": uri}));
        let e = KeySet::from_path(&dir).err();
        assert!(
            matches!(e, Some(rolecall_sts::keys::KeySetError::BadJwksUri { .. })),
            "{name}: {e:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// A key set counts its keys and names where they came from.
#[test]
fn key_sets_count_their_keys_and_name_their_source() {
    let one: Value = serde_json::from_str(&key().jwks).unwrap();
    let jwk = one["keys"][0].clone();
    let mut second = jwk.clone();
    second["kid"] = json!("test-key-2");
    let two = json!({"keys": [jwk, second]}).to_string();
    let set = KeySet::from_jwks_json(&two, "two.json").unwrap();
    assert_eq!((set.len(), set.is_empty()), (2, false));
    assert!(set.contains(KID) && set.contains("test-key-2"));
    assert_eq!(set.kids(), [KID, "test-key-2"]);
    assert_eq!(set.source(), "two.json");
    let mut no_kid = one["keys"][0].clone();
    no_kid.as_object_mut().unwrap().remove("kid");
    let set = KeySet::from_jwks_json(&json!({"keys": [no_kid]}).to_string(), "x").unwrap();
    assert_eq!(set.kids(), ["(none)"]);
    let set = KeySet::from_jwks_json(&key().jwks, "one.json").unwrap();
    assert_eq!((set.len(), set.is_empty()), (1, false));
    // A JWKS with no key is a (useless) key set: every token then fails at its key.
    let empty = KeySet::from_jwks_json(r#"{"keys": []}"#, "none.json").unwrap();
    assert_eq!((empty.len(), empty.is_empty()), (0, true));
}

/// A provider URL is `https://` and a host: empty, path-only, query, fragment and other schemes
/// are refused; a provider ARN is IAM's, with no region.
#[test]
fn malformed_provider_urls_and_arns_are_refused() {
    for url in [
        "https://",
        "https:///keys",
        "https://idp.example.com?x=1",
        "https://idp.example.com#f",
        "http://idp.example.com",
    ] {
        let json = format!(r#"{{"account": "{ACCOUNT}", "providers": [{{"url": "{url}"}}]}}"#);
        assert!(ProviderRegistry::from_json(&json).is_err(), "{url}");
    }
    for arn in [
        "arn:aws:sts::111122223333:oidc-provider/idp.example.com",
        "arn:aws:iam:us-east-1:111122223333:oidc-provider/idp.example.com",
        "arn:aws:iam::111122223333:role/idp.example.com",
        "arn:aws:iam::111122223333:oidc-provider/",
        "arn:aws:iam::111122223333:oidc-provider//keys",
        "arn:aws:iam::111122223333:oidc-provider/idp.example.com?x=1",
    ] {
        let json = format!(r#"{{"OpenIDConnectProviderList": [{{"Arn": "{arn}"}}]}}"#);
        assert!(ProviderRegistry::from_json(&json).is_err(), "{arn}");
    }
    let ok = format!(
        r#"{{"OpenIDConnectProviderList": [{{"Arn": "arn:aws:iam::{ACCOUNT}:oidc-provider/idp.example.com"}}]}}"#
    );
    assert!(ProviderRegistry::from_json(&ok).is_ok());
}

/// Merging registries: a provider first known without its account takes the account a later
/// input gives (an ARN), and is then found in that account only.
#[test]
fn merged_providers_learn_their_account() {
    let mut registry = ProviderRegistry::from_json(&format!(
        r#"{{"providers": [{{"url": "https://{EKS}", "client_ids": ["sts.amazonaws.com"]}}]}}"#
    ))
    .unwrap();
    let issuer = format!("https://{EKS}");
    assert!(registry.find(&issuer, "444455556666").is_some());
    let listed = ProviderRegistry::from_json(&format!(
        r#"{{"OpenIDConnectProviderList": [{{"Arn": "arn:aws:iam::{ACCOUNT}:oidc-provider/{EKS}"}}]}}"#
    ))
    .unwrap();
    registry.merge(listed).unwrap();
    assert_eq!(registry.providers().len(), 1);
    let p = registry.find(&issuer, ACCOUNT).unwrap();
    assert_eq!(p.account.as_deref(), Some(ACCOUNT));
    assert_eq!(
        p.client_ids.as_deref(),
        Some(&["sts.amazonaws.com".to_owned()][..])
    );
    assert!(registry.find(&issuer, "444455556666").is_none());
}

/// Two inputs that disagree on a provider's account or client IDs are an error; agreeing ones
/// merge.
#[test]
fn conflicting_providers_are_refused() {
    let with = |account: &str, client: &str| {
        ProviderRegistry::from_json(&format!(
            r#"{{"account": "{account}", "providers": [{{"url": "https://{EKS}", "client_ids": ["{client}"]}}]}}"#
        ))
        .unwrap()
    };
    let base = || with(ACCOUNT, "sts.amazonaws.com");
    assert!(base().merge(with(ACCOUNT, "sts.amazonaws.com")).is_ok());
    assert!(base()
        .merge(with("444455556666", "sts.amazonaws.com"))
        .is_err());
    assert!(base().merge(with(ACCOUNT, "other-client")).is_err());
}

/// The input forms a provider file can take are named as the AWS CLI commands that print them.
#[test]
fn provider_forms_are_named_by_their_command() {
    use rolecall_sts::providers::ProviderForm;
    for (form, name) in [
        (
            ProviderForm::ListProviders,
            "list-open-id-connect-providers",
        ),
        (ProviderForm::GetProvider, "get-open-id-connect-provider"),
        (
            ProviderForm::GetProviderArray,
            "get-open-id-connect-provider array",
        ),
        (ProviderForm::Rolecall, "rolecall"),
    ] {
        assert_eq!(form.to_string(), name);
    }
}

/// STS's minimum token length is inclusive: four characters are long enough (and then not a
/// JWT), three are refused as too short.
#[test]
fn the_token_length_minimum_is_inclusive() {
    use rolecall_eval::claims::ClaimRules;
    use rolecall_sts::inspect::inspect;
    let four = inspect("a.bc", &ClaimRules::default(), None, None);
    assert!(four.refused.is_none() && four.error.is_some(), "{four:?}");
    let three = inspect("a.b", &ClaimRules::default(), None, None);
    assert!(three.refused.is_some(), "{three:?}");
}

/// The latest NumericDate read is 9999-12-31T23:59:59Z, fraction included (the whole seconds
/// count); one second later is unusable.
#[test]
fn numeric_dates_are_read_up_to_the_last_second_of_9999() {
    use rolecall_sts::token::{numeric_date, MAX_NUMERIC_DATE};
    assert_eq!(MAX_NUMERIC_DATE, 253_402_300_799);
    for (v, want) in [
        (json!(253_402_300_799i64), Some(253_402_300_799)),
        (json!(253_402_300_799.5), Some(253_402_300_799)),
        (json!(0), Some(0)),
    ] {
        assert_eq!(numeric_date(&json!({ "exp": v }), "exp"), Ok(want), "{v}");
    }
    for v in [json!(253_402_300_800i64), json!(253_402_300_800.0)] {
        assert!(numeric_date(&json!({ "exp": v }), "exp").is_err(), "{v}");
    }
}
