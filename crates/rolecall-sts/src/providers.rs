//! The IAM OIDC providers of an account: what STS looks a token's issuer
//! up in (docs/SEMANTICS.md §2.3, 5.3 step 2).
//!
//! [`ProviderRegistry::from_json`] reads any of these forms, told apart by
//! their top-level shape:
//!
//! | form | shape | gives |
//! |---|---|---|
//! | `aws iam list-open-id-connect-providers` | `{"OpenIDConnectProviderList": [{"Arn": ...}]}` | the URLs and the account, no client IDs |
//! | `aws iam get-open-id-connect-provider` | `{"Url": "oidc.eks...", "ClientIDList": [...], "ThumbprintList": [...], ...}` | one provider with its client IDs, no account |
//! | several of those | a JSON array of get-open-id-connect-provider outputs | several providers |
//! | rolecall's own | `{"account": "111122223333", "providers": [{"url": "https://...", "client_ids": [...]}]}` | everything |
//!
//! Several inputs combine with [`ProviderRegistry::merge`]: the list output
//! names the providers and their account, each get output adds the client
//! IDs of one of them.
//!
//! Reading is strict (docs/SEMANTICS.md D10): an unknown member, a
//! duplicate member or a wrong type is an error with its line and column,
//! never ignored.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One IAM OIDC provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OidcProvider {
    /// The provider URL with `https://`, exactly as registered
    /// (case-sensitive, path and trailing slash kept).
    pub url: String,
    /// The account that owns it, when the input says (list output, ARNs,
    /// rolecall's format); `None` means "the role's account".
    pub account: Option<String>,
    /// The registered client IDs (audiences); `None` when the input did not
    /// give them (list output alone).
    pub client_ids: Option<Vec<String>>,
    /// The registered certificate thumbprints. Informational: rolecall does
    /// not fetch anything over TLS, so they are never checked.
    pub thumbprints: Vec<String>,
}

impl OidcProvider {
    /// The provider name: the URL without `https://`, the prefix of its
    /// condition keys and the tail of its ARN.
    pub fn name(&self) -> &str {
        self.url.strip_prefix("https://").unwrap_or(&self.url)
    }
}

/// The providers of one account (or of unknown accounts).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProviderRegistry {
    providers: Vec<OidcProvider>,
}

/// Which input form a registry was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum ProviderForm {
    /// `aws iam list-open-id-connect-providers` output.
    ListProviders,
    /// `aws iam get-open-id-connect-provider` output.
    GetProvider,
    /// A JSON array of get-open-id-connect-provider outputs.
    GetProviderArray,
    /// rolecall's `{"account": ..., "providers": [...]}` format.
    Rolecall,
}

/// Why a provider registry could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// Not JSON, or JSON of the wrong shape for its form (unknown member,
    /// duplicate member, wrong type).
    #[error("invalid provider json at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The top-level shape matches none of the supported forms.
    #[error(
        "unrecognised provider input: expected `list-open-id-connect-providers` or \
         `get-open-id-connect-provider` output, an array of the latter, or \
         `{{\"account\": ..., \"providers\": [...]}}`"
    )]
    UnknownForm,
    /// A provider ARN is not `arn:<partition>:iam::<account>:oidc-provider/<url>`.
    #[error("`{arn}` is not an iam oidc provider arn")]
    BadArn {
        /// The text given.
        arn: String,
    },
    /// A provider URL is empty, has a scheme other than `https://`, a query
    /// or a fragment.
    #[error("provider url `{url}` is not an https url without query or fragment")]
    BadUrl {
        /// The text given.
        url: String,
    },
    /// An account id that is not 12 digits.
    #[error("account id `{account}` is not 12 digits")]
    BadAccount {
        /// The text given.
        account: String,
    },
    /// The same provider URL twice with different client IDs or accounts.
    #[error("provider `{url}` is given twice with different {what}")]
    Conflict {
        /// The provider URL.
        url: String,
        /// What differs.
        what: &'static str,
    },
}

fn json_error(e: &serde_json::Error) -> ProviderError {
    ProviderError::Json {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    }
}

