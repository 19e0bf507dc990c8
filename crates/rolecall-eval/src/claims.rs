//! From a web-identity token to the request STS evaluates (docs/SEMANTICS.md
//! 2.1, 2.3, 2.5, 4.1 to 4.5; decisions 6 and 8).
//!
//! `AssumeRoleWithWebIdentity` does not evaluate the token itself: it turns
//! a few of its claims into condition keys, builds the principal from the
//! issuer, and authorizes one action per thing the token asks for. This
//! module does the same, offline:
//!
//! 1. [`decode_jwt`] splits a compact JWT and decodes its header and claims
//!    (base64url without padding, then JSON). **The signature is not
//!    checked**: rolecall answers "would this token be allowed", not "is this
//!    token genuine". Claims STS reads must have the right JSON type.
//! 2. [`WebIdentity::from_token`] (or [`WebIdentity::from_claims`] with an
//!    explicit issuer) builds the principal, the context and the list of
//!    actions to authorize.
//!
//! # Which claims become keys
//!
//! The *provider* is the issuer without `https://`, path and trailing slash
//! kept (`auth.example.com/` is a different provider from
//! `auth.example.com`). For an IAM OIDC provider, keys are `<provider>:sub`,
//! `<provider>:aud`, and, when the token has them, `<provider>:amr` (always
//! multivalued) and `<provider>:azp`. A JWT `aud` array of one element gives
//! a single-valued key, of two or more a multivalued one (docs/SEMANTICS.md D6). The
//! built-in providers have fixed key sets: Google's `accounts.google.com:aud`
//! is the token's `azp` when present, and `accounts.google.com:oaud` its
//! `aud`; Cognito exposes `aud`, `sub` and `amr`.
//!
//! Since 2026, STS also exposes a fixed list of provider-specific claims
//! (docs/SEMANTICS.md §4.4, §4.7). Which ones is *dated data*:
//! [`CLAIM_TABLES`] holds each version of AWS's list with the day it
//! applies from; a row maps a provider pattern (AWS's spelling, such as
//! `oidc.circleci.com/org/${OrgId}`) to its keys and their types.
//! [`ClaimRules::pre_2026`] switches the table off to reproduce earlier
//! behaviour (docs/SEMANTICS.md D8). A listed claim of another JSON type
//! than its key's (a number for a string key) is an error, since AWS does
//! not say what STS does with it (docs/DECISIONS.md R20). Every other claim
//! is ignored.
//!
//! Session tags (`https://aws.amazon.com/tags`) give `aws:RequestTag/<key>`
//! (single-valued), `aws:TagKeys` and `sts:TransitiveTagKeys` (multivalued),
//! and add `sts:TagSession` to the actions. A source identity
//! (`https://aws.amazon.com/source_identity`) gives `sts:SourceIdentity` and
//! adds `sts:SetSourceIdentity`.
//!
//! # Example
//!
//! ```
//! use rolecall_eval::claims::{ClaimRules, RoleAccount, WebIdentity};
//! use serde_json::json;
//!
//! let claims = json!({
//!     "iss": "https://token.actions.githubusercontent.com",
//!     "sub": "repo:octo-org/octo-repo:ref:refs/heads/main",
//!     "aud": "sts.amazonaws.com",
//!     "repository": "octo-org/octo-repo",
//!     "run_id": "42",
//! });
//! let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/deploy")?;
//! let id = WebIdentity::from_claims(&claims, None, &role, &ClaimRules::default())?;
//! assert_eq!(
//!     id.principal(),
//!     "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"
//! );
//! let ctx = id.context();
//! assert!(ctx.lookup("token.actions.githubusercontent.com:repository").is_some());
//! assert!(ctx.lookup("token.actions.githubusercontent.com:run_id").is_none());
//! assert_eq!(id.actions(), ["sts:AssumeRoleWithWebIdentity"]);
//!
//! // Before 2026 only the standard claims were keys.
//! let old = WebIdentity::from_claims(&claims, None, &role, &ClaimRules::pre_2026())?;
//! assert!(old.context().lookup("token.actions.githubusercontent.com:repository").is_none());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use base64::Engine as _;
use serde_json::{Map, Value};

use crate::request::{Context, ContextValue, Request, RequestError};

/// `sts:AssumeRoleWithWebIdentity`, always authorized.
pub const ASSUME_ROLE_WITH_WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";
/// `sts:TagSession`, authorized too when the token carries session tags.
pub const TAG_SESSION: &str = "sts:TagSession";
/// `sts:SetSourceIdentity`, authorized too when the token carries a source
/// identity.
pub const SET_SOURCE_IDENTITY: &str = "sts:SetSourceIdentity";

/// The claim holding session tags.
pub const TAGS_CLAIM: &str = "https://aws.amazon.com/tags";
/// The claim holding the source identity.
pub const SOURCE_IDENTITY_CLAIM: &str = "https://aws.amazon.com/source_identity";

/// Cognito identity pools: a built-in provider.
pub const COGNITO: &str = "cognito-identity.amazonaws.com";
/// Google: a built-in provider with its own `aud`/`oaud` rule.
pub const GOOGLE: &str = "accounts.google.com";
/// Login with Facebook: a built-in OAuth 2.0 provider.
pub const FACEBOOK: &str = "graph.facebook.com";
/// Login with Amazon: a built-in OAuth 2.0 provider.
pub const AMAZON: &str = "www.amazon.com";

/// The JSON type STS gives a provider-specific key (the "Type" column of
/// AWS's Service Authorization Reference for STS).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClaimKind {
    /// A `String` key: the claim must be a JSON string.
    String,
    /// A `Numeric` key: the claim must be a JSON number; the key's value is
    /// its JSON text, for the `Numeric...` operators.
    Numeric,
}

