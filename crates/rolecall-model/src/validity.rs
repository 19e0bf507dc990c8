//! docs/DECISIONS.md R1: when a policy is invalid. Each check names its R1 item.

use crate::condition::{check_value, value_text, Operator};
use crate::{fold, json, wildcard_match};
use serde_json::{Map, Value};
use std::collections::HashSet;

type Object = Map<String, Value>;

/// The actions a trust policy may name (R1.14, OBS-TRUSTACT).
const TRUST_ACTIONS: &[&str] = &[
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "TagSession",
    "SetSourceIdentity",
];

const STATEMENT_MEMBERS: &[&str] = &[
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
];

/// Reads and checks a policy; `Ok` holds the document for evaluation.
pub(crate) fn check(text: &str) -> Result<Value, String> {
    // R1.2: TAB, LF, CR and U+0020..=U+00FF only, in the raw text ...
    if let Some(c) = text.chars().find(|c| !allowed_char(*c)) {
        return Err(format!("character U+{:04X} is not allowed", u32::from(c)));
    }
    // R1.1, R1.3, R1.6: one JSON value, no duplicate members.
    let doc = json::parse(text)?;
    // R1.2: ... and in every decoded string.
    check_strings(&doc)?;
    let top = doc.as_object().ok_or("the top level is not an object")?;
    only_members(top, &["Version", "Id", "Statement"])?; // R1.4
    let v2012 = match top.get("Version") {
        None => false, // docs/SEMANTICS.md D3: a missing Version is 2008-10-17
        Some(Value::String(v)) if v == "2012-10-17" => true,
        Some(Value::String(v)) if v == "2008-10-17" => false,
        Some(_) => return Err("`Version` is not `2012-10-17` or `2008-10-17`".into()), // R1.5, R1.8
    };
    if top.get("Id").is_some_and(|id| !id.is_string()) {
        return Err("`Id` is not a string".into()); // R1.5
    }
    let statements =
        statements(&doc).ok_or("`Statement` is missing or not an object or array of objects")?; // R1.5
    if statements.is_empty() {
        return Err("`Statement` is empty".into()); // R1.9
    }
    let mut sids = HashSet::new();
    for statement in statements {
        check_statement(statement, v2012, &mut sids)?;
    }
    Ok(doc)
}

/// The statements in document order; `None` if `Statement` is missing or has
/// the wrong type.
pub(crate) fn statements(doc: &Value) -> Option<Vec<&Object>> {
    match doc.get("Statement")? {
        Value::Object(one) => Some(vec![one]),
        Value::Array(many) => many.iter().map(Value::as_object).collect(),
        _ => None,
    }
}

fn allowed_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{FF}')
}

fn check_strings(v: &Value) -> Result<(), String> {
    let check = |s: &str| match s.chars().find(|c| !allowed_char(*c)) {
        Some(c) => Err(format!("character U+{:04X} is not allowed", u32::from(c))),
        None => Ok(()),
    };
    match v {
        Value::String(s) => check(s),
        Value::Array(items) => items.iter().try_for_each(check_strings),
        Value::Object(members) => members.iter().try_for_each(|(k, v)| {
            check(k)?;
            check_strings(v)
        }),
        _ => Ok(()),
    }
}

/// R1.4: member names are case-sensitive and drawn from a fixed list.
fn only_members(object: &Object, allowed: &[&str]) -> Result<(), String> {
    match object.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(format!("unknown member `{k}`")),
        None => Ok(()),
    }
}

/// A string, or an array of strings (R1.5).
fn string_list(v: &Value) -> Option<Vec<&str>> {
    match v {
        Value::String(s) => Some(vec![s.as_str()]),
        Value::Array(items) => items.iter().map(Value::as_str).collect(),
        _ => None,
    }
}

fn check_statement(s: &Object, v2012: bool, sids: &mut HashSet<String>) -> Result<(), String> {
    only_members(s, STATEMENT_MEMBERS)?; // R1.4
                                         // R1.5: types.
    for name in ["Sid", "Effect"] {
        if s.get(name).is_some_and(|v| !v.is_string()) {
            return Err(format!("`{name}` is not a string"));
        }
    }
    for name in ["Action", "NotAction", "Resource", "NotResource"] {
        if s.get(name).is_some_and(|v| string_list(v).is_none()) {
            return Err(format!("`{name}` is not a string or an array of strings"));
        }
    }
    for name in ["Principal", "NotPrincipal"] {
        if let Some(p) = s.get(name) {
            check_principal(p)?;
        }
    }
    // R1.10
    if !matches!(
        s.get("Effect").and_then(Value::as_str),
        Some("Allow" | "Deny")
    ) {
        return Err("`Effect` is missing or not `Allow` or `Deny`".into());
    }
    // R1.11
    if !s.contains_key("Principal") || s.contains_key("NotPrincipal") {
        return Err("a trust policy statement needs `Principal` and no `NotPrincipal`".into());
    }
    // R1.12
    if s.contains_key("Action") == s.contains_key("NotAction") {
        return Err("a statement needs exactly one of `Action` and `NotAction`".into());
    }
    // R1.13
    if s.contains_key("Resource") || s.contains_key("NotResource") {
        return Err("a trust policy has no `Resource` or `NotResource`".into());
    }
    // R1.14
    for name in ["Action", "NotAction"] {
        for action in s.get(name).and_then(string_list).unwrap_or_default() {
            if !trust_action(action) {
                return Err(format!("`{action}` is not an STS assume-role action"));
            }
        }
    }
    // R1.15
    if let Some(sid) = s.get("Sid").and_then(Value::as_str) {
        if !sid.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!(
                "`Sid` `{sid}` has a character other than ASCII letters and digits"
            ));
        }
        if !sid.is_empty() && !sids.insert(sid.to_owned()) {
            return Err(format!("two statements have `Sid` `{sid}`"));
        }
    }
    if let Some(condition) = s.get("Condition") {
        check_condition(condition, v2012)?;
    }
    Ok(())
}

