//! Inputs: find every trust policy in a file and audit it.
//!
//! [`audit_source`] takes a file's name and bytes and recognises:
//!
//! * a policy, a URL-encoded policy, or `aws iam get-role` output (through
//!   `rolecall_policy::parse_document`);
//! * `aws iam get-account-authorization-details` output (one object, or an array of pages): every
//!   role of `RoleDetailList`, with `AssumeRolePolicyDocument` as an object, a JSON string or a
//!   URL-encoded string (roles read by [`crate::dump`]); findings name the role ARN and the
//!   role's account is used as the policy's own account;
//! * Terraform plan JSON (`terraform show -json`): `aws_iam_role` `assume_role_policy` in
//!   `resource_changes[].change.after` and in `planned_values` (root and child modules); a value
//!   unknown at plan time (`after_unknown`) is reported as `TP-UNANALYSABLE`, not guessed;
//! * CloudFormation templates in JSON or YAML (`.yaml`/`.yml`, short-form tags such as `!Sub`
//!   included): `AWS::IAM::Role` `Properties.AssumeRolePolicyDocument`. `Fn::Sub` is resolved
//!   only when its value is a literal string whose `${...}` references are pseudo-parameters
//!   (replaced by the placeholders in [`PSEUDO_PARAMETERS`]); any other intrinsic function makes
//!   the policy `TP-UNANALYSABLE`.
//!
//! A policy that does not parse becomes a `TP-INVALID-POLICY` finding with the parse error's
//! position; this function never fails.
//!
//! **Positions.** For a policy file, spans refer to the file. For a policy *embedded* in a dump,
//! plan, template or get-role output ([`PolicyLocation::embedded`]), spans refer to the
//! embedded document, which [`AuditedPolicy::policy_text`] holds: an object as the dump writes
//! it, a string decoded (or, for a Terraform object or CloudFormation, the value re-printed as
//! pretty JSON). [`PolicyLocation::file_position`] maps a span back into the file through the
//! document's [`Placement`]: exactly for an object read from a dump and for a JSON string
//! (through its escapes), to the start of the string for a URL-encoded one, and to
//! [`PolicyLocation::line`], the line declaring the role (found by its ARN, address or logical
//! id), where the document was rebuilt.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::dump;
use crate::engine::{audit_policy, make, parse_error_finding, AuditOptions};
use crate::finding::{Finding, Severity, Verdict};
use crate::rules::RuleId;
use rolecall_policy::{InputForm, Span};

/// The kind of file a policy was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SourceKind {
    /// A policy, URL-encoded policy or get-role output.
    Policy,
    /// `get-account-authorization-details` output.
    AccountDump,
    /// `terraform show -json` output.
    TerraformPlan,
    /// A CloudFormation template (JSON or YAML).
    CloudFormation,
}

/// Where a policy was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyLocation {
    /// The file name as given.
    pub path: String,
    /// What kind of file it is.
    pub kind: SourceKind,
    /// The role: ARN (dumps, get-role), resource address (Terraform) or logical id
    /// (CloudFormation).
    pub role: Option<String>,
    /// Line in the file where the role is declared, when it could be found.
    pub line: Option<u32>,
    /// Whether spans refer to an embedded document rather than to the file.
    pub embedded: bool,
    /// Where the embedded document sits in the file, when it was found there: how
    /// [`PolicyLocation::file_position`] maps its spans back.
    #[serde(skip)]
    pub placement: Option<Placement>,
}

/// Where an embedded document's value starts in its file, and how its spans map onto the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// 1-based line of the value's first char (`{`, or a string's opening `"`).
    pub line: u32,
    /// 1-based column of that char, in chars.
    pub column: u32,
    /// How spans map from there.
    pub map: PlacementMap,
}

/// How an embedded document's spans map onto its file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlacementMap {
    /// The document is the file's text from the value on (an object in a JSON container): exact.
    Verbatim,
    /// The document is the content of a JSON string literal, which lies on one line: exact
    /// through the escapes. Each pair is a decoded byte offset and the char offset from the
    /// opening quote where a run of one-byte text, one char per byte on both sides, starts.
    JsonString(Vec<(u32, u32)>),
    /// Decoded further (URL-encoded) or rebuilt (YAML, a re-printed or resolved value): only
    /// the value's start is known.
    Start,
}

impl PolicyLocation {
    /// Where a span of this policy is in the file the user gave: line, column, and whether that
    /// is exact (`false`: the start of the value holding the document, or the line declaring
    /// the role). A policy file's own spans are exact; `None` when nothing in the file is known
    /// (a synthetic span of a policy file).
    pub fn file_position(&self, span: Span) -> Option<(u32, u32, bool)> {
        if !self.embedded {
            return (!span.is_synthetic()).then(|| (span.line.max(1), span.column.max(1), true));
        }
        let role_line = self.line.map(|l| (l.max(1), 1, false));
        let Some(pl) = &self.placement else {
            return role_line;
        };
        if span.is_synthetic() {
            return role_line.or(Some((pl.line, pl.column, false)));
        }
        Some(pl.position(span))
    }
}

impl Placement {
    /// Where a (non-synthetic) span of the embedded document is in the file: line, column, and
    /// whether that is exact.
    pub fn position(&self, span: Span) -> (u32, u32, bool) {
        let pl = self;
        let after = |chars: usize| {
            pl.column
                .saturating_add(u32::try_from(chars).unwrap_or(u32::MAX))
        };
        match &pl.map {
            PlacementMap::Verbatim if span.line <= 1 => {
                (pl.line, after(span.column.saturating_sub(1) as usize), true)
            }
            PlacementMap::Verbatim => (
                pl.line.saturating_add(span.line - 1),
                span.column.max(1),
                true,
            ),
            PlacementMap::JsonString(runs) => {
                let i = runs.partition_point(|(d, _)| (*d as usize) <= span.start);
                let raw = match i.checked_sub(1).and_then(|i| runs.get(i)) {
                    Some((d, r)) => (*r as usize).saturating_add(span.start - *d as usize),
                    None => span.start.saturating_add(1),
                };
                (pl.line, after(raw), true)
            }
            PlacementMap::Start => (pl.line, pl.column, false),
        }
    }
}

/// The runs of a JSON string literal (`raw`, quotes included) for [`PlacementMap::JsonString`]:
/// a pair where each escape or multi-byte char starts and one where it ends.
fn string_runs(raw: &str) -> Vec<(u32, u32)> {
    let mut runs = Vec::new();
    let (mut decoded, mut col) = (0usize, 1usize);
    let mut chars = raw.chars().skip(1).peekable();
    let mark = |runs: &mut Vec<(u32, u32)>, d: usize, c: usize| {
        runs.push((
            u32::try_from(d).unwrap_or(u32::MAX),
            u32::try_from(c).unwrap_or(u32::MAX),
        ));
    };
    while let Some(c) = chars.next() {
        let (bytes, width) = match c {
            '"' => break,
            '\\' => match chars.next() {
                Some('u') => {
                    let hex: String = chars.by_ref().take(4).collect();
                    let unit = u32::from_str_radix(&hex, 16).unwrap_or(0);
                    if (0xD800..0xDC00).contains(&unit) && chars.peek() == Some(&'\\') {
                        // A surrogate pair: one 4-byte char from 12 raw chars.
                        chars.by_ref().take(6).for_each(drop);
                        (4, 12)
                    } else {
                        (char::from_u32(unit).map_or(3, char::len_utf8), 6)
                    }
                }
                Some(_) => (1, 2),
                None => break,
            },
            c if c.len_utf8() > 1 => (c.len_utf8(), 1),
            _ => {
                decoded += 1;
                col += 1;
                continue;
            }
        };
        mark(&mut runs, decoded, col);
        decoded += bytes;
        col += width;
        mark(&mut runs, decoded, col);
    }
    // Kept per policy until the report is written.
    runs.shrink_to_fit();
    runs
}

