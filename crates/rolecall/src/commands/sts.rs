//! `rolecall sts assume-role-with-web-identity`: the whole STS call, offline,
//! with the token verified (`rolecall-sts`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anstyle::{AnsiColor, Style};
use clap::{Args, Subcommand};
use rolecall_eval::claims::ClaimRules;
use rolecall_eval::CompiledPolicy;
use rolecall_sts::call::{CallResult, Response};
use rolecall_sts::{
    assume_role_with_web_identity, CallInput, KeySet, ProviderRegistry, TrustPolicy,
};

use super::request::{check_role, read_input, same_role, usage};
use crate::args::Format;
use crate::inputs::Kind;
use crate::output::{self, CliError, ExitCode};

/// `rolecall sts ...`.
#[derive(Debug, Args)]
pub(crate) struct StsArgs {
    #[command(subcommand)]
    pub command: StsCommand,
}

/// The STS calls rolecall reproduces.
#[derive(Debug, Subcommand)]
pub(crate) enum StsCommand {
    /// Reproduce AssumeRoleWithWebIdentity: provider lookup, key and
    /// signature, aud/exp/nbf, then the trust policy for every required action.
    #[command(after_help = "\
Prints the success summary (subject, provider, audience, assumed-role ARN, allowing statements) or the exact STS error code and message with the check that failed and the values compared.

Exit codes: 0 success, 1 STS returns an error (AccessDenied, InvalidIdentityToken, ...), 2 unreadable input or not enough input to decide.

Examples:
  rolecall sts assume-role-with-web-identity --policy trust.json \\
      --role-arn arn:aws:iam::111122223333:role/app --token token.jwt \\
      --providers providers.json --jwks jwks.json
  aws iam get-open-id-connect-provider \\
      --open-id-connect-provider-arn ARN > provider.json
  rolecall sts assume-role-with-web-identity --role-arn ARN \\
      --policy trust.json --token - --providers provider.json \\
      --jwks issuer-mirror/ --now 2025-06-15T12:00:00Z")]
    AssumeRoleWithWebIdentity(AssumeArgs),
}

