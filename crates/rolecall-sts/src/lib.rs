#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod call;
pub mod inspect;
pub mod keys;
pub mod policy;
pub mod providers;
pub mod token;

pub use call::{
    assume_role_with_web_identity, CallInput, CallInputBuilder, CallInputError, CallResult,
    Response, StsError, StsErrorCode,
};
pub use inspect::{inspect, TokenReport};
pub use keys::{KeySet, KeySetError};
pub use policy::{PolicyError, TrustPolicy};
pub use providers::{OidcProvider, ProviderError, ProviderRegistry};
pub use token::{read_token, ReadToken, TokenRejection};
