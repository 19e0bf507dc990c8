//! Generators of trust policies (as JSON **text**) and requests that are
//! likely to collide (after cedar-policy-generators' constant pool).
//!
//! Everything is drawn from a fixed claim universe ([`KEYS`]) and a small
//! value pool ([`POOL`]), so that the requests name the keys the policy
//! tests, with values the policy mentions, about half the time. `StringLike`
//! patterns are derived from pool strings (kept, a character replaced with
//! `*` or `?`, a `*` inserted, a character dropped).
//!
//! The generators read their random choices from an
//! [`arbitrary::Unstructured`], so the same function serves proptest (over a
//! random byte vector, see [`scenario_strategy`]), the cargo-fuzz targets
//! (over the fuzzer's input) and the replay tests (over a committed file).
//! An exhausted `Unstructured` yields the first choice everywhere, so short
//! inputs give small, simple policies.

use arbitrary::Unstructured;
use proptest::strategy::{Strategy, ValueTree};
use rolecall_model::{ContextValue, Request};

/// The claim universe: condition keys that web-identity trust policies use
/// (docs/SEMANTICS.md §4.1 to 4.5), including GitHub's 2026 claim keys.
pub const KEYS: &[&str] = &[
    "oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub",
    "oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud",
    "token.actions.githubusercontent.com:sub",
    "token.actions.githubusercontent.com:aud",
    "token.actions.githubusercontent.com:repository",
    "token.actions.githubusercontent.com:job_workflow_ref",
    "token.actions.githubusercontent.com:actor",
    "token.actions.githubusercontent.com:environment",
    "token.actions.githubusercontent.com:enterprise_id",
    "cognito-identity.amazonaws.com:amr",
    "cognito-identity.amazonaws.com:aud",
    "aws:SourceIp",
    "aws:CurrentTime",
    "aws:EpochTime",
    "aws:SecureTransport",
    "aws:RequestTag/team",
    "aws:TagKeys",
    "aws:FederatedProvider",
    "sts:RoleSessionName",
    "sts:SourceIdentity",
];

/// The value pool: realistic fragments, wildcard and variable syntax
/// characters, typed values, Latin-1 text. Requests also draw from
/// `REQUEST_ONLY` (beyond Latin-1).
pub const POOL: &[&str] = &[
    "repo:octo-org/app:ref:refs/heads/main",
    "repo:octo-org/app:environment:prod",
    "repo:octo-org/*",
    "system:serviceaccount:prod:app",
    "system:serviceaccount:kube-system:*",
    "sts.amazonaws.com",
    "authenticated",
    "unauthenticated",
    "graph.facebook.com",
    "octo-org/app/.github/workflows/deploy.yml@refs/heads/main",
    "team",
    "Team",
    "dev",
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "cognito-identity.amazonaws.com",
    "a:b:c:d:e:f",
    "",
    "*",
    "?",
    "$",
    "{",
    "}",
    "\\",
    "a*b",
    "x?y",
    "${",
    "é",
    "\u{e9}t\u{e9}",
    "École",
    "école",
    "ß",
    "SS",
    "ÿ",
    "true",
    "False",
];

/// Values only requests use: characters above U+00FF make a policy
/// invalid (R1.2), so they would only add invalid policies.
const REQUEST_ONLY: &[&str] = &["ā", "日本", "😀", "repo:octo-org/ā"];

/// Principals a request may come from, and policies may name.
const PRINCIPALS: &[&str] = &[
    "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123",
    "cognito-identity.amazonaws.com",
    "accounts.google.com",
    "arn:aws:iam::111122223333:role/app",
    "arn:aws:sts::111122223333:assumed-role/app/s1",
    "arn:aws:iam::444455556666:oidc-provider/token.actions.githubusercontent.com",
    "arn:aws:iam::111122223333:saml-provider/corp",
    "ec2.amazonaws.com",
];

/// Request actions; the policy side draws from [`POLICY_ACTIONS`].
const ACTIONS: &[&str] = &[
    "sts:AssumeRoleWithWebIdentity",
    "sts:TagSession",
    "sts:SetSourceIdentity",
    "sts:AssumeRole",
    "STS:assumerolewithwebidentity",
    "s3:GetObject",
];