/// Arguments of `rolecall sts assume-role-with-web-identity`.
#[derive(Debug, Args)]
pub(crate) struct AssumeArgs {
    /// The role's ARN (`RoleArn`). Optional when --policy is `aws iam get-role` output.
    #[arg(long, value_name = "ARN")]
    pub role_arn: Option<String>,
    /// The role's trust policy: a file or `-` (raw, URL-encoded, or `aws iam get-role` output),
    /// or `aws iam get-account-authorization-details` output holding the role named by --role-arn.
    #[arg(long, value_name = "FILE")]
    pub policy: PathBuf,
    /// The web-identity token (JWT): a file or `-`.
    #[arg(long, value_name = "FILE")]
    pub token: PathBuf,
    /// The account's IAM OIDC providers (repeatable; merged): output of
    /// `aws iam list-open-id-connect-providers` or `get-open-id-connect-provider`,
    /// an array of the latter, or rolecall's `{"account": ..., "providers": [...]}`.
    #[arg(long, value_name = "FILE", required = true)]
    pub providers: Vec<PathBuf>,
    /// The issuer's keys: a JWKS file, or a directory mirroring the issuer
    /// (`.well-known/openid-configuration` and the file its `jwks_uri` names).
    #[arg(long, value_name = "FILE|DIR")]
    pub jwks: PathBuf,
    /// The time of the call: RFC 3339 (`2025-06-15T12:00:00Z`) or unix
    /// seconds (default: the current time).
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
    /// `RoleSessionName` (default `rolecall`).
    #[arg(long, value_name = "NAME")]
    pub session_name: Option<String>,
    /// Reproduce STS before the 2026 provider-specific claim keys.
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// Output format: `text` prints the success summary or the STS error and the check that
    /// failed; `json` the same for tools.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

pub(crate) fn run(args: &StsArgs) -> Result<ExitCode, CliError> {
    match &args.command {
        StsCommand::AssumeRoleWithWebIdentity(a) => assume(a),
    }
}

/// `--now`: unix seconds, or a date as IAM's date operators read it.
pub(crate) fn parse_now(now: Option<&str>) -> Result<i64, CliError> {
    let Some(text) = now else {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_err(|e| usage(format!("the system clock is before 1970: {e}")))?
            .as_secs();
        return i64::try_from(secs).map_err(|_| usage("the system clock is out of range"));
    };
    if let Ok(secs) = text.parse::<i64>() {
        return Ok(secs);
    }
    let nanos = rolecall_policy::grammar::date::parse_date(text)
        .map_err(|e| usage(format!("--now `{text}`: {e}")))?;
    i64::try_from(nanos.div_euclid(1_000_000_000))
        .map_err(|_| usage(format!("--now `{text}` is out of range")))
}

pub(crate) fn name_of(path: &Path) -> String {
    if path.as_os_str() == "-" {
        crate::inputs::STDIN_NAME.to_owned()
    } else {
        path.display().to_string()
    }
}

/// The IAM OIDC providers of `--providers` files, merged (any form
/// `ProviderRegistry::from_json` reads).
pub(crate) fn load_providers(paths: &[PathBuf]) -> Result<ProviderRegistry, CliError> {
    let mut providers = ProviderRegistry::new();
    for path in paths {
        let registry = ProviderRegistry::from_json(&text_of(path, Kind::Providers)?)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
        providers
            .merge(registry)
            .map_err(|e| usage(format!("{}: {e}", name_of(path))))?;
    }
    Ok(providers)
}

fn text_of(path: &Path, kind: Kind) -> Result<String, CliError> {
    String::from_utf8(read_input(path, kind)?)
        .map_err(|_| usage(format!("{}: not UTF-8 text", name_of(path))))
}

/// An `aws iam get-account-authorization-details` page, read only as far
/// as choosing a role needs. The document stays raw text, so the strict
/// parser still sees it exactly as written (duplicate keys included).
#[derive(serde::Deserialize)]
pub(crate) struct AccountDump<'a> {
    #[serde(rename = "RoleDetailList", borrow)]
    pub roles: Vec<DumpRole<'a>>,
}

#[derive(serde::Deserialize)]
pub(crate) struct DumpRole<'a> {
    #[serde(rename = "Arn")]
    pub arn: String,
    #[serde(rename = "RoleName", default)]
    name: Option<String>,
    #[serde(rename = "AssumeRolePolicyDocument", borrow)]
    document: &'a serde_json::value::RawValue,
}

/// The trust policy of one role of an account dump, compiled; positions are within its
/// document (a JSON string holds the document's text or its URL-encoded form).
pub(crate) fn dump_role_policy(
    name: &str,
    role: &DumpRole<'_>,
) -> Result<super::request::LoadedPolicy, CliError> {
    let arn = &role.arn;
    let raw = role.document.get();
    let text = if raw.starts_with('"') {
        serde_json::from_str::<String>(raw)
            .map_err(|e| usage(format!("{name}: role `{arn}`: {e}")))?
    } else {
        raw.to_owned()
    };
    super::request::load_policy_bytes(
        format!("{name} (role {arn}, positions within its document)"),
        text.as_bytes(),
    )
}

/// Most role names an error lists from an account dump.
const MAX_LISTED_ROLES: usize = 5;

