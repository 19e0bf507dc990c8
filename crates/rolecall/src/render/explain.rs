//! `explain`'s report: per action, each statement and condition with its
//! policy line, a caret, the request value it was checked against, and the
//! hints (`rolecall_eval::hints`); or the same as JSON.

use std::io::Write;

use anstyle::{AnsiColor, Style};
use rolecall_eval::explain::{ConditionExplanation, Explanation, Rule, StatementExplanation};
use rolecall_eval::hints::{condition_hints, statement_hints, HintFacts};
use rolecall_eval::request::Request;
use rolecall_eval::Decision;
use serde_json::json;

use super::context_text;
use super::diagnostic::{snippet, Level};
use crate::error::CliError;

/// The policy as the report shows it: its name for messages and its text
/// for source lines.
pub(crate) struct PolicySource<'a> {
    /// The input's name.
    pub name: &'a str,
    /// The policy text positions refer to.
    pub text: &'a str,
}

const OK: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Green)));
const FAIL: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(AnsiColor::Red)));
const DIM: Style = Style::new().dimmed();
const BOLD: Style = Style::new().bold();

pub(crate) fn write_json(
    w: &mut impl Write,
    decision: Decision,
    explanations: &[(Request, Explanation)],
    facts: &HintFacts,
) -> Result<(), CliError> {
    let actions: Vec<_> = explanations
        .iter()
        .map(|(r, e)| {
            let hints: Vec<_> = e
                .details
                .iter()
                .flat_map(|s| {
                    let conditions = s.conditions.iter().enumerate().flat_map(move |(i, c)| {
                        condition_hints(c, r, facts)
                            .into_iter()
                            .map(move |h| json!({"statement": s.index, "condition": i, "hint": h.to_string()}))
                    });
                    statement_hints(s, r, facts)
                        .into_iter()
                        .map(move |h| json!({"statement": s.index, "hint": h.to_string()}))
                        .chain(conditions)
                        .collect::<Vec<_>>()
                })
                .collect();
            json!({"explanation": e, "hints": hints})
        })
        .collect();
    let report = json!({
        "decision": Decision::as_str(decision),
        "actions": actions,
        "signature_checked": false,
    });
    serde_json::to_writer_pretty(&mut *w, &report).map_err(std::io::Error::from)?;
    writeln!(w)?;
    Ok(())
}

fn mark(ok: bool) -> String {
    if ok {
        format!("{OK}✓{OK:#}")
    } else {
        format!("{FAIL}✗{FAIL:#}")
    }
}

fn decision_style(d: Decision) -> Style {
    if d == Decision::Allow {
        OK
    } else {
        FAIL
    }
}

pub(crate) fn write_text(
    w: &mut impl Write,
    policy: &PolicySource<'_>,
    decision: Decision,
    explanations: &[(Request, Explanation)],
    facts: &HintFacts,
) -> Result<(), CliError> {
    let style = decision_style(decision);
    let actions: Vec<&str> = explanations.iter().map(|(r, _)| r.action()).collect();
    writeln!(
        w,
        "{style}{}{style:#}: {}",
        Decision::as_str(decision),
        match decision {
            Decision::Allow => format!("every action is allowed ({})", actions.join(", ")),
            Decision::ExplicitDeny => "a Deny statement matches".to_owned(),
            Decision::ImplicitDeny => "no statement allows every action the call needs".to_owned(),
        }
    )?;
    if let Some((r, _)) = explanations.first() {
        writeln!(w, "{DIM}principal{DIM:#} {}", r.principal())?;
    }
    writeln!(w, "{DIM}policy{DIM:#}    {}", policy.name)?;
    if facts.from_token {
        writeln!(
            w,
            "{DIM}note{DIM:#}      the token's signature, issuer, audience and expiry were not checked (`rolecall sts` checks them)"
        )?;
    }
    for (request, e) in explanations {
        writeln!(w)?;
        let style = decision_style(e.decision);
        writeln!(
            w,
            "{BOLD}{}{BOLD:#}: {style}{}{style:#}",
            request.action(),
            Decision::as_str(e.decision)
        )?;
        for s in &e.details {
            write_statement(w, policy, request, e, s, facts)?;
        }
        if e.details.is_empty() {
            writeln!(w, "  the policy has no statement")?;
        }
    }
    Ok(())
}