/// One provider-specific key: its name after `<provider>:`, where it is
/// read in the token, and its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClaimKey {
    /// The key name after `<provider>:`, exactly as AWS spells it.
    pub name: &'static str,
    /// The claim, as a path of JSON member names from the top of the
    /// claims object. Empty means the top-level claim called [`Self::name`]
    /// (so CircleCI's `oidc.circleci.com/project-id` is one member whose
    /// name holds a `/`).
    pub path: &'static [&'static str],
    /// The type AWS gives the key.
    pub kind: ClaimKind,
}

impl ClaimKey {
    /// A `String` key read from the top-level claim of the same name.
    pub const fn string(name: &'static str) -> ClaimKey {
        ClaimKey {
            name,
            path: &[],
            kind: ClaimKind::String,
        }
    }

    /// The claim path: [`Self::path`], or the name itself.
    pub fn claim_path(&self) -> Vec<&'static str> {
        if self.path.is_empty() {
            vec![self.name]
        } else {
            self.path.to_vec()
        }
    }
}

/// One row of the provider-specific claim table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProviderClaims {
    /// The provider (issuer without `https://`) as AWS writes it in the key
    /// names, with AWS's placeholders: `${Domain}`, `${SubPath}`,
    /// `${OrgId}`, `${EnterpriseName}` and `${OciUniqueIdentifier}` each
    /// stand for one non-empty run of ASCII letters, digits, `-` and `_`
    /// (never `.`, `/` or `:`), see [`provider_matches`]. Everything else
    /// compares exactly, case-sensitively.
    pub provider: &'static str,
    /// The keys exposed as `<provider>:<name>`.
    pub claims: &'static [ClaimKey],
}

/// A dated version of the provider-specific claim table: what STS exposes
/// from `since` on. The next change AWS makes is a new entry of
/// [`CLAIM_TABLES`], with its date, its source and a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimTable {
    /// The first day (`YYYY-MM-DD`, UTC) the table applies.
    pub since: &'static str,
    /// Where the table was read.
    pub source: &'static str,
    /// The rows; the first row whose provider matches applies.
    pub rows: &'static [ProviderClaims],
}

/// GitHub's keys, the same for each GitHub issuer form (docs/SEMANTICS.md
/// §4.7). All are `String` keys; GitHub sends every one of them as a JSON
/// string (`"repository_id": "74"`).
const GITHUB_KEYS: &[ClaimKey] = &[
    ClaimKey::string("actor"),
    ClaimKey::string("actor_id"),
    ClaimKey::string("enterprise_id"),
    ClaimKey::string("environment"),
    ClaimKey::string("job_workflow_ref"),
    ClaimKey::string("ref"),
    ClaimKey::string("repository"),
    ClaimKey::string("repository_id"),
    ClaimKey::string("repository_owner_id"),
    ClaimKey::string("workflow"),
];

/// GitLab.com's keys (GitLab sends ids and `ref_protected` as strings).
const GITLAB_KEYS: &[ClaimKey] = &[
    ClaimKey::string("namespace_id"),
    ClaimKey::string("pipeline_source"),
    ClaimKey::string("project_id"),
    ClaimKey::string("ref_protected"),
    ClaimKey::string("runner_environment"),
    ClaimKey::string("user_access_level"),
    ClaimKey::string("user_email"),
    ClaimKey::string("user_id"),
    ClaimKey::string("user_login"),
];

/// Buildkite's keys, the same for each Buildkite issuer form.
const BUILDKITE_KEYS: &[ClaimKey] = &[
    ClaimKey::string("build_branch"),
    ClaimKey::string("cluster_id"),
    ClaimKey::string("cluster_name"),
    ClaimKey::string("organization_id"),
    ClaimKey::string("organization_slug"),
    ClaimKey::string("pipeline_id"),
    ClaimKey::string("pipeline_slug"),
];

/// The provider-specific keys STS exposes for `AssumeRoleWithWebIdentity`
/// since 2026, as AWS's Service Authorization Reference for STS lists them
/// (docs/SEMANTICS.md §4.7, which gives the source of each row).
pub static PROVIDER_CLAIMS_2026: &[ProviderClaims] = &[
    ProviderClaims {
        provider: "token.actions.githubusercontent.com",
        claims: GITHUB_KEYS,
    },
    ProviderClaims {
        provider: "token.actions.githubusercontent.com/${SubPath}",
        claims: GITHUB_KEYS,
    },
    ProviderClaims {
        provider: "token.actions.${Domain}.ghe.com",
        claims: GITHUB_KEYS,
    },
    ProviderClaims {
        provider: "github.com/enterprises/${EnterpriseName}",
        claims: GITHUB_KEYS,
    },
    ProviderClaims {
        provider: "gitlab.com",
        claims: GITLAB_KEYS,
    },
    ProviderClaims {
        provider: "agent.buildkite.com",
        claims: BUILDKITE_KEYS,
    },
    ProviderClaims {
        provider: "agent.${Domain}.buildkite.dev",
        claims: BUILDKITE_KEYS,
    },
    ProviderClaims {
        provider: "agent.${Domain}.buildkite.site",
        claims: BUILDKITE_KEYS,
    },
    ProviderClaims {
        provider: "oidc.circleci.com/org/${OrgId}",
        claims: &[ClaimKey::string("oidc.circleci.com/project-id")],
    },
    // AWS names the key `google/organization_number` and types it Numeric
    // but does not say which member of the token it reads; rolecall reads
    // the `organization_number` member of the `google` claim object
    // (docs/DECISIONS.md R20, unconfirmed).
    ProviderClaims {
        provider: GOOGLE,
        claims: &[ClaimKey {
            name: "google/organization_number",
            path: &["google", "organization_number"],
            kind: ClaimKind::Numeric,
        }],
    },
    ProviderClaims {
        provider: "idcs-${OciUniqueIdentifier}.identity.oraclecloud.com",
        claims: &[ClaimKey::string("rpst_id")],
    },
];

