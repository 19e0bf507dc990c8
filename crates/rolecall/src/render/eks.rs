//! `eks`'s report: the data (service accounts, roles and Pod Identity associations with
//! their verdicts) and its text, JSON and SARIF forms.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use crate::args::EksFormat;
use crate::error::CliError;

/// A service account's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Status {
    Ok,
    Denied,
    RoleNotFound,
    ProviderNotRegistered,
    /// Pod Identity: the trust policy tests the pod's name or UID, and no pod is known.
    DependsOnPod,
    /// Pod Identity: listed, but no description gives its role.
    RoleUnknown,
}

impl Status {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Denied => "denied",
            Status::RoleNotFound => "role-not-found",
            Status::ProviderNotRegistered => "provider-not-registered",
            Status::DependsOnPod => "depends-on-pod",
            Status::RoleUnknown => "role-unknown",
        }
    }
}

#[derive(Debug, Serialize)]
pub(crate) struct AccountReport {
    pub(crate) namespace: String,
    pub(crate) name: String,
    pub(crate) role_arn: String,
    pub(crate) status: Status,
    pub(crate) reason: String,
    /// With --pods: whether a pod uses the service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) in_use: Option<bool>,
    /// Where the service account is: input file and line of its name.
    #[serde(skip)]
    pub(crate) at: (String, Option<usize>),
}

#[derive(Debug, Serialize)]
pub(crate) struct Admitted {
    pub(crate) namespace: String,
    pub(crate) name: String,
    /// Whether the service account is annotated with this role; `false` is an over-broad trust.
    pub(crate) annotated: bool,
    /// With --pods: whether a pod uses the service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) in_use: Option<bool>,
    #[serde(skip)]
    pub(crate) at: (String, Option<usize>),
}

#[derive(Debug, Serialize)]
pub(crate) struct AssociationReport {
    pub(crate) association_id: String,
    pub(crate) namespace: String,
    pub(crate) service_account: String,
    pub(crate) role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) target_role_arn: Option<String>,
    pub(crate) status: Status,
    pub(crate) reason: String,
    /// With --pods: whether a pod uses the service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) in_use: Option<bool>,
    #[serde(skip)]
    pub(crate) at: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct Latent {
    pub(crate) namespace: String,
    pub(crate) name: String,
}

#[derive(Debug, Serialize)]
pub(crate) struct RoleReport {
    pub(crate) arn: String,
    #[serde(skip)]
    pub(crate) at: String,
    /// Whether a statement names a `Federated` principal (or everyone): a role a token could
    /// assume. The text table leaves other roles out when nothing is reported for them.
    #[serde(skip)]
    pub(crate) federated: bool,
    pub(crate) assumable_by: Vec<Admitted>,
    /// Service accounts that do not exist but would be admitted (one witness per pattern the
    /// trust policy admits `sub` by).
    pub(crate) latent: Vec<Latent>,
    /// Why `latent` could not be computed (a policy the analyzer cannot analyse exactly).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) latent_unknown: Option<String>,
}

#[derive(Debug, Serialize)]
pub(crate) struct Report {
    pub(crate) cluster: String,
    pub(crate) issuer: String,
    pub(crate) service_accounts: Vec<AccountReport>,
    pub(crate) roles: Vec<RoleReport>,
    pub(crate) pod_identity: Vec<AssociationReport>,
}

