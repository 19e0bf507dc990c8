//! Amazon Resource Names (docs/DECISIONS.md R8).
//!
//! An ARN is `arn:partition:service:region:account:resource`: the text is
//! split at its first five colons, and the sixth component keeps any further
//! colons (`arn:aws:s3:::bucket:with:colons` has resource
//! `bucket:with:colons`). Components may be empty.

use nom::bytes::complete::{tag, take_till};
use nom::character::complete::char;
use nom::sequence::terminated;
use nom::Parser;

use super::PResult;

/// An ARN split into its six components, borrowing from the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Arn<'a> {
    /// The partition: `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// The service namespace: `iam`, `sts`, `s3`, ...
    pub service: &'a str,
    /// The region (empty for global services such as IAM).
    pub region: &'a str,
    /// The account id (empty for some services).
    pub account: &'a str,
    /// Everything after the fifth colon, colons included.
    pub resource: &'a str,
}

/// Why a string is not an ARN.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{kind} (at byte {offset})")]
pub struct ArnError {
    /// Byte offset in the input where the problem was found.
    pub offset: usize,
    /// What is wrong.
    pub kind: ArnErrorKind,
}

/// The kinds of [`ArnError`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ArnErrorKind {
    /// The text does not start with `arn:`.
    #[error("an ARN starts with `arn:`")]
    NotArn,
    /// Fewer than six colon-separated components.
    #[error("an ARN has six colon-separated components, found {found}")]
    TooFewComponents {
        /// How many components the text has.
        found: usize,
    },
    /// An OIDC provider ARN whose service is not `iam`, region not empty,
    /// account not 12 digits, or resource not `oidc-provider/<url>`.
    #[error("not an OIDC provider ARN: expected `arn:<partition>:iam::<12-digit account>:oidc-provider/<host>`")]
    NotOidcProvider,
}

/// One component and the colon after it.
fn component(i: &str) -> PResult<'_, &str> {
    terminated(take_till(|c| c == ':'), char(':')).parse(i)
}

/// Splits an ARN into its six components.
///
/// The first component must be exactly `arn`; the text must have at least
/// five colons.
///
/// ```
/// use rolecall_policy::grammar::arn::parse_arn;
/// let arn = parse_arn("arn:aws:iam::111122223333:role/a:b").unwrap();
/// assert_eq!((arn.service, arn.account, arn.resource), ("iam", "111122223333", "role/a:b"));
/// assert!(parse_arn("arn:aws:iam::root").is_err());
/// ```
pub fn parse_arn(s: &str) -> Result<Arn<'_>, ArnError> {
    let header: PResult<'_, &str> = tag("arn:").parse(s);
    let Ok((rest, _)) = header else {
        return Err(ArnError {
            offset: 0,
            kind: ArnErrorKind::NotArn,
        });
    };
    let parsed: PResult<'_, (&str, &str, &str, &str)> =
        (component, component, component, component).parse(rest);
    match parsed {
        Ok((resource, (partition, service, region, account))) => Ok(Arn {
            partition,
            service,
            region,
            account,
            resource,
        }),
        Err(_) => Err(ArnError {
            offset: s.len(),
            kind: ArnErrorKind::TooFewComponents {
                found: s.matches(':').count() + 1,
            },
        }),
    }
}

/// An IAM OIDC identity provider ARN,
/// `arn:<partition>:iam::<account>:oidc-provider/<provider>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OidcProviderArn<'a> {
    /// The partition.
    pub partition: &'a str,
    /// The 12-digit account id that owns the provider.
    pub account: &'a str,
    /// The provider URL without `https://`: `host[/path]`. This is exactly
    /// the prefix of the provider's condition keys (`<provider>:sub`).
    pub provider: &'a str,
}

