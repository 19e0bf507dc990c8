//! `rolecall explain`: why STS would allow or deny, condition by condition,
//! with the policy line, a caret, the request value it was checked against,
//! and a hint where the cause is recognisable.

use std::io::Write;

use rolecall_eval::explain::{explain, Explanation};
use rolecall_eval::hints::HintFacts;
use rolecall_eval::request::Request;
use rolecall_eval::Decision;

use crate::args::{ExplainArgs, Format};
use crate::error::{CliError, ExitCode};
use crate::load::request::{load_policy, load_subject, Subject};
use crate::render::explain::{write_json, write_text, PolicySource};
use crate::render::stdout;

pub(crate) fn run(args: &ExplainArgs) -> Result<ExitCode, CliError> {
    let policy = load_policy(&args.request)?;
    let subject = load_subject(&args.request)?;
    let (requests, facts) = match &subject {
        Subject::Token(identity) => (
            identity.requests().collect::<Vec<_>>(),
            HintFacts::from_identity(identity, args.request.pre_2026_claims),
        ),
        Subject::Explicit(requests) => (
            requests.clone(),
            HintFacts::explicit(requests, args.request.pre_2026_claims),
        ),
    };
    let explanations: Vec<(Request, Explanation)> = requests
        .into_iter()
        .map(|r| {
            let e = explain(&policy.compiled, &r);
            (r, e)
        })
        .collect();
    let decision = Decision::combine(explanations.iter().map(|(_, e)| e.decision));
    let mut out = stdout();
    match args.request.format {
        Format::Json => write_json(&mut out, decision, &explanations, &facts)?,
        Format::Text => {
            let source = PolicySource {
                name: &policy.name,
                text: &policy.text,
            };
            write_text(&mut out, &source, decision, &explanations, &facts)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::of_decision(decision))
}