/// R1.4, R1.5, R1.16, R1.16a: `"*"` or a map of principal types to strings.
fn check_principal(p: &Value) -> Result<(), String> {
    let map = match p {
        Value::String(s) if s == "*" => return Ok(()),
        Value::Object(map) => map,
        _ => return Err("a principal is `\"*\"` or an object".into()),
    };
    only_members(map, &["AWS", "Federated", "Service", "CanonicalUser"])?;
    for (kind, values) in map {
        let values = string_list(values)
            .ok_or_else(|| format!("`{kind}` is not a string or an array of strings"))?;
        if kind == "Federated" {
            if let Some(bad) = values.iter().find(|v| !federated(v)) {
                return Err(format!("`{bad}` is not a valid federated principal"));
            }
        }
        // R1.16a: no IAM name holds `*` or `?`, so only `*` itself may be a wildcard.
        if kind == "AWS" {
            if let Some(bad) = values.iter().find(|v| **v != "*" && v.contains(['*', '?'])) {
                return Err(format!("`AWS` principal `{bad}` has a wildcard inside it"));
            }
        }
    }
    Ok(())
}

/// R1.16: an OIDC or SAML provider ARN, or a domain name (OBS-FED).
fn federated(v: &str) -> bool {
    let provider_arn = match v.splitn(6, ':').collect::<Vec<_>>().as_slice() {
        ["arn", partition, "iam", "", account, resource] => {
            !partition.is_empty()
                && is_account_id(account)
                && ["oidc-provider/", "saml-provider/"]
                    .iter()
                    .any(|kind| resource.strip_prefix(kind).is_some_and(|r| !r.is_empty()))
        }
        _ => false,
    };
    let labels: Vec<&str> = v.split('.').collect();
    let domain = labels.len() >= 2
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    provider_arn || domain
}

/// Twelve ASCII digits.
pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// R1.14: `*`, or `sts:<glob>` with one colon whose glob names at least one
/// trust action (case-insensitively, R6).
fn trust_action(action: &str) -> bool {
    if action == "*" {
        return true;
    }
    match action.split_once(':') {
        Some((prefix, glob)) => {
            prefix.eq_ignore_ascii_case("sts")
                && !glob.contains(':')
                && TRUST_ACTIONS
                    .iter()
                    .any(|name| wildcard_match(&fold(glob), &fold(name)))
        }
        None => false,
    }
}

/// R1.3, R1.5, R1.7, R1.17-R1.19.
fn check_condition(condition: &Value, v2012: bool) -> Result<(), String> {
    let operators = condition
        .as_object()
        .ok_or("`Condition` is not an object")?;
    for (name, keys) in operators {
        let op =
            Operator::parse(name).ok_or_else(|| format!("unknown condition operator `{name}`"))?;
        let keys = keys
            .as_object()
            .ok_or_else(|| format!("`{name}` is not an object"))?;
        let mut seen = HashSet::new();
        for (key, values) in keys {
            // R1.3: keys equal under R6 folding are duplicates.
            if !seen.insert(fold(key)) {
                return Err(format!("duplicate condition key `{key}` under `{name}`"));
            }
            let values = condition_values(values).ok_or_else(|| {
                format!("`{key}` has a value that is not a string, number or boolean")
            })?;
            for value in values {
                check_value(&op, &value, v2012)?;
            }
        }
    }
    Ok(())
}

/// The texts of a condition key's values: a string, number or boolean, or
/// an array of them (R1.5); `None` for any other shape.
pub(crate) fn condition_values(v: &Value) -> Option<Vec<String>> {
    let scalar = |v: &Value| match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Some(value_text(v)),
        _ => None,
    };
    match v {
        Value::Array(items) => items.iter().map(scalar).collect(),
        other => scalar(other).map(|t| vec![t]),
    }
}
