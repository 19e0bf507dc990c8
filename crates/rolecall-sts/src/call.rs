//! The whole `AssumeRoleWithWebIdentity` call, offline (docs/SEMANTICS.md §2.1,
//! 5.3, 5.4).
//!
//! [`assume_role_with_web_identity`] runs STS's checks in docs/SEMANTICS.md §5.3's
//! order and stops at the first failure, as STS does:
//!
//! 1. API parameters (2.1 step 1): role ARN 20-2048 characters and a role
//!    ARN; session name 2-64 characters of `[\w+=,.@-]`; token 4-20,000
//!    characters. Failure: `ValidationError`.
//! 2. The token is a JWT (three base64url parts, JSON objects with no
//!    member name twice, no `crit` header, claims STS reads of the right
//!    type, `exp` and `nbf` usable times when present;
//!    [`crate::token::read_token`]). Failure: `InvalidIdentityToken`.
//! 3. `iss` names an IAM OIDC provider of the role's account, byte for
//!    byte. Failure: `InvalidIdentityToken: No OpenIDConnect provider found
//!    in your account for <iss>`.
//! 4. The key set is the issuer's (a mirror directory's discovery
//!    `issuer` equals `iss`), the header's `alg` is `RS256`, and the key
//!    set has an RSA key with the header's `kid`. Failure:
//!    `InvalidIdentityToken`, "Couldn't retrieve verification key ..." for
//!    a missing key or another issuer's keys.
//! 5. The signature verifies. Failure: `InvalidIdentityToken`.
//! 6. `aud` is present and one of the provider's client IDs. Failure:
//!    `Missing a required claim: aud`, `Incorrect token audience`.
//! 7. `exp` is present and `now <= exp + 300`. Failure: `ExpiredTokenException`.
//! 8. `nbf`, when present, is at most `now + 300`. Failure: `InvalidIdentityToken`.
//! 9. Each required action is allowed by the trust policy. Failure:
//!    `AccessDenied`.
//!
//! # Error wording
//!
//! Each error says where its message comes from ([`Wording`]): `observed`
//! (quoted verbatim from real STS responses, sources below), `documented`
//! (the generic description in the STS API reference), or `approximated`
//! (rolecall's wording where no STS text is known).
//!
//! * "No OpenIDConnect provider found in your account for `<iss>`",
//!   "Incorrect token audience", "Missing a required claim: aud",
//!   "Couldn't retrieve verification key from your identity provider,
//!   please reference AssumeRoleWithWebIdentity documentation for
//!   requirements" (with **two** spaces after the comma, as in the raw STS
//!   XML quoted in aws-sdk-rust #827 and SDK logs; documentation pages that
//!   collapse whitespace show one), and "Not authorized to perform
//!   sts:AssumeRoleWithWebIdentity": observed (docs/SEMANTICS.md §5.4).
//! * "Token expired: current date/time `<now>` must be before the expiration
//!   date/time `<exp>`" (unix seconds): observed in aws-sdk-java-v2 #5709
//!   (2024). Earlier reports (awslabs/aws-orbit-workbench #707, 2021) show
//!   no space before the second number; rolecall follows the newer text.
//! * Malformed tokens, bad signatures and algorithms other than RS256 use
//!   the API reference's description of `InvalidIdentityToken`
//!   (documented); STS's exact text for those cases is not known.
//! * Parameter errors use AWS's generic `ValidationError` format
//!   (approximated); `nbf` in the future, a missing `iss`, `exp` or `kid`,
//!   and `AccessDenied` for `sts:TagSession`/`sts:SetSourceIdentity` are
//!   approximated.
//!
//! # Choices where AWS is silent (UNCONFIRMED)
//!
//! * Only `RS256` is accepted: "Only tokens with RSA algorithms (RS256) are
//!   supported" (STS API reference). RS384/RS512/PS256 might be accepted by
//!   STS; rolecall refuses them (fail closed, docs/SEMANTICS.md D10).
//! * An `aud` array passes the audience check when **any** element is a
//!   registered client ID (docs/SEMANTICS.md §4.3, open question 3).
//! * Clock skew: `exp` may be up to 300 s in the past (`now - exp = 300`
//!   passes, 301 fails); `nbf` up to 300 s in the future. `iat` is not
//!   checked. A token without `exp` is refused.
//! * A token header without `kid` is refused even when the key set has one
//!   key.
//! * `sts:RoleSessionName` is in the context (docs/SEMANTICS.md §2.5).
//! * A member name twice in the token's header or claims, and any `crit`
//!   header, are `InvalidIdentityToken` (docs/DECISIONS.md R16, R17); so
//!   is an `exp` or `nbf` that is present but not a time from 1970 to 9999
//!   (R18).
//! * A key set read from an issuer mirror verifies only tokens of the
//!   mirror's discovery `issuer` (docs/DECISIONS.md R19).

