//! rolecall-eval: decide offline, exactly as AWS STS would, whether a web
//! identity may assume an IAM role under the role's trust policy.
//!
//! The crate turns *what STS sees* into a request, compiles a trust policy
//! once, and evaluates it. The semantics are those of `docs/SEMANTICS.md` and
//! `docs/DECISIONS.md`; every rule that AWS leaves open is named there and
//! cited here where the code makes it.
//!
//! # Contents
//!
//! * [`compile`]: [`CompiledPolicy::compile`] validates a parsed policy
//!   (refusing what IAM refuses, docs/DECISIONS.md R1) and prepares it; it is the
//!   only form the evaluator runs. [`CompiledPolicy::from_json`] parses and
//!   compiles in one call.
//! * [`evaluate()`]: the [`Decision`] for one request, allocation-free;
//!   [`decide`] adds the deciding statements ([`Outcome`]);
//!   [`evaluate_call`] authorizes every action of a web-identity call.
//! * [`explain()`]: the same decision with the reason for every statement,
//!   principal, action and condition ([`Explanation`], serializable).
//! * [`claims`]: decode a JWT ([`claims::decode_jwt`], no signature check)
//!   and build what STS evaluates from its claims
//!   ([`claims::WebIdentity`]): the principal, the condition keys, and every
//!   action that must be allowed (`sts:AssumeRoleWithWebIdentity`, plus
//!   `sts:TagSession` / `sts:SetSourceIdentity` when the token asks).
//! * [`request`]: the [`request::Request`] model (principal, action,
//!   context of single- or multivalued keys looked up ignoring case), with
//!   a builder and strict JSON input.
//! * [`matcher`]: IAM `*`/`?` wildcard matching over chars, linear in the
//!   worst case, and [`matcher::PatternSet`] for keys with many patterns.
//! * [`decision`]: the exhaustive [`Decision`] enum.
//! * [`issuers`]: issuer knowledge as data: which issuer a principal or
//!   `iss` names (tenancy, partition, tenant), which keys it always,
//!   sometimes or never sends, and the grammar of its `sub`.
//! * [`hints`]: why a part of an explanation failed, in the problem's
//!   words, as typed [`hints::Hint`]s (a claim STS does not expose, a
//!   missing `sts:TagSession`, `*` under `StringEquals`, a `sub` in its
//!   issuer's terms, ...).
//! * [`view`]: a read-only view of compiled statements (principal, action,
//!   conditions) for tools that reason about whole policies.
//!
//! # Example
//!
//! ```
//! use rolecall_eval::claims::{decode_jwt, ClaimRules, RoleAccount, WebIdentity};
//! use rolecall_eval::{decide, evaluate_call, explain, CompiledPolicy, Decision};
//!
//! // The IRSA trust policy of an EKS cluster, for every service account of `prod`.
//! let policy = CompiledPolicy::from_json(r#"{
//!   "Version": "2012-10-17",
//!   "Statement": [{
//!     "Sid": "Irsa",
//!     "Effect": "Allow",
//!     "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"},
//!     "Action": "sts:AssumeRoleWithWebIdentity",
//!     "Condition": {
//!       "StringEquals": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com"},
//!       "StringLike": {"oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:prod:*"}
//!     }
//!   }]
//! }"#)?;
//!
//! // An EKS service-account token (header.claims.signature, base64url).
//! let token = "eyJhbGciOiJSUzI1NiJ9.\
//!     eyJpc3MiOiJodHRwczovL29pZGMuZWtzLnVzLWVhc3QtMS5hbWF6b25hd3MuY29tL2lkL0FCQyIsInN1YiI6InN5c3RlbTpzZXJ2aWNlYWNjb3VudDpwcm9kOmFwcCIsImF1ZCI6WyJzdHMuYW1hem9uYXdzLmNvbSJdfQ.\
//!     c2ln";
//! let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/app")?;
//! let identity = WebIdentity::from_token(&decode_jwt(token)?, &role, &ClaimRules::default())?;
//!
//! // The whole call: one result per action the token needs.
//! let call = evaluate_call(&policy, &identity);
//! assert_eq!(call.decision, Decision::Allow);
//!
//! // One request, explained.
//! let request = identity.requests().next().unwrap();
//! let explanation = explain(&policy, &request);
//! assert_eq!(explanation.decision, decide(&policy, &request).decision);
//! assert_eq!(explanation.statements, [0]);
//! println!("{explanation}");
//! assert!(explanation.to_string().contains("statement 0 `Irsa` (Allow, line 3): matches"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Input safety
//!
//! * No panics: library code has no `unwrap`, indexing or `panic!`
//!   (workspace lints), and no `unsafe`.
//! * Wildcard matching is O(pattern x value) with no exponential
//!   backtracking, and allocation-free; so are context lookups and
//!   [`evaluate()`] as a whole (a counting-allocator test checks it), policy
//!   variables included.
//! * Policies are refused, never partly evaluated, when any part is not
//!   understood ([`CompileError`]).
//! * Token claims are type-checked before use; a claim STS would read in a
//!   way rolecall does not model (a multi-valued session tag, an unknown
//!   member of the tags claim) is an error, never ignored (docs/SEMANTICS.md
//!   D10).
#![deny(missing_docs)]

pub mod claims;
pub mod compile;
pub mod decision;
pub mod evaluate;
pub mod explain;
pub mod github_subject;
pub mod hints;
pub mod issuers;
pub mod matcher;
pub mod request;
pub mod view;

pub use compile::{CompileError, CompiledPolicy, CompiledStatement, Effect, PolicyError};
pub use decision::Decision;
pub use evaluate::{decide, evaluate, evaluate_call, ActionOutcome, CallOutcome, Outcome};
pub use explain::{explain, Explanation, Rule};
