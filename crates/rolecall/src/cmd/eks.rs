//! `rolecall eks`: a cluster's service accounts (IRSA) and Pod Identity associations against
//! the trust policies of the roles they name, offline (`rolecall-eks` reads the cluster, the
//! service accounts, the associations and the pods, and builds each token and request; the
//! roles and providers are read as `sts` and `explain` read them, and a denial's reason is
//! `explain`'s, hints included).

use std::collections::BTreeMap;
use std::io::Write;

use rolecall_eks::index::SubjectIndex;
use rolecall_eks::pod_identity::{self, Association, PodTags};
use rolecall_eks::pods::Pod;
use rolecall_eks::{Cluster, ProviderCheck, ServiceAccount};
use rolecall_eval::claims::ClaimRules;
use rolecall_eval::explain::Explanation;
use rolecall_eval::hints::{condition_hints, statement_hints, HintFacts};
use rolecall_eval::request::Request;
use rolecall_eval::view::PrincipalView;
use rolecall_eval::{Decision, Effect};
use rolecall_policy::PrincipalKind;
use rolecall_sts::ProviderRegistry;

use crate::args::EksArgs;
use crate::error::{usage, CliError, ExitCode};
use crate::load::eks::{
    load_associations, load_cluster, load_pods, load_roles, load_service_accounts,
};
use crate::load::policy::LoadedPolicy;
use crate::load::sts::load_providers;
use crate::render::eks::{
    write_report, AccountReport, Admitted, AssociationReport, Latent, Report, RoleReport, Status,
};
use crate::render::{context_text, stdout};

/// Most failed parts one reason names, and its most characters (hints included).
const MAX_REASON_PARTS: usize = 3;
const MAX_REASON_CHARS: usize = 2000;

pub(crate) fn run(args: &EksArgs) -> Result<ExitCode, CliError> {
    let mut out = stdout();
    let code = run_to(args, &mut out)?;
    out.flush()?;
    Ok(code)
}

