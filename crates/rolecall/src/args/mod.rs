//! Command-line arguments, as clap reads them: the first stage of the
//! one-way flow `args` -> `load` -> `cmd` -> `render` (see `lib.rs`).
//!
//! These types only describe the command line; each command checks what
//! clap cannot (a file that must exist, two options that go together) before
//! it does any work. Nothing here reads an input or imports another stage.

mod diff;
mod eks;
mod eval;
mod explain;
mod github;
mod request;
mod sts;
mod token;
mod who;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub(crate) use diff::DiffArgs;
pub(crate) use eks::{EksArgs, EksFormat};
pub(crate) use eval::EvalArgs;
pub(crate) use explain::ExplainArgs;
pub(crate) use github::{GithubArgs, GithubCommand, SubArgs};
pub(crate) use request::RequestArgs;
pub(crate) use sts::{AssumeArgs, StsArgs, StsCommand};
pub(crate) use token::{InspectArgs, TokenArgs, TokenCommand};
pub(crate) use who::WhoArgs;

const AFTER_HELP: &str = "\
Exit codes:
  0  clean (check, audit) or Allow (eval)
  1  findings (check, audit) or ImplicitDeny/ExplicitDeny (eval)
  2  unreadable or unparsable input, or wrong arguments

Examples:
  rolecall check examples/
  rolecall audit examples/ --format sarif > rolecall.sarif
  rolecall explain --policy trust.json --token token.jwt --account 111122223333";

