//! `rolecall diff OLD NEW`: does NEW allow a request OLD does not (new
//! access), and the reverse (removed access)? Answered exactly by
//! `rolecall-analyze` (`Analyzer::implies` both ways), each answer with a
//! witness request the evaluator has checked: allowed by one side, not by
//! the other.

use std::io::Write;

use rolecall_analyze::{Analyzer, Implication};
use rolecall_eval::CompiledPolicy;

use crate::args::DiffArgs;
use crate::error::{CliError, ExitCode};
use crate::load::policy::load_policy_file;
use crate::render::diff::{write_report, Named, Side};
use crate::render::stdout;

pub(crate) fn run(args: &DiffArgs) -> Result<ExitCode, CliError> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(CliError::Usage(
            "OLD and NEW cannot both read standard input".into(),
        ));
    }
    let old = load_policy_file(&args.old)?;
    let new = load_policy_file(&args.new)?;
    let analyzer = Analyzer::default();
    let implies = |a: &CompiledPolicy, b: &CompiledPolicy| {
        analyzer.implies(a, b).map_err(|e| {
            CliError::Usage(format!(
                "cannot compare `{}` with `{}`: {e}",
                old.name, new.name
            ))
        })
    };
    let witness = |i: Implication| match i {
        Implication::Holds => None,
        Implication::NewAccess(w) => Some(w),
    };
    let (old_ref, new_ref) = (
        Named {
            name: &old.name,
            compiled: &old.compiled,
        },
        Named {
            name: &new.name,
            compiled: &new.compiled,
        },
    );
    let added = Side {
        allowed_by: new_ref,
        denied_by: old_ref,
        witness: witness(implies(&new.compiled, &old.compiled)?),
    };
    let removed = Side {
        allowed_by: old_ref,
        denied_by: new_ref,
        witness: witness(implies(&old.compiled, &new.compiled)?),
    };

    let mut out = stdout();
    write_report(&mut out, &added, &removed, args.format)?;
    out.flush()?;
    Ok(if added.witness.is_some() {
        ExitCode::Findings
    } else {
        ExitCode::Clean
    })
}
