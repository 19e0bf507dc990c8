//! Principal values: what may follow `Federated` and `AWS` in a principal
//! map (docs/DECISIONS.md R1 item 16, R2; docs/SEMANTICS.md §1.7).

use super::arn::{is_account_id, parse_arn, parse_oidc_provider_arn, Arn, OidcProviderArn};

/// The built-in web identity providers (docs/SEMANTICS.md §1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuiltinProvider {
    /// Amazon Cognito identity pools: `cognito-identity.amazonaws.com`.
    Cognito,
    /// Google: `accounts.google.com`.
    Google,
    /// Facebook: `graph.facebook.com`.
    Facebook,
    /// Login with Amazon: `www.amazon.com`.
    Amazon,
}

impl BuiltinProvider {
    /// Every built-in provider.
    pub const ALL: [BuiltinProvider; 4] = [
        BuiltinProvider::Cognito,
        BuiltinProvider::Google,
        BuiltinProvider::Facebook,
        BuiltinProvider::Amazon,
    ];

    /// The provider name as written in a `Federated` principal, which is also
    /// the prefix of its condition keys (`accounts.google.com:aud`).
    pub fn name(self) -> &'static str {
        match self {
            BuiltinProvider::Cognito => "cognito-identity.amazonaws.com",
            BuiltinProvider::Google => "accounts.google.com",
            BuiltinProvider::Facebook => "graph.facebook.com",
            BuiltinProvider::Amazon => "www.amazon.com",
        }
    }

    /// The provider with this exact name (principal values are compared byte
    /// for byte, docs/DECISIONS.md R2).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A `Federated` principal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FederatedPrincipal<'a> {
    /// `arn:<partition>:iam::<account>:oidc-provider/<provider>`.
    OidcProvider(OidcProviderArn<'a>),
    /// `arn:<partition>:iam::<account>:saml-provider/<name>`.
    SamlProvider {
        /// The partition.
        partition: &'a str,
        /// The 12-digit account id.
        account: &'a str,
        /// The provider name.
        name: &'a str,
    },
    /// One of the built-in web identity providers.
    Builtin(BuiltinProvider),
    /// Any other domain name IAM accepts (labels of ASCII letters, digits
    /// and `-`, at least two labels).
    Domain(&'a str),
}

/// Why a principal value is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{kind} (at byte {offset})")]
pub struct PrincipalError {
    /// Byte offset in the value where the problem was found.
    pub offset: usize,
    /// What is wrong.
    pub kind: PrincipalErrorKind,
}

/// The kinds of [`PrincipalError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PrincipalErrorKind {
    /// A `Federated` value that is neither a provider ARN nor a domain name.
    #[error("federated principals must be valid domain names or SAML metadata ARNs (IAM); expected `arn:<partition>:iam::<account>:oidc-provider/<host>`, `arn:<partition>:iam::<account>:saml-provider/<name>` or a domain name")]
    InvalidFederated,
    /// An `AWS` value that is not `*`, a 12-digit account id or an ARN.
    #[error("an `AWS` principal is `*`, a 12-digit account id or an ARN")]
    InvalidAws,
}

/// Parses a `Federated` principal value (docs/DECISIONS.md R1 item 16).
///
/// ```
/// use rolecall_policy::grammar::principal::{parse_federated, BuiltinProvider, FederatedPrincipal};
/// assert_eq!(
///     parse_federated("accounts.google.com").unwrap(),
///     FederatedPrincipal::Builtin(BuiltinProvider::Google)
/// );
/// assert!(parse_federated("arn:aws:iam::111122223333:oidc-provider/").is_err());
/// ```
pub fn parse_federated(s: &str) -> Result<FederatedPrincipal<'_>, PrincipalError> {
    let invalid = |offset| PrincipalError {
        offset,
        kind: PrincipalErrorKind::InvalidFederated,
    };
    if s.starts_with("arn:") {
        if let Ok(p) = parse_oidc_provider_arn(s) {
            return Ok(FederatedPrincipal::OidcProvider(p));
        }
        return parse_saml_provider_arn(s).ok_or_else(|| {
            let offset = match parse_oidc_provider_arn(s) {
                Err(e) => e.offset,
                Ok(_) => 0,
            };
            invalid(offset)
        });
    }
    if let Some(b) = BuiltinProvider::from_name(s) {
        return Ok(FederatedPrincipal::Builtin(b));
    }
    match domain_error_at(s) {
        None => Ok(FederatedPrincipal::Domain(s)),
        Some(offset) => Err(invalid(offset)),
    }
}

fn parse_saml_provider_arn(s: &str) -> Option<FederatedPrincipal<'_>> {
    let arn = parse_arn(s).ok()?;
    let name = arn.resource.strip_prefix("saml-provider/")?;
    (!arn.partition.is_empty()
        && arn.service == "iam"
        && arn.region.is_empty()
        && is_account_id(arn.account)
        && !name.is_empty())
    .then_some(FederatedPrincipal::SamlProvider {
        partition: arn.partition,
        account: arn.account,
        name,
    })
}

/// `None` if `s` is a domain name (labels of ASCII letters, digits and `-`,
/// at least two non-empty labels separated by `.`), else the byte offset of
/// the first offending byte.
fn domain_error_at(s: &str) -> Option<usize> {
    let mut label_len = 0usize;
    let mut labels = 0usize;
    for (i, b) in s.bytes().enumerate() {
        match b {
            b'.' if label_len == 0 => return Some(i),
            b'.' => {
                labels += 1;
                label_len = 0;
            }
            b if b.is_ascii_alphanumeric() || b == b'-' => label_len += 1,
            _ => return Some(i),
        }
    }
    if label_len == 0 || labels == 0 {
        return Some(s.len());
    }
    None
}

