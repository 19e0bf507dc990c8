//! `rolecall eks`: a cluster's service accounts (IRSA) against the trust policies of the roles
//! they name, offline (`rolecall-eks` reads the cluster and the service accounts and builds each
//! token; the roles and providers are read as `sts` and `explain` read them, and a denial's
//! reason is `explain`'s, hints included).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use clap::Args;
use rolecall_eks::{Cluster, ProviderCheck, ServiceAccount};
use rolecall_eval::claims::{ClaimRules, WebIdentity};
use rolecall_eval::explain::Explanation;
use rolecall_eval::request::Request;
use rolecall_eval::{Decision, Effect};
use rolecall_sts::ProviderRegistry;
use serde::Serialize;

use super::explain::context_text;
use super::hints::{condition_hints, statement_hints, RequestFacts};
use super::request::{load_policy_bytes, read_input, usage, LoadedPolicy};
use super::sts::{dump_role_policy, load_providers, name_of, AccountDump};
use crate::args::Format;
use crate::inputs::Kind;
use crate::output::{self, CliError, ExitCode};

/// Arguments of `rolecall eks`.
#[derive(Debug, Args)]
pub(crate) struct EksArgs {
    /// The cluster: `aws eks describe-cluster` output (its OIDC issuer is the tokens' `iss`).
    #[arg(long, value_name = "FILE")]
    pub cluster: PathBuf,
    /// Service accounts (repeatable): `kubectl get serviceaccounts -A -o json` output, or YAML
    /// manifests (`helm template`, `kustomize build`: several documents, `List` kinds).
    #[arg(long = "service-accounts", value_name = "FILE", required = true)]
    pub service_accounts: Vec<PathBuf>,
    /// Roles (repeatable): `aws iam get-account-authorization-details` or `aws iam get-role`
    /// output (a bare policy file does not say which role it is for).
    #[arg(long, value_name = "FILE", required = true)]
    pub roles: Vec<PathBuf>,
    /// The IAM OIDC providers (repeatable; as `sts` reads them): with them, the issuer's
    /// provider in each role's account and the audience against its client IDs are checked.
    #[arg(long, value_name = "FILE")]
    pub providers: Vec<PathBuf>,
    /// Output format: `text` a table of service accounts, then each role's admitted service
    /// accounts; `json` the same for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// A service account's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Status {
    Ok,
    Denied,
    RoleNotFound,
    ProviderNotRegistered,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Denied => "denied",
            Status::RoleNotFound => "role-not-found",
            Status::ProviderNotRegistered => "provider-not-registered",
        }
    }
}

#[derive(Debug, Serialize)]
struct AccountReport {
    namespace: String,
    name: String,
    role_arn: String,
    status: Status,
    reason: String,
}

#[derive(Debug, Serialize)]
struct Admitted {
    namespace: String,
    name: String,
    /// Whether the service account is annotated with this role; `false` is an over-broad trust.
    annotated: bool,
}

#[derive(Debug, Serialize)]
struct Latent {
    namespace: String,
    name: String,
}

#[derive(Debug, Serialize)]
struct RoleReport {
    arn: String,
    assumable_by: Vec<Admitted>,
    /// A service account that does not exist but would be admitted (one witness per role).
    latent: Vec<Latent>,
    /// Why `latent` could not be computed (a policy the analyzer cannot analyse exactly).
    #[serde(skip_serializing_if = "Option::is_none")]
    latent_unknown: Option<String>,
}

#[derive(Debug, Serialize)]
struct Report {
    cluster: String,
    issuer: String,
    service_accounts: Vec<AccountReport>,
    roles: Vec<RoleReport>,
}

/// Most failed parts one reason names, and its most characters (hints included).
const MAX_REASON_PARTS: usize = 3;
const MAX_REASON_CHARS: usize = 2000;