use jsonwebtoken::{Algorithm, DecodingKey};
use rolecall_eval::claims::{ClaimRules, DecodedToken, RoleAccount, WebIdentity};
use rolecall_eval::request::ContextValue;
use serde::Serialize;
use serde_json::Value;

use crate::keys::{key_type, KeySet};
use crate::policy::{ActionResult, TrustPolicy};
use crate::providers::ProviderRegistry;
use crate::token::{length_violation, read_token, token_length_violation, validation_message};

/// Clock skew STS allows on `exp` (and rolecall on `nbf`), in seconds
/// (docs/SEMANTICS.md §5.3 step 7).
pub const CLOCK_SKEW_SECONDS: i64 = 300;
/// The session name used when none is given.
pub const DEFAULT_SESSION_NAME: &str = "rolecall";
/// Most registered providers listed in a message.
const MAX_LISTED: usize = 10;
/// The only signing algorithm accepted (docs/SEMANTICS.md §5.3 step 5).
pub const ACCEPTED_ALGORITHM: &str = "RS256";

/// STS's generic description of `InvalidIdentityToken` (API reference).
pub(crate) const INVALID_TOKEN_DOC: &str = "The web identity token that was passed could not be validated by Amazon Web Services. Get a new identity token from the identity provider and then retry the request.";
/// Observed verbatim, two spaces included (see the module docs).
const NO_KEY: &str = "Couldn't retrieve verification key from your identity provider,  please reference AssumeRoleWithWebIdentity documentation for requirements";

/// Everything one call needs; built with [`CallInput::builder`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct CallInput<'a> {
    /// `RoleArn`.
    pub role_arn: &'a str,
    /// The role's trust policy.
    pub policy: &'a TrustPolicy,
    /// `WebIdentityToken`: the compact JWT text.
    pub token: &'a str,
    /// The IAM OIDC providers of the role's account.
    pub providers: &'a ProviderRegistry,
    /// The issuer's signing keys.
    pub keys: &'a KeySet,
    /// The time of the call, in unix seconds.
    pub now: i64,
    /// `RoleSessionName`; [`DEFAULT_SESSION_NAME`] when `None`.
    pub session_name: Option<&'a str>,
    /// Which claims become condition keys (the 2026 table by default).
    pub rules: ClaimRules,
}

impl<'a> CallInput<'a> {
    /// A builder: set the role, its trust policy, the token, the providers,
    /// the keys and the time; the session name and claim rules have
    /// defaults.
    ///
    /// ```
    /// use rolecall_sts::{CallInput, KeySet, ProviderRegistry, TrustPolicy};
    ///
    /// let providers = ProviderRegistry::from_json(r#"{"OpenIDConnectProviderList": []}"#)?;
    /// let keys = KeySet::from_jwks_json(r#"{"keys": []}"#, "jwks.json")?;
    /// let policy = TrustPolicy::from_json(r#"{"Version": "2012-10-17", "Statement": [{
    ///     "Effect": "Allow", "Principal": {"Federated": "accounts.google.com"},
    ///     "Action": "sts:AssumeRoleWithWebIdentity"}]}"#)?;
    /// let input = CallInput::builder()
    ///     .role_arn("arn:aws:iam::111122223333:role/deploy")
    ///     .policy(&policy)
    ///     .token("a.b.c")
    ///     .providers(&providers)
    ///     .keys(&keys)
    ///     .now(1_750_000_000)
    ///     .build()?;
    /// assert_eq!(input.session_name, None);
    /// assert!(CallInput::builder().policy(&policy).build().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder() -> CallInputBuilder<'a> {
        CallInputBuilder::default()
    }
}

