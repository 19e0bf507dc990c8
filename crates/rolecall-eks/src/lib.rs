#![doc = include_str!("../README.md")]
#![deny(missing_docs)]

use std::collections::BTreeMap;

use rolecall_eval::claims::{read_json_strict, ClaimRules, RoleAccount, WebIdentity};
use rolecall_eval::request::Request;
use rolecall_eval::{explain, CompiledPolicy, Decision, Explanation};
use rolecall_sts::ProviderRegistry;
use serde_json::{json, Map, Value};

pub mod index;
pub mod pod_identity;
pub mod pods;

/// The annotation naming the role a service account's pods assume.
pub const ROLE_ARN_ANNOTATION: &str = "eks.amazonaws.com/role-arn";
/// The annotation that changes the projected token's audience.
pub const AUDIENCE_ANNOTATION: &str = "eks.amazonaws.com/audience";
/// The audience of the projected token when [`AUDIENCE_ANNOTATION`] is absent.
pub const DEFAULT_AUDIENCE: &str = "sts.amazonaws.com";

/// Most service accounts one input may hold. A 10,000-service-account cluster is far below it;
/// past it the input is refused rather than read without end.
pub const MAX_SERVICE_ACCOUNTS: usize = 100_000;

/// Why an input could not be read. Messages name the place in the input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EksError {
    /// JSON that does not parse, or repeats a member name.
    #[error("{0}")]
    Json(#[from] rolecall_eval::claims::StrictJsonError),
    /// YAML that does not parse (or nests too deep, or repeats a key).
    #[error("{0}")]
    Yaml(#[from] rolecall_audit::source::YamlError),
    /// The input parses but is not of the expected shape.
    #[error("{0}")]
    Shape(String),
}

fn shape(message: impl Into<String>) -> EksError {
    EksError::Shape(message.into())
}

/// A cluster, as `aws eks describe-cluster` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cluster {
    /// `cluster.name`.
    pub name: String,
    /// `cluster.arn`.
    pub arn: String,
    /// `cluster.identity.oidc.issuer`, with `https://`.
    pub issuer: String,
}

impl Cluster {
    /// The issuer without `https://`: the provider name STS looks up and the prefix of the
    /// condition keys (`ISSUER:sub`).
    pub fn provider(&self) -> &str {
        self.issuer.strip_prefix("https://").unwrap_or(&self.issuer)
    }
}

/// Reads `aws eks describe-cluster` output (`{"cluster": {...}}`); strict JSON (a repeated
/// member is an error).
///
/// # Errors
///
/// Not JSON, or no `cluster.name`, `cluster.arn` or `https://` `cluster.identity.oidc.issuer`.
pub fn read_cluster(text: &str) -> Result<Cluster, EksError> {
    let v = read_json_strict(text.as_bytes())?;
    let c = v
        .get("cluster")
        .filter(|c| c.is_object())
        .ok_or_else(|| shape("not `aws eks describe-cluster` output: no `cluster` object"))?;
    let string = |path: &[&str]| -> Result<String, EksError> {
        let mut at = c;
        for p in path {
            at = at.get(p).unwrap_or(&Value::Null);
        }
        at.as_str().map(str::to_owned).ok_or_else(|| {
            shape(format!(
                "`cluster.{}` is missing or not a string",
                path.join(".")
            ))
        })
    };
    let issuer = string(&["identity", "oidc", "issuer"])?;
    if !issuer.starts_with("https://") || issuer.len() == "https://".len() {
        return Err(shape(format!(
            "`cluster.identity.oidc.issuer` `{issuer}` is not an `https://` URL"
        )));
    }
    Ok(Cluster {
        name: string(&["name"])?,
        arn: string(&["arn"])?,
        issuer,
    })
}