pub(crate) fn run(args: &EksArgs) -> Result<ExitCode, CliError> {
    let stdin_users = std::iter::once(&args.cluster)
        .chain(&args.service_accounts)
        .chain(&args.roles)
        .chain(&args.providers)
        .filter(|p| p.as_os_str() == "-")
        .count();
    if stdin_users > 1 {
        return Err(usage("only one input can read standard input (`-`)"));
    }
    let cluster = rolecall_eks::read_cluster(&text_of(&args.cluster)?)
        .map_err(|e| usage(format!("{}: {e}", name_of(&args.cluster))))?;
    let mut accounts = Vec::new();
    for path in &args.service_accounts {
        let found = rolecall_eks::read_service_accounts(&text_of(path)?)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
        accounts.extend(found);
    }
    let roles = load_roles(&args.roles)?;
    let providers = if args.providers.is_empty() {
        None
    } else {
        Some(load_providers(&args.providers)?)
    };
    let rules = ClaimRules::default();
    let service_accounts: Vec<AccountReport> = accounts
        .iter()
        .filter_map(|sa| {
            let arn = sa.role_arn()?;
            let (status, reason) = check(&cluster, sa, arn, &roles, providers.as_ref(), &rules);
            Some(AccountReport {
                namespace: sa.namespace.clone(),
                name: sa.name.clone(),
                role_arn: arn.to_owned(),
                status,
                reason,
            })
        })
        .collect();
    let role_reports: Vec<RoleReport> = roles
        .iter()
        .map(|(arn, policy)| {
            let admitted: Vec<&ServiceAccount> = accounts
                .iter()
                .filter(|sa| admits(&cluster, sa, arn, policy, providers.as_ref(), &rules))
                .collect();
            // Without the issuer's provider in the role's account, no token gets the role.
            let account = arn.split(':').nth(4).unwrap_or("");
            let unregistered = providers
                .as_ref()
                .is_some_and(|p| p.find(&cluster.issuer, account).is_none());
            let (latent, latent_unknown) =
                match rolecall_eks::latent(&policy.compiled, &cluster, arn, &admitted, &accounts) {
                    _ if unregistered => (Vec::new(), None),
                    Ok(found) => (
                        found
                            .map(|(namespace, name)| Latent { namespace, name })
                            .into_iter()
                            .collect(),
                        None,
                    ),
                    Err(why) => (Vec::new(), Some(bounded(why))),
                };
            RoleReport {
                arn: arn.clone(),
                assumable_by: admitted
                    .iter()
                    .map(|sa| Admitted {
                        namespace: sa.namespace.clone(),
                        name: sa.name.clone(),
                        annotated: sa.role_arn() == Some(arn.as_str()),
                    })
                    .collect(),
                latent,
                latent_unknown,
            }
        })
        .collect();
    let clean = service_accounts.iter().all(|a| a.status == Status::Ok)
        && role_reports
            .iter()
            .all(|r| r.assumable_by.iter().all(|a| a.annotated));
    let report = Report {
        cluster: cluster.name.clone(),
        issuer: cluster.issuer.clone(),
        service_accounts,
        roles: role_reports,
    };
    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut out, &report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &report)?,
    }
    out.flush()?;
    Ok(if clean {
        ExitCode::Clean
    } else {
        ExitCode::Findings
    })
}

fn text_of(path: &Path) -> Result<String, CliError> {
    String::from_utf8(read_input(path, Kind::Container)?)
        .map_err(|_| usage(format!("{}: not UTF-8 text", name_of(path))))
}