/// The report in `format`.
pub(crate) fn write_report(
    out: &mut impl Write,
    report: &Report,
    format: EksFormat,
) -> Result<(), CliError> {
    match format {
        EksFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        EksFormat::Sarif => {
            serde_json::to_writer_pretty(&mut *out, &sarif(report))
                .map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        EksFormat::Text => write_text(out, report)?,
    }
    Ok(())
}

/// The SARIF rules of `rolecall eks`: id, short description, level.
const SARIF_RULES: [(&str, &str, &str); 8] = [
    (
        "eks/denied",
        "The role's trust policy does not admit the service account's token",
        "error",
    ),
    (
        "eks/role-not-found",
        "The annotated role is not among the roles given",
        "error",
    ),
    (
        "eks/provider-not-registered",
        "The role's account has no IAM OIDC provider for the cluster's issuer",
        "error",
    ),
    (
        "eks/over-broad",
        "A trust policy admits a service account not annotated with its role",
        "warning",
    ),
    (
        "eks/latent",
        "A trust policy admits a service account that does not exist yet",
        "note",
    ),
    (
        "eks/pod-identity-denied",
        "A Pod Identity association's role does not admit EKS's call for it",
        "error",
    ),
    (
        "eks/pod-identity-role-not-found",
        "A Pod Identity association's role or target role is not among the roles given",
        "error",
    ),
    (
        "eks/pod-identity-unknown",
        "A Pod Identity association depends on the pod, or its role is not known",
        "warning",
    ),
];

/// The report as a SARIF 2.1.0 log: a result per service account that is not `ok`, per
/// over-broad admission (at the admitted service account), per latent service account (at the
/// role's file) and per association that is not `ok` (at its file). A service account's
/// location is the line of its name in the manifest or kubectl output it came from.
fn sarif(report: &Report) -> serde_json::Value {
    use serde_json::json;
    let rules: Vec<serde_json::Value> = SARIF_RULES
        .iter()
        .map(|(id, text, level)| {
            json!({"id": id, "shortDescription": {"text": text}, "defaultConfiguration": {"level": level}})
        })
        .collect();
    let location = |file: &str, line: Option<usize>| {
        let mut physical = json!({"artifactLocation": {"uri": uri_of(file)}});
        if let (Some(line), Some(p)) = (line, physical.as_object_mut()) {
            p.insert("region".into(), json!({"startLine": line}));
        }
        json!([{"physicalLocation": physical}])
    };
    let result = |rule: &str, text: String, locations: serde_json::Value| {
        let index = SARIF_RULES
            .iter()
            .position(|(id, _, _)| *id == rule)
            .unwrap_or(0);
        let level = SARIF_RULES.get(index).map_or("error", |(_, _, l)| *l);
        json!({"ruleId": rule, "ruleIndex": index, "level": level, "message": {"text": text}, "locations": locations})
    };
    let mut results = Vec::new();
    for a in &report.service_accounts {
        let rule = match a.status {
            Status::Ok => continue,
            Status::RoleNotFound => "eks/role-not-found",
            Status::ProviderNotRegistered => "eks/provider-not-registered",
            _ => "eks/denied",
        };
        let text = format!(
            "service account `{}/{}` (role `{}`): {}: {}",
            a.namespace,
            a.name,
            a.role_arn,
            a.status.as_str(),
            a.reason
        );
        results.push(result(rule, text, location(&a.at.0, a.at.1)));
    }
    for r in &report.roles {
        for a in r.assumable_by.iter().filter(|a| !a.annotated) {
            let text = format!(
                "role `{}` admits service account `{}/{}`, which is not annotated with it (over-broad trust)",
                r.arn, a.namespace, a.name
            );
            results.push(result("eks/over-broad", text, location(&a.at.0, a.at.1)));
        }
        for l in &r.latent {
            let text = format!(
                "role `{}` admits service account `{}/{}`, which does not exist: whoever creates it gets the role",
                r.arn, l.namespace, l.name
            );
            results.push(result("eks/latent", text, location(&r.at, None)));
        }
    }
    for a in &report.pod_identity {
        let rule = match a.status {
            Status::Ok => continue,
            Status::RoleNotFound => "eks/pod-identity-role-not-found",
            Status::DependsOnPod | Status::RoleUnknown => "eks/pod-identity-unknown",
            _ => "eks/pod-identity-denied",
        };
        let text = format!(
            "Pod Identity association `{}` for `{}/{}` (role `{}`): {}: {}",
            a.association_id,
            a.namespace,
            a.service_account,
            a.role_arn.as_deref().unwrap_or("unknown"),
            a.status.as_str(),
            a.reason
        );
        results.push(result(rule, text, location(&a.at, None)));
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "rolecall", "version": env!("CARGO_PKG_VERSION"), "rules": rules}},
            "results": results,
        }]
    })
}

/// A file name as a SARIF `uri` (a URI reference): bytes other than ASCII letters, digits and
/// `-._~/` percent-encoded (a space or `#` in a file name would otherwise make it no URI).
fn uri_of(file: &str) -> String {
    let mut out = String::with_capacity(file.len());
    for b in file.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
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
        if a.in_use == Some(false) {
            writeln!(w, "  {DIM}no pod uses it{DIM:#}")?;
        }
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
    let shown = report.roles.iter().filter(|r| {
        r.federated
            || !r.assumable_by.is_empty()
            || !r.latent.is_empty()
            || r.latent_unknown.is_some()
    });
    for r in shown {
        writeln!(w, "{}", r.arn)?;
        if r.assumable_by.is_empty() {
            writeln!(w, "  (no service account)")?;
        }
        for a in &r.assumable_by {
            if a.annotated && a.in_use == Some(false) {
                writeln!(
                    w,
                    "  {}/{}  {DIM}(no pod uses it){DIM:#}",
                    a.namespace, a.name
                )?;
            } else if a.annotated {
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
    if !report.pod_identity.is_empty() {
        writeln!(w)?;
        let width = report
            .pod_identity
            .iter()
            .map(|a| a.namespace.len() + a.service_account.len() + 1)
            .max()
            .unwrap_or(0)
            .max("SERVICE ACCOUNT".len());
        writeln!(
            w,
            "{:<23}  {:<width$}  POD IDENTITY ASSOCIATION -> ROLE",
            "STATUS", "SERVICE ACCOUNT"
        )?;
        for a in &report.pod_identity {
            let style = if a.status == Status::Ok { OK } else { FAIL };
            let status = a.status.as_str();
            let target = a
                .target_role_arn
                .as_deref()
                .map_or(String::new(), |t| format!(" -> {t}"));
            writeln!(
                w,
                "{style}{status:<23}{style:#}  {:<width$}  {} -> {}{target}",
                format!("{}/{}", a.namespace, a.service_account),
                a.association_id,
                a.role_arn.as_deref().unwrap_or("(role unknown)"),
            )?;
            if a.in_use == Some(false) {
                writeln!(w, "  {DIM}no pod uses it{DIM:#}")?;
            }
            if !a.reason.is_empty() {
                writeln!(w, "  {DIM}reason:{DIM:#} {}", a.reason)?;
            }
        }
    }
    Ok(())
}
