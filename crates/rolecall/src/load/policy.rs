//! Trust policies read for a decision: a policy file in any input form
//! (raw, URL-encoded, `aws iam get-role` output), parsed and compiled, and
//! the role it is for; and the roles of `aws iam get-account-authorization-details`
//! dumps.

use std::path::Path;

use rolecall_audit::dump::{document_text, read_dump, DumpRole};
use rolecall_eval::CompiledPolicy;
use rolecall_policy::parse_document;
use rolecall_sts::TrustPolicy;

use super::{name_of, read_input, Kind};
use crate::error::{parse_error_message, usage, CliError};

/// The policy, compiled; its text for rendering; its name for messages.
pub(crate) struct LoadedPolicy {
    pub name: String,
    pub text: String,
    pub compiled: CompiledPolicy,
    /// `Role.Arn` when the file is `aws iam get-role` output.
    pub role_arn: Option<String>,
    /// `Role.RoleName` when the file is `aws iam get-role` output.
    pub role_name: Option<String>,
}

/// Whether the role ARN given on the command line names the role a
/// document is for. Exact, byte for byte: the account dump's role lookup
/// and the get-role check both use it, so the two paths cannot disagree.
pub(crate) fn same_role(given: &str, found: &str) -> bool {
    given == found
}

/// The role name of a role ARN: the last segment of `role/[path/]name`.
fn role_name_of(arn: &str) -> Option<&str> {
    arn.split_once(":role/")
        .and_then(|(_, rest)| rest.rsplit('/').next())
}

/// Refuses a policy read from `aws iam get-role` output for another role
/// than `--role-arn` (or than `--account`): the decision would be about
/// one role's trust policy under another role's name. Other input forms
/// say nothing about their role and pass.
pub(crate) fn check_role(
    policy: &LoadedPolicy,
    role_arn: Option<&str>,
    account: Option<&str>,
) -> Result<(), CliError> {
    let name = &policy.name;
    match (&policy.role_arn, &policy.role_name, role_arn) {
        (Some(found), _, Some(given)) if !same_role(given, found) => Err(usage(format!(
            "{name}: this `aws iam get-role` output is for role `{found}`, not for --role-arn `{given}`: give the get-role output of `{given}`, or --role-arn `{found}`"
        ))),
        (None, Some(found), Some(given)) if role_name_of(given) != Some(found.as_str()) => {
            Err(usage(format!(
                "{name}: this `aws iam get-role` output is for role name `{found}`, not for --role-arn `{given}`"
            )))
        }
        (Some(found), _, None) => match (account, found.split(':').nth(4)) {
            (Some(id), Some(owner)) if id != owner => Err(usage(format!(
                "{name}: this `aws iam get-role` output is for role `{found}` of account {owner}, not of --account {id}"
            ))),
            _ => Ok(()),
        },
        _ => Ok(()),
    }
}

/// Reads, parses and compiles a policy file (any input form); errors name
/// the file, line and column.
pub(crate) fn load_policy_file(path: &Path) -> Result<LoadedPolicy, CliError> {
    let name = name_of(path);
    let bytes = read_input(path, Kind::Policy)?;
    load_policy_bytes(name, &bytes)
}

/// Parses and compiles policy bytes read from the input called `name`.
pub(crate) fn load_policy_bytes(name: String, bytes: &[u8]) -> Result<LoadedPolicy, CliError> {
    let doc = parse_document(bytes).map_err(|e| {
        usage(format!(
            "{name}:{}:{}: error[{}]: {}",
            e.line(),
            e.column(),
            e.code(),
            parse_error_message(&e)
        ))
    })?;
    let compiled = CompiledPolicy::compile(&doc.policy).map_err(|e| {
        let span = e.span();
        let mut message = format!("{name}:{}:{}: error: {e}", span.line, span.column);
        for f in e.findings().iter().skip(1) {
            message.push_str(&format!(
                "\n{name}:{}:{}: error[{}]: {}",
                f.span.line, f.span.column, f.rule, f.message
            ));
        }
        usage(message)
    })?;
    let text = doc
        .policy_text
        .unwrap_or_else(|| String::from_utf8_lossy(bytes).into_owned());
    Ok(LoadedPolicy {
        name,
        text,
        compiled,
        role_arn: doc.role_arn,
        role_name: doc.role_name,
    })
}