/// Line and column (1-based, chars) of byte `offset` of `text`; counting goes on from `from`,
/// an earlier result, so positions taken in document order cost one pass over the text.
fn position_of(text: &str, offset: usize, from: &mut (usize, u32, u32)) -> Option<(u32, u32)> {
    let (pos, line, column) = *from;
    let segment = text.get(pos..offset)?;
    let newlines = segment.bytes().filter(|b| *b == b'\n').count();
    let (line, column) = match segment.rfind('\n') {
        Some(i) => (
            line.saturating_add(u32::try_from(newlines).unwrap_or(u32::MAX)),
            1 + segment.get(i + 1..)?.chars().count(),
        ),
        None => (line, column as usize + segment.chars().count()),
    };
    let column = u32::try_from(column).unwrap_or(u32::MAX);
    *from = (offset, line, column);
    Some((line, column))
}

/// Byte offset of `part` inside `text`, when it is a slice of it.
fn offset_in(text: &str, part: &str) -> Option<usize> {
    let at = (part.as_ptr() as usize).checked_sub(text.as_ptr() as usize)?;
    (at + part.len() <= text.len()).then_some(at)
}

/// The raw string literal (quotes included) of member `key` in the JSON text and its offset:
/// the first `"key"` followed by `:` and a string.
fn member_string<'a>(text: &'a str, key: &str) -> Option<(usize, &'a str)> {
    let name = format!("\"{key}\"");
    let after = text.find(&name)? + name.len();
    let rest = text.get(after..)?;
    let value = rest.trim_start().strip_prefix(':')?.trim_start();
    let start = text.len() - value.len();
    let mut escaped = false;
    for (i, c) in value.char_indices().skip(1) {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return Some((start, text.get(start..=start + i)?)),
            _ => {}
        }
    }
    None
}

/// One policy found in a file, with its findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditedPolicy {
    /// Where it was found.
    pub location: PolicyLocation,
    /// The findings.
    pub findings: Vec<Finding>,
    /// The text spans refer to, when it is not the file itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy_text: Option<String>,
}

/// Placeholders for CloudFormation pseudo-parameters inside `Fn::Sub`.
pub const PSEUDO_PARAMETERS: &[(&str, &str)] = &[
    ("AWS::AccountId", "000000000000"),
    ("AWS::Partition", "aws"),
    ("AWS::Region", "us-east-1"),
    ("AWS::URLSuffix", "amazonaws.com"),
    ("AWS::StackName", "stack"),
];

/// Finds and audits every trust policy in a file that is meant to hold them (one named on the
/// command line): a file that is not a policy or a recognised container is read as a policy, so
/// its `TP-INVALID-POLICY` finding says why it is none. Directory walks use [`discover`] instead,
/// which tells such files apart.
pub fn audit_source(name: &str, bytes: &[u8], options: &AuditOptions) -> Vec<AuditedPolicy> {
    match discover(name, bytes, options) {
        Discovered::Policies(found) => found,
        Discovered::NoTrustPolicy(_) => vec![policy_file(name, bytes, options)],
    }
}

/// What [`discover`] found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Discovered {
    /// The file is a policy or a recognised container (get-role output, account dump, Terraform
    /// plan, CloudFormation template, URL-encoded policy), or looks meant to be one and does not
    /// parse (then a `TP-INVALID-POLICY` finding says where): every policy in it, audited. A
    /// container with no role in it gives an empty list.
    Policies(Vec<AuditedPolicy>),
    /// The file holds no trust policy: it is none of the above and nothing in it names a trust
    /// policy (a `package.json`, a Kubernetes manifest, an empty file).
    NoTrustPolicy(NoTrustPolicy),
}

/// Why a file holds no trust policy ([`Discovered::NoTrustPolicy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NoTrustPolicy {
    /// Nothing but white space.
    #[error("the file is empty")]
    Empty,
    /// JSON, but neither a policy (no top-level `Statement` or `Version`) nor a recognised
    /// container.
    #[error("JSON that is neither a policy (no top-level `Statement` or `Version`) nor get-role output, an account dump, a Terraform plan or a CloudFormation template")]
    OtherJson,
    /// Not JSON, and nothing in it names a trust policy.
    #[error("not JSON, and nothing in it names a trust policy")]
    NotJson,
    /// YAML with no CloudFormation template (a mapping with `Resources`) among its documents.
    #[error(
        "YAML with no CloudFormation template (a mapping with `Resources`) among its documents"
    )]
    OtherYaml,
}

/// Names that only a trust policy or a container of them holds. A file that does not parse but
/// has one of these is reported as broken, not skipped (quoted: JSON keys).
const JSON_MARKERS: &[&str] = &[
    "\"Statement\"",
    "\"Version\"",
    "\"AssumeRolePolicyDocument\"",
    "\"RoleDetailList\"",
    "AWS::IAM::Role",
    "AWSTemplateFormatVersion",
];

/// The YAML counterparts of [`JSON_MARKERS`] (keys are usually unquoted).
const YAML_MARKERS: &[&str] = &[
    "AssumeRolePolicyDocument",
    "AWS::IAM::Role",
    "AWSTemplateFormatVersion",
];

/// What a file holds, as far as trust policies go: the kind of file to audit, or why it holds
/// none. A file that looks meant to be a policy or a container but does not parse is classified
/// as that kind (auditing it reports where it breaks), never as holding no trust policy.
///
/// The content decides, not the name: a text starting with `{` or `[` is read as JSON, one
/// starting with `%7B` as a URL-encoded policy, anything else as YAML (a stream of documents,
/// each read on its own, so a CloudFormation template may share a file with other documents).
/// This is what [`discover`] decides before it audits.
///
/// # Errors
///
/// [`NoTrustPolicy`] when the file is neither a policy nor a recognised container.
pub fn classify(bytes: &[u8]) -> Result<SourceKind, NoTrustPolicy> {
    let text = String::from_utf8_lossy(bytes);
    match sniff(&text, std::str::from_utf8(bytes).is_ok()) {
        Sniff::UrlEncoded => Ok(SourceKind::Policy),
        Sniff::Json(shape) => json_kind(&shape),
        Sniff::Yaml => yaml_kind(&yaml_documents(&text)),
        Sniff::Nothing(why) => Err(why),
    }
}

/// How [`classify`] and [`discover`] read a text.
enum Sniff<'a> {
    UrlEncoded,
    Json(JsonShape<'a>),
    Yaml,
    Nothing(NoTrustPolicy),
}

fn sniff(text: &str, utf8: bool) -> Sniff<'_> {
    let start = text.trim_start();
    if start.is_empty() {
        return Sniff::Nothing(NoTrustPolicy::Empty);
    }
    if start
        .get(..3)
        .is_some_and(|p| p.eq_ignore_ascii_case("%7B"))
    {
        return Sniff::UrlEncoded;
    }
    if start.starts_with(['{', '[']) {
        // Only valid UTF-8 can be JSON (the lossy text would parse where the bytes do not).
        return Sniff::Json(if utf8 {
            json_shape(text)
        } else {
            JsonShape::Invalid {
                marked: has_marker(text, JSON_MARKERS),
            }
        });
    }
    Sniff::Yaml
}

fn has_marker(text: &str, markers: &[&str]) -> bool {
    markers.iter().any(|m| text.contains(m))
}

