//! rolecall-eval: decide offline, exactly as AWS STS would, whether a web
//! identity may assume an IAM role under the role's trust policy.
//!
//! The crate turns *what STS sees* into a request and (in a later step)
//! evaluates a compiled trust policy against it. The semantics are those of
//! `SEMANTICS.md` and `docs/DECISIONS.md`; every rule that AWS leaves open
//! is named there and cited here where the code makes it.
//!
//! # Contents
//!
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
//!
//! Compiling a policy and evaluating it (`compile`, `evaluate`, `explain`)
//! come next, on top of `rolecall-policy`'s parser.
//!
//! # Example
//!
//! ```
//! use rolecall_eval::claims::{decode_jwt, ClaimRules, RoleAccount, WebIdentity};
//! use rolecall_eval::matcher::{Case, Pattern};
//!
//! // An EKS service-account token (header.claims.signature, base64url).
//! let token = "eyJhbGciOiJSUzI1NiJ9.\
//!     eyJpc3MiOiJodHRwczovL29pZGMuZWtzLnVzLWVhc3QtMS5hbWF6b25hd3MuY29tL2lkL0FCQyIsInN1YiI6InN5c3RlbTpzZXJ2aWNlYWNjb3VudDpwcm9kOmFwcCIsImF1ZCI6WyJzdHMuYW1hem9uYXdzLmNvbSJdfQ.\
//!     c2ln";
//! let decoded = decode_jwt(token)?;
//! let role = RoleAccount::from_role_arn("arn:aws:iam::111122223333:role/app")?;
//! let id = WebIdentity::from_token(&decoded, &role, &ClaimRules::default())?;
//!
//! assert_eq!(
//!     id.principal(),
//!     "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"
//! );
//! // Key names are case-insensitive; a one-element `aud` array is single-valued.
//! let aud = id.context().lookup("OIDC.EKS.US-EAST-1.AMAZONAWS.COM/ID/ABC:AUD").unwrap();
//! assert_eq!(aud.value().as_single(), Some("sts.amazonaws.com"));
//!
//! // A `StringLike` value allowing every service account of `prod`.
//! let sub = id.context().lookup("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub").unwrap();
//! let pattern = Pattern::new("system:serviceaccount:prod:*", Case::Sensitive);
//! assert!(pattern.is_match(sub.value().as_single().unwrap()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Input safety
//!
//! * No panics: library code has no `unwrap`, indexing or `panic!`
//!   (workspace lints), and no `unsafe`.
//! * Wildcard matching is O(pattern x value) with no exponential
//!   backtracking, and allocation-free; so are context lookups.
//! * Token claims are type-checked before use; a claim STS would read in a
//!   way rolecall does not model (a multi-valued session tag, an unknown
//!   member of the tags claim) is an error, never ignored (SEMANTICS.md
//!   decision 10).
#![deny(missing_docs)]

pub mod claims;
pub mod decision;
pub mod matcher;
pub mod request;

pub use decision::Decision;