/// The roles of an account dump (`aws iam get-account-authorization-details`
/// output, one object or an array of pages), read by `rolecall_audit::dump`,
/// the reader `audit` uses; `None` when `bytes` is not a dump.
pub(crate) fn dump_roles(bytes: &[u8]) -> Option<Vec<DumpRole<'_>>> {
    read_dump(std::str::from_utf8(bytes).ok()?)
}

/// The ARN and the trust policy, compiled, of one role of an account dump read from the input
/// called `name`; positions are within its document (a JSON string holds the document's text
/// or its URL-encoded form). A role without an ARN or a document is an error: rolecall never
/// guesses which role a policy is for.
pub(crate) fn dump_role_policy<'r>(
    name: &str,
    role: &'r DumpRole<'_>,
) -> Result<(&'r str, LoadedPolicy), CliError> {
    let arn = role
        .arn
        .as_deref()
        .ok_or_else(|| usage(format!("{name}: a role of `RoleDetailList` has no `Arn`")))?;
    if let Some(member) = &role.repeated_member {
        // Fail closed: either value could be the one AWS holds.
        return Err(usage(format!(
            "{name}: role `{arn}` gives `{member}` twice; which value is meant is unknown, so the role is not used"
        )));
    }
    let document = role.document.ok_or_else(|| {
        usage(format!(
            "{name}: role `{arn}` has no `AssumeRolePolicyDocument`"
        ))
    })?;
    let text = document_text(document).map_err(|e| usage(format!("{name}: role `{arn}`: {e}")))?;
    let loaded = load_policy_bytes(
        format!("{name} (role {arn}, positions within its document)"),
        text.as_bytes(),
    )?;
    Ok((arn, loaded))
}

/// Most role names an error lists from an account dump.
const MAX_LISTED_ROLES: usize = 5;

/// `sts --policy`: the policy, compiled, and the role ARN of get-role output.
/// With a role ARN, `path` may also be an account dump: the role's document
/// is used. Get-role output for another role than `role_arn` is refused.
pub(crate) fn load_role_policy(
    path: &Path,
    role_arn: Option<&str>,
) -> Result<(TrustPolicy, Option<String>), CliError> {
    let name = name_of(path);
    // An account dump is allowed here, so the container limit applies.
    let bytes = read_input(path, Kind::Container)?;
    let dump = dump_roles(&bytes);
    if let (None, Some(roles)) = (role_arn, &dump) {
        let mut names: Vec<String> = roles
            .iter()
            .take(MAX_LISTED_ROLES)
            // IAM role names are at most 64 characters; a longer one is cut.
            .map(|r| {
                let role: String = r
                    .role_name()
                    .or(r.arn.as_deref())
                    .unwrap_or("(no Arn)")
                    .chars()
                    .take(64)
                    .collect();
                format!("`{role}`")
            })
            .collect();
        if roles.len() > MAX_LISTED_ROLES {
            names.push(format!("and {} more", roles.len() - MAX_LISTED_ROLES));
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
    if let (Some(arn), Some(roles)) = (role_arn, &dump) {
        let role = roles
            .iter()
            .find(|r| r.arn.as_deref().is_some_and(|found| same_role(arn, found)))
            .ok_or_else(|| {
                usage(format!(
                    "{name}: the account dump has no role `{arn}` in `RoleDetailList`"
                ))
            })?;
        let (_, loaded) = dump_role_policy(&name, role)?;
        return Ok((
            TrustPolicy::from_compiled(loaded.compiled),
            Some(arn.to_owned()),
        ));
    }
    let loaded = load_policy_bytes(name, &bytes)?;
    check_role(&loaded, role_arn, None)?;
    Ok((TrustPolicy::from_compiled(loaded.compiled), loaded.role_arn))
}
