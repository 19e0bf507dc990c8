//! `debug parse`'s output: the parsed document as Rust's debug dump, or the
//! parse error with its code.

use std::io::Write;

use rolecall_policy::{Document, ParseError};

use crate::error::CliError;

/// The document's debug dump, or `NAME: error[CODE]: MESSAGE`.
pub(crate) fn write_parse(
    w: &mut impl Write,
    name: &str,
    parsed: &Result<Document, ParseError>,
) -> Result<(), CliError> {
    match parsed {
        Ok(doc) => writeln!(w, "{doc:#?}")?,
        Err(e) => writeln!(w, "{name}: error[{}]: {e}", e.code())?,
    }
    Ok(())
}