fn write_statement(
    w: &mut impl Write,
    policy: &PolicySource<'_>,
    request: &Request,
    e: &Explanation,
    s: &StatementExplanation,
    facts: &HintFacts,
) -> Result<(), CliError> {
    let name = match &s.sid {
        Some(sid) if !sid.is_empty() => format!("statement {} `{sid}`", s.index),
        _ => format!("statement {}", s.index),
    };
    let verdict = if s.matched {
        if e.statements.contains(&s.index) {
            "applies and decides"
        } else {
            "applies"
        }
    } else {
        "does not apply"
    };
    writeln!(
        w,
        "  {} {name} ({}) {verdict}  {DIM}{}:{}:{}{DIM:#}",
        mark(s.matched),
        s.effect,
        policy.name,
        s.span.line,
        s.span.column
    )?;
    // Principal.
    let p = &s.principal;
    if p.matched {
        let which = p
            .matched_value
            .and_then(|i| p.values.get(i))
            .map_or("`*` (everyone)".to_owned(), |v| {
                format!("{} `{}`", v.kind, v.value)
            });
        writeln!(w, "    {} principal {which} matches", mark(true))?;
    } else {
        writeln!(
            w,
            "    {} principal: `{}` is not among the statement's principals",
            mark(false),
            request.principal()
        )?;
        snippet(w, policy.text, p.span, Level::Error, "       ")?;
        for v in p.values.iter().take(5) {
            writeln!(w, "       {DIM}listed:{DIM:#} {} `{}`", v.kind, v.value)?;
        }
    }
    // Action.
    let a = &s.action;
    let element = if a.not_action { "NotAction" } else { "Action" };
    if a.matched {
        writeln!(
            w,
            "    {} {element} covers `{}`",
            mark(true),
            request.action()
        )?;
    } else {
        writeln!(
            w,
            "    {} {element} does not cover `{}`",
            mark(false),
            request.action()
        )?;
        snippet(w, policy.text, a.span, Level::Error, "       ")?;
    }
    for h in statement_hints(s, request, facts) {
        writeln!(w, "       {BOLD}hint:{BOLD:#} {h}")?;
    }
    // Conditions.
    for c in &s.conditions {
        write_condition(w, policy, request, c, facts)?;
    }
    Ok(())
}

fn write_condition(
    w: &mut impl Write,
    policy: &PolicySource<'_>,
    request: &Request,
    c: &ConditionExplanation,
    facts: &HintFacts,
) -> Result<(), CliError> {
    let values: Vec<String> = c
        .values
        .iter()
        .map(|v| match &v.resolved {
            Some(r) => format!("`{}` (= `{r}`)", v.text),
            None => format!("`{}`", v.text),
        })
        .collect();
    writeln!(
        w,
        "    {} {} `{}` {}",
        mark(c.matched),
        c.operator,
        c.key,
        if values.is_empty() {
            "[] (no values)".to_owned()
        } else {
            values.join(" or ")
        }
    )?;
    if c.matched {
        return Ok(());
    }
    let focus = c.values.first().map_or(c.key_span, |v| v.span);
    let focus = if focus.line == c.key_span.line {
        focus
    } else {
        c.key_span
    };
    snippet(w, policy.text, focus, Level::Error, "       ")?;
    writeln!(
        w,
        "       {DIM}request:{DIM:#} {}",
        context_text(&c.context)
    )?;
    writeln!(w, "       {DIM}why:{DIM:#}     {}", rule_text(c))?;
    for h in condition_hints(c, request, facts) {
        let h = h.to_string();
        let mut lines = h.lines();
        if let Some(first) = lines.next() {
            writeln!(w, "       {BOLD}hint:{BOLD:#}    {first}")?;
        }
        for line in lines {
            writeln!(w, "                {line}")?;
        }
    }
    Ok(())
}

/// The rule, with the failing context value named for set operators.
fn rule_text(c: &ConditionExplanation) -> String {
    match c.rule {
        Rule::ForAllValuesValueFailed { context_value } => match c.checks.get(context_value) {
            Some(check) => format!(
                "context value `{}` did not match, so `ForAllValues:` is false ({})",
                check.value, check.rule
            ),
            None => c.rule.to_string(),
        },
        _ => c.rule.to_string(),
    }
}