/// The Service Authorization Reference page for STS, the source of
/// [`PROVIDER_CLAIMS_2026`].
pub const STS_SAR_URL: &str =
    "https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecuritytokenservice.html";

/// Every dated claim table, oldest first. Before the first `since`, no
/// provider-specific claim is a key ([`ClaimRules::pre_2026`]).
pub static CLAIM_TABLES: &[ClaimTable] = &[ClaimTable {
    // AWS files its announcement under January 2026 and it was reported
    // from 2 February; the first day is not documented, nor a date per key
    // (docs/SEMANTICS.md §4.7). The date matters only to `as_of`.
    since: "2026-02-01",
    source: STS_SAR_URL,
    rows: PROVIDER_CLAIMS_2026,
}];

/// Whether `provider` (an issuer without `https://`) is matched by a
/// table row's `pattern`: literal text compares exactly; each `${Name}`
/// placeholder matches one non-empty run of ASCII letters, digits, `-` and
/// `_`. A pattern with an unterminated `${` matches nothing.
pub fn provider_matches(pattern: &str, provider: &str) -> bool {
    let (literal, rest) = match pattern.find("${") {
        None => return pattern == provider,
        Some(i) => (pattern.get(..i), pattern.get(i + 2..)),
    };
    let (Some(literal), Some(rest)) = (literal, rest) else {
        return false;
    };
    let Some(after) = provider.strip_prefix(literal) else {
        return false;
    };
    let Some(close) = rest.find('}') else {
        return false;
    };
    let tail = rest.get(close + 1..).unwrap_or("");
    let run = after
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
        .count();
    // The placeholder takes a non-empty prefix of the run; the rest of the
    // pattern must match what follows. The next literal never starts with
    // a run character in AWS's patterns, but trying each length keeps the
    // rule exact whatever the pattern.
    (1..=run).any(|n| after.get(n..).is_some_and(|t| provider_matches(tail, t)))
}

/// Which claims become context keys beyond the standard ones (docs/SEMANTICS.md D8).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimRules {
    table: &'static [ProviderClaims],
}

impl Default for ClaimRules {
    /// Current behaviour: the newest dated table.
    fn default() -> Self {
        ClaimRules {
            table: CLAIM_TABLES.last().map_or(&[], |t| t.rows),
        }
    }
}

impl ClaimRules {
    /// Behaviour before 2026: no provider-specific claim is a key.
    pub fn pre_2026() -> Self {
        ClaimRules { table: &[] }
    }

    /// The rules in force on `date` (`YYYY-MM-DD`): the newest table whose
    /// `since` is not after it, or none before the first. `None` when the
    /// date is not `YYYY-MM-DD` with ASCII digits.
    pub fn as_of(date: &str) -> Option<Self> {
        let b = date.as_bytes();
        let well_formed = b.len() == 10
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                _ => c.is_ascii_digit(),
            });
        if !well_formed {
            return None;
        }
        // ISO dates of one width order as text.
        let table = CLAIM_TABLES
            .iter()
            .rev()
            .find(|t| t.since <= date)
            .map_or(&[][..], |t| t.rows);
        Some(ClaimRules { table })
    }

    /// Rules from another table (for tests, or a newer AWS list).
    pub fn with_table(table: &'static [ProviderClaims]) -> Self {
        ClaimRules { table }
    }

    /// The provider-specific keys exposed for a provider (the issuer
    /// without `https://`): those of the first row whose provider pattern
    /// matches ([`provider_matches`]), or none.
    pub fn provider_claims(&self, provider: &str) -> &'static [ClaimKey] {
        self.table
            .iter()
            .find(|row| provider_matches(row.provider, provider))
            .map_or(&[], |row| row.claims)
    }
}

/// The account and partition that own the role; OIDC provider ARNs are
/// built with them, since STS looks the provider up in the role's account
/// (docs/SEMANTICS.md §2.3).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RoleAccount {
    partition: String,
    account_id: String,
}

/// Why a role account could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RoleAccountError {
    /// Not `arn:<partition>:iam::<12 digits>:role/<name>`.
    #[error(
        "`{arn}` is not an iam role arn: expected `arn:<partition>:iam::<account>:role/<name>`"
    )]
    NotRoleArn {
        /// The text given.
        arn: String,
    },
    /// The account id is not 12 ASCII digits.
    #[error("account id `{account_id}` is not 12 digits")]
    BadAccountId {
        /// The text given.
        account_id: String,
    },
    /// The partition is empty or not ASCII lowercase letters, digits and
    /// `-`.
    #[error("partition `{partition}` is not a partition name such as `aws`")]
    BadPartition {
        /// The text given.
        partition: String,
    },
}