const WHO_HELP: &str = "\
Reads what `audit` reads: policy files, URL-encoded policies, `aws iam get-role` output, `aws iam
get-account-authorization-details` dumps, Terraform plan JSON and CloudFormation templates (JSON or
YAML); directories are searched as `audit` searches them.

Per role: assumable or not, and by whom (per principal and action, a description and a witness
request the evaluator allows). --trusted-owner asks whether anyone outside the named owners
(GitHub owners, GitLab groups, Kubernetes namespaces, ...) gets in. A policy the analysis cannot
answer exactly says why (`not exactly analysable: ...`), never a guess.

Exit codes: 0 every policy answered (and, with --trusted-owner, no outsider admitted), 1 an
outsider admitted, 2 an input unreadable or unparsable, or a policy not exactly analysable.

Examples:
  rolecall who trust.json
  rolecall who infra/ --format json
  rolecall who account-dump.json --format json
  rolecall who infra/ --trusted-owner octo-org --trusted-owner octo-labs";

const DIFF_HELP: &str = "\
Compares two trust policies request by request, exactly: `new access` is a request NEW allows and
OLD does not, `removed access` the reverse. Each is shown with a witness request and the
`rolecall explain` lines that replay it against both files (Allow for one, a deny for the other).

Exit codes: 0 no new access, 1 new access, 2 an input unreadable or unparsable, or a policy not
exactly analysable (then no answer is given rather than a guess).

Examples:
  rolecall diff old/trust.json new/trust.json
  rolecall diff old.json new.json --format json
  git show main:infra/trust.json | rolecall diff - infra/trust.json";

/// Decide offline, exactly as AWS STS would, whether a web identity may
/// assume an IAM role; say why; audit trust policies.
#[derive(Debug, Parser)]
#[command(name = "rolecall", version, about, after_help = AFTER_HELP)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Parse and validate trust policies as IAM would at write time.
    #[command(after_help = "\
Prints file:line:column, the source line, a caret under the offending token, the rule id and a hint.

Directories are searched for *.json as `audit` searches them (.gitignore applies; .git/,
node_modules/, .terraform/, FIFOs, devices and links to directories are skipped); JSON files there
that are not policies are skipped and counted (--verbose lists them). A policy is read up to
1 MiB; a larger input is an error.

Exit codes: 0 clean, 1 findings (errors or warnings), 2 unreadable or unparsable input.

Examples:
  rolecall check trust.json
  rolecall check examples/ --format json
  aws iam get-role --role-name app | rolecall check -")]
    Check(CheckArgs),
    /// Find trust policies that let the wrong workload in.
    #[command(after_help = "\
Reads policy files, URL-encoded policies, `aws iam get-role` output, `aws iam
get-account-authorization-details` dumps, Terraform plan JSON (`terraform show -json`) and
CloudFormation templates (JSON or YAML, also inside a multi-document stream). Standard input is
recognised by its content.

Directories are searched recursively for *.json, *.yaml, *.yml and *.template, as a scanner does:
.gitignore rules apply (also outside a git checkout); .git/, node_modules/ and .terraform/ are
never entered; FIFOs, sockets and devices are skipped; symbolic links are followed to files only,
never into directories (so a link cycle cannot loop), and each file is read once. A file found
there that holds no trust policy (package.json, a Kubernetes manifest, an empty file) is skipped
and counted; --verbose lists each one. A file that looks like a policy but does not parse is
reported. A file named on the command line must hold a trust policy.

Inputs are read up to a limit: 256 MiB for an audit input (and a NUL byte stops the read: no
JSON or YAML holds one), 1 MiB for --config, 4 MiB for --providers. More is an error.

Configuration: `.rolecall.toml` in the current directory, or --config FILE.

Exit codes: 0 no finding at or above --min-severity, 1 findings, 2 an input that cannot be read
or parsed (a policy that does not parse included, whatever --min-severity), a file named on the
command line that holds no trust policy, or bad config.

Examples:
  rolecall audit examples/
  rolecall audit account-dump.json --min-severity high
  rolecall audit infra/ --format sarif > rolecall.sarif
  rolecall audit infra/ --format github --baseline known.json
  rolecall audit --list-rules --format markdown > docs/RULES.md")]
    Audit(AuditArgs),
    /// Decide as STS would: Allow, ImplicitDeny or ExplicitDeny, and the
    /// statements that decided.
    #[command(after_help = "\
Exit codes: 0 Allow, 1 ImplicitDeny or ExplicitDeny, 2 error.

Examples:
  rolecall eval --policy trust.json --token token.jwt \\
      --role-arn arn:aws:iam::111122223333:role/app
  rolecall eval --policy trust.json --principal accounts.google.com \\
      --context accounts.google.com:aud=my-client-id
  rolecall eval --batch < requests.jsonl > decisions.jsonl")]
    Eval(EvalArgs),
    /// Explain a decision condition by condition: which part failed, the
    /// policy line, the request value, and a hint.
    #[command(after_help = "\
Same inputs as `eval`. Exit codes: 0 Allow, 1 ImplicitDeny or ExplicitDeny, 2 error.

Examples:
  rolecall explain --policy trust.json --role-arn \"$AWS_ROLE_ARN\" \\
      --token /var/run/secrets/eks.amazonaws.com/serviceaccount/token
  rolecall explain --policy trust.json --token github.jwt --account 111122223333
  rolecall explain --policy trust.json --principal accounts.google.com \\
      --context accounts.google.com:aud=my-client-id \\
      --context accounts.google.com:sub=110169484474386276334")]
    Explain(ExplainArgs),
    /// Reproduce AssumeRoleWithWebIdentity offline, with the token verified.
    #[command(
        subcommand_required = true,
        after_help = "\
Examples:
  rolecall sts assume-role-with-web-identity --policy trust.json \\
      --role-arn arn:aws:iam::111122223333:role/app --token token.jwt \\
      --providers providers.json --jwks jwks.json
  rolecall sts assume-role-with-web-identity --help"
    )]
    Sts(StsArgs),
    /// Inspect web-identity tokens.
    #[command(after_help = "\
Examples:
  rolecall token inspect token.jwt --now 2025-06-15T12:00:00Z
  rolecall token inspect - --format json < token.jwt")]
    Token(TokenArgs),
    /// GitHub Actions: the `sub` a job sends.
    #[command(
        subcommand_required = true,
        after_help = "\
Examples:
  rolecall github sub --repository octo-org/octo-repo --ref refs/heads/main
  rolecall github sub --help"
    )]
    Github(GithubArgs),
    /// EKS: check service accounts (IRSA) against the roles they name.
    #[command(after_help = "\
Exit codes: 0 every annotated service account can assume its role and no role admits another service account, 1 something is not ok, 2 unreadable input.

Inputs, and the commands that print them:
  --cluster           aws eks describe-cluster --name CLUSTER
  --service-accounts  kubectl get serviceaccounts -A -o json, or manifests:
                      helm template --namespace NS ..., kustomize build ...
  --roles             aws iam get-account-authorization-details, or
                      aws iam get-role --role-name NAME
  --providers         aws iam get-open-id-connect-provider \\
                          --open-id-connect-provider-arn ARN

Examples:
  aws eks describe-cluster --name demo > cluster.json
  kubectl get serviceaccounts -A -o json > sa.json
  aws iam get-account-authorization-details --filter Role > roles.json
  rolecall eks --cluster cluster.json --service-accounts sa.json \\
      --roles roles.json
  rolecall eks --cluster cluster.json --service-accounts rendered.yaml \\
      --roles app-role.json --providers provider.json --format json")]
    Eks(EksArgs),
    /// Per role: can anyone assume it, and who, exactly (every answer backed by a checked request).
    #[command(after_help = WHO_HELP)]
    Who(WhoArgs),
    /// Does a policy change let anyone new in (and does it shut anyone out)?
    #[command(after_help = DIFF_HELP)]
    Diff(DiffArgs),
    /// Print internal stages (the syntax tree) for debugging.
    #[command(
        subcommand,
        after_help = "\
Examples:
  rolecall debug parse trust.json
  aws iam get-role --role-name app | rolecall debug parse -"
    )]
    Debug(DebugCommand),
    /// Print a shell completion script.
    #[command(after_help = "\
Examples:
  rolecall completions bash > /etc/bash_completion.d/rolecall
  rolecall completions zsh > ~/.zfunc/_rolecall")]
    Completions(CompletionsArgs),
}

/// Output format (each command's `--format` help says what its text holds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// For people.
    Text,
    /// For tools: one JSON document.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    /// Policy files or directories (searched recursively for *.json); `-`
    /// reads standard input. Accepts a raw policy, a URL-encoded policy, or
    /// `aws iam get-role` output.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format: `text` lists findings grouped by file, with source lines and carets.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// List each file of a walked directory that was not checked, and why.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Output format for `audit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditFormat {
    /// For people: grouped by file and role, with source lines and carets.
    Text,
    /// For tools: one JSON document.
    Json,
    /// SARIF 2.1.0, as GitHub code scanning accepts it.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=...`): annotations on pull requests.
    Github,
    /// A Markdown summary table, for a pull-request comment.
    Markdown,
}