const POLICY_ACTIONS: &[&str] = &[
    "sts:AssumeRoleWithWebIdentity",
    "sts:AssumeRole*",
    "sts:*",
    "*",
    "sts:TagSession",
    "STS:assumerolewithwebidentity",
    "sts:Assume?oleWithWebIdentity",
    "sts:SetSourceIdentity",
    // Invalid under R1.14.
    "sts:TagSessions",
    "s3:GetObject",
];

/// A condition operator family, with its valid and invalid policy values
/// and plausible context values.
struct Family {
    bases: &'static [&'static str],
    valid: &'static [&'static str],
    invalid: &'static [&'static str],
    context: &'static [&'static str],
}

const STRING: Family = Family {
    bases: &[
        "StringEquals",
        "StringNotEquals",
        "StringEqualsIgnoreCase",
        "StringNotEqualsIgnoreCase",
        "StringLike",
        "StringNotLike",
    ],
    valid: &[],
    invalid: &[],
    context: &[],
};
const NUMERIC: Family = Family {
    bases: &[
        "NumericEquals",
        "NumericNotEquals",
        "NumericLessThan",
        "NumericLessThanEquals",
        "NumericGreaterThan",
        "NumericGreaterThanEquals",
    ],
    valid: &["10", "3.5", "-1", "0", "10.0", "1704067200"],
    invalid: &["abc", "1e3", "1.", ""],
    context: &["10", "3.5", "-1", "0", "11", "9.99", "x", "1704067200"],
};
const DATE: Family = Family {
    bases: &[
        "DateEquals",
        "DateNotEquals",
        "DateLessThan",
        "DateLessThanEquals",
        "DateGreaterThan",
        "DateGreaterThanEquals",
    ],
    valid: &[
        "2024-01-01T00:00:00Z",
        "1704067200",
        "2024-01-01",
        "2024-01-01T01:00:00+01:00",
        "2030",
    ],
    invalid: &["2024-13-01", "yesterday", "2024-01-01Z"],
    context: &[
        "2024-01-01T00:00:00Z",
        "1704067200",
        "2025-06-01T12:00:00Z",
        "2023-12-31T23:59:59.5Z",
        "not a date",
    ],
};
const BOOL: Family = Family {
    bases: &["Bool"],
    valid: &["true", "false", "TRUE", "${aws:SecureTransport}"],
    invalid: &["yes", "1"],
    context: &["true", "false", "True", "maybe"],
};
const BINARY: Family = Family {
    bases: &["BinaryEquals"],
    valid: &["dGVzdA==", "ZGV2"],
    invalid: &["###", "dGVzdA"],
    context: &["test", "dev", "dGVzdA=="],
};
const IP: Family = Family {
    bases: &["IpAddress", "NotIpAddress"],
    valid: &[
        "203.0.113.0/24",
        "203.0.113.7",
        "2001:db8::/32",
        "0.0.0.0/0",
        "::/0",
    ],
    invalid: &["1.2.3.4/33", "203.0.113", "${aws:SourceIp}"],
    context: &[
        "203.0.113.7",
        "198.51.100.1",
        "2001:db8::1",
        "::ffff:203.0.113.7",
        "nope",
    ],
};
const ARN: Family = Family {
    bases: &["ArnEquals", "ArnNotEquals", "ArnLike", "ArnNotLike"],
    valid: &[
        "arn:aws:iam::111122223333:role/*",
        "arn:aws:sts::*:assumed-role/app/*",
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        "arn:*:iam::111122223333:*",
        "arn:aws:iam::${aws:RequestTag/team, '111122223333'}:role/app",
        "arn:aws:s?s::111122223333:*",
    ],
    invalid: &["arn:aws:iam", "role/app"],
    context: &[
        "arn:aws:iam::111122223333:role/app",
        "arn:aws:sts::111122223333:assumed-role/app/s1",
        "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com",
        "arn:aws:iam::111122223333:role/a:b",
        "not:an:arn",
    ],
};
const NULL: Family = Family {
    bases: &["Null"],
    valid: &["true", "false", "TRUE"],
    invalid: &["maybe"],
    context: &["", "x"],
};