/// Every role of the `--roles` files by ARN: account dumps (every role) and `get-role` output,
/// read by the readers `sts` and `explain` use. A role given twice is an error (two trust
/// policies for one role: rolecall never picks one).
fn load_roles(paths: &[PathBuf]) -> Result<BTreeMap<String, LoadedPolicy>, CliError> {
    let mut roles = BTreeMap::new();
    for path in paths {
        let name = name_of(path);
        let bytes = read_input(path, Kind::Container)?;
        let mut found = Vec::new();
        if let Ok(dump) = serde_json::from_slice::<AccountDump<'_>>(&bytes) {
            for role in &dump.roles {
                found.push((role.arn.clone(), dump_role_policy(&name, role)?));
            }
        } else {
            let loaded = load_policy_bytes(name.clone(), &bytes)?;
            let arn = loaded.role_arn.clone().ok_or_else(|| {
                usage(format!(
                    "{name}: a policy file does not say which role it is for: give `aws iam get-role` output or `aws iam get-account-authorization-details` output"
                ))
            })?;
            found.push((arn, loaded));
        }
        for (arn, policy) in found {
            if roles.insert(arn.clone(), policy).is_some() {
                return Err(usage(format!(
                    "{name}: role `{arn}` is given twice in --roles"
                )));
            }
        }
    }
    Ok(roles)
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
    let mut reason = denial_reason(&explained, &identity);
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
    rolecall_eks::evaluate(&policy.compiled, &identity).0 == Decision::Allow
}

/// Why the trust policy denies, in `explain`'s terms: the deciding Deny statement, or the
/// failed parts of the Allow statement that came closest (principal and action matched, fewest
/// failed conditions), each with `explain`'s hints.
fn denial_reason(explained: &[(Request, Explanation)], identity: &WebIdentity) -> String {
    let facts = RequestFacts::from_identity(identity, false);
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
    for h in statement_hints(s, request, &facts) {
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
            "{} `{}` {} does not match the token's {}",
            c.operator,
            c.key,
            values.join(" or "),
            context_text(&c.context)
        ));
        for h in condition_hints(c, request, &facts) {
            // A hint's further lines align the two values under each other, for a terminal;
            // a one-line reason keeps its first line (which names both values).
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

const OK: Style = AnsiColor::Green.on_default().bold();
const FAIL: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

fn write_text(w: &mut impl Write, report: &Report) -> Result<(), CliError> {
    writeln!(
        w,
        "{DIM}cluster{DIM:#} {} ({})",
        report.cluster, report.issuer
    )?;
    writeln!(w)?;
    let width = report
        .service_accounts
        .iter()
        .map(|a| a.namespace.len() + a.name.len() + 1)
        .max()
        .unwrap_or(0)
        .max("SERVICE ACCOUNT".len());
    writeln!(w, "{:<23}  {:<width$}  ROLE", "STATUS", "SERVICE ACCOUNT")?;
    for a in &report.service_accounts {
        let style = if a.status == Status::Ok { OK } else { FAIL };
        let status = a.status.as_str();
        writeln!(
            w,
            "{style}{status:<23}{style:#}  {:<width$}  {}",
            format!("{}/{}", a.namespace, a.name),
            a.role_arn
        )?;
        if !a.reason.is_empty() {
            writeln!(w, "  {DIM}reason:{DIM:#} {}", a.reason)?;
        }
    }
    if report.service_accounts.is_empty() {
        writeln!(
            w,
            "(no service account is annotated with {})",
            rolecall_eks::ROLE_ARN_ANNOTATION
        )?;
    }
    writeln!(w)?;
    writeln!(w, "ROLE  ASSUMABLE BY")?;
    for r in &report.roles {
        writeln!(w, "{}", r.arn)?;
        if r.assumable_by.is_empty() {
            writeln!(w, "  (no service account)")?;
        }
        for a in &r.assumable_by {
            if a.annotated {
                writeln!(w, "  {}/{}", a.namespace, a.name)?;
            } else {
                writeln!(
                    w,
                    "  {}/{}  {FAIL}over-broad{FAIL:#}: admitted but not annotated with this role",
                    a.namespace, a.name
                )?;
            }
        }
        for l in &r.latent {
            writeln!(
                w,
                "  {}/{}  {DIM}latent{DIM:#}: does not exist; whoever creates it gets this role",
                l.namespace, l.name
            )?;
        }
        if let Some(why) = &r.latent_unknown {
            writeln!(w, "  {DIM}latent: not analysed:{DIM:#} {why}")?;
        }
    }
    Ok(())
}