impl RoleAccount {
    /// A partition (`aws`, `aws-cn`, `aws-us-gov`, ...) and a 12-digit
    /// account id.
    ///
    /// # Errors
    ///
    /// When either is malformed.
    pub fn new(partition: &str, account_id: &str) -> Result<RoleAccount, RoleAccountError> {
        let partition_ok = !partition.is_empty()
            && partition
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !partition_ok {
            return Err(RoleAccountError::BadPartition {
                partition: partition.to_owned(),
            });
        }
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RoleAccountError::BadAccountId {
                account_id: account_id.to_owned(),
            });
        }
        Ok(RoleAccount {
            partition: partition.to_owned(),
            account_id: account_id.to_owned(),
        })
    }

    /// Reads the partition and account from a role ARN.
    ///
    /// # Errors
    ///
    /// When the text is not `arn:<partition>:iam::<account>:role/<name>`.
    pub fn from_role_arn(arn: &str) -> Result<RoleAccount, RoleAccountError> {
        let not_role = || RoleAccountError::NotRoleArn {
            arn: arn.to_owned(),
        };
        let parsed = rolecall_policy::grammar::arn::parse_arn(arn).map_err(|_| not_role())?;
        if parsed.service != "iam"
            || !parsed.region.is_empty()
            || parsed
                .resource
                .strip_prefix("role/")
                .is_none_or(str::is_empty)
        {
            return Err(not_role());
        }
        RoleAccount::new(parsed.partition, parsed.account)
    }

    /// The partition.
    pub fn partition(&self) -> &str {
        &self.partition
    }

    /// The 12-digit account id.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The ARN of the IAM OIDC provider for `provider` in this account.
    pub fn oidc_provider_arn(&self, provider: &str) -> String {
        format!(
            "arn:{}:iam::{}:oidc-provider/{}",
            self.partition, self.account_id, provider
        )
    }
}

/// A part of a compact JWT.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenPart {
    /// The first part.
    Header,
    /// The second part.
    Claims,
}

impl std::fmt::Display for TokenPart {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TokenPart::Header => "header",
            TokenPart::Claims => "claims",
        })
    }
}

/// Why a token could not be read or turned into a request.
///
/// Positions are byte offsets into the token text (base64 errors) or
/// line and column in the decoded JSON of the part (JSON errors).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TokenError {
    /// A compact JWT has exactly three `.`-separated parts.
    #[error("token has {parts} part(s) separated by `.`, expected 3")]
    NotThreeParts {
        /// How many parts it has.
        parts: usize,
    },
    /// A part is not base64url without padding.
    #[error("token {part} is not base64url without padding at byte {offset}")]
    Base64 {
        /// Which part.
        part: TokenPart,
        /// Byte offset in the token text of the offending character, or of
        /// the part's start when the length is wrong.
        offset: usize,
    },
    /// A decoded part is not JSON.
    #[error("token {part} is not json at line {line}, column {column}: {message}")]
    Json {
        /// Which part.
        part: TokenPart,
        /// 1-based line in the decoded JSON.
        line: usize,
        /// 1-based column in the decoded JSON.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The header or claims are JSON but not an object.
    #[error("token {part} is not a json object")]
    NotAnObject {
        /// Which part.
        part: TokenPart,
    },
    /// A member name appears twice in one object of the header or claims
    /// (at any depth). RFC 7519 section 4 lets a parser keep the last one;
    /// rolecall refuses the token instead, as it refuses such policies, so
    /// that no reader of the same token can see another value
    /// (docs/DECISIONS.md R16).
    #[error(
        "member `{member}` appears more than once in the token {part} (line {line}, column {column} of the decoded json); rolecall never picks one of the values"
    )]
    DuplicateMember {
        /// Which part.
        part: TokenPart,
        /// The member, with a path for nested ones (`https://aws.amazon.com/tags.principal_tags.team`,
        /// `groups[0].name`); long names are shortened.
        member: String,
        /// 1-based line of the second occurrence in the decoded JSON.
        line: usize,
        /// 1-based column just after the second occurrence's name.
        column: usize,
    },
    /// The header's `crit` is not a non-empty array of strings (RFC 7515
    /// section 4.1.11).
    #[error("header `crit` is {found}: it must be a non-empty array of header parameter names (RFC 7515 section 4.1.11)")]
    InvalidCritical {
        /// What it is instead.
        found: &'static str,
    },
    /// The header's `crit` names extensions rolecall does not implement
    /// (it implements none): RFC 7515 section 4.1.11 requires refusing the
    /// token (docs/DECISIONS.md R17).
    #[error("header `crit` requires extension(s) {names} that rolecall does not implement: the token must be refused (RFC 7515 section 4.1.11)")]
    UnsupportedCritical {
        /// The names listed, each in backticks, shortened when long.
        names: String,
    },
    /// A claim STS reads has the wrong JSON type.
    #[error("claim `{claim}` is present but is {found}: it must be {expected}")]
    ClaimType {
        /// The claim, with a path for nested ones (`https://aws.amazon.com/tags.principal_tags`).
        claim: String,
        /// What it is (`a string`, `an array`, ...).
        found: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// A claim STS requires is missing.
    #[error("token has no `{claim}` claim")]
    MissingClaim {
        /// The claim.
        claim: &'static str,
    },
    /// The issuer is not an `https://` URL, nor a built-in provider name.
    #[error("issuer `{issuer}` must start with `https://`")]
    IssuerNotHttps {
        /// The issuer as given.
        issuer: String,
    },
    /// A session tag has several values; STS supports single-valued tags only.
    #[error("session tag `{key}` must have exactly one value")]
    MultiValuedTag {
        /// The tag key.
        key: String,
    },
    /// Two context keys collide, such as tag keys differing only in case.
    #[error(transparent)]
    Context(#[from] RequestError),
}

/// A decoded, *unverified* JWT.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodedToken {
    /// The header object (`alg`, `kid`, ...).
    pub header: Value,
    /// The claims object.
    pub claims: Value,
}