/// The top level of a JSON text, read shallowly.
enum JsonShape<'a> {
    /// An object, its members raw (duplicate keys: the last wins, as in `serde_json::Value`).
    Object(BTreeMap<String, &'a RawValue>),
    /// An array of objects (the pages of an account dump, perhaps).
    Pages(Vec<BTreeMap<String, &'a RawValue>>),
    /// Any other valid JSON.
    Other,
    /// Not valid JSON; `marked` when it names a trust policy ([`JSON_MARKERS`]).
    Invalid { marked: bool },
}

/// Reads the top level of `json` as borrowed [`RawValue`]s: building a `serde_json::Value`
/// of a whole 8.7 MiB dump alone peaked at 6.9x the dump's size (BENCHMARKS.md, audit rows).
/// Parsing into raw values still checks the whole text is JSON, as the `Value` read did.
fn json_shape(json: &str) -> JsonShape<'_> {
    let invalid = || JsonShape::Invalid {
        marked: has_marker(json, JSON_MARKERS),
    };
    match json.trim_start().as_bytes().first() {
        Some(b'{') => serde_json::from_str(json).map_or_else(|_| invalid(), JsonShape::Object),
        Some(b'[') => {
            let Ok(pages) = serde_json::from_str::<Vec<&RawValue>>(json) else {
                return invalid();
            };
            // A non-object page has no `RoleDetailList`, so the file is not a dump.
            pages
                .iter()
                .map(|p| serde_json::from_str(p.get()))
                .collect::<Result<_, _>>()
                .map_or(JsonShape::Other, JsonShape::Pages)
        }
        _ => invalid(),
    }
}

fn is_plan(top: &BTreeMap<String, &RawValue>) -> bool {
    top.contains_key("planned_values") || top.contains_key("resource_changes")
}

fn json_kind(shape: &JsonShape<'_>) -> Result<SourceKind, NoTrustPolicy> {
    match shape {
        JsonShape::Object(top) if dump::is_dump_page(top) => Ok(SourceKind::AccountDump),
        JsonShape::Object(top) if is_plan(top) => Ok(SourceKind::TerraformPlan),
        JsonShape::Object(top)
            if top
                .get("Resources")
                .is_some_and(|r| r.get().starts_with('{')) =>
        {
            Ok(SourceKind::CloudFormation)
        }
        // A policy, or get-role output (`Role`).
        JsonShape::Object(top)
            if ["Statement", "Version", "Role"]
                .iter()
                .any(|k| top.contains_key(*k)) =>
        {
            Ok(SourceKind::Policy)
        }
        JsonShape::Pages(pages) if !pages.is_empty() && pages.iter().all(dump::is_dump_page) => {
            Ok(SourceKind::AccountDump)
        }
        JsonShape::Invalid { marked: true } => Ok(SourceKind::Policy),
        JsonShape::Invalid { marked: false } => Err(NoTrustPolicy::NotJson),
        JsonShape::Object(_) | JsonShape::Pages(_) | JsonShape::Other => {
            Err(NoTrustPolicy::OtherJson)
        }
    }
}

/// The documents of a YAML stream that are CloudFormation templates (a mapping with a
/// `Resources` mapping), converted to JSON values; and the error that stopped the reading, if
/// one did, with its line and column.
struct YamlDocuments {
    templates: Vec<Value>,
    error: Option<(String, usize, usize)>,
    marked: bool,
}

fn yaml_documents(text: &str) -> YamlDocuments {
    let mut out = YamlDocuments {
        templates: Vec::new(),
        error: None,
        marked: has_marker(text, YAML_MARKERS),
    };
    let error = yaml_stream(text, false, |v| {
        if v.get("Resources").is_some_and(Value::is_object) {
            out.templates.push(v);
        }
    });
    out.error = error.err().map(|e| (e.message, e.line, e.column));
    out
}

/// Why a YAML stream could not be read to its end ([`yaml_stream`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct YamlError {
    /// The parser's message (or the nesting limit's).
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// Reads a YAML stream (one or more `---`-separated documents, as `helm template` or `kustomize
/// build` print them) with the settings the CloudFormation reader uses: flow collections nested
/// deeper than 64 refused by a linear pre-scan before the parser, the parser's own alias
/// expansion limit, and a duplicate mapping key an error. With `merge_keys`, `<<` merge keys
/// are applied as Kubernetes' YAML reader applies them (CloudFormation has none, so its reader
/// passes `false`). Each document is converted to JSON (short-form tags such as `!Sub x` become
/// `{"Fn::Sub": x}`) and handed to `each`, in order, until the end or the first error, which is
/// returned with its position.
///
/// # Errors
///
/// [`YamlError`] for the first document that does not parse, or a nesting too deep, or (with
/// `merge_keys`) a merge key whose value is not a mapping or a list of them.
pub fn yaml_stream(
    text: &str,
    merge_keys: bool,
    mut each: impl FnMut(Value),
) -> Result<(), YamlError> {
    use serde::Deserialize as _;
    if let Some((line, column)) = flow_too_deep(text) {
        return Err(YamlError {
            message: format!("flow collections (`[`, `{{`) nest deeper than {MAX_YAML_FLOW_DEPTH}"),
            line,
            column,
        });
    }
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        match serde_yaml_ng::Value::deserialize(document) {
            Ok(mut y) => {
                if merge_keys {
                    // The error has no position: the document's is not known here.
                    y.apply_merge().map_err(|e| YamlError {
                        message: e.to_string(),
                        line: 1,
                        column: 1,
                    })?;
                }
                each(yaml_to_json(y));
            }
            Err(e) => {
                let (line, column) = e.location().map_or((1, 1), |l| (l.line(), l.column()));
                return Err(YamlError {
                    message: e.to_string(),
                    line,
                    column,
                });
            }
        }
    }
    Ok(())
}

/// The deepest nesting of YAML flow collections read. The YAML parser's time grows with the
/// square of this depth (100,000 nested `[` took minutes); templates nest a handful deep.
const MAX_YAML_FLOW_DEPTH: usize = 64;