/// The policy, compiled, and the role ARN of get-role output. With a role
/// ARN, `path` may also be an account dump: the role's document is used.
/// Get-role output for another role than `role_arn` is refused.
fn load_policy(
    path: &Path,
    role_arn: Option<&str>,
) -> Result<(TrustPolicy, Option<String>), CliError> {
    let name = name_of(path);
    // An account dump is allowed here, so the container limit applies.
    let bytes = read_input(path, Kind::Container)?;
    let dump = serde_json::from_slice::<AccountDump<'_>>(&bytes);
    if let (None, Ok(dump)) = (role_arn, &dump) {
        let mut names: Vec<String> = dump
            .roles
            .iter()
            .take(MAX_LISTED_ROLES)
            // IAM role names are at most 64 characters; a longer one is cut.
            .map(|r| {
                let role: String = r
                    .name
                    .as_deref()
                    .unwrap_or(&r.arn)
                    .chars()
                    .take(64)
                    .collect();
                format!("`{role}`")
            })
            .collect();
        if dump.roles.len() > MAX_LISTED_ROLES {
            names.push(format!("and {} more", dump.roles.len() - MAX_LISTED_ROLES));
        }
        let listed = if names.is_empty() {
            "it lists no role".to_owned()
        } else {
            format!("its roles: {}", names.join(", "))
        };
        return Err(usage(format!(
            "{name} is `aws iam get-account-authorization-details` output: give --role-arn to choose the role ({listed})"
        )));
    }
    if let (Some(arn), Ok(dump)) = (role_arn, dump) {
        let role = dump
            .roles
            .iter()
            .find(|r| same_role(arn, &r.arn))
            .ok_or_else(|| {
                usage(format!(
                    "{name}: the account dump has no role `{arn}` in `RoleDetailList`"
                ))
            })?;
        let loaded = dump_role_policy(&name, role)?;
        return Ok((
            TrustPolicy::from_compiled(loaded.compiled),
            Some(arn.to_owned()),
        ));
    }
    let loaded = super::request::load_policy_bytes(name, &bytes)?;
    check_role(&loaded, role_arn, None)?;
    Ok((TrustPolicy::from_compiled(loaded.compiled), loaded.role_arn))
}

fn assume(args: &AssumeArgs) -> Result<ExitCode, CliError> {
    let stdin_users = [&args.policy, &args.token]
        .iter()
        .chain(args.providers.iter().collect::<Vec<_>>().iter())
        .filter(|p| p.as_os_str() == "-")
        .count();
    if stdin_users > 1 {
        return Err(usage("only one input can read standard input (`-`)"));
    }
    let (policy, doc_role) = load_policy(&args.policy, args.role_arn.as_deref())?;
    let role_arn = args.role_arn.clone().or(doc_role).ok_or_else(|| {
        usage("--role-arn is required (unless --policy is `aws iam get-role` output)")
    })?;
    let token = text_of(&args.token, Kind::Token)?;
    let providers = load_providers(&args.providers)?;
    let keys = KeySet::from_path(&args.jwks).map_err(|e| usage(e.to_string()))?;
    let now = parse_now(args.now.as_deref())?;
    let rules = if args.pre_2026_claims {
        ClaimRules::pre_2026()
    } else {
        ClaimRules::default()
    };
    let input = CallInput::builder()
        .role_arn(&role_arn)
        .policy(&policy)
        .token(token.trim())
        .providers(&providers)
        .keys(&keys)
        .now(now)
        .session_name(args.session_name.as_deref())
        .rules(rules)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let result = assume_role_with_web_identity(&input);
    let code = exit_code(&result);
    let mut out = output::stdout();
    match args.format {
        Format::Json => {
            let mut value = serde_json::to_value(&result).map_err(std::io::Error::from)?;
            if let Some(map) = value.as_object_mut() {
                map.insert("now".into(), now.into());
                map.insert("exit_code".into(), code.code().into());
            }
            serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::from)?;
            writeln!(out)?;
        }
        Format::Text => write_text(&mut out, &result)?,
    }
    out.flush()?;
    Ok(code)
}