/// Decodes a compact JWT (`header.claims.signature`) without checking its
/// signature, and checks the types of the claims STS reads.
///
/// # Errors
///
/// Not three parts, a part that is not base64url without padding, a header
/// or claims that is not a JSON object, or a claim of the wrong type (such
/// as an `aud` that is a number).
pub fn decode_jwt(token: &str) -> Result<DecodedToken, TokenError> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header, claims, _signature] = parts.as_slice() else {
        return Err(TokenError::NotThreeParts { parts: parts.len() });
    };
    let header = decode_part(header, 0, TokenPart::Header)?;
    check_critical(&header)?;
    let claims = decode_part(claims, header_len(token), TokenPart::Claims)?;
    let map = claims.as_object().ok_or(TokenError::NotAnObject {
        part: TokenPart::Claims,
    })?;
    check_claim_types(map)?;
    Ok(DecodedToken { header, claims })
}

/// Byte offset of the claims part: one past the first `.`.
fn header_len(token: &str) -> usize {
    token.find('.').map_or(0, |i| i + 1)
}

fn decode_part(text: &str, start: usize, part: TokenPart) -> Result<Value, TokenError> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|e| {
            let offset = match e {
                base64::DecodeError::InvalidByte(i, _) => start + i,
                base64::DecodeError::InvalidLastSymbol(i, _) => start + i,
                _ => start,
            };
            TokenError::Base64 { part, offset }
        })?;
    let value = read_json_strict(&bytes).map_err(|e| match e.duplicate {
        Some(member) => TokenError::DuplicateMember {
            part,
            member,
            line: e.line,
            column: e.column,
        },
        None => TokenError::Json {
            part,
            line: e.line,
            column: e.column,
            message: e.message,
        },
    })?;
    if !value.is_object() {
        return Err(TokenError::NotAnObject { part });
    }
    Ok(value)
}

/// Longest user-supplied name echoed in a message, in characters.
const MAX_ECHOED_NAME: usize = 120;
/// Most `crit` names listed in a message.
const MAX_LISTED_CRIT: usize = 5;

/// `text`, cut to [`MAX_ECHOED_NAME`] characters with `...` when longer, so
/// that a message about a hostile token stays short.
fn clipped(text: &str) -> String {
    match text.char_indices().nth(MAX_ECHOED_NAME) {
        Some((at, _)) => format!("{}...", text.get(..at).unwrap_or_default()),
        None => text.to_owned(),
    }
}

/// RFC 7515 section 4.1.11: a `crit` header lists extensions the recipient
/// must understand, or refuse the token. rolecall implements no JWS
/// extension, so any valid `crit` is refused, and so is one that is not a
/// non-empty array of strings (invalid).
fn check_critical(header: &Value) -> Result<(), TokenError> {
    let Some(crit) = header.get("crit") else {
        return Ok(());
    };
    let names: Vec<&str> = match crit {
        Value::Array(items) if !items.is_empty() => items
            .iter()
            .map(Value::as_str)
            .collect::<Option<Vec<&str>>>()
            .ok_or(TokenError::InvalidCritical {
                found: json_type(crit),
            })?,
        Value::Array(_) => return Err(TokenError::InvalidCritical { found: "empty" }),
        other => {
            return Err(TokenError::InvalidCritical {
                found: json_type(other),
            })
        }
    };
    let mut shown: Vec<String> = names
        .iter()
        .take(MAX_LISTED_CRIT)
        .map(|n| format!("`{}`", clipped(n)))
        .collect();
    if names.len() > MAX_LISTED_CRIT {
        shown.push(format!("and {} more", names.len() - MAX_LISTED_CRIT));
    }
    Err(TokenError::UnsupportedCritical {
        names: shown.join(", "),
    })
}

/// The JSON type of a value, as a phrase for messages.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "`null`",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(items) if items.iter().any(|i| !i.is_string()) => {
            "an array holding a value that is not a string"
        }
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn claim_type(claim: &str, found: &Value, expected: &'static str) -> TokenError {
    TokenError::ClaimType {
        claim: claim.to_owned(),
        found: json_type(found),
        expected,
    }
}

/// Why [`read_json_strict`] refused a text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct StrictJsonError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong, without the position.
    pub message: String,
    /// For a repeated member name: the member, with its path from the
    /// top (`a.b`, `keys[0].n`), shortened when long.
    pub duplicate: Option<String>,
}

/// Reads one JSON document as a `serde_json::Value`, refusing a member
/// name that appears twice in any object, at any depth (and, as
/// serde_json does, trailing text and nesting deeper than 128).
///
/// Tokens, key sets and discovery documents are read with it: serde_json
/// keeps the last of two equal names silently and has no option to refuse
/// them, and `rolecall_policy`'s positioned reader is internal to that
/// crate (it serves the policy grammar). So this is a small serde visitor,
/// written here; it records the path of the repeated member for the
/// message.
///
/// ```
/// use rolecall_eval::claims::read_json_strict;
///
/// assert!(read_json_strict(br#"{"a": {"b": 1}, "c": [1]}"#).is_ok());
/// let e = read_json_strict(br#"{"a": [{"b": 1, "b": 2}]}"#).unwrap_err();
/// assert_eq!(e.duplicate.as_deref(), Some("a[0].b"));
/// ```
///
/// # Errors
///
/// Text that is not one JSON value, or a repeated member name.
pub fn read_json_strict(bytes: &[u8]) -> Result<Value, StrictJsonError> {
    use serde::de::DeserializeSeed as _;
    let mut trail = Trail::default();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let result = StrictSeed { trail: &mut trail }
        .deserialize(&mut de)
        .and_then(|v| de.end().map(|()| v));
    result.map_err(|e| {
        let full = e.to_string();
        let message = full
            .rfind(" at line ")
            .and_then(|i| full.get(..i))
            .unwrap_or(&full)
            .to_owned();
        StrictJsonError {
            line: e.line(),
            column: e.column(),
            message,
            duplicate: trail.duplicate,
        }
    })
}

