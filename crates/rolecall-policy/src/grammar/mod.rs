//! String-level grammars: the small languages inside JSON strings.
//!
//! Each is written with nom and returns a typed value or a typed error whose
//! offsets are relative to the string, so a caller can point into the
//! document.

pub mod arn;
pub mod date;
pub mod ip;
pub mod number;
pub mod operator;
pub mod pattern;
pub mod principal;
pub mod variable;