/// serde_json appends " at line L column C"; the error carries them apart.
pub(crate) fn strip_position(full: &str) -> String {
    full.rfind(" at line ")
        .and_then(|i| full.get(..i))
        .unwrap_or(full)
        .to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListOutput {
    #[serde(rename = "OpenIDConnectProviderList")]
    list: Vec<ListEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListEntry {
    #[serde(rename = "Arn")]
    arn: String,
}

/// `aws iam get-open-id-connect-provider` output. `CreateDate` and `Tags`
/// are accepted and ignored: they do not change what STS does.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GetOutput {
    #[serde(rename = "Url")]
    url: String,
    #[serde(rename = "ClientIDList", default)]
    client_ids: Vec<String>,
    #[serde(rename = "ThumbprintList", default)]
    thumbprints: Vec<String>,
    #[serde(rename = "CreateDate")]
    _create_date: Option<String>,
    #[serde(rename = "Tags")]
    _tags: Option<Vec<Tag>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tag {
    #[serde(rename = "Key")]
    _key: String,
    #[serde(rename = "Value")]
    _value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolecallFile {
    account: Option<String>,
    providers: Vec<RolecallProvider>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RolecallProvider {
    url: String,
    client_ids: Vec<String>,
    #[serde(default)]
    thumbprints: Vec<String>,
}

fn check_account(account: &str) -> Result<(), ProviderError> {
    if rolecall_policy::grammar::arn::is_account_id(account) {
        Ok(())
    } else {
        Err(ProviderError::BadAccount {
            account: account.to_owned(),
        })
    }
}

/// The URL with `https://`: get output prints it without a scheme, and IAM
/// only ever registers `https://` URLs (docs/SEMANTICS.md §2.3).
fn normalise_url(url: &str) -> Result<String, ProviderError> {
    let bad = || ProviderError::BadUrl {
        url: url.to_owned(),
    };
    let rest = match url.split_once("://") {
        Some(("https", rest)) => rest,
        Some(_) => return Err(bad()),
        None => url,
    };
    if rest.is_empty() || rest.starts_with('/') || rest.contains(['?', '#']) {
        return Err(bad());
    }
    Ok(format!("https://{rest}"))
}

fn from_arn(arn: &str) -> Result<OidcProvider, ProviderError> {
    let bad = || ProviderError::BadArn {
        arn: arn.to_owned(),
    };
    let parsed = rolecall_policy::grammar::arn::parse_arn(arn).map_err(|_| bad())?;
    if parsed.service != "iam" || !parsed.region.is_empty() {
        return Err(bad());
    }
    let name = parsed
        .resource
        .strip_prefix("oidc-provider/")
        .ok_or_else(bad)?;
    check_account(parsed.account)?;
    Ok(OidcProvider {
        url: normalise_url(name)?,
        account: Some(parsed.account.to_owned()),
        client_ids: None,
        thumbprints: Vec::new(),
    })
}

impl ProviderRegistry {
    /// An empty registry: every issuer is unknown.
    pub fn new() -> ProviderRegistry {
        ProviderRegistry::default()
    }

    /// Reads a registry from any supported form (see the module docs) and
    /// says which form it was.
    ///
    /// # Errors
    ///
    /// Invalid JSON, an unrecognised shape, an unknown or duplicate member,
    /// a malformed ARN, URL or account id.
    pub fn from_json_with_form(
        text: &str,
    ) -> Result<(ProviderRegistry, ProviderForm), ProviderError> {
        let value: Value = serde_json::from_str(text).map_err(|e| json_error(&e))?;
        let mut registry = ProviderRegistry::new();
        let form = match &value {
            Value::Object(map) if map.contains_key("OpenIDConnectProviderList") => {
                let list: ListOutput = serde_json::from_str(text).map_err(|e| json_error(&e))?;
                for entry in list.list {
                    registry.add(from_arn(&entry.arn)?)?;
                }
                ProviderForm::ListProviders
            }
            Value::Object(map) if map.contains_key("Url") => {
                let get: GetOutput = serde_json::from_str(text).map_err(|e| json_error(&e))?;
                registry.add(get.into_provider()?)?;
                ProviderForm::GetProvider
            }
            Value::Object(map) if map.contains_key("providers") => {
                let file: RolecallFile = serde_json::from_str(text).map_err(|e| json_error(&e))?;
                if let Some(account) = &file.account {
                    check_account(account)?;
                }
                for p in file.providers {
                    registry.add(OidcProvider {
                        url: normalise_url(&p.url)?,
                        account: file.account.clone(),
                        client_ids: Some(p.client_ids),
                        thumbprints: p.thumbprints,
                    })?;
                }
                ProviderForm::Rolecall
            }
            Value::Array(_) => {
                let all: Vec<GetOutput> = serde_json::from_str(text).map_err(|e| json_error(&e))?;
                for get in all {
                    registry.add(get.into_provider()?)?;
                }
                ProviderForm::GetProviderArray
            }
            _ => return Err(ProviderError::UnknownForm),
        };
        Ok((registry, form))
    }

    /// Reads a registry from any supported form (see the module docs).
    ///
    /// # Errors
    ///
    /// See [`ProviderRegistry::from_json_with_form`].
    pub fn from_json(text: &str) -> Result<ProviderRegistry, ProviderError> {
        ProviderRegistry::from_json_with_form(text).map(|(r, _)| r)
    }

    /// Adds a provider. A provider already present with the same URL is
    /// completed: an unknown account or client-ID list is taken from the
    /// new one.
    ///
    /// # Errors
    ///
    /// When both know the account, or both know the client IDs, and they
    /// differ.
    pub fn add(&mut self, provider: OidcProvider) -> Result<(), ProviderError> {
        let Some(old) = self.providers.iter_mut().find(|p| p.url == provider.url) else {
            self.providers.push(provider);
            return Ok(());
        };
        let conflict = |what| ProviderError::Conflict {
            url: provider.url.clone(),
            what,
        };
        match (&old.account, &provider.account) {
            (Some(a), Some(b)) if a != b => return Err(conflict("accounts")),
            (None, Some(b)) => old.account = Some(b.clone()),
            _ => {}
        }
        match (&old.client_ids, &provider.client_ids) {
            (Some(a), Some(b)) if a != b => return Err(conflict("client ids")),
            (None, Some(b)) => old.client_ids = Some(b.clone()),
            _ => {}
        }
        if old.thumbprints.is_empty() {
            old.thumbprints.clone_from(&provider.thumbprints);
        }
        Ok(())
    }

    /// Adds every provider of `other` (see [`ProviderRegistry::add`]).
    ///
    /// # Errors
    ///
    /// See [`ProviderRegistry::add`].
    pub fn merge(&mut self, other: ProviderRegistry) -> Result<(), ProviderError> {
        other.providers.into_iter().try_for_each(|p| self.add(p))
    }

    /// Every provider, in input order.
    pub fn providers(&self) -> &[OidcProvider] {
        &self.providers
    }

    /// The provider STS would find for `issuer` in `account`: its URL equals
    /// the issuer byte for byte (case-sensitive, trailing slash included,
    /// docs/SEMANTICS.md §2.3), and it belongs to `account` or to no stated
    /// account.
    pub fn find(&self, issuer: &str, account: &str) -> Option<&OidcProvider> {
        self.providers
            .iter()
            .find(|p| p.url == issuer && p.account.as_deref().is_none_or(|a| a == account))
    }

    /// A provider whose URL differs from `issuer` only by a trailing `/` or
    /// by letter case, for explaining a failed lookup.
    pub fn near_miss(&self, issuer: &str) -> Option<&OidcProvider> {
        let trim = |s: &str| s.trim_end_matches('/').to_ascii_lowercase();
        self.providers
            .iter()
            .find(|p| p.url != issuer && trim(&p.url) == trim(issuer))
    }
}

impl GetOutput {
    fn into_provider(self) -> Result<OidcProvider, ProviderError> {
        Ok(OidcProvider {
            url: normalise_url(&self.url)?,
            account: None,
            client_ids: Some(self.client_ids),
            thumbprints: self.thumbprints,
        })
    }
}

impl fmt::Display for ProviderForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProviderForm::ListProviders => "list-open-id-connect-providers",
            ProviderForm::GetProvider => "get-open-id-connect-provider",
            ProviderForm::GetProviderArray => "get-open-id-connect-provider array",
            ProviderForm::Rolecall => "rolecall",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EKS: &str = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE";

    #[test]
    fn list_then_get_merge_into_one_provider() {
        let list = format!(
            r#"{{"OpenIDConnectProviderList": [{{"Arn": "arn:aws:iam::111122223333:oidc-provider/{EKS}"}}]}}"#
        );
        let get = format!(
            r#"{{"Url": "{EKS}", "ClientIDList": ["sts.amazonaws.com"],
                "ThumbprintList": ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"],
                "CreateDate": "2024-01-01T00:00:00+00:00",
                "Tags": [{{"Key": "k", "Value": "v"}}]}}"#
        );
        let (mut reg, form) = ProviderRegistry::from_json_with_form(&list).unwrap();
        assert_eq!(form, ProviderForm::ListProviders);
        assert_eq!(reg.providers()[0].client_ids, None);
        reg.merge(ProviderRegistry::from_json(&get).unwrap())
            .unwrap();
        assert_eq!(reg.providers().len(), 1);
        let p = &reg.providers()[0];
        assert_eq!(p.url, format!("https://{EKS}"));
        assert_eq!(p.account.as_deref(), Some("111122223333"));
        assert_eq!(
            p.client_ids.as_deref(),
            Some(&["sts.amazonaws.com".to_owned()][..])
        );
        assert!(reg
            .find(&format!("https://{EKS}"), "111122223333")
            .is_some());
        assert!(reg
            .find(&format!("https://{EKS}"), "444455556666")
            .is_none());
        assert!(reg
            .find(&format!("https://{EKS}/"), "111122223333")
            .is_none());
        assert!(reg.near_miss(&format!("https://{EKS}/")).is_some());
    }

    #[test]
    fn rolecall_and_array_forms() {
        let (reg, form) = ProviderRegistry::from_json_with_form(
            r#"{"account": "111122223333", "providers": [
                {"url": "https://token.actions.githubusercontent.com", "client_ids": ["sts.amazonaws.com"]}]}"#,
        )
        .unwrap();
        assert_eq!(form, ProviderForm::Rolecall);
        assert_eq!(
            reg.providers()[0].name(),
            "token.actions.githubusercontent.com"
        );
        let (reg, form) = ProviderRegistry::from_json_with_form(
            r#"[{"Url": "a.example.com", "ClientIDList": ["x"]}, {"Url": "b.example.com/", "ClientIDList": ["y"]}]"#,
        )
        .unwrap();
        assert_eq!(form, ProviderForm::GetProviderArray);
        assert_eq!(reg.providers()[1].url, "https://b.example.com/");
    }

    #[test]
    fn strict_errors_have_positions() {
        let e = ProviderRegistry::from_json("{\"Url\": \"a.example.com\",\n \"ClientIdList\": []}")
            .unwrap_err();
        match e {
            ProviderError::Json { line, message, .. } => {
                assert_eq!(line, 2);
                assert!(
                    message.contains("unknown field `ClientIdList`"),
                    "{message}"
                );
            }
            other => panic!("{other:?}"),
        }
        let e = ProviderRegistry::from_json(r#"{"Url": "a", "Url": "b"}"#).unwrap_err();
        assert!(e.to_string().contains("duplicate field `Url`"), "{e}");
        let e = ProviderRegistry::from_json("{\"providers\": [}").unwrap_err();
        assert!(
            matches!(
                e,
                ProviderError::Json {
                    line: 1,
                    column: 16,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(
            ProviderRegistry::from_json(r#"{"Foo": 1}"#).unwrap_err(),
            ProviderError::UnknownForm
        );
        assert!(matches!(
            ProviderRegistry::from_json(r#"{"Url": "http://a.example.com"}"#).unwrap_err(),
            ProviderError::BadUrl { .. }
        ));
        assert!(matches!(
            ProviderRegistry::from_json(
                r#"{"OpenIDConnectProviderList": [{"Arn": "arn:aws:iam::1:oidc-provider/x"}]}"#
            )
            .unwrap_err(),
            ProviderError::BadAccount { .. }
        ));
    }
}