/// A finding severity, for `--min-severity`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// Files or directories to audit; `-` reads standard input.
    #[arg(required_unless_present = "list_rules", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = AuditFormat::Text)]
    pub format: AuditFormat,
    /// Print the rule catalogue (id, title, default severity, what it detects, why, fix, an
    /// example) instead of auditing; with --format text, json or markdown (docs/RULES.md).
    #[arg(long, conflicts_with = "paths")]
    pub list_rules: bool,
    /// Report only findings at or above this severity; any such finding makes the exit code 1.
    #[arg(long, value_enum, default_value_t = SeverityArg::Low)]
    pub min_severity: SeverityArg,
    /// An earlier `--format json` or `--format sarif` report: report only findings that are
    /// not in it (matched by rule, file, role and position, not by message), and set the exit
    /// code on those.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Configuration file (default: `.rolecall.toml` in the current directory, if present).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Reproduce STS before the 2026 provider-specific claim keys (then `:actor`,
    /// `:repository` and the like are never request keys).
    #[arg(long)]
    pub pre_2026_claims: bool,
    /// The account's IAM OIDC providers (repeatable; merged), as for `sts`: output of
    /// `aws iam get-open-id-connect-provider` (or an array of it, or rolecall's
    /// `{"account": ..., "providers": [...]}`). Their client ID lists enable
    /// TP-AUD-NOT-IN-CLIENTLIST: `aud` values no registered client ID satisfies.
    #[arg(long, value_name = "FILE")]
    pub providers: Vec<PathBuf>,
    /// The GitHub `sub` template the roles' GitHub subjects follow (repeatable: a repository
    /// and an organization template), as for `who`: the output of
    /// `GET /repos/{owner}/{repo}/actions/oidc/customization/sub` (or `/orgs/{org}/...`).
    /// Subjects are then analysed in the template's form instead of the default.
    #[arg(long = "github-template", value_name = "FILE")]
    pub github_templates: Vec<PathBuf>,
    /// List each file of a walked directory that was not audited, and why.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum DebugCommand {
    /// Print the syntax tree of a policy, with positions.
    #[command(after_help = "\