/// One step of the path to a member: a name or an array index.
enum Step {
    Name(String),
    Index(usize),
}

/// Where the reader is, and the repeated member once one is found.
#[derive(Default)]
struct Trail {
    path: Vec<Step>,
    duplicate: Option<String>,
}

impl Trail {
    fn render(&self) -> String {
        let mut out = String::new();
        for step in &self.path {
            match step {
                Step::Name(n) if out.is_empty() => out.push_str(&clipped(n)),
                Step::Name(n) => {
                    out.push('.');
                    out.push_str(&clipped(n));
                }
                Step::Index(i) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }
}

/// Builds a `Value`, refusing repeated member names (see
/// [`read_json_strict`]).
struct StrictSeed<'t> {
    trail: &'t mut Trail,
}

impl<'de> serde::de::DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for StrictSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E: serde::de::Error>(self, n: f64) -> Result<Value, E> {
        // serde_json refuses out-of-range numbers itself; NaN cannot come
        // from JSON text.
        serde_json::Number::from_f64(n)
            .map(Value::Number)
            .ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Value, E> {
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        loop {
            self.trail.path.push(Step::Index(items.len()));
            let item = seq.next_element_seed(StrictSeed {
                trail: &mut *self.trail,
            })?;
            self.trail.path.pop();
            match item {
                Some(v) => items.push(v),
                None => return Ok(Value::Array(items)),
            }
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut members = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let repeated = members.contains_key(&key);
            self.trail.path.push(Step::Name(key));
            if repeated {
                self.trail.duplicate = Some(self.trail.render());
                return Err(serde::de::Error::custom(format!(
                    "duplicate member `{}`",
                    self.trail.render()
                )));
            }
            let value = map.next_value_seed(StrictSeed {
                trail: &mut *self.trail,
            })?;
            match self.trail.path.pop() {
                Some(Step::Name(key)) => {
                    members.insert(key, value);
                }
                // The step pushed above is a name.
                _ => return Err(serde::de::Error::custom("internal: member path lost")),
            }
        }
        Ok(Value::Object(members))
    }
}

fn is_string_or_strings(v: &Value) -> bool {
    match v {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(Value::is_string),
        _ => false,
    }
}

/// Checks the JSON types of every claim STS reads; other claims may hold
/// anything.
fn check_claim_types(claims: &Map<String, Value>) -> Result<(), TokenError> {
    for name in ["iss", "sub", "azp", SOURCE_IDENTITY_CLAIM] {
        if let Some(v) = claims.get(name).filter(|v| !v.is_string()) {
            return Err(claim_type(name, v, "a string"));
        }
    }
    for name in ["aud", "amr"] {
        if let Some(v) = claims.get(name).filter(|v| !is_string_or_strings(v)) {
            return Err(claim_type(name, v, "a string or an array of strings"));
        }
    }
    for name in ["exp", "nbf", "iat"] {
        if let Some(v) = claims.get(name).filter(|v| !v.is_number()) {
            return Err(claim_type(name, v, "a number"));
        }
    }
    if let Some(tags) = claims.get(TAGS_CLAIM) {
        session_tags(tags)?;
    }
    Ok(())
}

/// The session tags claim, checked.
struct SessionTags {
    tags: Vec<(String, String)>,
    transitive: Option<Vec<String>>,
}

fn session_tags(v: &Value) -> Result<SessionTags, TokenError> {
    let obj = v
        .as_object()
        .ok_or_else(|| claim_type(TAGS_CLAIM, v, "an object"))?;
    let mut tags = Vec::new();
    let mut transitive = None;
    for (name, value) in obj {
        match name.as_str() {
            "principal_tags" => {
                let map = value.as_object().ok_or_else(|| {
                    claim_type(&format!("{TAGS_CLAIM}.principal_tags"), value, "an object")
                })?;
                for (key, vals) in map {
                    let one = match vals {
                        Value::Array(items) => match items.as_slice() {
                            [Value::String(s)] => s.clone(),
                            [_] => {
                                return Err(claim_type(
                                    &format!("{TAGS_CLAIM}.principal_tags.{key}"),
                                    vals,
                                    "an array of one string",
                                ))
                            }
                            _ => return Err(TokenError::MultiValuedTag { key: key.clone() }),
                        },
                        _ => {
                            return Err(claim_type(
                                &format!("{TAGS_CLAIM}.principal_tags.{key}"),
                                vals,
                                "an array of one string",
                            ))
                        }
                    };
                    tags.push((key.clone(), one));
                }
            }
            "transitive_tag_keys" => {
                let keys = value
                    .as_array()
                    .filter(|a| a.iter().all(Value::is_string))
                    .ok_or_else(|| {
                        claim_type(
                            &format!("{TAGS_CLAIM}.transitive_tag_keys"),
                            value,
                            "an array of strings",
                        )
                    })?;
                transitive = Some(
                    keys.iter()
                        .filter_map(|k| k.as_str().map(str::to_owned))
                        .collect(),
                );
            }
            // Fail closed: a member STS may read differently is an error,
            // not silently dropped.
            other => {
                return Err(claim_type(
                    &format!("{TAGS_CLAIM}.{other}"),
                    value,
                    "absent (only `principal_tags` and `transitive_tag_keys` are known)",
                ))
            }
        }
    }
    Ok(SessionTags { tags, transitive })
}

/// What STS evaluates for one `AssumeRoleWithWebIdentity` call: the
/// principal, the context, and every action that must be allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebIdentity {
    provider: String,
    principal: String,
    context: Context,
    actions: Vec<&'static str>,
}