/// Builds a [`CallInput`]; see [`CallInput::builder`].
#[derive(Debug, Clone, Default)]
pub struct CallInputBuilder<'a> {
    role_arn: Option<&'a str>,
    policy: Option<&'a TrustPolicy>,
    token: Option<&'a str>,
    providers: Option<&'a ProviderRegistry>,
    keys: Option<&'a KeySet>,
    now: Option<i64>,
    session_name: Option<&'a str>,
    rules: ClaimRules,
}

/// A [`CallInputBuilder`] was built without one of the inputs every call
/// needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the call input has no `{field}`")]
#[non_exhaustive]
pub struct CallInputError {
    /// The builder method that was not called, e.g. `keys`.
    pub field: &'static str,
}

impl<'a> CallInputBuilder<'a> {
    /// `RoleArn` (required).
    pub fn role_arn(mut self, role_arn: &'a str) -> Self {
        self.role_arn = Some(role_arn);
        self
    }

    /// The role's trust policy (required).
    pub fn policy(mut self, policy: &'a TrustPolicy) -> Self {
        self.policy = Some(policy);
        self
    }

    /// `WebIdentityToken`, the compact JWT text (required).
    pub fn token(mut self, token: &'a str) -> Self {
        self.token = Some(token);
        self
    }

    /// The IAM OIDC providers of the role's account (required).
    pub fn providers(mut self, providers: &'a ProviderRegistry) -> Self {
        self.providers = Some(providers);
        self
    }

    /// The issuer's signing keys (required).
    pub fn keys(mut self, keys: &'a KeySet) -> Self {
        self.keys = Some(keys);
        self
    }

    /// The time of the call, in unix seconds (required).
    pub fn now(mut self, now: i64) -> Self {
        self.now = Some(now);
        self
    }

    /// `RoleSessionName`; [`DEFAULT_SESSION_NAME`] when not set.
    pub fn session_name(mut self, session_name: Option<&'a str>) -> Self {
        self.session_name = session_name;
        self
    }

    /// Which claims become condition keys (the 2026 table by default).
    pub fn rules(mut self, rules: ClaimRules) -> Self {
        self.rules = rules;
        self
    }

    /// The input.
    ///
    /// # Errors
    ///
    /// When a required input was not set.
    pub fn build(self) -> Result<CallInput<'a>, CallInputError> {
        let missing = |field| CallInputError { field };
        Ok(CallInput {
            role_arn: self.role_arn.ok_or(missing("role_arn"))?,
            policy: self.policy.ok_or(missing("policy"))?,
            token: self.token.ok_or(missing("token"))?,
            providers: self.providers.ok_or(missing("providers"))?,
            keys: self.keys.ok_or(missing("keys"))?,
            now: self.now.ok_or(missing("now"))?,
            session_name: self.session_name,
            rules: self.rules,
        })
    }
}

/// The STS error codes rolecall reproduces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum StsErrorCode {
    /// A request parameter breaks its constraints (HTTP 400).
    ValidationError,
    /// The token is malformed, from an unknown issuer, badly signed or for
    /// another audience (HTTP 400).
    InvalidIdentityToken,
    /// The token is past `exp` plus the skew (HTTP 400).
    ExpiredTokenException,
    /// The trust policy does not allow a required action (HTTP 403).
    AccessDenied,
}