/// Where flow collections (`[...]`, `{...}`) first nest deeper than [`MAX_YAML_FLOW_DEPTH`], as
/// 1-based line and column; `None` when they never do. Written by hand (a linear scan the YAML
/// parser cannot offer): brackets inside quoted scalars and comments are not counted; one
/// inside a plain scalar is, which can only make a deep file look deeper.
fn flow_too_deep(text: &str) -> Option<(usize, usize)> {
    #[derive(PartialEq)]
    enum In {
        Plain,
        Single,
        Double,
        Comment,
    }
    let (mut state, mut depth, mut escaped) = (In::Plain, 0usize, false);
    let (mut line, mut column, mut previous) = (1usize, 0usize, '\n');
    for c in text.chars() {
        column += 1;
        match state {
            In::Plain => match c {
                '\'' => state = In::Single,
                '"' => state = In::Double,
                '#' if previous.is_whitespace() => state = In::Comment,
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_YAML_FLOW_DEPTH {
                        return Some((line, column));
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
            // `''` inside a single-quoted scalar is a quote: leaving and re-entering is the same.
            In::Single if c == '\'' => state = In::Plain,
            In::Double if escaped => escaped = false,
            In::Double if c == '\\' => escaped = true,
            In::Double if c == '"' => state = In::Plain,
            In::Comment if c == '\n' => state = In::Plain,
            In::Single | In::Double | In::Comment => {}
        }
        if c == '\n' {
            line += 1;
            column = 0;
        }
        previous = c;
    }
    None
}

fn yaml_kind(docs: &YamlDocuments) -> Result<SourceKind, NoTrustPolicy> {
    if !docs.templates.is_empty() || docs.marked {
        Ok(SourceKind::CloudFormation)
    } else if docs.error.is_some() {
        // Not YAML either (or a template language such as Helm's), and nothing in it names a
        // trust policy.
        Err(NoTrustPolicy::NotJson)
    } else {
        Err(NoTrustPolicy::OtherYaml)
    }
}

/// Finds and audits every trust policy in a file found by a directory walk or read from standard
/// input: [`classify`], then the policies of a file that holds some. A file that holds none is
/// [`Discovered::NoTrustPolicy`]; one meant to hold policies that does not parse gives a
/// `TP-INVALID-POLICY` finding.
pub fn discover(name: &str, bytes: &[u8], options: &AuditOptions) -> Discovered {
    // `from_utf8` checks ASCII a word at a time; `from_utf8_lossy` walked the whole file chunk
    // by chunk (3.6 % of a 1,000-role dump audit's instructions).
    let (text, utf8) = match std::str::from_utf8(bytes) {
        Ok(s) => (Cow::Borrowed(s), true),
        Err(_) => (String::from_utf8_lossy(bytes), false),
    };
    let policy = || Discovered::Policies(vec![policy_file(name, bytes, options)]);
    match sniff(&text, utf8) {
        Sniff::UrlEncoded => policy(),
        Sniff::Nothing(why) => Discovered::NoTrustPolicy(why),
        Sniff::Json(shape) => match json_kind(&shape) {
            Err(why) => Discovered::NoTrustPolicy(why),
            Ok(SourceKind::Policy) => policy(),
            Ok(SourceKind::AccountDump) => Discovered::Policies(match &shape {
                JsonShape::Object(top) => account_dump(name, &text, &[top], options),
                JsonShape::Pages(pages) => {
                    let refs: Vec<&BTreeMap<String, &RawValue>> = pages.iter().collect();
                    account_dump(name, &text, &refs, options)
                }
                JsonShape::Other | JsonShape::Invalid { .. } => Vec::new(),
            }),
            Ok(kind) => {
                // Valid JSON (the shape is an object), so this parse succeeds.
                let Ok(v) = serde_json::from_str::<Value>(&text) else {
                    return policy();
                };
                Discovered::Policies(if kind == SourceKind::TerraformPlan {
                    terraform_plan(name, &text, &v, options)
                } else {
                    cloudformation(name, &text, &v, options)
                })
            }
        },
        Sniff::Yaml => {
            let docs = yaml_documents(&text);
            if let Err(why) = yaml_kind(&docs) {
                return Discovered::NoTrustPolicy(why);
            }
            let mut found = Vec::new();
            for template in &docs.templates {
                found.extend(cloudformation(name, &text, template, options));
            }
            if let Some((message, line, column)) = docs.error {
                found.push(whole_file_invalid(
                    name,
                    SourceKind::CloudFormation,
                    format!("the YAML does not parse: {message}"),
                    line,
                    column,
                ));
            }
            Discovered::Policies(found)
        }
    }
}

fn whole_file_invalid(
    name: &str,
    kind: SourceKind,
    message: String,
    line: usize,
    column: usize,
) -> AuditedPolicy {
    let span = Span {
        start: 0,
        end: 0,
        line: u32::try_from(line).unwrap_or(u32::MAX),
        column: u32::try_from(column).unwrap_or(u32::MAX),
    };
    AuditedPolicy {
        location: PolicyLocation {
            path: name.to_owned(),
            kind,
            role: None,
            line: None,
            embedded: false,
            placement: None,
        },
        findings: vec![make(
            RuleId::InvalidPolicy,
            Severity::High,
            Verdict::Invalid,
            message,
            span,
            None,
        )],
        policy_text: None,
    }
}

fn policy_file(name: &str, bytes: &[u8], options: &AuditOptions) -> AuditedPolicy {
    let (findings, role, text, form) = match rolecall_policy::parse_document(bytes) {
        Ok(doc) => {
            let mut opts = options.clone();
            if let Some(acct) = doc.role_arn.as_deref().and_then(arn_account) {
                opts.own_account.get_or_insert(acct);
            }
            let mut f = audit_policy(&doc.policy, &opts);
            f.extend(crate::engine::size_finding(&doc.policy, &opts));
            (
                f,
                doc.role_arn.clone(),
                doc.policy_text.clone(),
                Some(doc.form),
            )
        }
        Err(e) => (vec![parse_error_finding(&e)], None, None, None),
    };
    let placement = text.as_ref().and_then(|_| document_placement(bytes, form?));
    AuditedPolicy {
        location: PolicyLocation {
            path: name.to_owned(),
            kind: SourceKind::Policy,
            role,
            line: None,
            embedded: text.is_some(),
            placement,
        },
        findings,
        policy_text: text,
    }
}

/// Where the policy of a file `rolecall_policy::parse_document` read in `form` sits in it, when
/// the policy was decoded (`policy_text` is then the decoded document): the get-role member's
/// string, exact through its escapes when it holds JSON, or the whole file (URL-encoded).
/// `None` for a policy that is the file itself.
pub fn document_placement(file: &[u8], form: InputForm) -> Option<Placement> {
    if matches!(form, InputForm::Policy | InputForm::GetRole) {
        return None;
    }
    let file = std::str::from_utf8(file).ok()?;
    Some(match member_string(file, "AssumeRolePolicyDocument") {
        Some((at, raw)) => {
            let (line, column) = position_of(file, at, &mut (0, 1, 1))?;
            let map = if form == InputForm::GetRoleJsonString {
                PlacementMap::JsonString(string_runs(raw))
            } else {
                PlacementMap::Start
            };
            Placement { line, column, map }
        }
        None => Placement {
            line: 1,
            column: 1,
            map: PlacementMap::Start,
        },
    })
}

fn arn_account(arn: &str) -> Option<String> {
    let acct = arn.split(':').nth(4)?;
    (acct.len() == 12 && acct.chars().all(|c| c.is_ascii_digit())).then(|| acct.to_owned())
}

/// Audits a policy given as a JSON value: an object (re-printed) or a string (JSON text or
/// URL-encoded).
fn audit_embedded(doc: &Value, options: &AuditOptions) -> (Vec<Finding>, Option<String>) {
    let text = match doc {
        Value::String(s) => s.clone(),
        other => serde_json::to_string_pretty(other).unwrap_or_default(),
    };
    // Both results live until the report is written, one pair per role of a dump: trimming
    // their spare capacity took the 10,000-role audit's peak heap from 24.1 MB to ~19 MB
    // (valgrind massif), under 3x the dump with the dump itself held in memory.
    let (mut f, mut shown) = match rolecall_policy::parse_document(text.as_bytes()) {
        Ok(d) => {
            let shown = d.policy_text.unwrap_or(text);
            let mut f = audit_policy(&d.policy, options);
            f.extend(crate::engine::size_finding(&d.policy, options));
            (f, shown)
        }
        Err(e) => (vec![parse_error_finding(&e)], text),
    };
    f.shrink_to_fit();
    shown.shrink_to_fit();
    (f, Some(shown))
}

/// The audits of the documents a dump repeats, by text and owning account (the only option that
/// differs between its roles): each distinct document is analysed once. Bounded: past
/// [`DocCache::MAX`] distinct documents it starts again, so a dump of distinct policies holds at
/// most that many extra results.
#[derive(Default)]
struct DocCache {
    done: std::collections::HashMap<(String, Option<String>), Audited>,
}

/// What [`audit_text`] gives: the findings, the text shown, whether spans are in it directly.
type Audited = (Vec<Finding>, String, bool);

impl DocCache {
    const MAX: usize = 256;

    fn audit(&mut self, text: String, options: &AuditOptions) -> Audited {
        let key = (text, options.own_account.clone());
        if let Some(hit) = self.done.get(&key) {
            return hit.clone();
        }
        let out = audit_text(key.0.clone(), options);
        if self.done.len() >= Self::MAX {
            self.done.clear();
        }
        self.done.insert(key, out.clone());
        out
    }
}

/// Audits a document given as text (a string's content, or an object's raw text) and says how
/// its spans map: `map_json` when the text itself is the policy (no further decoding).
fn audit_text(text: String, options: &AuditOptions) -> (Vec<Finding>, String, bool) {
    let (mut f, mut shown, direct) = match rolecall_policy::parse_document(text.as_bytes()) {
        Ok(d) => {
            let direct = d.form == InputForm::Policy && d.policy_text.is_none();
            let shown = d.policy_text.unwrap_or(text);
            let mut f = audit_policy(&d.policy, options);
            f.extend(crate::engine::size_finding(&d.policy, options));
            (f, shown, direct)
        }
        Err(e) => {
            // An error's position is in the text as given unless it was URL-encoded.
            let direct = text.trim_start().starts_with('{');
            (vec![parse_error_finding(&e)], text, direct)
        }
    };
    f.shrink_to_fit();
    shown.shrink_to_fit();
    (f, shown, direct)
}

fn line_of(text: &str, needle: &str) -> Option<u32> {
    let at = text.find(needle)?;
    u32::try_from(text.get(..at)?.matches('\n').count() + 1).ok()
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
    line: u32,
}

impl Cursor<'_> {
    /// Moves to the next occurrence of `needle` and returns its line.
    fn advance_to(&mut self, needle: &str) -> Option<u32> {
        let rest = self.text.get(self.pos..)?;
        let at = rest.find(needle)?;
        let skipped = rest.get(..at)?;
        self.line = self
            .line
            .saturating_add(u32::try_from(skipped.matches('\n').count()).unwrap_or(u32::MAX));
        self.pos += at + needle.len();
        Some(self.line)
    }
}

fn account_dump(
    name: &str,
    text: &str,
    pages: &[&BTreeMap<String, &RawValue>],
    options: &AuditOptions,
) -> Vec<AuditedPolicy> {
    let mut out = Vec::new();
    // Roles appear in document order, so one forward cursor finds every role's line in a single
    // pass over the text (a search from the start per role is quadratic on big dumps).
    let mut cursor = Cursor {
        text,
        pos: 0,
        line: 1,
    };
    let mut needle = String::new();
    // Documents are placed in document order too: one pass.
    let mut doc_cursor = (0, 1, 1);
    let mut seen = DocCache::default();
    for page in pages {
        let Some(list) = page.get(dump::ROLE_LIST) else {
            continue;
        };
        let Some(roles) = dump::page_roles(list.get()) else {
            continue;
        };
        out.reserve_exact(roles.len());
        // Role by role: only the current role's document is ever built.
        for role in roles {
            // A document read as written is placed in the dump; one of a role read leniently
            // is read as a value, as the whole role was before.
            let arn = role.arn.map(Cow::into_owned);
            let repeated = role.repeated_member;
            let doc = role.document.map(|d| {
                if role.as_written {
                    RoleDoc::Raw(d)
                } else {
                    RoleDoc::Unplaced(d)
                }
            });
            let mut opts = options.clone();
            if let Some(acct) = arn.as_deref().and_then(arn_account) {
                opts.own_account.get_or_insert(acct);
            }
            // A document read straight from the dump is placed in it: an object is parsed as
            // written (positions exact; the strict parser sees duplicate members), a string
            // through its escapes.
            let raw_doc = match &doc {
                Some(RoleDoc::Raw(r)) => offset_in(text, r).map(|at| (at, *r)),
                _ => None,
            };
            let (findings, policy_text, placement) = if let Some(member) = repeated {
                // Fail closed: judging either value could pass a role AWS reads otherwise.
                (vec![make(RuleId::InvalidPolicy, Severity::High, Verdict::Invalid,
                    format!("the role entry gives `{member}` twice; which value is meant is unknown (AWS output never repeats a member), so the role is not audited"),
                    Span::SYNTHETIC, None)], None, None)
            } else {
                match (raw_doc, doc.map(RoleDoc::into_value)) {
                    (Some((at, raw)), Some(Ok(value)))
                        if raw.starts_with('{') || raw.starts_with('"') =>
                    {
                        let content = match value {
                            Value::String(s) => s,
                            _ => raw.to_owned(),
                        };
                        let (f, shown, direct) = seen.audit(content, &opts);
                        let map = match raw.starts_with('{') {
                            true if direct => PlacementMap::Verbatim,
                            false if direct => PlacementMap::JsonString(string_runs(raw)),
                            _ => PlacementMap::Start,
                        };
                        let placement = position_of(text, at, &mut doc_cursor)
                            .map(|(line, column)| Placement { line, column, map });
                        (f, Some(shown), placement)
                    }
                    (_, Some(Ok(doc))) => {
                        let (f, t) = audit_embedded(&doc, &opts);
                        (f, t, None)
                    }
                    // Unreachable for raw JSON the dump parse already accepted.
                    (_, Some(Err(_)) | None) => (Vec::new(), None, None),
                }
            };
            let line = arn.as_deref().and_then(|a| {
                needle.clear();
                needle.push('"');
                needle.push_str(a);
                needle.push('"');
                cursor.advance_to(&needle)
            });
            out.push(AuditedPolicy {
                location: PolicyLocation {
                    path: name.to_owned(),
                    kind: SourceKind::AccountDump,
                    role: arn,
                    line,
                    embedded: true,
                    placement,
                },
                findings,
                policy_text,
            });
        }
    }
    out
}

/// A role's trust policy document, as the dump writes it: placed in the dump when read as
/// written ([`dump::DumpRole::as_written`]), else only read.
enum RoleDoc<'a> {
    Raw(&'a str),
    Unplaced(&'a str),
}

impl RoleDoc<'_> {
    fn into_value(self) -> serde_json::Result<Value> {
        match self {
            // A (usually URL-encoded) string needs no `Value` tree.
            RoleDoc::Raw(r) if r.starts_with('"') => {
                serde_json::from_str::<String>(r).map(Value::String)
            }
            RoleDoc::Raw(r) | RoleDoc::Unplaced(r) => serde_json::from_str(r),
        }
    }
}

fn terraform_plan(name: &str, text: &str, v: &Value, options: &AuditOptions) -> Vec<AuditedPolicy> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    let mut emit = |address: String,
                    policy: Option<&Value>,
                    unknown: bool,
                    out: &mut Vec<AuditedPolicy>| {
        if !seen.insert(address.clone()) {
            return;
        }
        // The address as it is written in the JSON: `aws_iam_role.b["x"]` (for_each) is
        // `"aws_iam_role.b[\"x\"]"` there.
        let quoted = serde_json::to_string(&address).unwrap_or_default();
        let line = line_of(text, &format!("\"address\": {quoted}"))
            .or_else(|| line_of(text, &format!("\"address\":{quoted}")));
        let (findings, policy_text, placement) = match policy {
            Some(Value::String(s)) => {
                let (f, shown, direct) = audit_text(s.clone(), options);
                // The string as the plan writes it (serde_json escapes as Terraform does for
                // policy text); not found, the role's line stands.
                let literal = serde_json::to_string(s).unwrap_or_default();
                let placement = text.find(&literal).and_then(|at| {
                    let (line, column) = position_of(text, at, &mut (0, 1, 1))?;
                    let map = if direct {
                        PlacementMap::JsonString(string_runs(&literal))
                    } else {
                        PlacementMap::Start
                    };
                    Some(Placement { line, column, map })
                });
                (f, Some(shown), placement)
            }
            Some(p @ Value::Object(_)) => {
                let (f, t) = audit_embedded(p, options);
                (f, t, None)
            }
            _ if unknown => (vec![make(RuleId::Unanalysable, Severity::Medium, Verdict::Advice,
                format!("`{address}`: `assume_role_policy` is unknown until apply (`after_unknown`); audit the plan after its inputs exist, or the deployed role"),
                Span::SYNTHETIC, None)], None, None),
            _ => return,
        };
        out.push(AuditedPolicy {
            location: PolicyLocation {
                path: name.to_owned(),
                kind: SourceKind::TerraformPlan,
                role: Some(address),
                line,
                embedded: true,
                placement,
            },
            findings,
            policy_text,
        });
    };
    for rc in v
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if rc.get("type").and_then(Value::as_str) != Some("aws_iam_role") {
            continue;
        }
        let address = rc
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or("aws_iam_role")
            .to_owned();
        let change = rc.get("change");
        let after = change
            .and_then(|c| c.get("after"))
            .and_then(|a| a.get("assume_role_policy"));
        let unknown = change
            .and_then(|c| c.get("after_unknown"))
            .and_then(|a| a.get("assume_role_policy"))
            .is_some_and(|u| u == &Value::Bool(true));
        if change
            .and_then(|c| c.get("after"))
            .is_some_and(Value::is_null)
        {
            continue; // a delete
        }
        emit(address, after.filter(|a| !a.is_null()), unknown, &mut out);
    }
    fn walk<'a>(m: &'a Value, acc: &mut Vec<&'a Value>) {
        for r in m
            .get("resources")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            acc.push(r);
        }
        for c in m
            .get("child_modules")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            walk(c, acc);
        }
    }
    let mut resources = Vec::new();
    if let Some(root) = v.get("planned_values").and_then(|p| p.get("root_module")) {
        walk(root, &mut resources);
    }
    for r in resources {
        if r.get("type").and_then(Value::as_str) != Some("aws_iam_role") {
            continue;
        }
        let address = r
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or("aws_iam_role")
            .to_owned();
        let policy = r
            .get("values")
            .and_then(|x| x.get("assume_role_policy"))
            .filter(|a| !a.is_null());
        let unknown = policy.is_none();
        emit(address, policy, unknown, &mut out);
    }
    out
}