const FAMILIES: &[&Family] = &[
    &STRING, &STRING, &STRING, &STRING, &NUMERIC, &DATE, &BOOL, &BINARY, &IP, &ARN, &NULL,
];

/// Policy variables and escapes that string and ARN values may hold
/// (docs/DECISIONS.md R4), some of them malformed (R1.17).
const VARIABLES: &[&str] = &[
    "${token.actions.githubusercontent.com:repository}",
    "${aws:RequestTag/team, 'dev'}",
    "${sts:RoleSessionName}",
    "${AWS:requesttag/TEAM}",
    "${cognito-identity.amazonaws.com:amr}",
    "${aws:FederatedProvider, ''}",
    "${*}",
    "${?}",
    "${$}",
    "$}",
    // Malformed: refused under 2012-10-17, literal text otherwise.
    "${",
    "${}",
    "${a b}",
    "${k,'d'}",
];

/// A generated policy and the requests to evaluate against it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scenario {
    /// The policy, as JSON text.
    pub policy_json: String,
    /// The requests.
    pub requests: Vec<Request>,
}

/// A tiny JSON tree that may hold duplicate member names and keeps order,
/// which `serde_json::Value` cannot.
#[derive(Debug, Clone)]
enum Json {
    Str(String),
    /// A number or boolean, written as is.
    Raw(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn write(&self, out: &mut String) {
        match self {
            Json::Str(s) => out.push_str(&quote(s)),
            Json::Raw(r) => out.push_str(r),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(k));
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
}

/// Random choices over an `Unstructured`, total: an exhausted input gives
/// the first option.
struct Pick<'a, 'b> {
    u: &'b mut Unstructured<'a>,
}

impl Pick<'_, '_> {
    /// A number in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n <= 1 {
            return 0;
        }
        self.u.int_in_range(0..=n - 1).unwrap_or(0)
    }

    /// True with probability about `percent`%; false on an exhausted input.
    fn chance(&mut self, percent: u16) -> bool {
        self.permille(percent * 10)
    }

    /// True with probability about `n`/1000; false on an exhausted input.
    fn permille(&mut self, n: u16) -> bool {
        let roll: u16 = self.u.int_in_range(0..=999).unwrap_or(999);
        roll < n
    }