/// The `sub` claim and the `aud` context value every OIDC token must carry
/// (docs/SEMANTICS.md §4.2), `sub` checked first.
fn sub_and_aud(claims: &Map<String, Value>) -> Result<(&str, ContextValue), TokenError> {
    let sub = str_claim(claims, "sub").ok_or(TokenError::MissingClaim { claim: "sub" })?;
    let aud = claims
        .get("aud")
        .and_then(audience)
        .ok_or(TokenError::MissingClaim { claim: "aud" })?;
    Ok((sub, aud))
}

/// The string value of a claim, if it is a string.
fn str_claim<'a>(claims: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}

/// `aud` (or `amr`) as a context value; docs/SEMANTICS.md D6 for `aud`: a
/// one-element array is single-valued.
fn audience(v: &Value) -> Option<ContextValue> {
    match v {
        Value::String(s) => Some(ContextValue::Single(s.clone())),
        Value::Array(items) => {
            let strings: Vec<String> = items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect();
            // An empty array is no audience at all: STS refuses the token
            // ("Missing a required claim: aud", docs/SEMANTICS.md §5.3).
            if strings.is_empty() {
                return None;
            }
            match <[String; 1]>::try_from(strings) {
                Ok([one]) => Some(ContextValue::Single(one)),
                Err(many) => Some(ContextValue::Multi(many)),
            }
        }
        _ => None,
    }
}

fn multi(v: &Value) -> Option<ContextValue> {
    match v {
        Value::String(s) => Some(ContextValue::Multi(vec![s.clone()])),
        Value::Array(items) => Some(ContextValue::Multi(
            items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_owned))
                .collect(),
        )),
        _ => None,
    }
}

/// A Facebook or Amazon claim's text: strings as they are, numbers and
/// booleans as JSON text, anything else not exposed.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The value of a provider-specific key (docs/DECISIONS.md R20): absent when
/// the claim is; a `String` key needs a JSON string and a `Numeric` key a
/// JSON number. AWS does not say what STS does with another JSON type, so
/// anything else is an error, never a guessed value (D10).
fn provider_claim(
    claims: &Map<String, Value>,
    spec: &ClaimKey,
) -> Result<Option<String>, TokenError> {
    let path = spec.claim_path();
    let mut object = claims;
    let mut value = None;
    for (i, member) in path.iter().enumerate() {
        let Some(v) = object.get(*member) else {
            return Ok(None);
        };
        if i + 1 == path.len() {
            value = Some(v);
        } else {
            object = v.as_object().ok_or_else(|| {
                claim_type(
                    &path.get(..=i).unwrap_or_default().join("."),
                    v,
                    "an object",
                )
            })?;
        }
    }
    let Some(value) = value else {
        return Ok(None);
    };
    match (spec.kind, value) {
        (ClaimKind::String, Value::String(s)) => Ok(Some(s.clone())),
        (ClaimKind::Numeric, Value::Number(n)) => Ok(Some(n.to_string())),
        (ClaimKind::String, _) => Err(claim_type(
            &path.join("."),
            value,
            "a string (STS documents it as a string key; another json type is refused)",
        )),
        (ClaimKind::Numeric, _) => Err(claim_type(
            &path.join("."),
            value,
            "a number (STS documents it as a numeric key; another json type is refused)",
        )),
    }
}

impl WebIdentity {
    /// Builds the request from a decoded token, reading the issuer from
    /// its `iss` claim.
    ///
    /// # Errors
    ///
    /// See [`WebIdentity::from_claims`].
    pub fn from_token(
        token: &DecodedToken,
        role: &RoleAccount,
        rules: &ClaimRules,
    ) -> Result<WebIdentity, TokenError> {
        WebIdentity::from_claims(&token.claims, None, role, rules)
    }