/// [`run`], writing the report to `out`.
pub(crate) fn run_to(args: &EksArgs, out: &mut impl Write) -> Result<ExitCode, CliError> {
    let stdin_users = std::iter::once(&args.cluster)
        .chain(&args.service_accounts)
        .chain(&args.roles)
        .chain(&args.providers)
        .chain(&args.pod_identity)
        .chain(&args.pods)
        .filter(|p| p.as_os_str() == "-")
        .count();
    if stdin_users > 1 {
        return Err(usage("only one input can read standard input (`-`)"));
    }
    let cluster = load_cluster(&args.cluster)?;
    let (accounts, account_files) = load_service_accounts(&args.service_accounts)?;
    let (roles, role_files) = load_roles(&args.roles, &cluster)?;
    let providers = if args.providers.is_empty() {
        None
    } else {
        Some(load_providers(&args.providers)?)
    };
    let associations = load_associations(&args.pod_identity, &cluster)?;
    let pods = load_pods(&args.pods)?;
    let in_use = |namespace: &str, name: &str| {
        pods.as_ref()
            .map(|p| p.contains_key(&(namespace.to_owned(), name.to_owned())))
    };
    let rules = ClaimRules::default();
    let service_accounts: Vec<AccountReport> = accounts
        .iter()
        .zip(&account_files)
        .filter_map(|(sa, file)| {
            let arn = sa.role_arn()?;
            let (status, reason) = check(&cluster, sa, arn, &roles, providers.as_ref(), &rules);
            Some(AccountReport {
                namespace: sa.namespace.clone(),
                name: sa.name.clone(),
                role_arn: arn.to_owned(),
                status,
                reason,
                in_use: in_use(&sa.namespace, &sa.name),
                at: (file.clone(), sa.line),
            })
        })
        .collect();
    // Which service accounts each role admits: only the candidates the subject index leaves
    // (rolecall_eks::index) are evaluated.
    let index = SubjectIndex::new(&accounts);
    let sub_key = format!("{}:sub", cluster.provider());
    let role_reports: Vec<RoleReport> = roles
        .iter()
        .map(|(arn, policy)| {
            let admitted: Vec<usize> = index
                .candidates(
                    &policy.compiled,
                    &sub_key,
                    &provider_principal(arn, &cluster),
                )
                .indices(accounts.len())
                .into_iter()
                .filter(|&i| {
                    accounts.get(i).is_some_and(|sa| {
                        admits(&cluster, sa, arn, policy, providers.as_ref(), &rules)
                    })
                })
                .collect();
            let admitted: Vec<(&ServiceAccount, &String)> = admitted
                .iter()
                .filter_map(|&i| Some((accounts.get(i)?, account_files.get(i)?)))
                .collect();
            let admitted_accounts: Vec<&ServiceAccount> =
                admitted.iter().map(|(sa, _)| *sa).collect();
            // Without the issuer's provider in the role's account, no token gets the role.
            let account = arn.split(':').nth(4).unwrap_or("");
            let unregistered = providers
                .as_ref()
                .is_some_and(|p| p.find(&cluster.issuer, account).is_none());
            let (latent, latent_unknown) = match rolecall_eks::latent_per_pattern(
                &policy.compiled,
                &cluster,
                arn,
                &admitted_accounts,
                &accounts,
                &index,
                &rules,
            ) {
                _ if unregistered => (Vec::new(), None),
                Ok(found) => (
                    found
                        .into_iter()
                        .map(|(namespace, name)| Latent { namespace, name })
                        .collect(),
                    None,
                ),
                Err(why) => (Vec::new(), Some(bounded(why))),
            };
            RoleReport {
                federated: policy.compiled.statements().iter().any(|st| {
                    match st.principal_view() {
                        PrincipalView::Everyone => true,
                        PrincipalView::Values(v) => {
                            v.iter().any(|p| p.kind() == PrincipalKind::Federated)
                        }
                    }
                }),
                arn: arn.clone(),
                at: role_files.get(arn).cloned().unwrap_or_default(),
                assumable_by: admitted
                    .iter()
                    .map(|(sa, file)| Admitted {
                        namespace: sa.namespace.clone(),
                        name: sa.name.clone(),
                        annotated: sa.role_arn() == Some(arn.as_str()),
                        in_use: in_use(&sa.namespace, &sa.name),
                        at: ((*file).clone(), sa.line),
                    })
                    .collect(),
                latent,
                latent_unknown,
            }
        })
        .collect();
    let pod_identity: Vec<AssociationReport> = associations
        .iter()
        .map(|(a, file)| {
            let pods_of = pods.as_ref().map(|p| {
                p.get(&(a.namespace.clone(), a.service_account.clone()))
                    .map_or(&[][..], Vec::as_slice)
            });
            let (status, reason) = check_association(&cluster, a, &roles, pods_of);
            AssociationReport {
                association_id: a.association_id.clone(),
                namespace: a.namespace.clone(),
                service_account: a.service_account.clone(),
                role_arn: a.role_arn.clone(),
                target_role_arn: a.target_role_arn.clone(),
                status,
                reason: bounded(reason),
                in_use: in_use(&a.namespace, &a.service_account),
                at: file.clone(),
            }
        })
        .collect();
    let clean = service_accounts.iter().all(|a| a.status == Status::Ok)
        && role_reports
            .iter()
            .all(|r| r.assumable_by.iter().all(|a| a.annotated))
        && pod_identity.iter().all(|a| a.status == Status::Ok);
    let report = Report {
        cluster: cluster.name.clone(),
        issuer: cluster.issuer.clone(),
        service_accounts,
        roles: role_reports,
        pod_identity,
    };
    write_report(out, &report, args.format)?;
    Ok(if clean {
        ExitCode::Clean
    } else {
        ExitCode::Findings
    })
}