    /// One of `items` ("" for an empty table, which never happens).
    fn one(&mut self, items: &[&'static str]) -> &'static str {
        let i = self.below(items.len());
        items.get(i).copied().unwrap_or_default()
    }

    fn family(&mut self) -> &'static Family {
        let i = self.below(FAMILIES.len());
        FAMILIES.get(i).copied().unwrap_or(&STRING)
    }
}

/// Spells a key in varied case: as is, lower, upper, or one letter flipped.
fn vary_case(p: &mut Pick<'_, '_>, key: &str) -> String {
    match p.below(6) {
        0..=2 => key.to_owned(),
        3 => key.to_lowercase(),
        4 => key.to_uppercase(),
        _ => {
            let n = key.chars().count();
            let at = p.below(n);
            key.chars()
                .enumerate()
                .map(|(i, c)| {
                    if i == at {
                        if c.is_lowercase() {
                            c.to_uppercase().next().unwrap_or(c)
                        } else {
                            c.to_lowercase().next().unwrap_or(c)
                        }
                    } else {
                        c
                    }
                })
                .collect()
        }
    }
}

/// A `StringLike` pattern derived from a pool string so that it matches the
/// string (or a near miss) often.
fn derive_pattern(p: &mut Pick<'_, '_>, s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let at = p.below(n + 1);
    let mut out = chars.clone();
    match p.below(7) {
        0 => {}
        1 if n > 0 => {
            if let Some(c) = out.get_mut(at.min(n - 1)) {
                *c = '*';
            }
        }
        2 if n > 0 => {
            if let Some(c) = out.get_mut(at.min(n - 1)) {
                *c = '?';
            }
        }
        3 => out.insert(at.min(n), '*'),
        4 if n > 0 => {
            out.remove(at.min(n - 1));
        }
        5 => {
            // Keep a prefix, then `*`: the common `repo:o/r:*` shape.
            out.truncate(at);
            out.push('*');
        }
        _ => out.insert(0, '*'),
    }
    out.into_iter().collect()
}

/// What the policy mentions, so requests can hit it.
#[derive(Default)]
struct Mentions {
    principals: Vec<String>,
    /// Key, and values worth sending for it.
    keys: Vec<(String, Vec<String>)>,
}

impl Mentions {
    fn key(&mut self, key: &str, values: impl IntoIterator<Item = String>) {
        let folded = key.to_lowercase();
        match self
            .keys
            .iter_mut()
            .find(|(k, _)| k.to_lowercase() == folded)
        {
            Some((_, vs)) => vs.extend(values),
            None => self
                .keys
                .push((key.to_owned(), values.into_iter().collect())),
        }
    }
}

fn principal(p: &mut Pick<'_, '_>, m: &mut Mentions) -> Json {
    let pick_principal = |p: &mut Pick<'_, '_>, m: &mut Mentions| {
        let v = p.one(PRINCIPALS).to_owned();
        m.principals.push(v.clone());
        v
    };
    let kind_for = |v: &str| {
        if v.starts_with("arn:aws:iam::111122223333:role") || v.starts_with("arn:aws:sts") {
            "AWS"
        } else if v.ends_with(".amazonaws.com") && v.starts_with("ec2") {
            "Service"
        } else {
            "Federated"
        }
    };
    match p.below(13) {
        0 => Json::Str("*".into()),
        1 => Json::Obj(vec![("AWS".into(), Json::Str("*".into()))]),
        2 => {
            m.principals
                .push("arn:aws:iam::111122223333:role/app".into());
            let v = if p.chance(50) {
                "111122223333"
            } else {
                "arn:aws:iam::111122223333:root"
            };
            Json::Obj(vec![("AWS".into(), Json::Str(v.into()))])
        }
        3 => Json::Obj(vec![]),
        4 => Json::Obj(vec![("Federated".into(), Json::Arr(vec![]))]),
        5 => {
            let a = pick_principal(p, m);
            let b = pick_principal(p, m);
            let kind = kind_for(&a);
            let mut values = vec![Json::Str(a)];
            if kind_for(&b) == kind {
                values.push(Json::Str(b));
            }
            Json::Obj(vec![(kind.into(), Json::Arr(values))])
        }
        6 => {
            let a = pick_principal(p, m);
            let b = pick_principal(p, m);
            let (ka, kb) = (kind_for(&a), kind_for(&b));
            if ka == kb {
                Json::Obj(vec![(
                    ka.into(),
                    Json::Arr(vec![Json::Str(a), Json::Str(b)]),
                )])
            } else {
                Json::Obj(vec![(ka.into(), Json::Str(a)), (kb.into(), Json::Str(b))])
            }
        }
        // Invalid (R1.5), rarely.
        7 if p.chance(10) => Json::Str("arn:aws:iam::111122223333:root".into()),
        _ => {
            let a = pick_principal(p, m);
            Json::Obj(vec![(kind_for(&a).into(), Json::Str(a))])
        }
    }
}

fn action(p: &mut Pick<'_, '_>) -> (String, Json) {
    let name = if p.chance(85) { "Action" } else { "NotAction" };
    let value = match p.below(6) {
        0 => Json::Arr(vec![]),
        1 | 2 => {
            let n = 1 + p.below(3);
            let valid = POLICY_ACTIONS
                .get(..POLICY_ACTIONS.len() - 2)
                .unwrap_or_default();
            Json::Arr((0..n).map(|_| Json::Str(p.one(valid).into())).collect())
        }
        _ => {
            // Mostly valid: the invalid ones sit at the end of the table.
            let i = if p.chance(97) {
                p.below(POLICY_ACTIONS.len() - 2)
            } else {
                p.below(POLICY_ACTIONS.len())
            };
            Json::Str(POLICY_ACTIONS.get(i).copied().unwrap_or("*").into())
        }
    };
    (name.into(), value)
}

/// A value for a string operator, and the plain string it came from.
fn string_value(p: &mut Pick<'_, '_>, base: &str, key: &str) -> (Json, String) {
    // The malformed variables sit at the end of the table: rarely.
    let variables = if p.chance(90) {
        VARIABLES.get(..VARIABLES.len() - 4).unwrap_or_default()
    } else {
        VARIABLES
    };
    let source = match p.below(8) {
        0 => p.one(variables).to_owned(),
        1 => format!("{}{}", p.one(POOL), p.one(variables)),
        2 => key.to_owned(),
        _ => p.one(POOL).to_owned(),
    };
    let text = if base.contains("Like") && p.chance(70) {
        derive_pattern(p, &source)
    } else if base.contains("IgnoreCase") && p.chance(40) {
        source.to_uppercase()
    } else {
        source.clone()
    };
    (Json::Str(text), source)
}

fn typed_value(p: &mut Pick<'_, '_>, f: &Family) -> (Json, String) {
    let text = if !f.invalid.is_empty() && p.permille(15) {
        p.one(f.invalid)
    } else {
        p.one(f.valid)
    };
    // Numbers and booleans are also written as JSON numbers and booleans.
    let as_raw = p.chance(30)
        && (serde_json::from_str::<serde_json::Number>(text).is_ok()
            || text == "true"
            || text == "false");
    let json = if as_raw {
        Json::Raw(text.into())
    } else {
        Json::Str(text.into())
    };
    (json, text.into())
}

fn condition(p: &mut Pick<'_, '_>, m: &mut Mentions) -> Json {
    let n_ops = match p.below(10) {
        0..=5 => 1,
        6..=8 => 2,
        _ => 3,
    };
    let mut ops = Vec::new();
    for _ in 0..n_ops {
        let family = p.family();
        let base = p.one(family.bases);
        let qualifier = match p.below(10) {
            0 => "ForAnyValue:",
            1 => "ForAllValues:",
            _ => "",
        };
        let if_exists = base != "Null" && p.chance(15);
        let mut name = format!(
            "{qualifier}{base}{}",
            if if_exists { "IfExists" } else { "" }
        );
        if p.permille(6) {
            name = match p.below(3) {
                0 => name.to_lowercase(),
                1 => "NullIfExists".into(),
                _ => format!("{name}s"),
            };
        }
        let n_keys = if p.chance(20) { 2 } else { 1 };
        let mut keys = Vec::new();
        for _ in 0..n_keys {
            let key = p.one(KEYS);
            let written = vary_case(p, key);
            if keys
                .iter()
                .any(|(k, _): &(String, Json)| k.to_lowercase() == key.to_lowercase())
            {
                continue;
            }
            // Now and then enough values for the engine's `PatternSet`
            // literal index and globset (`GLOBSET_THRESHOLD` is 20).
            let many = std::ptr::eq(family, &STRING) && p.chance(3);
            let n_values = match p.below(10) {
                _ if many => 20 + p.below(6),
                0 => 0,
                1 | 2 => 2,
                3 => 3,
                _ => 1,
            };
            let mut values = Vec::new();
            let mut sources = Vec::new();
            for _ in 0..n_values {
                let (json, source) = if std::ptr::eq(family, &STRING) {
                    string_value(p, base, key)
                } else {
                    typed_value(p, family)
                };
                values.push(json);
                sources.push(source);
            }
            sources.extend(family.context.iter().map(|s| (*s).to_owned()));
            for var in sources.clone().iter().filter_map(|s| variable_name(s)) {
                m.key(&var, POOL.iter().take(6).map(|s| (*s).to_owned()));
            }
            m.key(key, sources);
            let value = if n_values == 1 && p.chance(75) {
                values.pop().unwrap_or(Json::Arr(vec![]))
            } else {
                Json::Arr(values)
            };
            keys.push((written.clone(), value.clone()));
            // An accidental case-duplicate now and then (R1.3).
            if p.permille(5) {
                keys.push((written.to_uppercase(), value));
            }
        }
        // Repeating an operator name is a duplicate member (R1.3): rarely.
        if ops.iter().any(|(n, _)| *n == name) && !p.chance(2) {
            continue;
        }
        ops.push((name, Json::Obj(keys)));
    }
    Json::Obj(ops)
}

/// The name inside the first `${NAME...}` of `s`, if any.
fn variable_name(s: &str) -> Option<String> {
    let start = s.find("${")? + 2;
    let rest = s.get(start..)?;
    let end = rest.find(['}', ','])?;
    let name = rest.get(..end)?;
    (!name.is_empty() && !"*?$".contains(name)).then(|| name.to_owned())
}

fn statement(p: &mut Pick<'_, '_>, m: &mut Mentions, index: usize) -> Json {
    let mut members = Vec::new();
    if p.chance(30) {
        let sid = match p.below(60) {
            0 => "bad sid".to_owned(),
            1 => "S0".to_owned(),
            _ => format!("S{index}"),
        };
        members.push(("Sid".into(), Json::Str(sid)));
    }
    let effect = match p.below(150) {
        0 => "allow",
        1..=60 => "Deny",
        _ => "Allow",
    };
    members.push(("Effect".into(), Json::Str(effect.into())));
    if !p.chance(1) {
        members.push(("Principal".into(), principal(p, m)));
    }
    let (name, value) = action(p);
    members.push((name, value));
    if p.chance(75) {
        members.push(("Condition".into(), condition(p, m)));
    }
    Json::Obj(members)
}

/// Generates a policy and its requests from the choices in `u`.
pub fn scenario(u: &mut Unstructured<'_>) -> Scenario {
    let mut p = Pick { u };
    let mut m = Mentions::default();
    let mut top = Vec::new();
    match p.below(40) {
        0..=3 => top.push(("Version".into(), Json::Str("2008-10-17".into()))),
        4..=7 => {}
        8 => top.push(("Version".into(), Json::Str("2013-01-01".into()))),
        _ => top.push(("Version".into(), Json::Str("2012-10-17".into()))),
    }
    let n = 1 + p.below(3);
    let statements: Vec<Json> = (0..n).map(|i| statement(&mut p, &mut m, i)).collect();
    let statement = match statements.as_slice() {
        [one] if p.chance(15) => one.clone(),
        _ => Json::Arr(statements),
    };
    top.push(("Statement".into(), statement));
    let mut policy_json = String::new();
    Json::Obj(top).write(&mut policy_json);
    let n_requests = 1 + p.below(6);
    let requests = (0..n_requests).map(|_| request(&mut p, &m)).collect();
    Scenario {
        policy_json,
        requests,
    }
}

fn request(p: &mut Pick<'_, '_>, m: &Mentions) -> Request {
    let principal = match m.principals.as_slice() {
        [] => p.one(PRINCIPALS).to_owned(),
        known if p.chance(88) => known.get(p.below(known.len())).cloned().unwrap_or_default(),
        _ => p.one(PRINCIPALS).to_owned(),
    };
    let action = if p.chance(80) {
        ACTIONS.first().copied().unwrap_or_default().to_owned()
    } else {
        p.one(ACTIONS).to_owned()
    };
    let mut context: Vec<(String, ContextValue)> = Vec::new();
    for (key, candidates) in &m.keys {
        // Drop keys on purpose so the missing-key rules run.
        if p.chance(15) {
            continue;
        }
        let value = |p: &mut Pick<'_, '_>| {
            if !candidates.is_empty() && p.chance(75) {
                candidates
                    .get(p.below(candidates.len()))
                    .cloned()
                    .unwrap_or_default()
            } else if p.chance(10) {
                p.one(REQUEST_ONLY).to_owned()
            } else {
                p.one(POOL).to_owned()
            }
        };
        let is_multi =
            key.to_lowercase().ends_with(":amr") || key.eq_ignore_ascii_case("aws:TagKeys");
        let v = if (is_multi && p.chance(85)) || p.chance(15) {
            let n = p.below(4);
            ContextValue::Multi((0..n).map(|_| value(p)).collect())
        } else {
            ContextValue::Single(value(p))
        };
        context.push((vary_case(p, key), v));
    }
    if p.chance(10) {
        context.push((
            p.one(KEYS).to_owned(),
            ContextValue::Single(p.one(POOL).into()),
        ));
    }
    Request {
        principal,
        action,
        context,
    }
}

/// Requests for a policy given as text: the keys, principals and policy
/// variables it mentions (found by reading it loosely as JSON, if it is
/// JSON), plus a fixed set, with values chosen by `u`. Used where the
/// policy comes from outside the generator (fuzzed JSON, seed files).
pub fn requests_for_text(policy_json: &str, u: &mut Unstructured<'_>) -> Vec<Request> {
    let mut m = Mentions::default();
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(policy_json) {
        collect_mentions(&v, &mut m, None);
    }
    m.principals
        .extend(PRINCIPALS.iter().take(3).map(|s| (*s).to_owned()));
    let mut p = Pick { u };
    let n = 2 + p.below(5);
    let mut out: Vec<Request> = (0..n).map(|_| request(&mut p, &m)).collect();
    out.extend(fixed_requests(&m));
    out
}

/// Requests that do not depend on random choices: every mentioned key set
/// to its first candidate value, and an empty context.
fn fixed_requests(m: &Mentions) -> Vec<Request> {
    let full: Vec<(String, ContextValue)> = m
        .keys
        .iter()
        .map(|(k, vs)| {
            let v = vs.first().cloned().unwrap_or_default();
            (k.clone(), ContextValue::Single(v))
        })
        .collect();
    let principal = m.principals.first().cloned().unwrap_or_default();
    vec![
        Request {
            principal: principal.clone(),
            action: "sts:AssumeRoleWithWebIdentity".into(),
            context: full,
        },
        Request {
            principal,
            action: "sts:AssumeRoleWithWebIdentity".into(),
            context: Vec::new(),
        },
    ]
}

fn collect_mentions(v: &serde_json::Value, m: &mut Mentions, under: Option<&str>) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                match (under, k.as_str()) {
                    (_, "Principal") => {
                        let mut strings = Vec::new();
                        strings_in(child, &mut strings);
                        m.principals.extend(strings);
                    }
                    (Some("op"), key) => {
                        let mut strings = Vec::new();
                        strings_in(child, &mut strings);
                        for var in strings.iter().filter_map(|s| variable_name(s)) {
                            m.key(&var, POOL.iter().take(6).map(|s| (*s).to_owned()));
                        }
                        m.key(key, strings);
                    }
                    (_, "Condition") => {
                        if let Value::Object(ops) = child {
                            for keys in ops.values() {
                                collect_mentions(keys, m, Some("op"));
                            }
                        }
                    }
                    _ => collect_mentions(child, m, None),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_mentions(i, m, under)),
        _ => {}
    }
}

