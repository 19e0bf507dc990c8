//! `github sub`'s report: the subject line (text), or the subject with the
//! token's claims and the condition keys STS derives from them (JSON).

use std::io::Write;

use rolecall_eval::claims::WebIdentity;
use rolecall_eval::github_subject::{Subject, TemplateSource};
use rolecall_eval::request::ContextValue;
use serde_json::{json, Map, Value};

use super::write_json_document;
use crate::error::CliError;

/// The subject, then one `note:` line per note.
pub(crate) fn write_sub_text(
    w: &mut impl Write,
    subject: &Subject,
    notes: &[String],
) -> Result<(), CliError> {
    writeln!(w, "{}", subject.sub)?;
    for n in notes {
        writeln!(w, "note: {n}")?;
    }
    Ok(())
}

/// One JSON document: `sub`, the template it came from, the token's
/// `claims`, the `context_keys` STS derives (the request-wide `aws:` keys
/// left out: they do not depend on the job) and the `notes`.
pub(crate) fn write_sub_json(
    w: &mut impl Write,
    subject: &Subject,
    claims: &Map<String, Value>,
    identity: &WebIdentity,
    notes: &[String],
) -> Result<(), CliError> {
    let keys: Map<String, Value> = identity
        .context()
        .iter()
        .filter(|e| !e.name().starts_with("aws:"))
        .map(|e| {
            let v = match e.value() {
                ContextValue::Single(s) => json!(s),
                ContextValue::Multi(m) => json!(m),
            };
            (e.name().to_owned(), v)
        })
        .collect();
    let source = match subject.source {
        TemplateSource::Default => "default",
        TemplateSource::Repository => "repository",
        TemplateSource::Organization => "organization",
    };
    let doc = json!({
        "sub": subject.sub,
        "template": source,
        "claims": claims,
        "context_keys": keys,
        "notes": notes,
    });
    write_json_document(w, &doc)
}
