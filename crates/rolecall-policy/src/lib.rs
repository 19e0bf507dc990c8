#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

pub mod ast;
mod error;
pub mod grammar;
pub mod input;
mod json;
mod parse;
mod print;
pub mod span;
pub mod validate;

pub use ast::{
    Condition, ConditionBlock, ConditionEntry, ConditionValue, Effect, LanguageVersion, Number,
    OneOrMany, Policy, Principal, PrincipalEntry, PrincipalKind, Statement, Version,
};
pub use error::{ParseError, ParseErrorKind};
pub use grammar::operator::{BaseOperator, Operator, OperatorFamily, SetQualifier};
pub use input::{parse_document, Document, InputForm};
pub use parse::{
    parse, Parser, ParserBuilder, DEFAULT_MAX_DEPTH, DEFAULT_MAX_INPUT_BYTES,
    DEFAULT_MAX_STRING_LEN, MAX_DEPTH_CEILING,
};
pub use span::{Span, Spanned};