fn strings_in(v: &serde_json::Value, out: &mut Vec<String>) {
    use serde_json::Value;
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Number(n) => out.push(n.to_string()),
        Value::Bool(b) => out.push(b.to_string()),
        Value::Array(items) => items.iter().for_each(|i| strings_in(i, out)),
        Value::Object(map) => map.values().for_each(|i| strings_in(i, out)),
        Value::Null => {}
    }
}

/// A proptest strategy for [`Scenario`]s: random bytes fed to
/// [`scenario`]. Shrinking the bytes towards zero simplifies the choices.
pub fn scenario_strategy() -> impl Strategy<Value = Scenario> {
    proptest::collection::vec(proptest::num::u8::ANY, 16..600)
        .prop_map(|bytes| scenario(&mut Unstructured::new(&bytes)))
}

/// A generated scenario from a 32-byte seed, without a proptest runner
/// around it (for tools and benches that want reproducible samples).
pub fn scenario_from_seed(seed: u64) -> Scenario {
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let mut bytes = [0u8; 32];
    for (i, b) in seed.to_le_bytes().iter().enumerate() {
        if let Some(slot) = bytes.get_mut(i) {
            *slot = *b;
        }
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &bytes);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    match scenario_strategy().new_tree(&mut runner) {
        Ok(tree) => tree.current(),
        Err(_) => scenario(&mut Unstructured::new(&[])),
    }
}
