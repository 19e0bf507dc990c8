//! rolecall-eval: decide offline, as AWS STS would, whether a request may
//! assume a role under its trust policy.
#![deny(missing_docs)]

pub mod claims;
pub mod decision;
pub mod matcher;
pub mod request;

pub use decision::Decision;