/// A Kubernetes service account, as far as its token goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// `metadata.namespace`.
    pub namespace: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.uid`, present in `kubectl get` output, absent from manifests.
    pub uid: Option<String>,
    /// `metadata.annotations` (string values only; another value is an error).
    pub annotations: BTreeMap<String, String>,
    /// The 1-based line of the input where its `metadata.name` is written, when it could be
    /// found (see [`read_service_accounts`]); `None` for a name that comes from an alias.
    pub line: Option<usize>,
}

impl ServiceAccount {
    /// The role named by [`ROLE_ARN_ANNOTATION`].
    pub fn role_arn(&self) -> Option<&str> {
        self.annotations
            .get(ROLE_ARN_ANNOTATION)
            .map(String::as_str)
    }

    /// The projected token's audience: [`AUDIENCE_ANNOTATION`], else [`DEFAULT_AUDIENCE`].
    pub fn audience(&self) -> &str {
        self.annotations
            .get(AUDIENCE_ANNOTATION)
            .map_or(DEFAULT_AUDIENCE, String::as_str)
    }

    /// The token's `sub`: `system:serviceaccount:NAMESPACE:NAME`.
    pub fn subject(&self) -> String {
        format!("system:serviceaccount:{}:{}", self.namespace, self.name)
    }
}

/// Reads service accounts from `kubectl get serviceaccounts -A -o json` output (a `List` or
/// `ServiceAccountList`, or one `ServiceAccount`), or from YAML manifests: a stream of
/// documents as `helm template` and `kustomize build` print them, `List` kinds, anchors and
/// aliases. Text starting with `{` is read as strict JSON (a repeated member is an error),
/// anything else as YAML with the reader `rolecall_audit::source::yaml_stream` (nesting and
/// alias limits, duplicate keys refused). Documents of other kinds are skipped; empty
/// documents too.
///
/// Each service account's [`ServiceAccount::line`] is found by scanning the text (the YAML
/// reader keeps no positions): the first line at or after the previous service account's that
/// writes its name as a `name` member (`name: NAME`, quoted or not, block or flow style, or
/// JSON's `"name": "NAME"`), at most [`LOCATE_WINDOW`] lines on.
///
/// # Errors
///
/// Input that does not parse; a `ServiceAccount` without a namespace (a manifest rendered
/// without one: the namespace decides the token's `sub`, so it is not guessed), with a name or
/// namespace that is not a Kubernetes name, or with a non-string annotation; a `List` whose
/// `items` is not an array; more than [`MAX_SERVICE_ACCOUNTS`].
pub fn read_service_accounts(text: &str) -> Result<Vec<ServiceAccount>, EksError> {
    let mut out = Vec::new();
    if text.trim_start().starts_with('{') {
        let v = read_json_strict(text.as_bytes())?;
        collect(&v, "the document", &mut out)?;
        locate(text, &mut out);
        return Ok(out);
    }
    let mut failure = None;
    let mut index = 0usize;
    rolecall_audit::source::yaml_stream(text, true, |doc| {
        index += 1;
        if failure.is_none() {
            if let Err(e) = collect(&doc, &format!("document {index}"), &mut out) {
                failure = Some(e);
            }
        }
    })?;
    match failure {
        Some(e) => Err(e),
        None => {
            locate(text, &mut out);
            Ok(out)
        }
    }
}

/// How many lines past the previous service account's the scan for the next one's name goes.
pub const LOCATE_WINDOW: usize = 2_000;

/// Sets each service account's line (see [`read_service_accounts`]). Hand-written: the YAML
/// reader in use (`serde_yaml` through `rolecall_audit::source::yaml_stream`) reports no
/// positions for values, and one forward scan keeps this linear in the input.
fn locate(text: &str, accounts: &mut [ServiceAccount]) {
    let lines: Vec<&str> = text.lines().collect();
    let mut cursor = 0usize;
    for sa in accounts {
        let end = cursor.saturating_add(LOCATE_WINDOW).min(lines.len());
        let found = lines
            .get(cursor..end)
            .and_then(|window| window.iter().position(|l| writes_name(l, &sa.name)));
        if let Some(i) = found {
            sa.line = Some(cursor + i + 1);
            cursor += i + 1;
        }
    }
}

/// Whether `line` writes a `name` member whose value is `name`.
fn writes_name(line: &str, name: &str) -> bool {
    let mut from = 0;
    while let Some(i) = line.get(from..).and_then(|rest| rest.find("name")) {
        let at = from + i;
        from = at + "name".len();
        let before = line.get(..at).and_then(|b| b.chars().next_back());
        if !matches!(
            before,
            None | Some(' ' | '\t' | '{' | ',' | '"' | '\'' | '-')
        ) {
            continue;
        }
        if before == Some('-')
            && !line
                .get(..at)
                .is_some_and(|b| b.trim_start() == "-" || b.ends_with(" -"))
        {
            continue;
        }
        let rest = line.get(from..).unwrap_or("");
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
        let Some(after) = rest.strip_prefix(name) else {
            continue;
        };
        let after = after.strip_prefix(['"', '\'']).unwrap_or(after);
        if after.is_empty() || after.starts_with([',', '}', ' ', '\t', '#']) {
            return true;
        }
    }
    false
}

fn collect(doc: &Value, at: &str, out: &mut Vec<ServiceAccount>) -> Result<(), EksError> {
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    if kind == "List" || kind == "ServiceAccountList" {
        let items = doc
            .get("items")
            .and_then(Value::as_array)
            .ok_or_else(|| shape(format!("{at}: a `{kind}` without an `items` array")))?;
        for (i, item) in items.iter().enumerate() {
            // A `ServiceAccountList`'s items carry no `kind` in some outputs.
            let item_kind = item.get("kind").and_then(Value::as_str);
            if item_kind == Some("ServiceAccount")
                || (kind == "ServiceAccountList" && item_kind.is_none())
            {
                push(item, &format!("{at}, items[{i}]"), out)?;
            } else if matches!(item_kind, Some("List" | "ServiceAccountList")) {
                return Err(shape(format!(
                    "{at}, items[{i}]: a `List` inside a `List` is not read"
                )));
            }
        }
        Ok(())
    } else if kind == "ServiceAccount" {
        push(doc, at, out)
    } else {
        Ok(())
    }
}

fn push(sa: &Value, at: &str, out: &mut Vec<ServiceAccount>) -> Result<(), EksError> {
    if out.len() >= MAX_SERVICE_ACCOUNTS {
        return Err(shape(format!(
            "more than {MAX_SERVICE_ACCOUNTS} service accounts"
        )));
    }
    let meta = sa
        .get("metadata")
        .filter(|m| m.is_object())
        .ok_or_else(|| shape(format!("{at}: a `ServiceAccount` without `metadata`")))?;
    let field = |name: &str| meta.get(name).and_then(Value::as_str);
    let name = field("name")
        .ok_or_else(|| shape(format!("{at}: a `ServiceAccount` without `metadata.name`")))?;
    let namespace = field("namespace").ok_or_else(|| {
        shape(format!(
            "{at}: service account `{name}` has no `metadata.namespace` (the namespace is part of its token's `sub`; render the manifests with it, e.g. `helm template --namespace NS` for charts that set it)"
        ))
    })?;
    for (what, value) in [("name", name), ("namespace", namespace)] {
        if !is_kubernetes_name(value) {
            return Err(shape(format!(
                "{at}: `{value}` is not a Kubernetes {what} (lowercase letters, digits, `-`, `.`; at most 253 characters)"
            )));
        }
    }
    let mut annotations = BTreeMap::new();
    if let Some(a) = meta.get("annotations").filter(|a| !a.is_null()) {
        let a = a.as_object().ok_or_else(|| {
            shape(format!(
                "{at}: `metadata.annotations` of `{namespace}/{name}` is not a mapping"
            ))
        })?;
        for (k, v) in a {
            let v = v.as_str().ok_or_else(|| {
                shape(format!(
                    "{at}: annotation `{k}` of `{namespace}/{name}` is not a string"
                ))
            })?;
            annotations.insert(k.clone(), v.to_owned());
        }
    }
    out.push(ServiceAccount {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        uid: field("uid").map(str::to_owned),
        annotations,
        line: None,
    });
    Ok(())
}

/// A DNS subdomain as Kubernetes names objects: 1 to 253 of `a-z`, `0-9`, `-`, `.`, starting
/// and ending with a letter or digit. (Namespaces are stricter DNS labels; anything accepted
/// here cannot contain the `:` that would change how `sub` splits.)
fn is_kubernetes_name(s: &str) -> bool {
    let alnum = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !s.is_empty()
        && s.len() <= 253
        && s.chars().all(|c| alnum(c) || c == '-' || c == '.')
        && s.starts_with(alnum)
        && s.ends_with(alnum)
}

/// The claims of the token the cluster projects into a pod of `sa` (the parts that do not
/// depend on the pod: `kubernetes.io.pod` and the times are left out, STS exposes neither as a
/// condition key).
pub fn token_claims(cluster: &Cluster, sa: &ServiceAccount) -> Value {
    let mut account = Map::new();
    account.insert("name".into(), Value::from(sa.name.as_str()));
    if let Some(uid) = &sa.uid {
        account.insert("uid".into(), Value::from(uid.as_str()));
    }
    json!({
        "iss": cluster.issuer,
        "sub": sa.subject(),
        "aud": [sa.audience()],
        "kubernetes.io": {
            "namespace": sa.namespace,
            "serviceaccount": Value::Object(account),
        },
    })
}

/// The request STS builds from `sa`'s token for a call on `role_arn`.
///
/// # Errors
///
/// A role ARN that is not one (its account decides the provider ARN), or claims STS would
/// refuse (only possible for an audience annotation that is empty).
pub fn web_identity(
    cluster: &Cluster,
    sa: &ServiceAccount,
    role_arn: &str,
    rules: &ClaimRules,
) -> Result<WebIdentity, String> {
    let role = RoleAccount::from_role_arn(role_arn)
        .map_err(|e| format!("`{role_arn}` is not a role ARN: {e}"))?;
    WebIdentity::from_claims(&token_claims(cluster, sa), None, &role, rules)
        .map_err(|e| format!("STS refuses the token: {e}"))
}

/// The trust policy's answer for every action the call needs, explained.
pub fn evaluate(
    policy: &CompiledPolicy,
    identity: &WebIdentity,
) -> (Decision, Vec<(Request, Explanation)>) {
    let explained: Vec<(Request, Explanation)> = identity
        .requests()
        .map(|r| {
            let e = explain(policy, &r);
            (r, e)
        })
        .collect();
    let mut decision = Decision::Allow;
    for (_, e) in &explained {
        match e.decision {
            Decision::ExplicitDeny => decision = Decision::ExplicitDeny,
            Decision::ImplicitDeny if decision == Decision::Allow => {
                decision = Decision::ImplicitDeny;
            }
            _ => {}
        }
    }
    (decision, explained)
}

/// What STS checks before the trust policy, with `--providers`: the provider lookup and the
/// audience against its client IDs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderCheck {
    /// A provider for the issuer exists in the role's account and lists the audience (or its
    /// client IDs are not known, as from `list-open-id-connect-providers` output).
    Passed,
    /// No provider for the issuer in the role's account: the reason.
    NotRegistered(String),
    /// The provider does not list the token's audience: the reason.
    Audience(String),
}

/// STS's provider lookup for the cluster's issuer in `role_arn`'s account, then the token's
/// audience against the provider's client IDs.
pub fn check_provider(
    providers: &ProviderRegistry,
    cluster: &Cluster,
    sa: &ServiceAccount,
    role_arn: &str,
) -> ProviderCheck {
    let account = role_arn.split(':').nth(4).unwrap_or("");
    let Some(provider) = providers.find(&cluster.issuer, account) else {
        let mut reason = format!(
            "no IAM OIDC provider for the cluster's issuer `{}` in the role's account {account} (STS: InvalidIdentityToken, no OpenIDConnect provider found)",
            cluster.issuer
        );
        if let Some(near) = providers.near_miss(&cluster.issuer) {
            reason.push_str(&format!(
                "; a provider `{}` differs only in case or a trailing `/`",
                near.url
            ));
        }
        if let Some(swapped) = swapped_issuer(cluster.provider()) {
            if let Some(p) = providers.providers().iter().find(|p| p.name() == swapped) {
                reason.push_str(&format!(
                    "; a provider `{}` is registered: {}",
                    p.url,
                    misspelling_note(cluster.provider(), &swapped)
                ));
            }
        }
        return ProviderCheck::NotRegistered(reason);
    };
    match &provider.client_ids {
        Some(ids) if !ids.iter().any(|id| id == sa.audience()) => {
            ProviderCheck::Audience(format!(
                "the token's audience `{}` is not among the client IDs of provider `{}` ([{}]) (STS: InvalidIdentityToken, incorrect token audience){}",
                sa.audience(),
                provider.url,
                ids.iter().map(|i| format!("`{i}`")).collect::<Vec<_>>().join(", "),
                if sa.annotations.contains_key(AUDIENCE_ANNOTATION) {
                    format!("; the audience comes from the `{AUDIENCE_ANNOTATION}` annotation")
                } else {
                    String::new()
                }
            ))
        }
        _ => ProviderCheck::Passed,
    }
}

/// The common misspelling of an EKS issuer host: `oidc.eks.REGION.amazonaws.com/...` written
/// `oidc.REGION.eks.amazonaws.com/...`. `None` for an issuer of another form.
pub fn swapped_issuer(provider: &str) -> Option<String> {
    let rest = provider.strip_prefix("oidc.eks.")?;
    let (region, tail) = rest.split_once('.')?;
    Some(format!("oidc.{region}.eks.{tail}"))
}

fn misspelling_note(right: &str, wrong: &str) -> String {
    let host = |s: &str| s.split('/').next().unwrap_or("").to_owned();
    format!(
        "the issuer is misspelt `{}` where the cluster's is `{}` (EKS issuers are `oidc.eks.REGION.amazonaws.com`)",
        host(wrong),
        host(right)
    )
}

/// When `policy_text` names the cluster's issuer in its misspelt form
/// ([`swapped_issuer`]), a sentence saying so.
pub fn misspelt_issuer(cluster: &Cluster, policy_text: &str) -> Option<String> {
    let wrong = swapped_issuer(cluster.provider())?;
    let wrong_host = wrong.split('/').next().unwrap_or("");
    policy_text
        .contains(wrong_host)
        .then(|| misspelling_note(cluster.provider(), &wrong))
}

/// A service account that does not exist but whose token the role's trust policy admits:
/// whoever creates it in the cluster gets the role. Found by the analyzer (`rolecall-analyze`)
/// as a request the trust policy allows from the cluster's provider for the web-identity action
/// with a `sub` of the form `system:serviceaccount:NS:NAME` other than those of `admitted` (the
/// existing service accounts it admits: listing only these keeps the automata small), checked
/// by the evaluator. `Ok(None)` when there is none, when the request found names a service
/// account of `all` (one that exists, with another audience), or when it does not
/// name a valid Kubernetes namespace and name (the analyzer's shortest witness may use a
/// character Kubernetes refuses; such a policy is not reported as latent: a known gap).
///
/// # Errors
///
/// A policy the analyzer cannot analyse exactly (numeric, date, IP or ARN operators, policy
/// variables, state limits), with its message.
pub fn latent(
    policy: &CompiledPolicy,
    cluster: &Cluster,
    role_arn: &str,
    admitted: &[&ServiceAccount],
    all: &[ServiceAccount],
) -> Result<Option<(String, String)>, String> {
    let role = RoleAccount::from_role_arn(role_arn)
        .map_err(|e| format!("`{role_arn}` is not a role ARN: {e}"))?;
    let sub_key = format!("{}:sub", cluster.provider());
    let subs: Vec<String> = admitted.iter().map(|sa| sa.subject()).collect();
    // Everything is allowed except tokens of this cluster for a service account not in
    // `admitted`; a request the trust policy allows and this does not is a latent one.
    let mut deny_condition = json!({"StringLike": {&sub_key: "system:serviceaccount:?*:?*"}});
    if !subs.is_empty() {
        if let Some(m) = deny_condition.as_object_mut() {
            m.insert("StringNotEquals".into(), json!({&sub_key: subs}));
        }
    }
    let Some(sub) = sub_outside(policy, &role, cluster, deny_condition)? else {
        return Ok(None);
    };
    let Some(rest) = sub.strip_prefix("system:serviceaccount:") else {
        return Ok(None);
    };
    let Some((namespace, name)) = rest.split_once(':') else {
        return Ok(None);
    };
    let exists = all
        .iter()
        .any(|sa| sa.namespace == namespace && sa.name == name);
    if !is_kubernetes_name(namespace) || !is_kubernetes_name(name) || exists {
        return Ok(None);
    }
    Ok(Some((namespace.to_owned(), name.to_owned())))
}

/// The service accounts that do not exist but whose tokens the role's trust policy admits, one
/// per pattern it admits `sub` by ([`index::admitted_subjects`]): for a `StringEquals` value, the
/// service account it names, when that is a valid namespace and name, does not exist, and the
/// trust policy admits its token (with the default audience or an audience the policy's
/// `ISSUER:aud` condition names: whoever creates the service account sets the annotation) — the
/// evaluator decides, no analyzer run; for a `StringLike` pattern, the analyzer's witness of a
/// request the trust policy allows from the cluster's provider with a `sub` matching the
/// pattern other than an existing service account's (found in `index`), checked by the
/// evaluator and kept when it names a valid namespace and name. A trust policy whose `Allow`
/// statements do not all restrict `sub` gets [`latent`]'s one witness. Sorted, without repeats.
///
/// # Errors
///
/// As [`latent`], for a pattern or policy the analyzer cannot analyse exactly.
pub fn latent_per_pattern(
    policy: &CompiledPolicy,
    cluster: &Cluster,
    role_arn: &str,
    admitted: &[&ServiceAccount],
    all: &[ServiceAccount],
    index: &index::SubjectIndex,
    rules: &ClaimRules,
) -> Result<Vec<(String, String)>, String> {
    let sub_key = format!("{}:sub", cluster.provider());
    let principal = RoleAccount::from_role_arn(role_arn)
        .map(|r| r.oidc_provider_arn(cluster.provider()))
        .map_err(|e| format!("`{role_arn}` is not a role ARN: {e}"))?;
    let Some(values) = index::admitted_subjects(policy, &sub_key, &principal) else {
        return Ok(latent(policy, cluster, role_arn, admitted, all)?
            .into_iter()
            .collect());
    };
    let audiences = policy_audiences(policy, cluster);
    let mut out = Vec::new();
    for value in values {
        match value {
            index::SubValue::Exact(sub) => {
                let Some((namespace, name)) = service_account_of(sub) else {
                    continue;
                };
                if index.contains_subject(sub) {
                    continue;
                }
                if admits_new(
                    policy, cluster, role_arn, namespace, name, &audiences, rules,
                ) {
                    out.push((namespace.to_owned(), name.to_owned()));
                }
            }
            index::SubValue::Pattern(pattern) => {
                let Some(glob) = glob_text(pattern) else {
                    continue;
                };
                // A name filled in by hand first (the analyzer's shortest witness fills a `*`
                // with nothing, which leaves no valid name), checked by the evaluator.
                let filled = FILLS.iter().find_map(|fill| {
                    let sub = glob.replace('*', fill).replace('?', "a");
                    let (namespace, name) = service_account_of(&sub)?;
                    (!index.contains_subject(&sub)
                        && admits_new(
                            policy, cluster, role_arn, namespace, name, &audiences, rules,
                        ))
                    .then(|| (namespace.to_owned(), name.to_owned()))
                });
                if let Some(found) = filled {
                    out.push(found);
                    continue;
                }
                let existing: Vec<String> = index
                    .candidates_of_pattern(pattern)
                    .into_iter()
                    .filter_map(|i| all.get(i).map(ServiceAccount::subject))
                    .collect();
                if let Some(found) = witness_for(policy, cluster, role_arn, &glob, &existing)? {
                    out.push(found);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// What a `*` of an admitted pattern is filled with to name a service account, in order: a
/// letter, then forms that also supply a namespace/name separator or avoid a taken name.
const FILLS: [&str; 5] = ["a", "a:a", "z9", "z9:z9", "latent-a"];

/// Whether `policy` admits the token of a new service account `namespace/name` with one of
/// `audiences` (its creator sets the audience annotation).
fn admits_new(
    policy: &CompiledPolicy,
    cluster: &Cluster,
    role_arn: &str,
    namespace: &str,
    name: &str,
    audiences: &[String],
    rules: &ClaimRules,
) -> bool {
    audiences.iter().any(|aud| {
        let mut sa = ServiceAccount {
            namespace: namespace.to_owned(),
            name: name.to_owned(),
            uid: None,
            annotations: BTreeMap::new(),
            line: None,
        };
        if aud != DEFAULT_AUDIENCE {
            sa.annotations
                .insert(AUDIENCE_ANNOTATION.into(), aud.clone());
        }
        web_identity(cluster, &sa, role_arn, rules)
            .is_ok_and(|id| rolecall_eval::evaluate_call(policy, &id).decision == Decision::Allow)
    })
}

/// The audiences a token may carry for `policy`: the default and every `StringEquals` text on
/// the cluster's `ISSUER:aud` key.
fn policy_audiences(policy: &CompiledPolicy, cluster: &Cluster) -> Vec<String> {
    let aud_key = rolecall_eval::request::FoldedKey::new(&format!("{}:aud", cluster.provider()));
    let mut out = vec![DEFAULT_AUDIENCE.to_owned()];
    for statement in policy.statements() {
        for c in statement.conditions() {
            if c.folded_key() == &aud_key {
                for v in c.values() {
                    if let rolecall_eval::view::ConditionValue::Text(t) = v {
                        if !t.is_empty() && !out.iter().any(|a| a == t) {
                            out.push(t.to_owned());
                        }
                    }
                }
            }
        }
    }
    out
}

/// `system:serviceaccount:NS:NAME` as a valid namespace and name.
fn service_account_of(sub: &str) -> Option<(&str, &str)> {
    let (namespace, name) = sub
        .strip_prefix("system:serviceaccount:")?
        .split_once(':')?;
    (is_kubernetes_name(namespace) && is_kubernetes_name(name)).then_some((namespace, name))
}

/// A pattern as `StringLike` text; `None` when a literal part holds a character that text
/// would read otherwise (`*`, `?`, `$`).
fn glob_text(pattern: &rolecall_eval::matcher::Pattern) -> Option<String> {
    use rolecall_eval::matcher::PatternToken;
    let mut out = String::new();
    for token in pattern.tokens() {
        match token {
            PatternToken::Literal(s) if s.contains(['*', '?', '$']) => return None,
            PatternToken::Literal(s) => out.push_str(&s),
            PatternToken::AnyRun => out.push('*'),
            PatternToken::AnyChar => out.push('?'),
        }
    }
    Some(out)
}

/// The analyzer's witness of a token the policy admits with a `sub` matching `glob` and not in
/// `existing`, as a valid namespace and name.
fn witness_for(
    policy: &CompiledPolicy,
    cluster: &Cluster,
    role_arn: &str,
    glob: &str,
    existing: &[String],
) -> Result<Option<(String, String)>, String> {
    let role = RoleAccount::from_role_arn(role_arn)
        .map_err(|e| format!("`{role_arn}` is not a role ARN: {e}"))?;
    let sub_key = format!("{}:sub", cluster.provider());
    // The second pattern keeps the namespace non-empty and makes the name end in a letter,
    // which the shortest witness (a `*` filled with nothing) would not.
    let mut deny_condition = json!({
        "StringLike": {&sub_key: glob},
        "ForAnyValue:StringLike": {&sub_key: "system:serviceaccount:?*:*a"},
    });
    if !existing.is_empty() {
        if let Some(m) = deny_condition.as_object_mut() {
            m.insert("StringNotEquals".into(), json!({&sub_key: existing}));
        }
    }
    let Some(sub) = sub_outside(policy, &role, cluster, deny_condition)? else {
        return Ok(None);
    };
    Ok(service_account_of(&sub).map(|(n, s)| (n.to_owned(), s.to_owned())))
}

/// The `sub` of a request the trust policy allows but a policy allowing everything except
/// this cluster's tokens that meet `deny_condition` does not (the analyzer's `implies`, whose
/// witness the evaluator has checked); `None` when there is no such request or its `sub` is
/// not a single string.
fn sub_outside(
    policy: &CompiledPolicy,
    role: &RoleAccount,
    cluster: &Cluster,
    deny_condition: serde_json::Value,
) -> Result<Option<String>, String> {
    let provider_arn = role.oidc_provider_arn(cluster.provider());
    let sub_key = format!("{}:sub", cluster.provider());
    let others = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*"},
        {"Effect": "Deny", "Principal": {"Federated": provider_arn},
         "Action": "sts:AssumeRoleWithWebIdentity", "Condition": deny_condition},
    ]});
    let doc = rolecall_policy::parse_document(others.to_string())
        .map_err(|e| format!("internal policy: {e}"))?;
    let others =
        CompiledPolicy::compile(&doc.policy).map_err(|e| format!("internal policy: {e}"))?;
    let found = rolecall_analyze::Analyzer::default()
        .implies(policy, &others)
        .map_err(|e| e.to_string())?;
    let rolecall_analyze::Implication::NewAccess(w) = found else {
        return Ok(None);
    };
    Ok(
        match w.request.context().lookup(&sub_key).map(|e| e.value()) {
            Some(rolecall_eval::request::ContextValue::Single(s)) => Some(s.clone()),
            _ => None,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cluster() -> Cluster {
        Cluster {
            name: "demo".into(),
            arn: "arn:aws:eks:us-west-2:111122223333:cluster/demo".into(),
            issuer: "https://oidc.eks.us-west-2.amazonaws.com/id/ABC".into(),
        }
    }

    fn compiled(sub_op: &str, sub: &str) -> CompiledPolicy {
        let c = cluster();
        let text = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{}", c.provider())},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {sub_op: {format!("{}:sub", c.provider()): sub}},
        }]});
        CompiledPolicy::compile(
            &rolecall_policy::parse_document(text.to_string())
                .unwrap()
                .policy,
        )
        .unwrap()
    }

    fn sa(namespace: &str, name: &str) -> ServiceAccount {
        ServiceAccount {
            namespace: namespace.into(),
            name: name.into(),
            uid: None,
            annotations: BTreeMap::new(),
            line: None,
        }
    }

    #[test]
    fn latent_names_a_service_account_that_does_not_exist_yet() {
        let role = "arn:aws:iam::111122223333:role/r";
        let api = sa("shop", "api");
        // A namespace wildcard admits service accounts not yet created.
        let wide = compiled("StringLike", "system:serviceaccount:shop:*");
        let (ns, name) = latent(&wide, &cluster(), role, &[&api], std::slice::from_ref(&api))
            .unwrap()
            .unwrap();
        assert_eq!(ns, "shop");
        assert_ne!(name, "api");
        // One exact service account that exists: nothing latent.
        let exact = compiled("StringEquals", "system:serviceaccount:shop:api");
        assert_eq!(
            latent(
                &exact,
                &cluster(),
                role,
                &[&api],
                std::slice::from_ref(&api)
            )
            .unwrap(),
            None
        );
        // The same exact one before it exists: it is latent.
        assert_eq!(
            latent(&exact, &cluster(), role, &[], &[]).unwrap(),
            Some(("shop".into(), "api".into()))
        );
    }

    #[test]
    fn latent_gives_one_witness_per_admitted_pattern() {
        let role = "arn:aws:iam::111122223333:role/r";
        let c = cluster();
        let key = format!("{}:sub", c.provider());
        let policy = CompiledPolicy::from_json(
            &json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{}", c.provider())},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {&key: [
                    "system:serviceaccount:shop:api-*",
                    "system:serviceaccount:billing:*",
                    "system:serviceaccount:shop:cart",
                    "system:serviceaccount:shop:Bad_Name",
                ]}},
            }]})
            .to_string(),
        )
        .unwrap();
        // `shop/api-1` exists; `shop/cart` does not.
        let all = [sa("shop", "api-1")];
        let index = index::SubjectIndex::new(&all);
        let admitted: Vec<&ServiceAccount> = all.iter().collect();
        let found = latent_per_pattern(
            &policy,
            &c,
            role,
            &admitted,
            &all,
            &index,
            &ClaimRules::default(),
        )
        .unwrap();
        assert_eq!(found.len(), 3, "{found:?}");
        let namespaces: Vec<&str> = found.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(namespaces, ["billing", "shop", "shop"]);
        assert!(found.contains(&("shop".into(), "cart".into())));
        let api = found
            .iter()
            .find(|(n, s)| n == "shop" && s != "cart")
            .unwrap();
        assert!(api.1.starts_with("api-") && api.1 != "api-1", "{api:?}");
        // Once `shop/cart` exists, it is no longer latent.
        let all = [sa("shop", "api-1"), sa("shop", "cart")];
        let index = index::SubjectIndex::new(&all);
        let found =
            latent_per_pattern(&policy, &c, role, &[], &all, &index, &ClaimRules::default())
                .unwrap();
        assert!(
            !found.contains(&("shop".into(), "cart".into())),
            "{found:?}"
        );
        assert_eq!(found.len(), 2);
        // Names filled in by hand denied: the analyzer finds another.
        let denying = CompiledPolicy::from_json(
            &json!({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow",
                "Principal": {"Federated": format!("arn:aws:iam::111122223333:oidc-provider/{}", c.provider())},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringLike": {&key: "system:serviceaccount:shop:*"}},
            }, {
                "Effect": "Deny", "Principal": "*", "Action": "*",
                "Condition": {"StringLike": {&key: [
                    "system:serviceaccount:shop:a*", "system:serviceaccount:shop:z*",
                    "system:serviceaccount:shop:l*",
                ]}},
            }]})
            .to_string(),
        )
        .unwrap();
        let found = latent_per_pattern(
            &denying,
            &c,
            role,
            &[],
            &[],
            &index::SubjectIndex::new(&[]),
            &ClaimRules::default(),
        )
        .unwrap();
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, "shop");
        assert!(
            !["a", "z", "l"].iter().any(|p| found[0].1.starts_with(p)),
            "{found:?}"
        );
    }

    #[test]
    fn swapped_issuer_is_the_region_before_eks() {
        assert_eq!(
            swapped_issuer("oidc.eks.us-west-2.amazonaws.com/id/ABC").as_deref(),
            Some("oidc.us-west-2.eks.amazonaws.com/id/ABC")
        );
        assert_eq!(swapped_issuer("token.actions.githubusercontent.com"), None);
        assert!(misspelt_issuer(
            &cluster(),
            "\"oidc.us-west-2.eks.amazonaws.com/id/ABC:sub\""
        )
        .is_some());
        assert!(misspelt_issuer(
            &cluster(),
            "\"oidc.eks.us-west-2.amazonaws.com/id/ABC:sub\""
        )
        .is_none());
    }

    #[test]
    fn claims_carry_namespace_name_and_audience() {
        let mut sa = ServiceAccount {
            namespace: "shop".into(),
            name: "cart".into(),
            uid: None,
            annotations: BTreeMap::new(),
            line: None,
        };
        let c = token_claims(&cluster(), &sa);
        assert_eq!(c["sub"], "system:serviceaccount:shop:cart");
        assert_eq!(c["aud"], json!(["sts.amazonaws.com"]));
        assert_eq!(c["kubernetes.io"]["namespace"], "shop");
        sa.annotations
            .insert(AUDIENCE_ANNOTATION.into(), "other".into());
        assert_eq!(token_claims(&cluster(), &sa)["aud"], json!(["other"]));
        let id = web_identity(
            &cluster(),
            &sa,
            "arn:aws:iam::111122223333:role/r",
            &ClaimRules::default(),
        )
        .unwrap();
        assert_eq!(
            id.principal(),
            "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/ABC"
        );
    }

    #[test]
    fn yaml_streams_lists_and_anchors() {
        let text = "\
apiVersion: v1
kind: ServiceAccount
metadata:
  name: a
  namespace: ns
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::1:role/x
---
# a comment-only document and another kind are skipped
---
kind: ConfigMap
metadata: {name: c}
---
kind: List
items:
- kind: ServiceAccount
  metadata: &meta
    name: a2
    namespace: ns2
    annotations: {eks.amazonaws.com/role-arn: 'arn:aws:iam::2:role/y'}
- kind: ServiceAccount
  metadata:
    <<: *meta
    name: b
";
        let sas = read_service_accounts(text).unwrap();
        assert_eq!(sas.len(), 3);
        assert_eq!(sas[0].role_arn(), Some("arn:aws:iam::1:role/x"));
        assert_eq!(sas[2].name, "b");
        assert_eq!(sas[2].namespace, "ns2");
        assert_eq!(sas[2].role_arn(), Some("arn:aws:iam::2:role/y"));
        // Each one's line is where its name is written; the merged one writes its own.
        let lines: Vec<Option<usize>> = sas.iter().map(|s| s.line).collect();
        assert_eq!(lines, [Some(4), Some(18), Some(24)]);
    }

    #[test]
    fn names_are_located_in_flow_style_and_json() {
        let sas = read_service_accounts(
            "kind: ServiceAccount\nmetadata: {namespace: ns, name: 'a'}\n---\nkind: ServiceAccount\nmetadata:\n  generateName: b\n  name: \"b\" # the second\n  namespace: ns\n",
        )
        .unwrap();
        assert_eq!(sas[0].line, Some(2));
        assert_eq!(sas[1].line, Some(7));
        let sas = read_service_accounts(
            "{\"kind\": \"List\", \"items\": [\n {\"kind\": \"ServiceAccount\",\n  \"metadata\": {\"namespace\": \"ns\",\n   \"name\": \"api\"}}]}",
        )
        .unwrap();
        assert_eq!(sas[0].line, Some(4));
        assert!(!writes_name("  namespace: api", "api"));
        assert!(!writes_name("  name: api-2", "api"));
        assert!(writes_name("- name: api", "api"));
    }

    #[test]
    fn bad_inputs_are_errors() {
        // No namespace: not guessed.
        let e = read_service_accounts("kind: ServiceAccount\nmetadata: {name: a}\n").unwrap_err();
        assert!(e.to_string().contains("no `metadata.namespace`"), "{e}");
        // Duplicate key in YAML and in JSON.
        assert!(read_service_accounts("kind: ServiceAccount\nkind: ServiceAccount\n").is_err());
        assert!(read_service_accounts(r#"{"kind": "List", "items": [], "items": []}"#).is_err());
        // A name with a colon would change how `sub` splits.
        assert!(read_service_accounts(
            "kind: ServiceAccount\nmetadata: {name: 'a:b', namespace: ns}\n"
        )
        .is_err());
        // Deep flow nesting is refused by the shared pre-scan.
        let deep = format!(
            "kind: List\nitems: {}{}\n",
            "[".repeat(100),
            "]".repeat(100)
        );
        assert!(read_service_accounts(&deep).is_err());
    }
}