Prints every node with its line, column and byte range; a policy that does not parse gives the
parse error with its position (exit code 2).

Examples:
  rolecall debug parse trust.json
  aws iam get-role --role-name app | rolecall debug parse -")]
    Parse {
        /// The policy file, or `-` for standard input.
        #[arg(value_name = "FILE")]
        path: PathBuf,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell to generate completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Terminal width the examples must fit without being wrapped.
    const WIDTH: usize = 80;

    /// The `--help` of every command and subcommand, at [`WIDTH`] columns,
    /// with the command's words.
    fn helps() -> Vec<(Vec<String>, String)> {
        fn walk(cmd: &mut clap::Command, path: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
            out.push((path.clone(), cmd.render_long_help().to_string()));
            for sub in cmd.get_subcommands_mut() {
                let mut path = path.clone();
                path.push(sub.get_name().to_owned());
                walk(sub, path, out);
            }
        }
        let mut root = Cli::command().term_width(WIDTH);
        root.build();
        let mut out = Vec::new();
        walk(&mut root, vec!["rolecall".to_owned()], &mut out);
        out
    }

    /// Words of one example command line, as a shell splits them (double
    /// quotes only, which is all the examples use), without redirections.
    fn words(line: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut word: Option<String> = None;
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => {
                    quoted = !quoted;
                    word.get_or_insert_with(String::new);
                }
                c if c.is_whitespace() && !quoted => words.extend(word.take()),
                c => word.get_or_insert_with(String::new).push(c),
            }
        }
        words.extend(word);
        let mut kept = Vec::new();
        let mut skip = false;
        for w in words {
            if skip {
                skip = false;
            } else if w == "<" || w == ">" {
                skip = true;
            } else {
                kept.push(w);
            }
        }
        kept
    }

    /// Every command's `--help` has an Examples block; each example fits in
    /// 80 columns unwrapped (a continued command ends its line with `\`),
    /// and each `rolecall` command in it parses.
    #[test]
    fn every_help_has_examples_that_parse_unwrapped() {
        let helps = helps();
        assert!(helps.len() >= 13, "{}", helps.len());
        for (path, help) in &helps {
            if path.iter().skip(1).any(|w| w == "help") {
                continue; // clap's own `help` subcommand
            }
            let name = path.join(" ");
            let block: Vec<&str> = help
                .split("\nExamples:\n")
                .nth(1)
                .unwrap_or_else(|| panic!("`{name} --help` has no Examples block:\n{help}"))
                .lines()
                .take_while(|l| !l.trim().is_empty())
                .collect();
            let mut command = String::new();
            let mut parsed = 0;
            for line in &block {
                assert!(line.len() <= WIDTH, "`{name} --help`: {line}");
                let continued = command.ends_with('\\');
                let text = line.trim();
                assert!(
                    continued
                        || ["rolecall ", "aws ", "cat ", "kubectl ", "git "]
                            .iter()
                            .any(|c| text.starts_with(c)),
                    "`{name} --help`: a wrapped or stray example line: {line}"
                );
                command = format!("{} {text}", command.trim_end_matches('\\'));
                if command.ends_with('\\') {
                    continue;
                }
                for part in command.split('|') {
                    let words = words(part);
                    if words.first().is_some_and(|w| w == "rolecall") {
                        if let Err(e) = Cli::try_parse_from(&words) {
                            // `--help` in an example shows help: that parses.
                            assert_eq!(
                                e.kind(),
                                clap::error::ErrorKind::DisplayHelp,
                                "`{name} --help`: {words:?}: {e}"
                            );
                        }
                        parsed += 1;
                    }
                }
                command.clear();
            }
            assert!(
                command.is_empty(),
                "`{name} --help`: an example ends with `\\`"
            );
            assert!(parsed > 0, "`{name} --help` has no rolecall example");
        }
    }
}