/// `rolecall eval --verify`: runs the token checks of the STS call. Returns
/// the exit code when STS would refuse the token before looking at the
/// policy (the STS error is printed), `None` when the token passes and the
/// evaluation should go on.
pub(crate) fn verify_token(
    args: &super::eval::EvalArgs,
    policy: &CompiledPolicy,
) -> Result<Option<ExitCode>, CliError> {
    let (Some(token_path), Some(role_arn), Some(jwks)) = (
        args.request.token.as_deref(),
        args.request.role_arn.as_deref(),
        args.jwks.as_deref(),
    ) else {
        return Err(usage(
            "--verify needs --token, --role-arn, --providers and --jwks",
        ));
    };
    let token = text_of(token_path, Kind::Token)?;
    let providers = load_providers(&args.providers)?;
    let keys = KeySet::from_path(jwks).map_err(|e| usage(e.to_string()))?;
    let now = parse_now(args.now.as_deref())?;
    let trust = TrustPolicy::from_compiled(policy.clone());
    let rules = if args.request.pre_2026_claims {
        ClaimRules::pre_2026()
    } else {
        ClaimRules::default()
    };
    let input = CallInput::builder()
        .role_arn(role_arn)
        .policy(&trust)
        .token(token.trim())
        .providers(&providers)
        .keys(&keys)
        .now(now)
        .rules(rules)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let result = assume_role_with_web_identity(&input);
    match &result.outcome {
        Response::Error { error, .. }
            if error.check != rolecall_sts::call::Check::Authorization =>
        {
            let mut out = output::stdout();
            match args.request.format {
                Format::Json => {
                    let value = serde_json::json!({
                        "decision": "Error",
                        "sts_error": error,
                        "signature_checked": true,
                    });
                    serde_json::to_writer_pretty(&mut out, &value).map_err(std::io::Error::from)?;
                    writeln!(out)?;
                }
                Format::Text => {
                    writeln!(out, "{RED}{error}{RED:#}")?;
                    writeln!(out, "  check: {}", error.check.as_str())?;
                    writeln!(out, "  cause: {}", error.cause)?;
                    writeln!(
                        out,
                        "STS refuses the token before it evaluates the trust policy"
                    )?;
                }
            }
            out.flush()?;
            Ok(Some(ExitCode::Findings))
        }
        Response::Undetermined { reason } => {
            Err(usage(format!("cannot verify the token: {reason}")))
        }
        _ => Ok(None),
    }
}

fn exit_code(result: &CallResult) -> ExitCode {
    match result.outcome {
        Response::Success(_) => ExitCode::Clean,
        Response::Error { .. } => ExitCode::Findings,
        _ => ExitCode::Error,
    }
}

const GREEN: Style = AnsiColor::Green.on_default().bold();
const RED: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

fn write_text(w: &mut impl Write, result: &CallResult) -> Result<(), CliError> {
    match &result.outcome {
        Response::Success(ok) => {
            writeln!(w, "{GREEN}success{GREEN:#}: {}", ok.assumed_role_arn)?;
            writeln!(
                w,
                "  SubjectFromWebIdentityToken: {}",
                ok.subject_from_web_identity_token
            )?;
            writeln!(w, "  Provider: {}", ok.provider)?;
            writeln!(w, "  Audience: {}", ok.audience.join(", "))?;
            writeln!(w, "  principal: {}", ok.principal)?;
            for a in &ok.actions {
                let by: Vec<String> = a.statements.iter().map(ToString::to_string).collect();
                writeln!(w, "  {}: allowed by {}", a.action, by.join(", "))?;
            }
        }
        Response::Error { error, actions } => {
            writeln!(w, "{RED}error{RED:#}: {error}")?;
            writeln!(w, "  check: {}", error.check.as_str())?;
            writeln!(w, "  cause: {}", error.cause)?;
            writeln!(
                w,
                "  {DIM}message wording: {}{DIM:#}",
                serde_json::to_value(error.wording)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default()
            )?;
            for a in actions {
                writeln!(w, "  {}: {}", a.action, a.decision)?;
            }
        }
        Response::Undetermined { reason } => {
            writeln!(w, "{RED}undetermined{RED:#}: {reason}")?;
        }
        _ => writeln!(w, "undetermined: unknown outcome")?,
    }
    writeln!(w, "checks:")?;
    for c in &result.checks {
        if c.passed {
            writeln!(
                w,
                "  {GREEN}ok{GREEN:#}   {}: {}",
                c.check.as_str(),
                c.detail
            )?;
        } else {
            // The detail is the cause, printed above.
            writeln!(w, "  {RED}FAIL{RED:#} {}", c.check.as_str())?;
        }
    }
    Ok(())
}