/// Whether `s` is a 12-digit AWS account id.
pub fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// Parses an OIDC provider ARN: partition non-empty, service `iam`, empty
/// region, a 12-digit account, and a resource `oidc-provider/<provider>`
/// with a non-empty provider (docs/DECISIONS.md R1 item 16).
///
/// ```
/// use rolecall_policy::grammar::arn::parse_oidc_provider_arn;
/// let p = parse_oidc_provider_arn(
///     "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
/// ).unwrap();
/// assert_eq!(p.provider, "token.actions.githubusercontent.com");
/// ```
pub fn parse_oidc_provider_arn(s: &str) -> Result<OidcProviderArn<'_>, ArnError> {
    let arn = parse_arn(s)?;
    let [partition_at, service_at, region_at, account_at, resource_at] = arn.offsets();
    let bad = |offset: usize| ArnError {
        offset,
        kind: ArnErrorKind::NotOidcProvider,
    };
    if arn.partition.is_empty() {
        return Err(bad(partition_at));
    }
    if arn.service != "iam" {
        return Err(bad(service_at));
    }
    if !arn.region.is_empty() {
        return Err(bad(region_at));
    }
    if !is_account_id(arn.account) {
        return Err(bad(account_at));
    }
    match arn.resource.strip_prefix("oidc-provider/") {
        Some(provider) if !provider.is_empty() => Ok(OidcProviderArn {
            partition: arn.partition,
            account: arn.account,
            provider,
        }),
        _ => Err(bad(resource_at)),
    }
}

impl Arn<'_> {
    /// Byte offsets of the partition, service, region, account and resource
    /// in the text the ARN was parsed from.
    pub fn offsets(&self) -> [usize; 5] {
        let partition = 4;
        let service = partition + self.partition.len() + 1;
        let region = service + self.service.len() + 1;
        let account = region + self.region.len() + 1;
        let resource = account + self.account.len() + 1;
        [partition, service, region, account, resource]
    }
}

impl std::fmt::Display for Arn<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn six_components_resource_keeps_colons() {
        let a = parse_arn("arn:aws:s3:::bucket:with:colons").unwrap();
        assert_eq!(
            a,
            Arn {
                partition: "aws",
                service: "s3",
                region: "",
                account: "",
                resource: "bucket:with:colons"
            }
        );
        assert_eq!(a.to_string(), "arn:aws:s3:::bucket:with:colons");
        let e = parse_arn("arn:::::").unwrap();
        assert_eq!(e.resource, "");
        assert_eq!(e.offsets(), [4, 5, 6, 7, 8]);
    }

    #[test]
    fn offsets_locate_every_component_in_the_text() {
        // Every component non-empty, so each offset depends on the lengths
        // of all the components before it.
        let text = "arn:aws-us-gov:sts:us-gov-west-1:111122223333:assumed-role/a:b";
        let a = parse_arn(text).unwrap();
        let offsets = a.offsets();
        assert_eq!(offsets, [4, 15, 19, 33, 46]);
        let components = [a.partition, a.service, a.region, a.account, a.resource];
        for (at, component) in offsets.into_iter().zip(components) {
            assert_eq!(&text[at..at + component.len()], component);
        }
    }

    #[test]
    fn malformed_arns() {
        assert_eq!(parse_arn("").unwrap_err().kind, ArnErrorKind::NotArn);
        assert_eq!(
            parse_arn("ARN:aws:iam::1:x").unwrap_err().kind,
            ArnErrorKind::NotArn
        );
        assert_eq!(
            parse_arn("arnx:a:b:c:d:e").unwrap_err().kind,
            ArnErrorKind::NotArn
        );
        let e = parse_arn("arn:aws:iam::root").unwrap_err();
        assert_eq!(e.kind, ArnErrorKind::TooFewComponents { found: 5 });
        assert_eq!(e.offset, 17);
        assert_eq!(
            e.to_string(),
            "an ARN has six colon-separated components, found 5 (at byte 17)"
        );
    }

    #[test]
    fn oidc_provider_arns() {
        let p = parse_oidc_provider_arn(
            "arn:aws-cn:iam::111122223333:oidc-provider/token.actions.githubusercontent.com/slug",
        )
        .unwrap();
        assert_eq!(p.partition, "aws-cn");
        assert_eq!(p.account, "111122223333");
        assert_eq!(p.provider, "token.actions.githubusercontent.com/slug");
        for (bad, offset) in [
            ("arn::iam::111122223333:oidc-provider/x", 4),
            ("arn:aws:sts::111122223333:oidc-provider/x", 8),
            ("arn:aws:iam:us-east-1:111122223333:oidc-provider/x", 12),
            ("arn:aws:iam::11112222333:oidc-provider/x", 13),
            ("arn:aws:iam::11112222333a:oidc-provider/x", 13),
            ("arn:aws:iam::111122223333:oidc-provider/", 26),
            ("arn:aws:iam::111122223333:saml-provider/x", 26),
        ] {
            let e = parse_oidc_provider_arn(bad).unwrap_err();
            assert_eq!(
                (e.kind, e.offset),
                (ArnErrorKind::NotOidcProvider, offset),
                "{bad}"
            );
        }
    }
}