impl StsErrorCode {
    /// The code as STS spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            StsErrorCode::ValidationError => "ValidationError",
            StsErrorCode::InvalidIdentityToken => "InvalidIdentityToken",
            StsErrorCode::ExpiredTokenException => "ExpiredTokenException",
            StsErrorCode::AccessDenied => "AccessDenied",
        }
    }
}

/// Where an error message's text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Wording {
    /// Quoted verbatim from real STS responses.
    Observed,
    /// The STS API reference's description of the error.
    Documented,
    /// rolecall's wording: STS's text for this case is not known.
    Approximated,
}

/// The checks of a call, in the order STS runs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Check {
    /// API parameter constraints.
    Parameters,
    /// The token is a well-formed JWT.
    TokenFormat,
    /// `iss` names a provider of the role's account.
    Issuer,
    /// The header's `alg` and `kid` select a key.
    VerificationKey,
    /// The signature verifies with that key.
    Signature,
    /// `aud` is a registered client ID.
    Audience,
    /// `exp` with the skew.
    Expiry,
    /// `nbf` with the skew.
    NotBefore,
    /// The claims give a request (principal, keys, actions).
    Claims,
    /// The trust policy allows every required action.
    Authorization,
}

impl Check {
    /// A stable kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Parameters => "parameters",
            Check::TokenFormat => "token-format",
            Check::Issuer => "issuer",
            Check::VerificationKey => "verification-key",
            Check::Signature => "signature",
            Check::Audience => "audience",
            Check::Expiry => "expiry",
            Check::NotBefore => "not-before",
            Check::Claims => "claims",
            Check::Authorization => "authorization",
        }
    }
}

/// One check that ran, passed or not, with what it compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CheckRecord {
    /// Which check.
    pub check: Check,
    /// Whether it passed.
    pub passed: bool,
    /// What was compared.
    pub detail: String,
}

/// The error STS would return, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StsError {
    /// The error code.
    pub code: StsErrorCode,
    /// The message STS returns (see [`StsError::wording`]).
    pub message: String,
    /// Where the message text comes from.
    pub wording: Wording,
    /// The check that failed.
    pub check: Check,
    /// Why, with the values compared.
    pub cause: String,
}

impl std::fmt::Display for StsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

/// What a successful call returns, less the credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Success {
    /// `SubjectFromWebIdentityToken`: the token's `sub`.
    pub subject_from_web_identity_token: String,
    /// `Provider`: the token's `iss`.
    pub provider: String,
    /// `Audience`: the token's `aud` (every element of an array).
    pub audience: Vec<String>,
    /// The request principal: the provider ARN.
    pub principal: String,
    /// `AssumedRoleUser.Arn`: `arn:<partition>:sts::<account>:assumed-role/<role>/<session>`.
    pub assumed_role_arn: String,
    /// The decision for each required action, all `allow`.
    pub actions: Vec<ActionResult>,
}

/// How the call ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Response {
    /// STS returns credentials.
    Success(Success),
    /// STS returns an error.
    Error {
        /// The error.
        error: StsError,
        /// The decision for each action, when the failure is `AccessDenied`.
        actions: Vec<ActionResult>,
    },
    /// The inputs do not say enough to decide (e.g. a provider whose client
    /// IDs are unknown). Never an allow (docs/SEMANTICS.md D10).
    Undetermined {
        /// What is missing.
        reason: String,
    },
}

/// The result of [`assume_role_with_web_identity`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CallResult {
    /// `RoleArn` as given.
    pub role_arn: String,
    /// The session name used.
    pub session_name: String,
    /// How the call ended.
    pub outcome: Response,
    /// Every check that ran, in order; the last one failed unless the call
    /// succeeded.
    pub checks: Vec<CheckRecord>,
}

impl CallResult {
    /// Whether STS returns credentials.
    pub fn is_success(&self) -> bool {
        matches!(self.outcome, Response::Success(_))
    }

