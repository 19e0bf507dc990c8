//! rolecall-audit: find over-trust and breakage in IAM role trust policies.
//!
//! The auditor classifies each `Federated` principal by issuer and tenancy
//! (`rolecall_eval::issuers`), and asks rolecall-analyze which subjects each statement admits,
//! read per field of the issuer's `sub` grammar: it keeps no condition semantics of its own, and
//! every witness it prints is a request the evaluator allows. See
//! [`rules`] for the catalogue and the rule families, [`source`] for the inputs
//! (policies, account dumps, Terraform plans, CloudFormation), [`dump`] for the roles of an
//! account dump (the one reader, also used by the command-line tool's `sts` and `eks`),
//! [`report`] for SARIF and JSON, and [`config`] for `.rolecall.toml`.
//!
//! ```
//! use rolecall_audit::{audit_text, AuditOptions, Severity};
//!
//! let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
//!   "Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},
//!   "Action":"sts:AssumeRoleWithWebIdentity",
//!   "Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},
//!                "StringLike":{"token.actions.githubusercontent.com:sub":"repo:*/infra:*"}}}]}"#;
//! let findings = audit_text(policy, &AuditOptions::default());
//! let f = findings.iter().find(|f| f.rule == "TP-OIDC-SUB-ANY-OWNER").unwrap();
//! assert_eq!(f.severity, Severity::Critical);
//! // The witness: a subject of another owner, found by rolecall-analyze and allowed by the
//! // evaluator.
//! let w = f.witness.as_deref().unwrap();
//! assert!(w.starts_with("repo:") && w.contains("/infra:"));
//! assert!(f.message.contains(w));
//! ```
#![deny(missing_docs)]

pub mod config;
pub mod dump;
mod engine;
pub mod finding;
pub mod issuers;
pub mod report;
pub mod rules;
pub mod source;
mod witness;

pub use engine::{audit_policy, audit_text, parse_error_finding, AuditOptions};
pub use finding::{Finding, Severity, Verdict};
pub use rules::RuleId;