/// An `AWS` principal value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwsPrincipal<'a> {
    /// `*`: every principal.
    Wildcard,
    /// A bare 12-digit account id (IAM stores it as the account's root ARN).
    Account(&'a str),
    /// `arn:<partition>:iam::<account>:root`.
    Root {
        /// The partition.
        partition: &'a str,
        /// The 12-digit account id.
        account: &'a str,
    },
    /// Any other ARN (a role, a user, an assumed-role session, ...).
    Arn(Arn<'a>),
}

/// Parses an `AWS` principal value: `*`, a 12-digit account id, or an ARN.
///
/// This is the shape only; a wildcard inside an ARN is accepted here and
/// reported by [`crate::validate`].
///
/// ```
/// use rolecall_policy::grammar::principal::{parse_aws_principal, AwsPrincipal};
/// assert_eq!(
///     parse_aws_principal("arn:aws:iam::111122223333:root").unwrap(),
///     AwsPrincipal::Root { partition: "aws", account: "111122223333" }
/// );
/// assert!(parse_aws_principal("arn:aws:iam::root").is_err());
/// ```
pub fn parse_aws_principal(s: &str) -> Result<AwsPrincipal<'_>, PrincipalError> {
    if s == "*" {
        return Ok(AwsPrincipal::Wildcard);
    }
    if is_account_id(s) {
        return Ok(AwsPrincipal::Account(s));
    }
    let arn = parse_arn(s).map_err(|e| PrincipalError {
        offset: e.offset,
        kind: PrincipalErrorKind::InvalidAws,
    })?;
    if arn.service == "iam"
        && arn.region.is_empty()
        && arn.resource == "root"
        && is_account_id(arn.account)
    {
        return Ok(AwsPrincipal::Root {
            partition: arn.partition,
            account: arn.account,
        });
    }
    Ok(AwsPrincipal::Arn(arn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_names_round_trip() {
        for p in BuiltinProvider::ALL {
            assert_eq!(BuiltinProvider::from_name(p.name()), Some(p));
            assert_eq!(
                parse_federated(p.name()).unwrap(),
                FederatedPrincipal::Builtin(p)
            );
        }
        assert_eq!(BuiltinProvider::from_name("Accounts.google.com"), None);
    }

    #[test]
    fn federated_forms() {
        assert!(matches!(
            parse_federated("arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X"),
            Ok(FederatedPrincipal::OidcProvider(p)) if p.provider == "oidc.eks.us-east-1.amazonaws.com/id/X"
        ));
        assert_eq!(
            parse_federated("arn:aws:iam::111122223333:saml-provider/Okta").unwrap(),
            FederatedPrincipal::SamlProvider {
                partition: "aws",
                account: "111122223333",
                name: "Okta"
            }
        );
        assert_eq!(
            parse_federated("Accounts.Google.com").unwrap(),
            FederatedPrincipal::Domain("Accounts.Google.com")
        );
        assert_eq!(
            parse_federated("a-1.b").unwrap(),
            FederatedPrincipal::Domain("a-1.b")
        );
    }

    #[test]
    fn malformed_federated() {
        for (bad, offset) in [
            ("", 0),
            ("localhost", 9),
            ("a..b", 2),
            (".a.b", 0),
            ("a.b.", 4),
            ("https://token.actions.githubusercontent.com", 5),
            ("a b.com", 1),
            ("*", 0),
            ("arn:aws:iam::111122223333:oidc-provider/", 26),
            ("arn:aws:iam::111122223333:saml-provider/", 26),
            ("arn:aws:iam::111122223333:role/x", 26),
            ("arn:aws:iam::root", 17),
        ] {
            let e = parse_federated(bad).unwrap_err();
            assert_eq!(e.kind, PrincipalErrorKind::InvalidFederated, "{bad}");
            assert_eq!(e.offset, offset, "{bad}");
        }
    }

    #[test]
    fn aws_forms() {
        assert_eq!(parse_aws_principal("*").unwrap(), AwsPrincipal::Wildcard);
        assert_eq!(
            parse_aws_principal("111122223333").unwrap(),
            AwsPrincipal::Account("111122223333")
        );
        assert!(matches!(
            parse_aws_principal("arn:aws:iam::111122223333:role/x").unwrap(),
            AwsPrincipal::Arn(a) if a.resource == "role/x"
        ));
        assert_eq!(
            parse_aws_principal("arn:aws-cn:iam::111122223333:root").unwrap(),
            AwsPrincipal::Root {
                partition: "aws-cn",
                account: "111122223333"
            }
        );
        // `root` is an account's root only in IAM, with no region and a
        // 12-digit account; anything else is an ordinary ARN.
        for other in [
            "arn:aws:sts::111122223333:root",
            "arn:aws:iam:us-east-1:111122223333:root",
            "arn:aws:iam::111122223333:root/x",
            "arn:aws:iam::11112222333:root",
        ] {
            assert!(
                matches!(parse_aws_principal(other).unwrap(), AwsPrincipal::Arn(a) if a.to_string() == other),
                "{other}"
            );
        }
        for bad in ["", "11112222333", "role/x", "arn:aws:iam::root", "**"] {
            assert_eq!(
                parse_aws_principal(bad).unwrap_err().kind,
                PrincipalErrorKind::InvalidAws,
                "{bad}"
            );
        }
    }
}
