//! Inputs that grow along one dimension, for `benches/benches/scale.rs`, the
//! peak-memory driver `benches/examples/scale_rss.rs` and the whole-process
//! script `scripts/bench-process.sh`.
//!
//! Every generator is deterministic, so two runs measure the same bytes.

use std::fmt::Write as _;

use rolecall_eval::request::{Request, RequestError};

use crate::{ACTION, GH, IRSA, P_EKS, P_GH};

/// The parser's default input cap (`rolecall_policy::DEFAULT_MAX_INPUT_BYTES`).
pub const MAX_POLICY_BYTES: usize = rolecall_policy::DEFAULT_MAX_INPUT_BYTES;

/// The issuer of the synthetic policies below.
const ISS: &str = "oidc.example.com";

/// The provider ARN for `ISS`.
pub const P_ISS: &str = "arn:aws:iam::111122223333:oidc-provider/oidc.example.com";

/// A policy of `statements` statements with `conditions` conditions each
/// (the first half `StringEquals`, the rest `StringLike`), compact JSON.
///
/// Keys are `oidc.example.com:claimNN`; every statement asks the same
/// values except for the last key, whose pattern `s<i>-*` names the
/// statement. [`statements_request`] therefore satisfies all but the last
/// condition of every statement but the last: the worst case for an
/// evaluator that stops at the first failing condition.
pub fn statements_policy(statements: usize, conditions: usize) -> String {
    let conditions = conditions.max(1);
    let equals = conditions / 2;
    let mut out = String::with_capacity(statements * (120 + conditions * 45));
    out.push_str(r#"{"Version":"2012-10-17","Statement":["#);
    for i in 0..statements {
        if i > 0 {
            out.push(',');
        }
        let _ = write!(
            out,
            r#"{{"Effect":"Allow","Principal":{{"Federated":"{P_ISS}"}},"Action":"{ACTION}","Condition":{{"#
        );
        if equals > 0 {
            out.push_str(r#""StringEquals":{"#);
            for j in 0..equals {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, r#""{ISS}:claim{j:02}":"value-{j:02}""#);
            }
            out.push_str("},");
        }
        out.push_str(r#""StringLike":{"#);
        for j in equals..conditions {
            if j > equals {
                out.push(',');
            }
            if j + 1 == conditions {
                let _ = write!(out, r#""{ISS}:claim{j:02}":"s{i}-*""#);
            } else {
                let _ = write!(out, r#""{ISS}:claim{j:02}":"value-{j:02}*""#);
            }
        }
        out.push_str("}}}");
    }
    out.push_str("]}");
    out
}

/// The request for [`statements_policy`]: allowed by the last statement
/// only.
///
/// # Errors
///
/// Never for these inputs; the builder's error is passed on.
pub fn statements_request(statements: usize, conditions: usize) -> Result<Request, RequestError> {
    let conditions = conditions.max(1);
    let mut b = Request::builder().principal(P_ISS).action(ACTION);
    for j in 0..conditions {
        let value = if j + 1 == conditions {
            format!("s{}-x", statements.saturating_sub(1))
        } else {
            format!("value-{j:02}")
        };
        b = b.value(format!("{ISS}:claim{j:02}"), value);
    }
    b.build()
}

/// A GitHub policy with one `StringLike` condition on `sub` listing `n`
/// patterns (`repo:octo-org/app<i>:ref:refs/heads/*`).
pub fn string_like_policy(n: usize) -> String {
    let mut values = String::with_capacity(n * 45);
    for i in 0..n {
        if i > 0 {
            values.push(',');
        }
        let _ = write!(values, r#""repo:octo-org/app{i}:ref:refs/heads/*""#);
    }
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P_GH}"}},"Action":"{ACTION}","Condition":{{"StringLike":{{"{GH}:sub":[{values}]}}}}}}]}}"#
    )
}

/// A GitHub request with the given `sub` only.
///
/// # Errors
///
/// Never for these inputs; the builder's error is passed on.
pub fn sub_request(sub: &str) -> Result<Request, RequestError> {
    Request::builder()
        .principal(P_GH)
        .action(ACTION)
        .value(format!("{GH}:sub"), sub)
        .build()
}

/// The policy for [`long_claim`]: `sub` must be `StringLike`
/// `repo:octo-org/*:ref:refs/heads/main`, or `StringEquals` a fixed
/// value (two statements, so both operators run on the long value).
pub fn long_claim_policy() -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P_GH}"}},"Action":"{ACTION}","Condition":{{"StringLike":{{"{GH}:sub":"repo:octo-org/*:ref:refs/heads/main"}}}}}},{{"Effect":"Allow","Principal":{{"Federated":"{P_GH}"}},"Action":"{ACTION}","Condition":{{"StringEquals":{{"{GH}:sub":"repo:octo-org/app:ref:refs/heads/main"}}}}}}]}}"#
    )
}

/// A `sub` claim of exactly `len` ASCII chars (`len >= 32`) that neither
/// statement of [`long_claim_policy`] allows: it starts like a match and
/// ends in `:ref:refs/heads/mainX`, so the wildcard scan runs to the end.
pub fn long_claim(len: usize) -> String {
    let head = "repo:octo-org/";
    let tail = ":ref:refs/heads/mainX";
    let fill = len.saturating_sub(head.len() + tail.len());
    let mut s = String::with_capacity(len);
    s.push_str(head);
    s.extend(std::iter::repeat_n('a', fill));
    s.push_str(tail);
    s
}

/// A policy with conditions on the first and last key of
/// [`wide_context_json`]`(n)` (both `StringEquals`).
pub fn wide_context_policy(n: usize) -> String {
    let last = n.saturating_sub(1);
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P_ISS}"}},"Action":"{ACTION}","Condition":{{"StringEquals":{{"{ISS}:key0000":"v0","{ISS}:key{last:04}":"v{last}"}}}}}}]}}"#
    )
}

/// A request as JSON (`Request::from_json`) with `n` context keys
/// `oidc.example.com:keyNNNN` = `vN`, in reverse order so the reader's
/// sorted insert does real work.
pub fn wide_context_json(n: usize) -> String {
    let mut ctx = String::with_capacity(n * 32);
    for i in (0..n).rev() {
        if i + 1 < n {
            ctx.push(',');
        }
        let _ = write!(ctx, r#""{ISS}:key{i:04}":"v{i}""#);
    }
    format!(r#"{{"principal":"{P_ISS}","action":"{ACTION}","context":{{{ctx}}}}}"#)
}

/// One `rolecall eval --batch` line for the IRSA policy, with `sub` =
/// `system:serviceaccount:default:sa-<i>` (every 10th line is the trusted
/// service account, so the output mixes Allow and ImplicitDeny).
pub fn batch_line(i: usize) -> String {
    // The policy is sent compact, as a JSON client would.
    let policy = compact(IRSA);
    let sub = if i.is_multiple_of(10) {
        crate::SA.to_owned()
    } else {
        format!("system:serviceaccount:default:sa-{i}")
    };
    format!(
        r#"{{"id":{i},"policy":{policy},"principal":"{P_EKS}","action":"{ACTION}","context":{{"{eks}:aud":"sts.amazonaws.com","{eks}:sub":"{sub}"}}}}"#,
        eks = crate::EKS
    )
}

/// `text` without the whitespace between JSON tokens (the fixtures hold
/// no whitespace inside strings).
fn compact(text: &str) -> String {
    text.split_whitespace().collect()
}

/// An `aws iam get-account-authorization-details` dump with `roles` roles,
/// shaped like the CLI's output: every role has the usual fields; its trust
/// policy is a GitHub, IRSA or service policy in turn, and every other one
/// is URL-encoded as the raw API returns it.
pub fn account_dump(roles: usize) -> String {
    let mut out = String::with_capacity(roles * 1400);
    out.push_str(
        "{\n  \"UserDetailList\": [],\n  \"GroupDetailList\": [],\n  \"RoleDetailList\": [\n",
    );
    for i in 0..roles {
        if i > 0 {
            out.push_str(",\n");
        }
        let policy = match i % 3 {
            0 => format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"Federated":"{P_GH}"}},"Action":"{ACTION}","Condition":{{"StringEquals":{{"{GH}:aud":"sts.amazonaws.com"}},"StringLike":{{"{GH}:sub":"repo:acme/app{i}:ref:refs/heads/main"}}}}}}]}}"#
            ),
            1 => compact(IRSA).replace("my-service-account", &format!("sa-{i}")),
            _ => r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#.to_owned(),
        };
        let doc = if i % 2 == 0 {
            policy
        } else {
            format!("\"{}\"", url_encode(&policy))
        };
        let _ = write!(
            out,
            r#"    {{
      "Path": "/",
      "RoleName": "role-{i}",
      "RoleId": "AROA{i:017}",
      "Arn": "arn:aws:iam::111122223333:role/role-{i}",
      "CreateDate": "2024-01-01T00:00:00+00:00",
      "AssumeRolePolicyDocument": {doc},
      "InstanceProfileList": [],
      "RolePolicyList": [],
      "AttachedManagedPolicies": [{{"PolicyName": "ReadOnlyAccess", "PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}}],
      "Tags": [{{"Key": "team", "Value": "team-{t}"}}],
      "RoleLastUsed": {{}}
    }}"#,
            t = i % 17
        );
    }
    out.push_str("\n  ],\n  \"Policies\": []\n}\n");
    out
}

/// Percent-encodes everything but unreserved characters, as IAM's API
/// encodes policy documents.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rolecall_eval::{evaluate, CompiledPolicy, Decision};

    #[test]
    fn the_largest_statement_policy_fits_the_input_cap() {
        let text = statements_policy(1_000, 20);
        assert!(text.len() <= MAX_POLICY_BYTES, "{} bytes", text.len());
        let policy = CompiledPolicy::from_json(&text).unwrap();
        assert_eq!(policy.statement_count(), 1_000);
        let allowed = statements_request(1_000, 20).unwrap();
        assert_eq!(evaluate(&policy, &allowed), Decision::Allow);
        let denied = statements_request(1_001, 20).unwrap();
        assert_eq!(evaluate(&policy, &denied), Decision::ImplicitDeny);
    }

    #[test]
    fn string_like_and_long_claim_policies_decide_as_designed() {
        let policy = CompiledPolicy::from_json(&string_like_policy(1_000)).unwrap();
        let yes = sub_request("repo:octo-org/app999:ref:refs/heads/x").unwrap();
        let no = sub_request("repo:octo-org/other:ref:refs/heads/x").unwrap();
        assert_eq!(evaluate(&policy, &yes), Decision::Allow);
        assert_eq!(evaluate(&policy, &no), Decision::ImplicitDeny);

        let claim = long_claim(1_000);
        assert_eq!(claim.len(), 1_000);
        let policy = CompiledPolicy::from_json(&long_claim_policy()).unwrap();
        let req = sub_request(&claim).unwrap();
        assert_eq!(evaluate(&policy, &req), Decision::ImplicitDeny);
        let req = sub_request(claim.trim_end_matches('X')).unwrap();
        assert_eq!(evaluate(&policy, &req), Decision::Allow);
    }

    #[test]
    fn wide_context_is_read_and_both_ends_are_found() {
        let req = Request::from_json(&wide_context_json(100)).unwrap();
        assert_eq!(req.context().len(), 100);
        let policy = CompiledPolicy::from_json(&wide_context_policy(100)).unwrap();
        assert_eq!(evaluate(&policy, &req), Decision::Allow);
        let other = CompiledPolicy::from_json(&wide_context_policy(101)).unwrap();
        assert_eq!(evaluate(&other, &req), Decision::ImplicitDeny);
    }

    #[test]
    fn batch_lines_and_dumps_are_json() {
        let line: serde_json::Value = serde_json::from_str(&batch_line(3)).unwrap();
        assert_eq!(line["id"], 3);
        assert_eq!(line["policy"]["Statement"][0]["Effect"], "Allow");
        let dump: serde_json::Value = serde_json::from_str(&account_dump(6)).unwrap();
        let roles = dump["RoleDetailList"].as_array().unwrap();
        assert_eq!(roles.len(), 6);
        assert!(roles[1]["AssumeRolePolicyDocument"]
            .as_str()
            .unwrap()
            .starts_with("%7B"));
    }
}