/// The verdict for a Pod Identity association: EKS's `AssumeRole` on its role as
/// `pods.eks.amazonaws.com` with the session tags, then, with a target role, the role's
/// `AssumeRole` on the target with the external ID. `pods` (with --pods) are the pods using the
/// association's service account: a trust policy that tests the pod name or UID is evaluated
/// for each of them.
fn check_association(
    cluster: &Cluster,
    a: &Association,
    roles: &BTreeMap<String, LoadedPolicy>,
    pods: Option<&[Pod]>,
) -> (Status, String) {
    let Some(arn) = a.role_arn.as_deref() else {
        return (
            Status::RoleUnknown,
            "listed by `list-pod-identity-associations`, but no `describe-pod-identity-association` output gives its role".into(),
        );
    };
    let Some(policy) = roles.get(arn) else {
        return (
            Status::RoleNotFound,
            format!("no role `{arn}` in the --roles inputs"),
        );
    };
    let target = match &a.target_role_arn {
        None => None,
        Some(t) => match roles.get(t) {
            Some(p) => Some((t.as_str(), p)),
            None => {
                return (
                    Status::RoleNotFound,
                    format!("no target role `{t}` in the --roles inputs"),
                )
            }
        },
    };
    let on_pod = if a.disable_session_tags {
        None
    } else {
        pod_identity::depends_on_pod(&policy.compiled)
            .or_else(|| target.and_then(|(_, p)| pod_identity::depends_on_pod(&p.compiled)))
    };
    let pod_list: Vec<Option<PodTags<'_>>> = match (on_pod, pods) {
        (None, _) => vec![None],
        (Some(why), None) => {
            return (
                Status::DependsOnPod,
                format!("{why}; give --pods to check the pods that run"),
            )
        }
        (Some(why), Some([])) => {
            return (
                Status::DependsOnPod,
                format!(
                    "{why}; no pod in --pods uses `{}/{}`",
                    a.namespace, a.service_account
                ),
            )
        }
        (Some(_), Some(pods)) => pods
            .iter()
            .map(|p| {
                Some(PodTags {
                    name: &p.name,
                    uid: &p.uid,
                })
            })
            .collect(),
    };
    for pod in pod_list {
        let at_pod = pod.map_or(String::new(), |p| {
            format!("pod `{}/{}`: ", a.namespace, p.name)
        });
        let requests = match pod_identity::pod_identity_requests(cluster, a, pod) {
            Ok(r) => r,
            Err(e) => return (Status::Denied, format!("{at_pod}{e}")),
        };
        if let Some(reason) = denial(&policy.compiled, &requests, a) {
            return (Status::Denied, format!("{at_pod}{reason}"));
        }
        if let Some((target_arn, target_policy)) = target {
            let requests = match pod_identity::target_role_requests(cluster, a, arn, pod) {
                Ok(r) => r,
                Err(e) => return (Status::Denied, format!("{at_pod}{e}")),
            };
            if let Some(reason) = denial(&target_policy.compiled, &requests, a) {
                return (
                    Status::Denied,
                    format!("{at_pod}target role `{target_arn}` (assumed by `{arn}` with the association's external ID): {reason}"),
                );
            }
        }
    }
    (Status::Ok, String::new())
}

/// Why `policy` does not allow every request of a call, `None` when it does.
fn denial(
    policy: &rolecall_eval::CompiledPolicy,
    requests: &[Request],
    a: &Association,
) -> Option<String> {
    let explained: Vec<(Request, Explanation)> = requests
        .iter()
        .map(|r| (r.clone(), rolecall_eval::explain(policy, r)))
        .collect();
    let failed = explained
        .iter()
        .find(|(_, e)| e.decision != Decision::Allow)?;
    let facts = HintFacts::explicit(requests, false);
    let reason = denial_reason(&explained, &facts, "the request's");
    let tag_session_only = failed.0.action() == "sts:TagSession"
        && explained
            .first()
            .is_some_and(|(_, e)| e.decision == Decision::Allow);
    Some(if tag_session_only && !a.disable_session_tags {
        format!("the trust policy allows `sts:AssumeRole` but not `sts:TagSession`, which the call needs for the session tags Pod Identity passes (allow it, or set `disableSessionTags` on the association); {reason}")
    } else {
        reason
    })
}

/// The principal of the requests from the cluster's tokens for role `arn`: the cluster's
/// provider in the role's account (empty for an ARN that is no role's: no token gets it).
fn provider_principal(arn: &str, cluster: &Cluster) -> String {
    rolecall_eval::claims::RoleAccount::from_role_arn(arn)
        .map(|r| r.oidc_provider_arn(cluster.provider()))
        .unwrap_or_default()
}

/// The verdict for `sa`, which names `arn`: as STS decides, the provider lookup and audience
/// first (with --providers), then the trust policy.
fn check(
    cluster: &Cluster,
    sa: &ServiceAccount,
    arn: &str,
    roles: &BTreeMap<String, LoadedPolicy>,
    providers: Option<&ProviderRegistry>,
    rules: &ClaimRules,
) -> (Status, String) {
    let Some(policy) = roles.get(arn) else {
        return (
            Status::RoleNotFound,
            format!("no role `{arn}` in the --roles inputs"),
        );
    };
    let identity = match rolecall_eks::web_identity(cluster, sa, arn, rules) {
        Ok(identity) => identity,
        Err(e) => return (Status::Denied, e),
    };
    match providers.map(|p| rolecall_eks::check_provider(p, cluster, sa, arn)) {
        Some(ProviderCheck::NotRegistered(reason)) => {
            return (Status::ProviderNotRegistered, reason)
        }
        Some(ProviderCheck::Audience(reason)) => return (Status::Denied, reason),
        _ => {}
    }
    let (decision, explained) = rolecall_eks::evaluate(&policy.compiled, &identity);
    if decision == Decision::Allow {
        return (Status::Ok, String::new());
    }
    let mut reason = denial_reason(
        &explained,
        &HintFacts::from_identity(&identity, false),
        "the token's",
    );
    if let Some(note) = rolecall_eks::misspelt_issuer(cluster, &policy.text) {
        reason = format!("{note}; {reason}");
    }
    (Status::Denied, bounded(reason))
}

