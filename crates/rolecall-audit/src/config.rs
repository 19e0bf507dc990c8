//! `.rolecall.toml`: strict configuration.
//!
//! ```toml
//! [rules]
//! disable = ["TP-NAME-RECYCLE"]
//!
//! [severity]
//! "TP-OIDC-NO-AUD" = "info"
//!
//! [[ignore]]
//! path = "legacy/*.json"
//! reason = "scheduled for deletion"
//!
//! [[ignore]]
//! role = "arn:aws:iam::111122223333:role/ci"
//! rule = "TP-GHA-ANY-REF"
//! reason = "deploys from any branch by design"
//!
//! [github]
//! trusted_owners = ["my-org"]
//!
//! [eks]
//! trusted_namespaces = ["prod"]
//! ```
//!
//! Unknown keys, unknown rule ids and unknown severities are errors with a line and column.

use std::collections::BTreeMap;

use rolecall_eval::matcher::{Case, Pattern};
use serde::Deserialize;

use crate::engine::AuditOptions;
use crate::finding::Severity;
use crate::rules::RuleId;
use crate::source::AuditedPolicy;

/// A parsed `.rolecall.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[rules]`.
    #[serde(default)]
    pub rules: RulesSection,
    /// `[severity]`: rule id to severity name.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
    /// `[[ignore]]` entries.
    #[serde(default)]
    pub ignore: Vec<Ignore>,
    /// `[github]`.
    #[serde(default)]
    pub github: GithubSection,
    /// `[eks]`.
    #[serde(default)]
    pub eks: EksSection,
}

/// `[rules]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesSection {
    /// Rule ids not to report.
    #[serde(default)]
    pub disable: Vec<String>,
}

/// One `[[ignore]]` entry: suppresses findings for a path glob and/or a role, optionally only
/// one rule. `reason` is mandatory.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ignore {
    /// IAM-style glob (`*`, `?`) over the file path.
    pub path: Option<String>,
    /// Role ARN, Terraform address or CloudFormation logical id (glob).
    pub role: Option<String>,
    /// Only this rule.
    pub rule: Option<String>,
    /// Why it is ignored.
    pub reason: String,
}

/// `[github]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubSection {
    /// Owners whose repositories are trusted.
    #[serde(default)]
    pub trusted_owners: Vec<String>,
}

/// `[eks]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EksSection {
    /// Namespaces that are trusted.
    #[serde(default)]
    pub trusted_namespaces: Vec<String>,
}

/// Why a configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
#[error("{line}:{column}: {message}")]
pub struct ConfigError {
    /// What is wrong.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn locate(text: &str, needle: &str) -> (usize, usize) {
    text.find(needle).map_or((1, 1), |o| position(text, o))
}

impl Config {
    /// Parses and checks a configuration.
    pub fn parse(text: &str) -> Result<Config, ConfigError> {
        let cfg: Config = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map_or((1, 1), |s| position(text, s.start));
            ConfigError {
                message: e.message().trim_end_matches('.').to_owned(),
                line,
                column,
            }
        })?;
        let check_rule = |id: &str| -> Result<(), ConfigError> {
            if id.parse::<RuleId>().is_ok() {
                return Ok(());
            }
            let (line, column) = locate(text, id);
            Err(ConfigError {
                message: format!("unknown rule `{id}`"),
                line,
                column,
            })
        };
        for id in &cfg.rules.disable {
            check_rule(id)?;
        }
        for (id, sev) in &cfg.severity {
            check_rule(id)?;
            if Severity::from_name(sev).is_none() {
                let (line, column) = locate(text, &format!("\"{sev}\""));
                return Err(ConfigError {
                    message: format!(
                        "unknown severity `{sev}`: expected critical, high, medium, low or info"
                    ),
                    line,
                    column,
                });
            }
        }
        for ig in &cfg.ignore {
            if let Some(r) = &ig.rule {
                check_rule(r)?;
            }
            if ig.path.is_none() && ig.role.is_none() {
                let (line, column) = locate(text, &ig.reason);
                return Err(ConfigError {
                    message: "an `[[ignore]]` entry needs `path` or `role`".into(),
                    line,
                    column,
                });
            }
            if ig.reason.trim().is_empty() {
                let (line, column) = locate(text, "reason");
                return Err(ConfigError {
                    message: "`reason` must not be empty".into(),
                    line,
                    column,
                });
            }
        }
        Ok(cfg)
    }

    /// The audit options this configuration implies, on top of `base`.
    pub fn apply(&self, mut base: AuditOptions) -> AuditOptions {
        // `parse` refused unknown rule ids and severities, so nothing is dropped here.
        base.disabled_rules.extend(
            self.rules
                .disable
                .iter()
                .filter_map(|id| id.parse::<RuleId>().ok()),
        );
        for (id, s) in &self.severity {
            if let (Ok(id), Some(s)) = (id.parse::<RuleId>(), Severity::from_name(s)) {
                base.severity_overrides.insert(id, s);
            }
        }
        base.trusted_github_owners
            .extend(self.github.trusted_owners.iter().cloned());
        base.trusted_namespaces
            .extend(self.eks.trusted_namespaces.iter().cloned());
        base
    }

    /// Removes findings matched by `[[ignore]]` entries.
    pub fn filter(&self, policies: &mut [AuditedPolicy]) {
        for p in policies {
            let path = p.location.path.clone();
            let role = p.location.role.clone();
            p.findings.retain(|f| {
                !self.ignore.iter().any(|ig| {
                    let path_ok = ig
                        .path
                        .as_deref()
                        .is_none_or(|g| Pattern::new(g, Case::Sensitive).is_match(&path));
                    let role_ok = ig.role.as_deref().is_none_or(|g| {
                        role.as_deref()
                            .is_some_and(|r| Pattern::new(g, Case::Sensitive).is_match(r))
                    });
                    let rule_ok = ig.rule.as_deref().is_none_or(|r| r == f.rule);
                    path_ok && role_ok && rule_ok
                })
            });
        }
    }
}
