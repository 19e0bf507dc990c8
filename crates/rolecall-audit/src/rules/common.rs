//! Helpers every rule family uses: statement effect, actions, principals, condition entries.

use rolecall_eval::matcher::{Case, Pattern};
use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{
    BaseOperator, ConditionEntry, Effect, Principal, PrincipalKind, SetQualifier, Spanned,
    Statement,
};

pub(crate) const WEB_IDENTITY: &str = "sts:AssumeRoleWithWebIdentity";

/// Keys that are absent on an unsigned (web-identity) call.
pub(crate) fn caller_identity_key(k: &str) -> bool {
    k.starts_with("aws:principal") || k == "aws:userid" || k == "aws:username"
}

pub(crate) fn is_allow(st: &Statement) -> bool {
    matches!(st.effect.as_ref().map(|e| &e.node), Some(Effect::Allow))
}

pub(crate) fn is_deny(st: &Statement) -> bool {
    matches!(st.effect.as_ref().map(|e| &e.node), Some(Effect::Deny))
}

/// Whether the statement's Action/NotAction covers `action`.
pub(crate) fn covers_action(st: &Statement, action: &str) -> bool {
    // Most actions are written without wildcards: compare them folded, as the matcher would,
    // instead of compiling a pattern (compiling was 8.8 % of an audit after the witness cache).
    let m = |p: &Spanned<String>| {
        if has_wildcard(&p.node) {
            Pattern::new(&p.node, Case::Insensitive).is_match(action)
        } else {
            p.node
                .chars()
                .flat_map(char::to_lowercase)
                .eq(action.chars().flat_map(char::to_lowercase))
        }
    };
    if let Some(a) = &st.action {
        return a.node.iter().any(m);
    }
    if let Some(na) = &st.not_action {
        return !na.node.iter().any(m);
    }
    false
}

pub(crate) fn principal_values(st: &Statement, kind: PrincipalKind) -> Vec<&Spanned<String>> {
    match st.principal.as_ref().map(|p| &p.node) {
        Some(Principal::Map(entries)) => entries
            .iter()
            .filter(|e| e.kind.node == kind)
            .flat_map(|e| e.values.node.iter())
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn principal_is_everyone(st: &Statement) -> bool {
    match st.principal.as_ref().map(|p| &p.node) {
        Some(Principal::Wildcard) => true,
        Some(Principal::Map(_)) => principal_values(st, PrincipalKind::Aws)
            .iter()
            .any(|v| v.node == "*"),
        None => false,
    }
}

pub(crate) fn entries(
    st: &Statement,
) -> impl Iterator<Item = (&Spanned<rolecall_policy::Operator>, &ConditionEntry)> {
    st.condition
        .iter()
        .flat_map(|c| c.node.blocks.iter())
        .flat_map(|b| b.entries.iter().map(move |e| (&b.operator, e)))
}

pub(crate) fn quote_values(e: &ConditionEntry) -> String {
    let v: Vec<String> = e
        .values
        .node
        .iter()
        .map(|v| format!("`{}`", v.node.text()))
        .collect();
    v.join(", ")
}

pub(crate) fn is_positive(op: &rolecall_policy::Operator) -> bool {
    !op.base.is_negated()
        && !op.if_exists
        && op.qualifier != Some(SetQualifier::ForAllValues)
        && op.base != BaseOperator::Null
}

/// Actions that only add to a session another action starts: on their own they assume nothing.
const SESSION_ACTIONS: &[&str] = &["sts:tagsession", "sts:setsourceidentity", "sts:setcontext"];

/// Whether the statement's `Action` lists only session actions (`sts:TagSession`,
/// `sts:SetSourceIdentity`, `sts:SetContext`), written without wildcards.
pub(crate) fn session_only(st: &Statement) -> bool {
    st.action.as_ref().is_some_and(|a| {
        !a.node.is_empty()
            && a.node
                .iter()
                .all(|x| SESSION_ACTIONS.contains(&x.node.to_lowercase().as_str()))
    })
}