/// Converts YAML to JSON, turning short-form tags (`!Sub x`) into long form (`{"Fn::Sub": x}`).
fn yaml_to_json(y: serde_yaml_ng::Value) -> Value {
    use serde_yaml_ng::Value as Y;
    match y {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64().map_or(Value::Null, Value::from)
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(s) => Value::Array(s.into_iter().map(yaml_to_json).collect()),
        Y::Mapping(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let key = match yaml_to_json(k) {
                        Value::String(s) => s,
                        other => other.to_string(),
                    };
                    (key, yaml_to_json(v))
                })
                .collect(),
        ),
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let tag = tag.trim_start_matches('!');
            let key = if tag == "Ref" || tag == "Condition" {
                tag.to_owned()
            } else {
                format!("Fn::{tag}")
            };
            let mut m = serde_json::Map::new();
            m.insert(key, yaml_to_json(t.value));
            Value::Object(m)
        }
    }
}

/// Resolves `Fn::Sub` with pseudo-parameters only; any other intrinsic is an error naming it.
fn resolve(v: &Value, path: &str) -> Result<Value, String> {
    match v {
        Value::Object(m)
            if m.len() == 1 && m.keys().all(|k| k == "Ref" || k.starts_with("Fn::")) =>
        {
            let (k, inner) = m.iter().next().ok_or_else(|| path.to_owned())?;
            if k == "Fn::Sub" {
                if let Value::String(s) = inner {
                    return sub_pseudo(s)
                        .map(Value::String)
                        .map_err(|r| format!("`Fn::Sub` references `{r}` at {path}"));
                }
            }
            Err(format!("`{k}` at {path}"))
        }
        Value::Object(m) => Ok(Value::Object(
            m.iter()
                .map(|(k, x)| resolve(x, &format!("{path}.{k}")).map(|r| (k.clone(), r)))
                .collect::<Result<_, _>>()?,
        )),
        Value::Array(a) => Ok(Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| resolve(x, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        )),
        other => Ok(other.clone()),
    }
}