    /// The error, if STS returns one.
    pub fn error(&self) -> Option<&StsError> {
        match &self.outcome {
            Response::Error { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The call in progress: checks recorded so far.
struct Run {
    checks: Vec<CheckRecord>,
}

impl Run {
    fn pass(&mut self, check: Check, detail: impl Into<String>) {
        self.checks.push(CheckRecord {
            check,
            passed: true,
            detail: detail.into(),
        });
    }

    fn fail(
        &mut self,
        check: Check,
        code: StsErrorCode,
        message: impl Into<String>,
        wording: Wording,
        cause: impl Into<String>,
    ) -> Response {
        let cause = cause.into();
        self.checks.push(CheckRecord {
            check,
            passed: false,
            detail: cause.clone(),
        });
        Response::Error {
            error: StsError {
                code,
                message: message.into(),
                wording,
                check,
                cause,
            },
            actions: Vec::new(),
        }
    }

    fn invalid(&mut self, check: Check, cause: impl Into<String>) -> Response {
        self.fail(
            check,
            StsErrorCode::InvalidIdentityToken,
            INVALID_TOKEN_DOC,
            Wording::Documented,
            cause,
        )
    }
}

/// Whether `c` is in STS's `[\w+=,.@-]` (`\w` is ASCII letters, digits and
/// `_` in the Java-style pattern of the API model).
fn session_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=,.@-".contains(c)
}

/// Parameter constraints (docs/SEMANTICS.md §2.1 step 1), in AWS's
/// `ValidationError` phrasing.
fn parameter_errors(role_arn: &str, session: &str, token: &str) -> Vec<String> {
    let mut errors = Vec::new();
    errors.extend(length_violation(
        "roleArn",
        Some(role_arn),
        role_arn.chars().count(),
        20,
        2048,
    ));
    errors.extend(length_violation(
        "roleSessionName",
        Some(session),
        session.chars().count(),
        2,
        64,
    ));
    // The token is a sensitive parameter: AWS does not echo it.
    errors.extend(token_length_violation(token));
    if !session.chars().all(session_char) {
        errors.push(format!(
            "Value '{session}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*"
        ));
    }
    errors
}

/// `aud` as a list of strings; `None` when missing or empty.
fn audiences(claims: &Value) -> Option<Vec<String>> {
    let list: Vec<String> = match claims.get("aud")? {
        Value::String(s) => vec![s.clone()],
        Value::Array(items) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_owned))
            .collect(),
        _ => return None,
    };
    (!list.is_empty()).then_some(list)
}

fn role_name(role_arn: &str) -> &str {
    // `RoleAccount::from_role_arn` accepted it, so there is a `role/` part;
    // a role path (`role/path/name`) keeps only the name.
    role_arn
        .split_once(":role/")
        .map_or(role_arn, |(_, rest)| rest)
        .rsplit('/')
        .next()
        .unwrap_or(role_arn)
}

/// Runs `AssumeRoleWithWebIdentity` offline (see the module docs for the
/// checks and their order).
pub fn assume_role_with_web_identity(input: &CallInput<'_>) -> CallResult {
    let session = input.session_name.unwrap_or(DEFAULT_SESSION_NAME);
    let mut run = Run { checks: Vec::new() };
    let outcome = call(input, session, &mut run);
    CallResult {
        role_arn: input.role_arn.to_owned(),
        session_name: session.to_owned(),
        outcome,
        checks: run.checks,
    }
}

fn call(input: &CallInput<'_>, session: &str, run: &mut Run) -> Response {
    // 1. Parameters.
    let mut errors = parameter_errors(input.role_arn, session, input.token);
    let role = match RoleAccount::from_role_arn(input.role_arn) {
        Ok(role) => Some(role),
        Err(e) => {
            errors.push(format!(
                "Value '{}' at 'roleArn' failed to satisfy constraint: Member must be a role ARN ({e})",
                input.role_arn
            ));
            None
        }
    };
    let role = match (role, errors.is_empty()) {
        (Some(role), true) => role,
        _ => {
            let message = validation_message(&errors);
            return run.fail(
                Check::Parameters,
                StsErrorCode::ValidationError,
                message.clone(),
                Wording::Approximated,
                message,
            );
        }
    };
    run.pass(
        Check::Parameters,
        format!(
            "role arn, session name `{session}` and a token of {} characters are within the API constraints",
            input.token.chars().count()
        ),
    );

    // 2. The JWT.
    let read = match read_token(input.token) {
        Ok(t) => t,
        Err(rejection) => {
            let e = rejection.error;
            return run.fail(e.check, e.code, e.message, e.wording, e.cause);
        }
    };
    let token = &read.decoded;
    run.pass(
        Check::TokenFormat,
        "three base64url parts; header and claims are JSON objects without repeated members; no `crit`",
    );

    // 3. The issuer.
    let Some(iss) = token.claims.get("iss").and_then(Value::as_str) else {
        return run.fail(
            Check::Issuer,
            StsErrorCode::InvalidIdentityToken,
            "Missing a required claim: iss",
            Wording::Approximated,
            "the token has no `iss` claim, so no provider can be looked up",
        );
    };
    let account = role.account_id();
    let provider = match input.providers.find(iss, account) {
        Some(p) => p,
        None => {
            let elsewhere = input.providers.providers().iter().find_map(|p| {
                p.account
                    .as_deref()
                    .filter(|a| p.url == iss && *a != account)
            });
            let mut cause = match elsewhere {
                Some(other) => format!(
                    "provider `{iss}` is registered in account {other}, the role is in account {account}: STS looks the issuer up in the role's account only"
                ),
                None => format!(
                    "issuer `{iss}` equals the url of no IAM OIDC provider of account {account} (urls compare byte for byte)"
                ),
            };
            if !iss.starts_with("https://") {
                cause.push_str("; the issuer must start with `https://`");
            }
            if let Some(near) = input.providers.near_miss(iss) {
                cause.push_str(&format!(
                    "; provider `{}` differs only by a trailing `/` or letter case",
                    near.url
                ));
            }
            let all = input.providers.providers();
            let mut registered: Vec<String> = all
                .iter()
                .take(MAX_LISTED)
                .map(|p| match &p.account {
                    Some(a) => format!("{} (account {a})", p.url),
                    None => p.url.clone(),
                })
                .collect();
            if all.len() > MAX_LISTED {
                registered.push(format!("and {} more", all.len() - MAX_LISTED));
            }
            cause.push_str(&format!("; registered: [{}]", registered.join(", ")));
            return run.fail(
                Check::Issuer,
                StsErrorCode::InvalidIdentityToken,
                format!("No OpenIDConnect provider found in your account for {iss}"),
                Wording::Observed,
                cause,
            );
        }
    };
    let provider_arn = role.oidc_provider_arn(provider.name());
    run.pass(
        Check::Issuer,
        format!("issuer `{iss}` is provider `{provider_arn}`"),
    );

    // 4. Algorithm and key. A mirror directory is the issuer's only if its
    // discovery document says so (OpenID Connect Discovery 1.0 section 4.3:
    // the `issuer` returned must be identical to the issuer whose keys are
    // wanted); another issuer's keys must never verify the token.
    if let Some(mirrored) = input.keys.discovery_issuer().filter(|d| *d != iss) {
        return run.fail(
            Check::VerificationKey,
            StsErrorCode::InvalidIdentityToken,
            NO_KEY,
            Wording::Approximated,
            format!(
                "the key set `{}` is a mirror of issuer `{mirrored}` (its openid-configuration `issuer`), not of the token's issuer `{iss}` (compared byte for byte)",
                input.keys.source()
            ),
        );
    }
    let key = match verification_key(token, input.keys, run) {
        Ok(key) => key,
        Err(outcome) => return *outcome,
    };

    // 5. Signature.
    let signed = input.token.rsplit_once('.');
    let verified = signed.map(|(message, signature)| {
        jsonwebtoken::crypto::verify(signature, message.as_bytes(), &key.0, Algorithm::RS256)
    });
    match verified {
        Some(Ok(true)) => run.pass(
            Check::Signature,
            format!("RS256 signature verifies with key `{}`", key.1),
        ),
        Some(Ok(false)) => {
            return run.invalid(
                Check::Signature,
                format!(
                    "the RS256 signature does not verify with key `{}` of {}",
                    key.1,
                    input.keys.source()
                ),
            )
        }
        Some(Err(e)) => {
            return run.invalid(
                Check::Signature,
                format!("the signature cannot be checked with key `{}`: {e}", key.1),
            )
        }
        None => return run.invalid(Check::Signature, "the token has no signature part"),
    }

    // 6. Audience.
    let Some(audience) = audiences(&token.claims) else {
        return run.fail(
            Check::Audience,
            StsErrorCode::InvalidIdentityToken,
            "Missing a required claim: aud",
            Wording::Observed,
            "the token has no `aud` claim (or an empty array)",
        );
    };
    let Some(client_ids) = &provider.client_ids else {
        return Response::Undetermined {
            reason: format!(
                "the client IDs of provider `{}` are unknown: give `aws iam get-open-id-connect-provider` output for it",
                provider.url
            ),
        };
    };
    match audience.iter().find(|a| client_ids.contains(a)) {
        Some(a) => run.pass(
            Check::Audience,
            format!("audience `{a}` is a client ID of `{}`", provider.url),
        ),
        None => {
            return run.fail(
                Check::Audience,
                StsErrorCode::InvalidIdentityToken,
                "Incorrect token audience",
                Wording::Observed,
                format!(
                    "token aud {} is not in the client IDs of `{}`: {}",
                    quoted(&audience),
                    provider.url,
                    quoted(client_ids)
                ),
            )
        }
    }

    // 7. Expiry (`read_token` refused a present but unusable `exp`).
    let Some(exp) = read.exp else {
        return run.fail(
            Check::Expiry,
            StsErrorCode::InvalidIdentityToken,
            "Missing a required claim: exp",
            Wording::Approximated,
            "the token has no `exp` claim",
        );
    };
    let now = input.now;
    if now > exp.saturating_add(CLOCK_SKEW_SECONDS) {
        return run.fail(
            Check::Expiry,
            StsErrorCode::ExpiredTokenException,
            format!("Token expired: current date/time {now} must be before the expiration date/time {exp}"),
            Wording::Observed,
            format!(
                "now {now} is {} s after exp {exp}; STS allows {CLOCK_SKEW_SECONDS} s of clock skew",
                now.saturating_sub(exp)
            ),
        );
    }
    run.pass(
        Check::Expiry,
        format!("now {now} is within exp {exp} + {CLOCK_SKEW_SECONDS} s"),
    );

    // 8. Not before.
    if let Some(nbf) = read.nbf {
        if nbf > now.saturating_add(CLOCK_SKEW_SECONDS) {
            return run.fail(
                Check::NotBefore,
                StsErrorCode::InvalidIdentityToken,
                format!("Token is not yet valid: not-before date/time {nbf} is after current date/time {now}"),
                Wording::Approximated,
                format!(
                    "nbf {nbf} is {} s after now {now}; rolecall allows {CLOCK_SKEW_SECONDS} s of clock skew",
                    nbf.saturating_sub(now)
                ),
            );
        }
        run.pass(
            Check::NotBefore,
            format!("nbf {nbf} is not after now {now} + {CLOCK_SKEW_SECONDS} s"),
        );
    }

    // 9. The request, then the policy.
    let mut identity = match WebIdentity::from_token(token, &role, &input.rules) {
        Ok(id) => id,
        Err(e) => {
            return run.invalid(
                Check::Claims,
                format!("the claims do not give a request: {e}"),
            )
        }
    };
    if let Err(e) = identity.insert(
        "sts:RoleSessionName",
        ContextValue::Single(session.to_owned()),
    ) {
        return run.invalid(
            Check::Claims,
            format!("the claims do not give a request: {e}"),
        );
    }
    run.pass(
        Check::Claims,
        format!(
            "principal `{}`, {} context key(s), action(s) {}",
            identity.principal(),
            identity.context().len(),
            identity.actions().join(", ")
        ),
    );
    let actions = input.policy.evaluate(&identity);
    if let Some(denied) = actions.iter().find(|a| !a.decision.is_allowed()) {
        let wording = if denied.action == rolecall_eval::claims::ASSUME_ROLE_WITH_WEB_IDENTITY {
            Wording::Observed
        } else {
            Wording::Approximated
        };
        let why = match denied.statements.as_slice() {
            [] => "no statement allows it (implicit deny)".to_owned(),
            stmts => format!(
                "denied by {}",
                stmts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let outcome = run.fail(
            Check::Authorization,
            StsErrorCode::AccessDenied,
            format!("Not authorized to perform {}", denied.action),
            wording,
            format!(
                "`{}` for principal `{}`: {why}",
                denied.action,
                identity.principal()
            ),
        );
        return match outcome {
            Response::Error { error, .. } => Response::Error { error, actions },
            other => other,
        };
    }
    run.pass(
        Check::Authorization,
        format!("allowed: {}", identity.actions().join(", ")),
    );
    let sub = token
        .claims
        .get("sub")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    Response::Success(Success {
        subject_from_web_identity_token: sub,
        provider: iss.to_owned(),
        audience,
        principal: identity.principal().to_owned(),
        assumed_role_arn: format!(
            "arn:{}:sts::{account}:assumed-role/{}/{session}",
            role.partition(),
            role_name(input.role_arn)
        ),
        actions,
    })
}

fn quoted(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| format!("`{s}`")).collect();
    format!("[{}]", inner.join(", "))
}

/// Step 4: the header's algorithm, then the key its `kid` names.
fn verification_key(
    token: &DecodedToken,
    keys: &KeySet,
    run: &mut Run,
) -> Result<(DecodingKey, String), Box<Response>> {
    let alg = token.header.get("alg").and_then(Value::as_str);
    if alg != Some(ACCEPTED_ALGORITHM) {
        let shown = alg.map_or_else(|| "(missing)".to_owned(), |a| format!("`{a}`"));
        return Err(Box::new(run.invalid(
            Check::VerificationKey,
            format!(
                "header alg {shown} is not accepted: STS supports only RSA signatures (RS256); `none` and HMAC are never accepted"
            ),
        )));
    }
    let Some(kid) = token.header.get("kid").and_then(Value::as_str) else {
        return Err(Box::new(run.fail(
            Check::VerificationKey,
            StsErrorCode::InvalidIdentityToken,
            NO_KEY,
            Wording::Approximated,
            "the token header has no `kid`, so no key can be selected",
        )));
    };
    let no_key = |run: &mut Run, cause: String| {
        run.fail(
            Check::VerificationKey,
            StsErrorCode::InvalidIdentityToken,
            NO_KEY,
            Wording::Observed,
            cause,
        )
    };
    let Some(jwk) = keys.find(kid) else {
        return Err(Box::new(no_key(
            run,
            format!(
                "no key with kid `{kid}` in {}; kids there: [{}]",
                keys.source(),
                keys.kids().join(", ")
            ),
        )));
    };
    if key_type(jwk) != "RSA" {
        return Err(Box::new(no_key(
            run,
            format!("key `{kid}` is of type `{}`, not RSA", key_type(jwk)),
        )));
    }
    match DecodingKey::from_jwk(jwk) {
        Ok(key) => {
            run.pass(
                Check::VerificationKey,
                format!("alg RS256; RSA key `{kid}` found in {}", keys.source()),
            );
            Ok((key, kid.to_owned()))
        }
        Err(e) => Err(Box::new(no_key(
            run,
            format!("key `{kid}` is not a usable RSA key: {e}"),
        ))),
    }
}