    /// Builds the request from a claims object. `issuer` overrides the
    /// `iss` claim (for OAuth 2.0 providers, whose tokens have none, pass
    /// `graph.facebook.com` or `www.amazon.com`).
    ///
    /// # Errors
    ///
    /// Claims that are not an object or have wrong types; no issuer; an
    /// issuer that is neither `https://...` nor a built-in provider name; an
    /// OIDC token without `sub` or `aud`; a multi-valued session tag; two
    /// tag keys equal ignoring case.
    pub fn from_claims(
        claims: &Value,
        issuer: Option<&str>,
        role: &RoleAccount,
        rules: &ClaimRules,
    ) -> Result<WebIdentity, TokenError> {
        let claims = claims.as_object().ok_or(TokenError::NotAnObject {
            part: TokenPart::Claims,
        })?;
        check_claim_types(claims)?;
        let issuer = match issuer {
            Some(i) => i,
            None => str_claim(claims, "iss").ok_or(TokenError::MissingClaim { claim: "iss" })?,
        };
        // docs/SEMANTICS.md §4.1: the provider is the issuer without `https://`,
        // path and trailing slash kept. Built-in providers may be named bare
        // (Google's `iss` is sometimes `accounts.google.com`).
        let provider = match issuer.strip_prefix("https://") {
            Some(p) => p,
            None if [GOOGLE, COGNITO, FACEBOOK, AMAZON].contains(&issuer) => issuer,
            None => {
                return Err(TokenError::IssuerNotHttps {
                    issuer: issuer.to_owned(),
                })
            }
        };
        // Collected in order and checked once at the end
        // (`Context::from_entries`); a later error that is not about keys
        // checks the keys so far first, so the error reported is the one
        // inserting key by key would give.
        let mut entries: Vec<(String, ContextValue)> = Vec::new();
        let key = |claim: &str| format!("{provider}:{claim}");
        let principal = match provider {
            GOOGLE => {
                // docs/SEMANTICS.md §4.2: `aud` is the token's `azp` when present,
                // else its `aud`; `oaud` is always the token's `aud`.
                let (sub, aud) = sub_and_aud(claims)?;
                entries.push((key("sub"), ContextValue::Single(sub.to_owned())));
                let effective = match str_claim(claims, "azp") {
                    Some(azp) => {
                        entries.push((key("azp"), ContextValue::Single(azp.to_owned())));
                        ContextValue::Single(azp.to_owned())
                    }
                    None => aud.clone(),
                };
                entries.push((key("aud"), effective));
                entries.push((key("oaud"), aud));
                // Built-in providers have no provider ARN; whether STS sets
                // `aws:FederatedProvider` for Google is UNCONFIRMED, so it
                // stays absent (docs/SEMANTICS.md §4.5 names only Cognito's value).
                provider.to_owned()
            }
            FACEBOOK | AMAZON => {
                // OAuth 2.0 access tokens: only the documented keys.
                let user = if provider == FACEBOOK {
                    "id"
                } else {
                    "user_id"
                };
                for claim in ["app_id", user] {
                    if let Some(v) = claims.get(claim).and_then(scalar_text) {
                        entries.push((key(claim), ContextValue::Single(v)));
                    }
                }
                provider.to_owned()
            }
            _ => {
                let (sub, aud) = sub_and_aud(claims)?;
                entries.push((key("sub"), ContextValue::Single(sub.to_owned())));
                entries.push((key("aud"), aud));
                if let Some(amr) = claims.get("amr").and_then(multi) {
                    entries.push((key("amr"), amr));
                }
                if provider == COGNITO {
                    entries.push((
                        "aws:FederatedProvider".into(),
                        ContextValue::Single(COGNITO.to_owned()),
                    ));
                    COGNITO.to_owned()
                } else {
                    if let Some(azp) = str_claim(claims, "azp") {
                        entries.push((key("azp"), ContextValue::Single(azp.to_owned())));
                    }
                    let arn = role.oidc_provider_arn(provider);
                    entries.push((
                        "aws:FederatedProvider".into(),
                        ContextValue::Single(arn.clone()),
                    ));
                    arn
                }
            }
        };
        // Decision 8: provider-specific claims, from the table; R20 for
        // their JSON types.
        for spec in rules.provider_claims(provider) {
            match provider_claim(claims, spec) {
                Ok(Some(v)) => entries.push((key(spec.name), ContextValue::Single(v))),
                Ok(None) => {}
                Err(e) => {
                    Context::from_entries(entries)?;
                    return Err(e);
                }
            }
        }
        let mut actions = vec![ASSUME_ROLE_WITH_WEB_IDENTITY];
        if let Some(tags) = claims.get(TAGS_CLAIM) {
            let tags = match session_tags(tags) {
                Ok(tags) => tags,
                Err(e) => {
                    Context::from_entries(entries)?;
                    return Err(e);
                }
            };
            let mut keys = Vec::with_capacity(tags.tags.len());
            for (k, v) in tags.tags {
                entries.push((format!("aws:RequestTag/{k}"), ContextValue::Single(v)));
                keys.push(k);
            }
            // docs/SEMANTICS.md §9 case G72 (testdata `G72a`): an empty list
            // reaches the policy as an *absent* key, so that
            // `Null {"sts:TransitiveTagKeys": "false"}` is false for
            // `transitive_tag_keys: []`. `Null` tests presence only (R9), so
            // a present `[]` would make that requirement pass. The same
            // holds for `aws:TagKeys` with no tags.
            if !keys.is_empty() {
                entries.push(("aws:TagKeys".into(), ContextValue::Multi(keys)));
            }
            if let Some(t) = tags.transitive.filter(|t| !t.is_empty()) {
                entries.push(("sts:TransitiveTagKeys".into(), ContextValue::Multi(t)));
            }
            actions.push(TAG_SESSION);
        }
        if let Some(si) = str_claim(claims, SOURCE_IDENTITY_CLAIM) {
            entries.push((
                "sts:SourceIdentity".into(),
                ContextValue::Single(si.to_owned()),
            ));
            actions.push(SET_SOURCE_IDENTITY);
        }
        Ok(WebIdentity {
            provider: provider.to_owned(),
            principal,
            context: Context::from_entries(entries)?,
            actions,
        })
    }

    /// The provider: the issuer without `https://`, the prefix of its keys.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The request principal: the OIDC provider ARN, or a built-in
    /// provider's name.
    pub fn principal(&self) -> &str {
        &self.principal
    }

    /// The condition keys taken from the token.
    pub fn context(&self) -> &Context {
        &self.context
    }

    /// Adds a key the token does not carry (`sts:RoleSessionName`,
    /// `aws:SourceIp`, ...).
    ///
    /// # Errors
    ///
    /// When a key equal ignoring case is already present.
    pub fn insert(
        &mut self,
        key: impl Into<String>,
        value: ContextValue,
    ) -> Result<(), RequestError> {
        self.context.insert(key, value)
    }

    /// Every action STS authorizes for this call, in this order:
    /// `sts:AssumeRoleWithWebIdentity`, then `sts:TagSession` and
    /// `sts:SetSourceIdentity` when the token asks for them. The call
    /// succeeds only if each one is allowed (docs/SEMANTICS.md §2.1 step 5).
    pub fn actions(&self) -> &[&'static str] {
        &self.actions
    }

    /// One [`Request`] per action.
    pub fn requests(&self) -> impl Iterator<Item = Request> + '_ {
        self.actions
            .iter()
            .map(|a| Request::new(self.principal.clone(), *a, self.context.clone()))
    }
}