fn sub_pseudo(s: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 2..).unwrap_or("");
        if let Some(lit) = after.strip_prefix('!') {
            // `${!Literal}` is the escape for a literal `${Literal}`.
            out.push_str("${");
            rest = lit;
            continue;
        }
        let end = after.find('}').ok_or_else(|| after.to_owned())?;
        let name = after.get(..end).unwrap_or("");
        match PSEUDO_PARAMETERS.iter().find(|(n, _)| *n == name) {
            Some((_, val)) => out.push_str(val),
            None => return Err(name.to_owned()),
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    out.push_str(rest);
    Ok(out)
}

fn cloudformation(name: &str, text: &str, v: &Value, options: &AuditOptions) -> Vec<AuditedPolicy> {
    let mut out = Vec::new();
    let Some(resources) = v.get("Resources").and_then(Value::as_object) else {
        return out;
    };
    for (logical, r) in resources {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::IAM::Role") {
            continue;
        }
        let line = line_of(text, &format!("\"{logical}\""))
            .or_else(|| line_of(text, &format!("{logical}:")));
        let Some(doc) = r
            .get("Properties")
            .and_then(|p| p.get("AssumeRolePolicyDocument"))
        else {
            continue;
        };
        let (findings, policy_text) = match resolve(doc, "AssumeRolePolicyDocument") {
            Ok(resolved) => audit_embedded(&resolved, options),
            Err(what) => (vec![make(RuleId::Unanalysable, Severity::Medium, Verdict::Advice,
                format!("`{logical}`: unanalysable: intrinsic function {what}; its value is known only at deploy time"),
                Span::SYNTHETIC, None)], None),
        };
        out.push(AuditedPolicy {
            location: PolicyLocation {
                path: name.to_owned(),
                kind: SourceKind::CloudFormation,
                role: Some(logical.clone()),
                line,
                embedded: true,
                placement: None,
            },
            findings,
            policy_text,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Roles the direct field read refuses are read as `Value`s, as before the raw read.
    #[test]
    #[allow(
        clippy::type_complexity,
        reason = "the tuple spells out the four fields the test compares"
    )]
    fn odd_dump_roles_read_as_values_did() {
        let dump = r#"[{"RoleDetailList": [
 {"Arn": "arn:aws:iam::111122223333:role/ok", "AssumeRolePolicyDocument": {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}},
 {"Arn": "arn:aws:iam::111122223333:role/null-doc", "AssumeRolePolicyDocument": null},
 ["arn:aws:iam::111122223333:role/array", {}],
 {"Arn": "arn:aws:iam::111122223333:role/first", "Arn": "arn:aws:iam::111122223333:role/dup", "AssumeRolePolicyDocument": "%7B%22Statement%22%3A%5B%5D%7D"},
 {"Arn": 5, "AssumeRolePolicyDocument": "{\"Statement\":[]}"}
]}, {"RoleDetailList": "not a list"}]"#;
        let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
        let seen: Vec<(Option<&str>, Option<u32>, Vec<&str>, Option<&str>)> = out
            .iter()
            .map(|p| {
                assert_eq!(p.location.kind, SourceKind::AccountDump);
                (
                    p.location.role.as_deref(),
                    p.location.line,
                    p.findings.iter().map(|f| f.rule.as_str()).collect(),
                    p.policy_text.as_deref(),
                )
            })
            .collect();
        let invalid = vec!["TP-VERSION-2008", "TP-INVALID-POLICY"];
        assert_eq!(
            seen.get(1..),
            Some(
                &[
                    (
                        Some("arn:aws:iam::111122223333:role/null-doc"),
                        Some(3),
                        vec!["TP-INVALID-POLICY"],
                        Some("null")
                    ),
                    (None, None, vec![], None),
                    // `Arn` given twice: refused, neither document judged.
                    (
                        Some("arn:aws:iam::111122223333:role/dup"),
                        Some(5),
                        vec!["TP-INVALID-POLICY"],
                        None
                    ),
                    (None, None, invalid, Some(r#"{"Statement":[]}"#)),
                ][..]
            )
        );
        let first = seen.first().unwrap();
        assert_eq!(
            (first.0, first.1, first.2.as_slice()),
            (
                Some("arn:aws:iam::111122223333:role/ok"),
                Some(2),
                &["TP-SERVICE-NO-SOURCE"][..]
            )
        );
        // The object document is shown as the dump writes it, and spans refer to it.
        assert!(first
            .3
            .unwrap()
            .starts_with(r#"{"Version":"2012-10-17","Statement":[{"#));
    }

    /// A file holding no trust policy is told apart from a broken one.
    #[test]
    fn classification_tells_no_trust_policy_from_broken() {
        let cases: &[(&str, Result<SourceKind, NoTrustPolicy>)] = &[
            ("", Err(NoTrustPolicy::Empty)),
            (" \n\t", Err(NoTrustPolicy::Empty)),
            (
                r#"{"name": "app", "version": "1.0.0"}"#,
                Err(NoTrustPolicy::OtherJson),
            ),
            ("[1, 2]", Err(NoTrustPolicy::OtherJson)),
            // An array of objects is a paged dump only when every page is one.
            ("[]", Err(NoTrustPolicy::OtherJson)),
            (r#"[{"name": "app"}]"#, Err(NoTrustPolicy::OtherJson)),
            (
                r#"[{"RoleDetailList": []}, {"name": "app"}]"#,
                Err(NoTrustPolicy::OtherJson),
            ),
            (r#"[{"RoleDetailList": []}]"#, Ok(SourceKind::AccountDump)),
            ("{\n // jsonc\n \"a\": 1,\n}", Err(NoTrustPolicy::NotJson)),
            (
                "apiVersion: v1\nkind: Pod\n---\nkind: Service\n",
                Err(NoTrustPolicy::OtherYaml),
            ),
            ("name: {{ .Values.name }}\n: :", Err(NoTrustPolicy::NotJson)),
            (
                r#"{"Version": "2012-10-17", "Statement": []}"#,
                Ok(SourceKind::Policy),
            ),
            (r#"{"Statement": [,]}"#, Ok(SourceKind::Policy)),
            (r#"{"Role": {}}"#, Ok(SourceKind::Policy)),
            ("%7B%22Statement%22%3A%5B%5D%7D", Ok(SourceKind::Policy)),
            (r#"{"RoleDetailList": []}"#, Ok(SourceKind::AccountDump)),
            (
                r#"[{"RoleDetailList": []}, {"RoleDetailList": []}]"#,
                Ok(SourceKind::AccountDump),
            ),
            (r#"{"resource_changes": []}"#, Ok(SourceKind::TerraformPlan)),
            (r#"{"Resources": {}}"#, Ok(SourceKind::CloudFormation)),
            (
                "kind: Pod\n---\nResources:\n  A:\n    Type: AWS::S3::Bucket\n",
                Ok(SourceKind::CloudFormation),
            ),
            // Broken YAML that names a role is a broken template, not skipped.
            (
                "Resources:\n  R:\n    Type: AWS::IAM::Role\n   bad: [",
                Ok(SourceKind::CloudFormation),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(&classify(text.as_bytes()), expected, "{text:?}");
        }
        // Not UTF-8: JSON only when it names a policy (then it is reported as broken).
        assert_eq!(classify(b"{\"x\": \"\xff\"}"), Err(NoTrustPolicy::NotJson));
        assert_eq!(
            classify(b"{\"Statement\": \"\xff\"}"),
            Ok(SourceKind::Policy)
        );
    }

    /// `discover` audits what `classify` accepts, document by document in a
    /// YAML stream, and says why it skips the rest.
    #[test]
    fn discover_reads_yaml_streams_and_skips_other_files() {
        let opts = AuditOptions::default();
        let stream = "kind: ConfigMap\n---\nResources:\n  Ci:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement: []\n---\nkind: Service\n";
        let Discovered::Policies(found) = discover("<stdin>", stream.as_bytes(), &opts) else {
            panic!("no template found");
        };
        assert_eq!(found.len(), 1);
        assert_eq!(
            found.first().and_then(|p| p.location.role.as_deref()),
            Some("Ci")
        );
        assert_eq!(
            discover("package.json", br#"{"name": "x"}"#, &opts),
            Discovered::NoTrustPolicy(NoTrustPolicy::OtherJson)
        );
        let Discovered::Policies(broken) = discover("p.json", br#"{"Statement": [,]}"#, &opts)
        else {
            panic!("a broken policy must be audited");
        };
        assert_eq!(
            broken
                .first()
                .and_then(|p| p.findings.first())
                .map(|f| f.rule),
            Some(RuleId::InvalidPolicy)
        );
    }

    /// Deeply nested YAML flow collections are refused before the parser, whose time grows
    /// with the square of the depth; brackets in quotes and comments do not count.
    #[test]
    fn deep_yaml_flow_nesting_is_refused_in_linear_time() {
        let deep = format!("a: {}", "[".repeat(100_000));
        let start = std::time::Instant::now();
        assert_eq!(classify(deep.as_bytes()), Err(NoTrustPolicy::NotJson));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
        assert_eq!(flow_too_deep(&deep), Some((1, 4 + MAX_YAML_FLOW_DEPTH)));
        let marked = format!(
            "Resources:\n  R:\n    Type: AWS::IAM::Role\n    P: {}",
            "{".repeat(65)
        );
        let Discovered::Policies(found) =
            discover("t.yaml", marked.as_bytes(), &AuditOptions::default())
        else {
            panic!("a marked template must be reported");
        };
        assert!(found.iter().any(|p| p
            .findings
            .iter()
            .any(|f| f.message.contains("nest deeper than 64"))));
        let quoted = format!(
            "a: '{0}'\nb: \"{0}\\\"\"\nc: x # {0}\nd: [[1]]\n",
            "[".repeat(100)
        );
        assert_eq!(flow_too_deep(&quoted), None);
        assert_eq!(flow_too_deep(&format!("a: {}", "[".repeat(64))), None);
        // A quoted scalar ends at its closing quote: brackets after it count again.
        let after_quote = format!("a: 'x'\nb: {}", "[".repeat(65));
        assert_eq!(
            flow_too_deep(&after_quote),
            Some((2, 4 + MAX_YAML_FLOW_DEPTH))
        );
        // So does a double-quoted scalar, past its escaped quotes and backslashes, and a
        // comment at the end of its line.
        // A `#` inside a plain scalar starts no comment; closed collections do not add up.
        assert_eq!(
            flow_too_deep(&format!("a: x#{}", "[".repeat(65))),
            Some((1, 6 + MAX_YAML_FLOW_DEPTH))
        );
        assert_eq!(flow_too_deep(&"- [[1]]\n".repeat(65)), None);
        for before in ["a: \"x\\\"y\"", "a: \"x\\\\\"", "a: x # ]]"] {
            let deep = format!("{before}\nb: {}", "[".repeat(65));
            assert_eq!(
                flow_too_deep(&deep),
                Some((2, 4 + MAX_YAML_FLOW_DEPTH)),
                "{before}"
            );
        }
    }

    /// The file position of the span of `needle` (its first occurrence) in a policy's text.
    fn placed(p: &AuditedPolicy, needle: &str) -> (u32, u32, bool) {
        let text = p.policy_text.as_deref().unwrap();
        let start = text.find(needle).unwrap();
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().unwrap().chars().count() + 1;
        let span = Span {
            start,
            end: start + needle.len(),
            line: line as u32,
            column: column as u32,
        };
        p.location.file_position(span).unwrap()
    }

    /// The 1-based line and column of the first `needle` in `text`.
    fn at(text: &str, needle: &str) -> (u32, u32) {
        let start = text.find(needle).unwrap();
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().unwrap().chars().count() + 1;
        (line as u32, column as u32)
    }

    /// Every container kind places its policy's spans in the file: exactly for an object in a
    /// dump and for a JSON string (through its escapes, `é` and `\u00e9` included); at the
    /// string's start for a URL-encoded one; at the role's line for YAML.
    #[test]
    fn embedded_spans_map_to_file_positions() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"é\u00e9\n","Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"x"}}}]}"#;
        let escaped = serde_json::to_string(policy).unwrap();
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        let dump = format!(
            "{{\"RoleDetailList\": [\n {{\"Arn\": \"arn:aws:iam::111122223333:role/obj\",\n  \"AssumeRolePolicyDocument\": {policy}}},\n {{\"Arn\": \"arn:aws:iam::111122223333:role/str\", \"AssumeRolePolicyDocument\": {escaped}}},\n {{\"Arn\": \"arn:aws:iam::111122223333:role/url\", \"AssumeRolePolicyDocument\": \"{encoded}\"}}\n]}}"
        );
        let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
        assert_eq!(out.len(), 3);
        // The object: verbatim from line 3.
        let (line, col) = at(&dump, r#""accounts.google.com:aud":"x""#);
        assert_eq!(
            placed(&out[0], r#""accounts.google.com:aud":"x""#),
            (line, col, true)
        );
        assert_eq!(line, 3);
        // The JSON string: the decoded `"x"` is at the escaped `\"x\"` of line 4.
        let (line, col) = at(&dump, r#"\"x\""#);
        assert_eq!(placed(&out[1], r#""x""#), (line, col, true));
        let (_, sid) = at(&dump, r#"\"Effect\""#);
        assert_eq!(placed(&out[1], r#""Effect""#), (4, sid, true));
        // URL-encoded: the start of the string.
        let (line, col) = at(&dump, &format!("\"{encoded}"));
        assert_eq!(placed(&out[2], "Statement"), (line, col, false));
        // A synthetic span (a whole-policy finding) is the role's line.
        assert_eq!(
            out[2].location.file_position(Span::SYNTHETIC),
            Some((5, 1, false))
        );

        // get-role output with the document as a JSON string.
        let get_role = format!(
            "{{\"Role\": {{\"Arn\": \"arn:aws:iam::111122223333:role/g\",\n \"AssumeRolePolicyDocument\": {escaped}}}}}"
        );
        let p = audit_source("g.json", get_role.as_bytes(), &AuditOptions::default());
        let (line, col) = at(&get_role, r#"\"x\""#);
        assert_eq!(placed(&p[0], r#""x""#), (line, col, true));

        // Terraform: a for_each address is found (it is escaped in the plan), and the
        // policy string is mapped through its escapes.
        let plan = format!(
            "{{\"resource_changes\": [\n {{\"address\": \"aws_iam_role.b[\\\"x\\\"]\", \"type\": \"aws_iam_role\",\n  \"change\": {{\"after\": {{\"assume_role_policy\": {escaped}}}}}}}]}}"
        );
        let p = audit_source("plan.json", plan.as_bytes(), &AuditOptions::default());
        assert_eq!(
            p[0].location.role.as_deref(),
            Some(r#"aws_iam_role.b["x"]"#)
        );
        assert_eq!(p[0].location.line, Some(2));
        let (line, col) = at(&plan, r#"\"x\"}"#);
        assert_eq!(placed(&p[0], r#""x""#), (line, col, true));

        // CloudFormation YAML: the logical id's line.
        let yaml = "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement: []\n";
        let p = audit_source("t.yaml", yaml.as_bytes(), &AuditOptions::default());
        assert_eq!(
            p[0].location.file_position(p[0].findings[0].span),
            Some((2, 1, false))
        );
    }

    /// A surrogate-pair escape (`\ud83d\ude00`, twelve chars of the file) is one four-byte char
    /// of the policy, and another `\u` escape (`\u00e9`) one two-byte char, even right before a
    /// `\"`: spans after them keep their place in the file. A dump written on one line is placed
    /// on that line.
    #[test]
    fn a_surrogate_pair_escape_is_one_char_of_the_policy() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Sid":"aSMILEbEACUTE","Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"x"}}}]}"#
            .replace("SMILE", "\u{1F600}")
            .replace("EACUTE", "\u{e9}");
        let escaped = serde_json::to_string(&policy)
            .unwrap()
            .replace('\u{1F600}', r"\ud83d\ude00")
            .replace('\u{e9}', r"\u00e9");
        assert!(escaped.contains(r#"a\ud83d\ude00b\u00e9\""#));
        for dump in [
            format!(
                "{{\"RoleDetailList\": [\n {{\"Arn\": \"arn:aws:iam::111122223333:role/str\", \"AssumeRolePolicyDocument\": {escaped}}}\n]}}"
            ),
            format!(
                "{{\"RoleDetailList\":[{{\"Arn\":\"arn:aws:iam::111122223333:role/str\",\"AssumeRolePolicyDocument\":{escaped}}}]}}"
            ),
        ] {
            let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
            assert_eq!(out.len(), 1);
            let text = out[0].policy_text.as_deref().unwrap();
            assert!(text.contains("a\u{1F600}b\u{e9}"));
            for (needle, in_file) in [
                (r#""Effect""#, r#"\"Effect\""#),
                (r#""x""#, r#"\"x\""#),
            ] {
                let (line, col) = at(&dump, in_file);
                assert_eq!(placed(&out[0], needle), (line, col, true), "{needle}");
            }
        }
    }

    /// A dump document that is itself get-role output (an object holding the policy) is read,
    /// but its spans are not the dump's text: only the value's start is known.
    #[test]
    fn a_get_role_object_inside_a_dump_is_placed_at_its_start() {
        let policy = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"accounts.google.com:aud":"x"}}}]}"#;
        let doc = format!(
            r#"{{"Role": {{"Arn": "arn:aws:iam::111122223333:role/g", "AssumeRolePolicyDocument": {policy}}}}}"#
        );
        let dump = format!(
            "{{\"RoleDetailList\": [\n {{\"Arn\": \"arn:aws:iam::111122223333:role/g\",\n  \"AssumeRolePolicyDocument\": {doc}}}\n]}}"
        );
        let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
        assert_eq!(out.len(), 1);
        let (line, col) = at(&dump, r#"{"Role""#);
        assert_eq!(placed(&out[0], r#""x""#), (line, col, false));
    }

    /// An object document written over several lines of a dump keeps each line: a span on
    /// line `n` of the document is `n - 1` lines below the document's first line.
    #[test]
    fn a_multiline_object_in_a_dump_is_placed_line_by_line() {
        let policy = "{\"Version\": \"2012-10-17\",\n   \"Statement\": [{\"Effect\": \"Allow\",\n     \"Principal\": {\"Federated\": \"accounts.google.com\"},\n     \"Action\": \"sts:AssumeRoleWithWebIdentity\",\n     \"Condition\": {\"StringEquals\": {\"accounts.google.com:aud\": \"x\"}}}]}";
        let dump = format!(
            "{{\"RoleDetailList\": [\n {{\"Arn\": \"arn:aws:iam::111122223333:role/obj\",\n  \"AssumeRolePolicyDocument\": {policy}}}\n]}}"
        );
        let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
        assert_eq!(out.len(), 1);
        for needle in [
            r#""Statement""#,
            r#""Principal""#,
            r#""accounts.google.com:aud""#,
        ] {
            let (line, col) = at(&dump, needle);
            assert!(line > 3, "{needle} must be below the document's first line");
            assert_eq!(placed(&out[0], needle), (line, col, true), "{needle}");
        }
    }

    /// A document that is JSON but neither an object nor a string is refused as a policy,
    /// whatever JSON it is, and the refusal does not claim an exact position: the document is
    /// not read as a policy text, so none of its spans maps into the dump.
    #[test]
    fn a_dump_document_of_another_json_type_is_an_invalid_policy() {
        for (doc, found) in [
            ("5", "a number"),
            ("[]", "an array"),
            ("null", "`null`"),
            ("true", "a boolean"),
        ] {
            let dump = format!(
                "{{\"RoleDetailList\": [{{\"Arn\": \"arn:aws:iam::111122223333:role/r\", \"AssumeRolePolicyDocument\": {doc}}}]}}"
            );
            let out = audit_source("d.json", dump.as_bytes(), &AuditOptions::default());
            assert_eq!(out.len(), 1, "{doc}");
            let f = &out[0].findings;
            assert_eq!(f.len(), 1, "{doc}: {f:?}");
            assert_eq!(f[0].rule, RuleId::InvalidPolicy, "{doc}");
            assert!(
                f[0].message
                    .ends_with(&format!("a policy must be a JSON object, found {found}")),
                "{doc}: {}",
                f[0].message
            );
            assert!(out[0].location.placement.is_none(), "{doc}");
            assert!(
                !out[0]
                    .location
                    .file_position(f[0].span)
                    .is_some_and(|(_, _, exact)| exact),
                "{doc}"
            );
        }
    }

    #[test]
    fn sub_resolves_pseudo_parameters_only() {
        assert_eq!(
            sub_pseudo("arn:${AWS::Partition}:iam::${AWS::AccountId}:x").unwrap(),
            "arn:aws:iam::000000000000:x"
        );
        assert_eq!(
            sub_pseudo("${OIDCProvider}:sub").unwrap_err(),
            "OIDCProvider"
        );
        assert_eq!(sub_pseudo("${!Literal}").unwrap(), "${Literal}");
    }
}
