//! rolecall-policy: read IAM policy documents exactly.
#![deny(missing_docs)]

pub mod ast;
pub mod grammar;
pub mod span;
pub mod validate;

pub use ast::*;
pub use grammar::operator::{BaseOperator, Operator, OperatorFamily, SetQualifier};
pub use span::{Span, Spanned};