/// Whether `policy` (the role `arn`) admits `sa`'s token.
fn admits(
    cluster: &Cluster,
    sa: &ServiceAccount,
    arn: &str,
    policy: &LoadedPolicy,
    providers: Option<&ProviderRegistry>,
    rules: &ClaimRules,
) -> bool {
    let Ok(identity) = rolecall_eks::web_identity(cluster, sa, arn, rules) else {
        return false;
    };
    if let Some(p) = providers {
        if rolecall_eks::check_provider(p, cluster, sa, arn) != ProviderCheck::Passed {
            return false;
        }
    }
    // The decision only (no explanation): this runs for every candidate of every role.
    rolecall_eval::evaluate_call(&policy.compiled, &identity).decision == Decision::Allow
}

/// Why the trust policy denies, in `explain`'s terms: the deciding Deny statement, or the
/// failed parts of the Allow statement that came closest (principal and action matched, fewest
/// failed conditions), each with `explain`'s hints.
/// `source` names where the request's values come from (`the token's`, `the request's`).
fn denial_reason(explained: &[(Request, Explanation)], facts: &HintFacts, source: &str) -> String {
    let Some((request, e)) = explained
        .iter()
        .find(|(_, e)| e.decision != Decision::Allow)
    else {
        return String::new();
    };
    if e.decision == Decision::ExplicitDeny {
        let which: Vec<String> = e
            .statements
            .iter()
            .map(|i| format!("statement {i}"))
            .collect();
        return format!(
            "`{}`: a Deny statement matches ({})",
            request.action(),
            which.join(", ")
        );
    }
    let closest = e
        .details
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .min_by_key(|s| {
            (
                !s.principal.matched,
                !s.action.matched,
                s.conditions.iter().filter(|c| !c.matched).count(),
            )
        });
    let Some(s) = closest else {
        return format!("`{}`: no statement allows it", request.action());
    };
    let mut parts = Vec::new();
    if !s.principal.matched {
        let listed: Vec<String> = s
            .principal
            .values
            .iter()
            .take(3)
            .map(|v| format!("`{}`", v.value))
            .collect();
        parts.push(format!(
            "principal `{}` is not among the statement's principals ({})",
            request.principal(),
            listed.join(", ")
        ));
    }
    if !s.action.matched {
        parts.push(format!(
            "{} does not cover `{}`",
            if s.action.not_action {
                "NotAction"
            } else {
                "Action"
            },
            request.action()
        ));
    }
    for h in statement_hints(s, request, facts) {
        parts.push(format!("hint: {h}"));
    }
    for c in s
        .conditions
        .iter()
        .filter(|c| !c.matched)
        .take(MAX_REASON_PARTS)
    {
        let values: Vec<String> = c.values.iter().map(|v| format!("`{}`", v.text)).collect();
        parts.push(format!(
            "{} `{}` {} does not match {source} {}",
            c.operator,
            c.key,
            values.join(" or "),
            context_text(&c.context)
        ));
        for h in condition_hints(c, request, facts) {
            // A hint's further lines align the two values under each other, for a terminal;
            // a one-line reason keeps its first line (which names both values).
            let h = h.to_string();
            let first = h.lines().next().unwrap_or("").trim_end_matches(':');
            parts.push(format!("hint: {first}"));
        }
    }
    let sid = match &s.sid {
        Some(sid) if !sid.is_empty() => format!("statement {} `{sid}`", s.index),
        _ => format!("statement {}", s.index),
    };
    format!("{sid}: {}", parts.join("; "))
}

/// A reason cut to [`MAX_REASON_CHARS`] characters (`…` where it goes on).
fn bounded(reason: String) -> String {
    if reason.chars().count() <= MAX_REASON_CHARS {
        return reason;
    }
    let mut cut: String = reason.chars().take(MAX_REASON_CHARS).collect();
    cut.push('…');
    cut
}
