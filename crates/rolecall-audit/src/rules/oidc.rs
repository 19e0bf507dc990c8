//! Rules for `Federated` web-identity principals of any issuer: conditions on the issuer's
//! keys, audience, identity bounding, negation and `IfExists`, and the subject search that the
//! issuer families report from.

use std::collections::BTreeSet;

use rolecall_eval::matcher::{Case, Pattern};
use rolecall_policy::grammar::pattern::has_wildcard;
use rolecall_policy::{
    BaseOperator, ConditionEntry, PrincipalKind, SetQualifier, Span, Spanned, Statement,
};

use super::common::*;
use super::github::{ABUSABLE_CLAIMS, REPOSITORY_CLAIMS};
use super::RuleId;
use crate::engine::Auditor;
use crate::finding::{Finding, Severity, Verdict};
use crate::issuers::{self, Issuer, IssuerKind, Presence, Tenancy};
use crate::witness::*;

impl Auditor<'_> {
    /// TP-AUD-NOT-IN-CLIENTLIST: a positive `aud` value that no client ID of the provider
    /// satisfies. STS refuses a token whose `aud` is not registered ("Incorrect token
    /// audience") before the policy is read, so such a value admits nobody: the role is
    /// broken for it (fail-closed). Only for providers whose client IDs were given.
    pub(crate) fn aud_not_in_client_list(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        aud_key: &str,
    ) {
        let Some(ids) = self.opts.client_ids.get(&iss.prefix) else {
            return;
        };
        for (op, e) in entries(st) {
            if e.key.node.to_lowercase() != aud_key || !is_positive(&op.node) {
                continue;
            }
            let like = op.node.base == BaseOperator::StringLike;
            if !like && op.node.base != BaseOperator::StringEquals {
                continue;
            }
            let registered = |text: &str| {
                if like {
                    let pattern = Pattern::new(text, Case::Sensitive);
                    ids.iter().any(|id| pattern.is_match(id))
                } else {
                    ids.iter().any(|id| id == text)
                }
            };
            // Broken when no value of the condition is registered; beside one that is, advice.
            let none_registered = e.values.node.iter().all(|v| !registered(&v.node.text()));
            let verdict = if none_registered {
                Verdict::Broken
            } else {
                Verdict::Advice
            };
            for v in e.values.node.iter() {
                let text = v.node.text();
                if !registered(&text) {
                    let listed: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
                    self.push(RuleId::AudNotInClientlist, Severity::Low, verdict,
                        format!("`{}` `{}` `{text}` names no client ID of provider `{}` (registered: {}): STS refuses tokens for that audience (\"Incorrect token audience\"), so this value lets nobody in",
                            op.node, e.key.node, iss.prefix,
                            if listed.is_empty() { "none".into() } else { listed.join(", ") }),
                        v.span, Some(i));
                }
            }
        }
    }

    /// TP-ACTION-PRINCIPAL-MISMATCH for one `Federated` principal: the statement does not grant
    /// its assume action (broken, unless the statement only grants session actions that another
    /// statement's assume action uses), or also grants `sts:AssumeRole` (advice).
    fn federated_action(&mut self, i: usize, st: &Statement, iss: &Issuer, f: &Spanned<String>) {
        let is_saml = iss.kind == IssuerKind::Saml;
        let needed = if is_saml {
            "sts:AssumeRoleWithSAML"
        } else {
            WEB_IDENTITY
        };
        let assume = covers_action(st, "sts:AssumeRole");
        let span = st
            .action
            .as_ref()
            .or(st.not_action.as_ref())
            .map_or(st.span, |a| a.span);
        if covers_action(st, needed) {
            if assume {
                self.push(RuleId::ActionPrincipalMismatch, Severity::Low, Verdict::Advice,
                    format!("the actions also grant `sts:AssumeRole` to `Federated` principal `{}`; a wildcard action grants more than web identity", f.node),
                    span, Some(i));
            }
            return;
        }
        if session_only(st) && self.granted_elsewhere(i, PrincipalKind::Federated, &f.node, needed)
        {
            return;
        }
        self.push(RuleId::ActionPrincipalMismatch, Severity::Medium, Verdict::Broken,
            format!("`Federated` principal `{}` needs `{needed}`, which the statement's actions do not grant{}", f.node,
                if assume { " (`sts:AssumeRole` is for AWS and service principals)" } else { "" }),
            span, Some(i));
    }

    /// Whether an Allow statement other than `i` grants `action` to the principal `value` of
    /// kind `kind`.
    pub(crate) fn granted_elsewhere(
        &self,
        i: usize,
        kind: PrincipalKind,
        value: &str,
        action: &str,
    ) -> bool {
        self.statements.iter().enumerate().any(|(j, other)| {
            j != i
                && is_allow(other)
                && covers_action(other, action)
                && principal_values(other, kind)
                    .iter()
                    .any(|v| v.node.eq_ignore_ascii_case(value))
        })
    }

    /// The rules for the statement's `Federated` principals.
    pub(crate) fn federated(&mut self, i: usize, st: &Statement) {
        let feds = principal_values(st, PrincipalKind::Federated);
        if feds.is_empty() {
            return;
        }
        let issuers: Vec<(Issuer, &Spanned<String>)> = feds
            .iter()
            .map(|f| (issuers::classify_federated(&f.node), *f))
            .collect();
        let web = covers_action(st, WEB_IDENTITY);
        for (iss, f) in &issuers {
            self.federated_action(i, st, iss, f);
        }
        if !web {
            // Session actions only (for a principal another statement lets assume), or a
            // statement that can never be used (reported above): it admits nobody, so nothing
            // its conditions would allow is reported as open.
            return;
        }
        // TP-MULTI-PROVIDER-ONE-STATEMENT
        let web_issuers: Vec<&(Issuer, &Spanned<String>)> = issuers
            .iter()
            .filter(|(is, _)| is.kind != IssuerKind::Saml)
            .collect();
        let mut multi_dead = false;
        if web_issuers.len() > 1 {
            let constrained: BTreeSet<String> = entries(st)
                .filter(|(op, _)| is_positive(&op.node))
                .filter_map(|(_, e)| {
                    let k = e.key.node.to_lowercase();
                    web_issuers
                        .iter()
                        .find(|(is, _)| k.starts_with(&format!("{}:", is.prefix.to_lowercase())))
                        .map(|(is, _)| is.prefix.clone())
                })
                .collect();
            if constrained.len() > 1 {
                multi_dead = true;
                let span = st.principal.as_ref().map_or(st.span, |p| p.span);
                self.push(RuleId::MultiProviderOneStatement, Severity::Info, Verdict::Broken,
                    format!("one statement requires keys of {} issuers ({}); no token carries keys of two issuers, so the statement never matches",
                        constrained.len(), constrained.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
                    span, Some(i));
            }
        }
        for (iss, f) in web_issuers {
            self.issuer_statement(i, st, iss, f, multi_dead);
        }
    }

    /// The rules for one `Federated` web-identity issuer of an Allow statement that grants
    /// `sts:AssumeRoleWithWebIdentity`.
    pub(crate) fn issuer_statement(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        fed: &Spanned<String>,
        multi_dead: bool,
    ) {
        let stale = self.stale_provider(i, iss, fed);
        let prefix = format!("{}:", iss.prefix.to_lowercase());
        let k = self.classify_keys(i, st, iss, &prefix, multi_dead || stale);
        let bounded = !k.bounded_by.is_empty();
        for (rule, msg, span, ident) in &k.vacuous {
            let sev = if *ident && !bounded {
                lower(iss, Severity::High)
            } else {
                Severity::Low
            };
            self.push(*rule, sev, Verdict::Open, msg.clone(), *span, Some(i));
        }
        self.audience(i, st, iss, fed, &prefix);
        if k.dead {
            return;
        }
        if k.issuer_keys > 0 && covers_action(st, "sts:TagSession") {
            let span = st.action.as_ref().map_or(st.span, |a| a.span);
            self.push(RuleId::TagsessionScope, Severity::Info, Verdict::Advice,
                format!("`sts:TagSession` is granted with conditions on `{}` keys, which IAM does not evaluate for TagSession", iss.prefix),
                span, Some(i));
        }
        if k.issuer_keys == 0 {
            self.push(RuleId::OidcNoCond, lower(iss, Severity::Critical), Verdict::Open,
                format!("`Federated` `{}` has no condition on any `{}:` key: anyone who can get a token from this issuer can assume the role", fed.node, iss.prefix),
                fed.span, Some(i));
            if iss.kind == IssuerKind::Eks {
                self.irsa_no_sub("", fed.span, i);
            }
            return;
        }
        let cond_span = st.condition.as_ref().map_or(fed.span, |c| c.span);
        self.identity_bounding(i, st, iss, &prefix, &k, cond_span);
        self.negated_or_ifexists(i, st, iss, &prefix, bounded);
        if issuers::has_grammar(iss.kind) {
            self.subjects(i, st, iss, &prefix, bounded);
            self.like_reading(i, st, iss, &prefix);
        } else {
            self.unknown_grammar(i, st, iss, &prefix);
        }
    }

    /// TP-SUB-GRAMMAR-UNKNOWN: positive `sub` conditions for an issuer without a known subject
    /// grammar, analysed over all strings. A pattern of `*` alone admits every subject
    /// (TP-OIDC-SUB-WILDCARD-ALL); otherwise the finding quotes a subject rolecall-analyze finds
    /// the statement admits (none: TP-SUB-UNSATISFIABLE).
    fn unknown_grammar(&mut self, i: usize, st: &Statement, iss: &Issuer, prefix: &str) {
        if matches!(
            iss.kind,
            IssuerKind::Cognito
                | IssuerKind::Amazon
                | IssuerKind::Facebook
                | IssuerKind::Saml
                | IssuerKind::EksPodIdentity
        ) {
            return; // identity is not a `sub` for these
        }
        let sub_key = format!("{prefix}sub");
        let subs: Vec<_> = entries(st)
            .filter(|(op, e)| e.key.node.to_lowercase() == sub_key && is_positive(&op.node))
            .collect();
        let Some((_, first)) = subs.first() else {
            return;
        };
        let span = first.values.span;
        let star = subs.iter().find_map(|(op, e)| {
            e.values.node.iter().find(|v| {
                let t = v.node.text();
                op.node.base.uses_wildcards() && !t.is_empty() && t.chars().all(|c| c == '*')
            })
        });
        if let Some(v) = star {
            self.push(RuleId::OidcSubWildcardAll, lower(iss, Severity::Critical), Verdict::Open,
                format!("`sub` value `{}` matches every subject of `{}`: anyone who can get a token from this issuer can assume the role", v.node.text(), iss.prefix),
                v.span, Some(i));
            return;
        }
        let values: Vec<String> = subs
            .iter()
            .map(|(op, e)| format!("`{}` {}", op.node, quote_values(e)))
            .collect();
        if exact_only(&subs) {
            // Literal values name themselves: the admitted subjects are among them, so no
            // analysis is needed (nor spent per role of a large dump).
            self.push(RuleId::SubGrammarUnknown, Severity::Info, Verdict::Advice,
                format!("rolecall has no subject grammar for `{}`: `sub` {} names exact subjects, but which tenant or project they belong to cannot be read from them", iss.prefix, values.join(" and ")),
                span, Some(i));
            return;
        }
        match admitted_sub(&self.opts.analyzer(), st, self.statements, &sub_key) {
            Ok(Some(w)) => {
                self.push(RuleId::SubGrammarUnknown, Severity::Info, Verdict::Advice,
                    format!("rolecall has no subject grammar for `{}`: `sub` {} analysed over all strings admits e.g. `{w}`; which tenants, projects or refs that reaches depends on how the issuer forms subjects", iss.prefix, values.join(" and ")),
                    span, Some(i));
                self.set_witness(&w);
            }
            Ok(None) => {
                self.push(
                    RuleId::SubUnsatisfiable,
                    Severity::Info,
                    Verdict::Broken,
                    format!(
                        "no string satisfies `sub` {}: the statement can never match",
                        values.join(" and ")
                    ),
                    span,
                    Some(i),
                );
            }
            Err(why) => {
                self.push(RuleId::SubGrammarUnknown, Severity::Info, Verdict::Advice,
                    format!("rolecall has no subject grammar for `{}` and could not analyse `sub` {} over all strings ({why})", iss.prefix, values.join(" and ")),
                    span, Some(i));
            }
        }
    }

    /// TP-FOREIGN-OR-STALE-PROVIDER: GitHub's retired issuer, or a provider of another account.
    /// Returns whether the statement is dead for this issuer (no token can come from it).
    fn stale_provider(&mut self, i: usize, iss: &Issuer, fed: &Spanned<String>) -> bool {
        let mut dead = false;
        if iss.kind == IssuerKind::GitHubLegacy {
            dead = true;
            self.push(RuleId::ForeignOrStaleProvider, Severity::Medium, Verdict::Broken,
                format!("`{}` is GitHub's retired pre-GA issuer; tokens now come from `token.actions.githubusercontent.com`, so this statement is dead", iss.prefix),
                fed.span, Some(i));
        }
        if let (Some(own), Some(acct)) = (&self.opts.own_account, &iss.account) {
            if own != acct {
                dead = true;
                self.push(RuleId::ForeignOrStaleProvider, Severity::Medium, Verdict::Broken,
                    format!("the provider ARN names account `{acct}`, not the role's account `{own}`: IAM OIDC providers are per account, so this never matches"),
                    fed.span, Some(i));
            }
        }
        dead
    }

    /// Classifies every condition key of the statement for this issuer's tokens, reporting the
    /// keys that make the statement dead on the way.
    fn classify_keys(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        prefix: &str,
        multi_dead: bool,
    ) -> KeyClasses {
        let other_prefixes: Vec<String> = principal_values(st, PrincipalKind::Federated)
            .iter()
            .map(|f| {
                format!(
                    "{}:",
                    issuers::classify_federated(&f.node).prefix.to_lowercase()
                )
            })
            .filter(|p| p != prefix)
            .collect();
        let mut k = KeyClasses {
            dead: multi_dead,
            ..KeyClasses::default()
        };
        for (op, e) in entries(st) {
            let key = e.key.node.to_lowercase();
            if let Some(claim) = key.strip_prefix(prefix) {
                k.issuer_keys += 1;
                self.issuer_key(i, iss, prefix, claim, op, e, &mut k);
            } else if key.starts_with("arn:") || looks_like_issuer_key(&key) {
                if other_prefixes.iter().any(|p| key.starts_with(p.as_str())) {
                    // Another issuer of the same statement: reported as multi-provider.
                    k.dead |= holds_when_absent(&op.node, e) == Some(false);
                    continue;
                }
                self.foreign_key(i, iss, &key, op, e, &mut k);
            } else if caller_identity_key(&key) && holds_when_absent(&op.node, e) == Some(false) {
                k.dead = true;
                self.push(RuleId::SubUnsatisfiable, Severity::Info, Verdict::Broken,
                    format!("`{}` on `{}`: caller-identity keys are absent on the unsigned web-identity call, so the statement never matches", op.node, e.key.node),
                    e.key.span, Some(i));
            } else if signed_session_tag(iss, st, &key) && is_positive(&op.node) {
                k.bounded_by.push(key.clone());
            }
        }
        k
    }

    /// One condition on a key of the statement's own issuer (`claim` is the part after the
    /// prefix).
    #[allow(
        clippy::too_many_arguments,
        reason = "one condition read against its issuer, claim and the classes collected so far"
    )]
    fn issuer_key(
        &mut self,
        i: usize,
        iss: &Issuer,
        prefix: &str,
        claim: &str,
        op: &Spanned<rolecall_policy::Operator>,
        e: &ConditionEntry,
        k: &mut KeyClasses,
    ) {
        let pre = self.opts.pre_2026_claims;
        let identity = issuers::identity_claims(iss.kind, pre);
        let provider = prefix.strip_suffix(':').unwrap_or(prefix);
        let presence = issuers::claim_presence(iss.kind, provider, claim, pre);
        let table = if pre { " (pre-2026 claim table)" } else { "" };
        if presence == Presence::Never {
            let ident = claim == "sub" || identity.contains(&claim);
            if holds_when_absent(&op.node, e).unwrap_or(true) {
                let rule = if op.node.qualifier == Some(SetQualifier::ForAllValues) {
                    RuleId::SetOpSingleValued
                } else {
                    RuleId::UnsupportedClaimKey
                };
                k.vacuous.push((rule, format!("`{}` on `{}`: STS does not expose `{claim}` for this issuer{table}, so the key is always absent and the condition is always true", op.node, e.key.node), e.key.span, ident));
            } else {
                k.dead = true;
                self.push(RuleId::UnsupportedClaimKey, Severity::Low, Verdict::Broken,
                    format!("`{}` on `{}`: STS does not expose `{claim}` for this issuer{table}, so the key is absent and the statement never matches", op.node, e.key.node),
                    e.key.span, Some(i));
            }
            return;
        }
        let multivalued = issuers::is_multivalued(iss.kind, claim);
        if multivalued
            && presence == Presence::Always
            && op.node.qualifier.is_none()
            && op.node.base != BaseOperator::Null
        {
            // A plain operator is false on a list of values (docs/DECISIONS.md R9).
            k.dead = true;
            self.push(RuleId::SubUnsatisfiable, Severity::Info, Verdict::Broken,
                format!("`{}` on multivalued `{}`: every token carries it as a list, which a plain operator never matches (use `ForAnyValue:{}`), so the statement never matches", op.node, e.key.node, op.node),
                op.span, Some(i));
            return;
        }
        let set_op_single = op.node.qualifier.is_some() && !multivalued;
        if set_op_single && presence == Presence::Always {
            self.push(RuleId::SetOpSingleValued, Severity::Low, Verdict::Advice,
                format!("`{}` on single-valued `{}`: works only because the key is always present; a misspelled key would make it vacuous", op.node, e.key.node),
                op.span, Some(i));
        } else if op.node.qualifier == Some(SetQualifier::ForAllValues)
            && presence == Presence::Sometimes
        {
            let msg = format!(
                "`{}` on `{}`: true whenever the token lacks the claim",
                op.node, e.key.node
            );
            k.vacuous.push((
                RuleId::SetOpSingleValued,
                msg,
                op.span,
                identity.contains(&claim),
            ));
        }
        // ForAllValues and IfExists on an always-present single-valued key act as the plain
        // operator: the admitted set is the same (docs/DECISIONS.md R9).
        let acts_positive = is_positive(&op.node)
            || (presence == Presence::Always
                && (!multivalued
                    || (op.node.qualifier == Some(SetQualifier::ForAllValues)
                        && !op.node.if_exists))
                && !op.node.base.is_negated()
                && op.node.base != BaseOperator::Null);
        if identity.contains(&claim) && acts_positive && !e.values.node.is_empty() {
            k.bounded_by.push(claim.to_owned());
        }
    }

    /// One condition on a key that looks like another issuer's (or is a provider ARN).
    fn foreign_key(
        &mut self,
        i: usize,
        iss: &Issuer,
        key: &str,
        op: &Spanned<rolecall_policy::Operator>,
        e: &ConditionEntry,
        k: &mut KeyClasses,
    ) {
        let why = if key.starts_with("arn:") {
            "the provider ARN is not a key prefix; keys are `<issuer host/path>:<claim>`".to_owned()
        } else {
            format!("its prefix is not the principal's issuer `{}`", iss.prefix)
        };
        if holds_when_absent(&op.node, e).unwrap_or(true) {
            k.vacuous.push((RuleId::CondKeyProviderMismatch, format!("`{}` on `{}`: {why}; the key is absent from this issuer's requests, so the condition is always true", op.node, e.key.node), e.key.span, key.ends_with(":sub")));
        } else {
            k.dead = true;
            self.push(RuleId::CondKeyProviderMismatch, Severity::Low, Verdict::Broken,
                format!("`{}` on `{}`: {why}; the key is absent from this issuer's requests, so the statement never matches", op.node, e.key.node),
                e.key.span, Some(i));
        }
    }

    /// TP-OIDC-NO-AUD and TP-AUD-NOT-IN-CLIENTLIST.
    fn audience(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        fed: &Spanned<String>,
        prefix: &str,
    ) {
        let aud_key = format!("{prefix}aud");
        let aud_pinned = entries(st).any(|(op, e)| {
            e.key.node.to_lowercase() == aud_key && !op.node.base.is_negated() && !op.node.if_exists
        });
        let aud_is_app_id = matches!(
            iss.kind,
            IssuerKind::Cognito
                | IssuerKind::Google
                | IssuerKind::Amazon
                | IssuerKind::Facebook
                | IssuerKind::Saml
                | IssuerKind::GitHubLegacy
        );
        if !aud_pinned && !aud_is_app_id {
            self.push(RuleId::OidcNoAud, Severity::Low, Verdict::Advice,
                format!("no condition on `{}:aud`: tokens for any audience in the provider's client list are accepted", iss.prefix), st.condition.as_ref().map_or(fed.span, |c| c.span), Some(i));
        }
        self.aud_not_in_client_list(i, st, iss, &aud_key);
    }

    /// Whether a condition bounds the caller's identity, per issuer family. Web-identity issuers
    /// only: SAML providers are left out before [`Auditor::issuer_statement`].
    fn identity_bounding(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        prefix: &str,
        k: &KeyClasses,
        span: Span,
    ) {
        let bounded = !k.bounded_by.is_empty();
        match iss.kind {
            IssuerKind::Cognito => self.cognito(i, st, prefix, span, bounded),
            IssuerKind::Google | IssuerKind::Amazon | IssuerKind::Facebook if !bounded => {
                self.push(RuleId::ConsumerIdpNoAppid, Severity::Critical, Verdict::Open,
                    format!("no positive condition on `{}` app/client id keys: any app's users can assume the role", iss.prefix), span, Some(i));
            }
            IssuerKind::Eks if !bounded => self.irsa_no_sub(&iss.prefix, span, i),
            _ if !bounded => {
                let identity = issuers::identity_claims(iss.kind, self.opts.pre_2026_claims);
                let names: Vec<String> = identity.iter().map(|c| format!("`{c}`")).collect();
                let inside = if iss.tenancy == Tenancy::TenantScoped {
                    " (inside its tenant)"
                } else {
                    ""
                };
                self.push(RuleId::OidcNoSub, lower(iss, Severity::Critical), Verdict::Open,
                    format!("conditions on `{}` keys exist but none bounds the caller's identity ({}): anyone who can get a token from this issuer{inside} can assume the role",
                        iss.prefix, names.join(", ")),
                    span, Some(i));
            }
            IssuerKind::GitHub => {
                self.github_job_workflow_only(k, lower(iss, Severity::High), span, i);
            }
            _ => {}
        }
    }

    /// TP-NEGATED-OPERATOR-ON-IDENTITY and TP-IFEXISTS-ON-IDENTITY.
    fn negated_or_ifexists(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        prefix: &str,
        bounded: bool,
    ) {
        let identity = issuers::identity_claims(iss.kind, self.opts.pre_2026_claims);
        for (op, e) in entries(st) {
            let k = e.key.node.to_lowercase();
            if !k
                .strip_prefix(prefix)
                .is_some_and(|c| identity.contains(&c))
            {
                continue;
            }
            let (rule, what) = if op.node.base.is_negated() {
                (
                    RuleId::NegatedOperatorOnIdentity,
                    "admits every value not listed",
                )
            } else if op.node.if_exists {
                (
                    RuleId::IfexistsOnIdentity,
                    "passes whenever the key is absent",
                )
            } else {
                continue;
            };
            let (sev, verdict, also) = if bounded {
                (
                    Severity::Low,
                    Verdict::Advice,
                    "; another condition bounds the identity",
                )
            } else {
                (lower(iss, Severity::Critical), Verdict::Open, "")
            };
            self.push(
                rule,
                sev,
                verdict,
                format!(
                    "`{}` on identity key `{}` ({}) {what}{also}",
                    op.node,
                    e.key.node,
                    quote_values(e)
                ),
                e.key.span,
                Some(i),
            );
        }
    }

    /// `StringEquals` with wildcards on `sub` is broken as written; the usual fix is
    /// `StringLike`. Report what that fix would open, as advice, so it is not made blindly.
    pub(crate) fn like_reading(&mut self, i: usize, st: &Statement, iss: &Issuer, prefix: &str) {
        let sub_key = format!("{prefix}sub");
        let mut alt = st.clone();
        let mut changed = false;
        if let Some(c) = alt.condition.as_mut() {
            for b in &mut c.node.blocks {
                let eq = b.operator.node.base == BaseOperator::StringEquals
                    && b.operator.node.qualifier.is_none()
                    && !b.operator.node.if_exists;
                let wild = b.entries.iter().any(|e| {
                    e.key.node.to_lowercase() == sub_key
                        && e.values.node.iter().any(|v| has_wildcard(&v.node.text()))
                });
                if eq && wild {
                    b.operator.node.base = BaseOperator::StringLike;
                    changed = true;
                }
            }
        }
        if !changed {
            return;
        }
        let before = self.out.len();
        self.subjects(i, &alt, iss, prefix, true);
        let extra: Vec<Finding> = self.out.drain(before..).collect();
        for mut f in extra {
            if f.verdict != Verdict::Open {
                continue;
            }
            f.message = format!(
                "broken as written, but if `StringEquals` were changed to `StringLike` (the usual fix) it would be {} open: {}",
                f.severity, f.message
            );
            f.severity = Severity::Info;
            f.verdict = Verdict::Advice;
            self.out.push(f);
        }
    }
}

/// What [`Auditor::classify_keys`] found about a statement's condition keys for one issuer.
#[derive(Debug, Default)]
pub(crate) struct KeyClasses {
    /// Some key makes the statement unusable (already reported).
    pub(crate) dead: bool,
    /// How many conditions are on the issuer's keys.
    pub(crate) issuer_keys: usize,
    /// The identity claims a positive condition bounds.
    pub(crate) bounded_by: Vec<String>,
    /// Conditions that always hold: rule, message, span, and whether the key names the caller.
    pub(crate) vacuous: Vec<(RuleId, String, Span, bool)>,
}

/// How many values of one `sub` condition are analysed one by one when the whole statement is
/// beyond the analyzer's limits.
const PER_VALUE_BUDGET: usize = 8;

/// `s`, one level lower for a tenant-scoped issuer.
fn lower(iss: &Issuer, s: Severity) -> Severity {
    if iss.tenancy == Tenancy::TenantScoped {
        s.lowered()
    } else {
        s
    }
}

/// Session tags Buildkite writes into the token it signs when the agent asks for them
/// (`buildkite-agent oidc request-token --aws-session-tag`,
/// https://buildkite.com/docs/pipelines/security/oidc/aws): with `sts:TagSession` granted they
/// reach the request as `aws:RequestTag/<tag>`, and the organisation tags bound the caller as
/// `sub` does.
const BUILDKITE_TAGS: &[&str] = &[
    "aws:requesttag/organization_id",
    "aws:requesttag/organization_slug",
];

/// Whether `key` is a session tag the issuer signs, bounding the caller's identity.
fn signed_session_tag(iss: &Issuer, st: &Statement, key: &str) -> bool {
    iss.kind == IssuerKind::Buildkite
        && BUILDKITE_TAGS.contains(&key)
        && covers_action(st, "sts:TagSession")
}

/// A key of the form `<host>.<domain>[/path]:<claim>`, as issuers' keys are written.
fn looks_like_issuer_key(k: &str) -> bool {
    k.contains(':')
        && !k.starts_with("aws:")
        && !k.starts_with("sts:")
        && !k.starts_with("saml:")
        && k.rsplit_once(':').is_some_and(|(p, _)| p.contains('.'))
}

/// The `sub` conditions of one statement for one issuer, and what the rules report about them:
/// built once by [`Auditor::subjects`], read by the issuer families.
pub(crate) struct SubjectScope<'s> {
    /// The statement's index.
    pub(crate) i: usize,
    /// The statement.
    pub(crate) st: &'s Statement,
    /// The issuer (GitHub's retired issuer is read with GitHub's grammar).
    pub(crate) kind: IssuerKind,
    /// Whether only one tenant can get tokens from the issuer.
    pub(crate) tenant_scoped: bool,
    /// The issuer's key prefix as written in the principal (`token.actions.githubusercontent.com`).
    pub(crate) issuer: String,
    /// Whether every token of the issuer carries one `sub`.
    pub(crate) sub_always: bool,
    /// The conditions on `<issuer>:sub`.
    pub(crate) entries: Vec<(&'s Spanned<rolecall_policy::Operator>, &'s ConditionEntry)>,
    /// Every value of a positive `sub` condition: text, whether it is a pattern, span.
    pub(crate) values: Vec<(String, bool, Span)>,
}

impl SubjectScope<'_> {
    /// `s`, one level lower for a tenant-scoped issuer.
    pub(crate) fn lower(&self, s: Severity) -> Severity {
        if self.tenant_scoped {
            s.lowered()
        } else {
            s
        }
    }

    /// The span of positive value `idx` (the statement's when out of range).
    pub(crate) fn value_span(&self, idx: usize) -> Span {
        self.values.get(idx).map_or(self.st.span, |v| v.2)
    }

    /// The text of positive value `idx`.
    pub(crate) fn value_text(&self, idx: usize) -> &str {
        self.values.get(idx).map_or("", |v| v.0.as_str())
    }

    /// The operator of positive value `idx`.
    pub(crate) fn op_of(&self, idx: usize) -> String {
        let mut n = 0usize;
        let positive =
            |op: &&Spanned<rolecall_policy::Operator>| admits_values(&op.node, self.sub_always);
        for (op, e) in self.entries.iter().filter(|(op, _)| positive(op)) {
            let len = e.values.node.len();
            if idx < n + len {
                return op.node.to_string();
            }
            n += len;
        }
        String::new()
    }

    /// "`<op>` `sub` value `<value>`", how messages name value `idx`.
    pub(crate) fn quote(&self, idx: usize) -> String {
        format!(
            "`{}` `sub` value `{}`",
            self.op_of(idx),
            self.value_text(idx)
        )
    }

    /// The span of the first `sub` condition's values.
    pub(crate) fn first_span(&self) -> Span {
        self.entries
            .first()
            .map_or(self.st.span, |(_, e)| e.values.span)
    }
}

impl Auditor<'_> {
    /// The subject rules for one statement and issuer: satisfiability over the issuer's grammar,
    /// then (when another condition does not already make it open) the breadth of the regions
    /// rolecall-analyze finds, which the issuer's family reports.
    pub(crate) fn subjects(
        &mut self,
        i: usize,
        st: &Statement,
        iss: &Issuer,
        prefix: &str,
        bounded: bool,
    ) {
        let Some(scope) = self.subject_scope(i, st, iss, prefix) else {
            return;
        };
        self.subject_findings(&scope, st, iss, prefix, bounded);
    }

    /// [`Auditor::subjects`] once the scope is known.
    fn subject_findings(
        &mut self,
        scope: &SubjectScope<'_>,
        st: &Statement,
        iss: &Issuer,
        prefix: &str,
        bounded: bool,
    ) {
        if scope.kind == IssuerKind::GitHub {
            self.github_custom_templates(scope);
        }
        let Some(grammar) = issuers::grammar(scope.kind, self.opts.github_subjects.as_ref()) else {
            return;
        };
        let fed = principal_values(st, PrincipalKind::Federated)
            .into_iter()
            .find(|f| issuers::classify_federated(&f.node).prefix == iss.prefix)
            .map(|f| f.node.clone())
            .unwrap_or_default();
        let sub_key = format!("{prefix}sub");
        let configured: &[String] = match scope.kind {
            IssuerKind::GitHub => &self.opts.trusted_github_owners,
            IssuerKind::Eks => &self.opts.trusted_namespaces,
            _ => &[],
        };
        let exact = exact_only(&scope.entries);
        let analysed = if exact {
            Ok((None, literal_regions(grammar, &scope.values), None))
        } else {
            self.analyse_subjects(st, &fed, &sub_key)
        };
        let (policy, regions, partial) = match analysed {
            Ok(r) => r,
            Err(why) => {
                self.push(RuleId::Unanalysable, Severity::Medium, Verdict::Advice,
                    format!("rolecall-analyze cannot tell exactly which `{}` subjects this statement admits ({why}); its breadth is not reported", scope.issuer),
                    scope.first_span(), Some(scope.i));
                return;
            }
        };
        if let Some(why) = &partial {
            self.push(RuleId::Unanalysable, Severity::Medium, Verdict::Advice,
                format!("rolecall-analyze cannot tell exactly which `{}` subjects this statement admits ({why}); what follows comes from the values it could analyse one by one", scope.issuer),
                scope.first_span(), Some(scope.i));
        }
        if regions.is_empty() {
            if !scope.values.is_empty() && partial.is_none() {
                self.unsatisfiable(scope);
            }
            return;
        }
        if !bounded {
            // Only satisfiability: another rule already reports the statement as open.
            return;
        }
        let search_in = Search {
            kind: scope.kind,
            grammar,
            configured,
            values: &scope.values,
            policy: policy.as_ref(),
            sub_key: &sub_key,
            github_default: self.opts.github_subjects.is_none(),
        };
        let mut res = search(&search_in, &regions);
        if let Some(p) = policy.as_ref() {
            self.outsiders(scope, p, configured, &fed, &sub_key, &mut res);
        }
        let before = self.out.len();
        self.report_tenancy(scope, &res);
        if res.all.is_none() {
            match scope.kind {
                IssuerKind::GitHub => self.github_subjects(scope, &res),
                IssuerKind::GitLab => self.gitlab_subjects(scope, &res),
                IssuerKind::HcpTerraform => self.tfc_subjects(scope, &res),
                IssuerKind::Eks => self.irsa_subjects(scope, &res),
                IssuerKind::CircleCi => self.circleci_subjects(scope, &res),
                IssuerKind::Bitbucket => self.bitbucket_subjects(scope, &res),
                _ => self.other_project(scope, &res),
            }
        }
        if res.immutable_twin_missing.is_some() {
            self.github_immutable(scope, &res);
        }
        self.name_recycle(scope, &res, prefix);
        self.multi_value_loosest(scope, &res);
        if exact {
            // Witnesses of the analyzer's regions are requests the evaluator allowed; a literal
            // value is confirmed with the rest of the statement and the Deny statements.
            self.confirm_witnesses(before, st, &sub_key);
        }
    }

    /// A subject outside the intended tenants, exactly: rolecall-analyze's subjects whose tenant
    /// field is none of the configured tenants (or, with none configured, of the tenants the
    /// statement pins and the literal start of an open tenant), so that the witness names another
    /// tenant, not the shortest subject of the open region. A GitLab group's subgroups belong to
    /// it, which the analyzer's exact tenant comparison does not know: there a witness counts
    /// only if its top-level group is not trusted, and without one the region's own witness
    /// stays.
    #[allow(
        clippy::too_many_arguments,
        reason = "the scope, the compiled statement, the tenants and where the result goes"
    )]
    fn outsiders(
        &mut self,
        scope: &SubjectScope<'_>,
        policy: &rolecall_eval::CompiledPolicy,
        configured: &[String],
        fed: &str,
        sub_key: &str,
        res: &mut WitnessResult,
    ) {
        let wanted = !configured.is_empty() || res.foreign.is_some();
        if !wanted || res.all.is_some() {
            return;
        }
        let mut trusted: Vec<String> = res.tenants_named.iter().cloned().collect();
        if configured.is_empty() && !res.foreign_stem.is_empty() {
            trusted.push(res.foreign_stem.clone());
        }
        let grammar = issuers::grammar(scope.kind, self.opts.github_subjects.as_ref());
        let another_tenant = |r: &&Region| {
            scope.kind != IssuerKind::GitLab
                || grammar
                    .and_then(|g| top_group_of(g, r))
                    .is_some_and(|t| !trusted.iter().any(|x| x.eq_ignore_ascii_case(&t)))
        };
        match outside_regions(&self.opts.analyzer(), policy, &trusted, fed, sub_key) {
            Ok(out) => {
                if let Some(r) = out.iter().find(another_tenant) {
                    res.foreign = Some((r.sub.clone(), index_of(&scope.values, &r.sub)));
                }
            }
            Err(why) => {
                self.push(RuleId::Unanalysable, Severity::Medium, Verdict::Advice,
                    format!("rolecall-analyze cannot tell exactly whether this statement admits subjects outside the trusted tenants ({why})"),
                    scope.first_span(), Some(scope.i));
            }
        }
    }

    /// The statement (with the policy's Deny statements) compiled, and the regions of subjects
    /// it admits from `fed`, per form of the issuer's grammar, from rolecall-analyze.
    ///
    /// When the whole statement is beyond the analyzer's limits and its one `sub` condition is
    /// a plain positive operator with several values, the admitted set is the union of the
    /// statement with each value alone: up to [`PER_VALUE_BUDGET`] values are analysed so, and
    /// the third element says what was not (then no finding says "nobody").
    #[allow(
        clippy::type_complexity,
        reason = "the compiled statement, its regions and what could not be analysed"
    )]
    fn analyse_subjects(
        &self,
        st: &Statement,
        fed: &str,
        sub_key: &str,
    ) -> Result<
        (
            Option<rolecall_eval::CompiledPolicy>,
            Vec<Region>,
            Option<String>,
        ),
        String,
    > {
        let analyzer = self.opts.analyzer();
        let policy = with_denies(st, self.statements)?;
        let why = match analysed_regions(&analyzer, &policy, fed, sub_key) {
            Ok(regions) => return Ok((Some(policy), regions, None)),
            Err(why) => why,
        };
        let subs: Vec<(usize, usize, usize)> = st
            .condition
            .iter()
            .flat_map(|c| c.node.blocks.iter().enumerate())
            .flat_map(|(b, block)| {
                block
                    .entries
                    .iter()
                    .enumerate()
                    .filter_map(move |(e, entry)| {
                        (entry.key.node.eq_ignore_ascii_case(sub_key)).then_some((
                            b,
                            e,
                            entry.values.node.len(),
                        ))
                    })
            })
            .collect();
        let [(b, e, n)] = subs[..] else {
            return Err(why);
        };
        let plain = st
            .condition
            .as_ref()
            .and_then(|c| c.node.blocks.get(b))
            .is_some_and(|block| is_positive(&block.operator.node));
        if !plain || n < 2 {
            return Err(why);
        }
        let mut regions = Vec::new();
        for k in 0..n.min(PER_VALUE_BUDGET) {
            let mut one = st.clone();
            let Some(entry) = one
                .condition
                .as_mut()
                .and_then(|c| c.node.blocks.get_mut(b))
                .and_then(|block| block.entries.get_mut(e))
            else {
                return Err(why);
            };
            let Some(value) = entry.values.node.as_slice().get(k).cloned() else {
                return Err(why);
            };
            entry.values.node = rolecall_policy::OneOrMany::One(value);
            let p = with_denies(&one, self.statements)?;
            regions.extend(analysed_regions(&analyzer, &p, fed, sub_key)?);
        }
        let partial = (n > PER_VALUE_BUDGET).then(|| {
            format!("{why}; {PER_VALUE_BUDGET} of its {n} `sub` values analysed one by one, the rest not")
        });
        Ok((Some(policy), regions, partial))
    }

    /// The `sub` conditions of `st` for `iss`, or `None` when it has none.
    fn subject_scope<'s>(
        &self,
        i: usize,
        st: &'s Statement,
        iss: &Issuer,
        prefix: &str,
    ) -> Option<SubjectScope<'s>> {
        // The retired GitHub issuer used the same subject grammar.
        let kind = if iss.kind == IssuerKind::GitHubLegacy {
            IssuerKind::GitHub
        } else {
            iss.kind
        };
        let sub_key = format!("{prefix}sub");
        let entries: Vec<_> = entries(st)
            .filter(|(_, e)| e.key.node.to_lowercase() == sub_key)
            .collect();
        if entries.is_empty() {
            return None;
        }
        let provider = prefix.strip_suffix(':').unwrap_or(prefix);
        let sub_always = issuers::claim_presence(kind, provider, "sub", self.opts.pre_2026_claims)
            == Presence::Always;
        let values: Vec<(String, bool, Span)> = entries
            .iter()
            .filter(|(op, _)| admits_values(&op.node, sub_always))
            .flat_map(|(op, e)| {
                let like = op.node.base.uses_wildcards();
                e.values
                    .node
                    .iter()
                    .map(move |v| (v.node.text().into_owned(), like, v.span))
            })
            .collect();
        Some(SubjectScope {
            i,
            st,
            kind,
            tenant_scoped: iss.tenancy == Tenancy::TenantScoped,
            issuer: iss.prefix.clone(),
            sub_always,
            entries,
            values,
        })
    }

    /// TP-SUB-UNSATISFIABLE: no subject of the grammar satisfies the positive `sub` values.
    fn unsatisfiable(&mut self, s: &SubjectScope<'_>) {
        let custom_template = s.kind == IssuerKind::GitHub
            && s.values.iter().all(|(v, ..)| {
                ABUSABLE_CLAIMS
                    .iter()
                    .chain(REPOSITORY_CLAIMS)
                    .any(|c| v.starts_with(c))
            });
        if custom_template && self.opts.github_subjects.is_some() {
            // Not a subject of the custom template given either: reported below as such.
        } else if custom_template {
            let vals: Vec<String> = s.values.iter().map(|(v, ..)| format!("`{v}`")).collect();
            self.push(RuleId::SubGrammarUnknown, Severity::Info, Verdict::Advice,
                format!("`sub` {} is no subject of GitHub's default template: it needs a custom subject template (`include_claim_keys`), whose grammar rolecall analyses when given (`--github-template`)", vals.join(", ")),
                s.first_span(), Some(s.i));
            return;
        }
        let vals: Vec<String> = s
            .entries
            .iter()
            .map(|(op, e)| format!("`{}` {}", op.node, quote_values(e)))
            .collect();
        self.push(RuleId::SubUnsatisfiable, Severity::Info, Verdict::Broken,
            format!("no subject this issuer can mint satisfies `sub` {}: the statement can never match (broken, not open)", vals.join(" and ")),
            s.first_span(), Some(s.i));
    }

    /// TP-OIDC-SUB-WILDCARD-ALL, or a subject outside the intended tenant (the family's rule).
    fn report_tenancy(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some(w) = &res.all {
            let idx = s
                .values
                .iter()
                .position(|(v, like, _)| *like && Pattern::new(v, Case::Sensitive).is_match(w))
                .unwrap_or(0);
            self.push(
                RuleId::OidcSubWildcardAll,
                s.lower(Severity::Critical),
                Verdict::Open,
                format!(
                    "{} matches every subject of `{}`, e.g. `{w}`",
                    s.quote(idx),
                    s.issuer
                ),
                s.value_span(idx),
                Some(s.i),
            );
            self.set_witness(w);
            return;
        }
        let Some((w, idx)) = &res.foreign else {
            return;
        };
        let (rule, sev) = match s.kind {
            IssuerKind::GitHub if !res.foreign_stem.is_empty() => {
                (RuleId::GhaOrgPrefix, s.lower(Severity::Critical))
            }
            IssuerKind::Eks => (RuleId::IrsaNamespacePrefix, Severity::High),
            IssuerKind::HcpTerraform => (RuleId::TfcOrgUnpinned, s.lower(Severity::Critical)),
            _ => (RuleId::OidcSubAnyOwner, s.lower(Severity::Critical)),
        };
        let tenants = &res.tenants_named;
        let outside = if tenants.is_empty() {
            "tenant (the tenant segment is a wildcard)".to_owned()
        } else {
            format!("tenant {}", backticked(tenants.iter()))
        };
        self.push(
            rule,
            sev,
            Verdict::Open,
            format!(
                "{} admits a subject outside the intended {outside}: `{w}`",
                s.quote(*idx)
            ),
            s.value_span(*idx),
            Some(s.i),
        );
        self.set_witness(w);
    }

    /// A subject of another project of an intended tenant, for issuers without their own rule.
    fn other_project(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        if let Some((w, idx)) = &res.project {
            self.push_project(
                s,
                RuleId::OidcSubAnyOwner,
                s.lower(Severity::Medium),
                "other projects of the tenant",
                w,
                *idx,
            );
        }
    }

    /// Reports `rule` for value `idx`, which admits `others` (e.g. "other repositories of the
    /// owner"), with witness `w`.
    pub(crate) fn push_project(
        &mut self,
        s: &SubjectScope<'_>,
        rule: RuleId,
        sev: Severity,
        others: &str,
        w: &str,
        idx: usize,
    ) {
        self.push(
            rule,
            sev,
            Verdict::Open,
            format!("{} admits {others}, e.g. `{w}`", s.quote(idx)),
            s.value_span(idx),
            Some(s.i),
        );
        self.set_witness(w);
    }

    /// TP-NAME-RECYCLE: the identity is pinned by names only (GitHub, GitLab, HCP Terraform).
    fn name_recycle(&mut self, s: &SubjectScope<'_>, res: &WitnessResult, prefix: &str) {
        let named = matches!(
            s.kind,
            IssuerKind::GitHub | IssuerKind::GitLab | IssuerKind::HcpTerraform
        );
        if !named
            || res.foreign.is_some()
            || res.all.is_some()
            || res.tenants.is_empty()
            || self.id_pinned(s, prefix)
        {
            return;
        }
        let idx = s
            .values
            .iter()
            .position(|(v, ..)| !v.contains('@'))
            .unwrap_or(0);
        self.push(RuleId::NameRecycle, Severity::Info, Verdict::Advice,
            format!("the identity is pinned by names ({}), which can be renamed, transferred or re-registered", backticked(res.tenants.iter())),
            s.value_span(idx), Some(s.i));
    }

    /// Since 2026 STS exposes the issuer's immutable project id (docs/SEMANTICS.md §4.7): a
    /// statement that also pins it exactly is not open to a re-registered or renamed name,
    /// whatever `sub` says.
    fn id_pinned(&self, s: &SubjectScope<'_>, prefix: &str) -> bool {
        if self.opts.pre_2026_claims {
            return false;
        }
        let provider = prefix.strip_suffix(':').unwrap_or(prefix);
        let Some(claim) = (match s.kind {
            IssuerKind::GitHub => Some("repository_id"),
            IssuerKind::GitLab => Some("project_id"),
            _ => None,
        }) else {
            return false;
        };
        let key = format!("{prefix}{claim}");
        issuers::claim_presence(s.kind, provider, claim, false) != Presence::Never
            && entries(s.st).any(|(op, e)| {
                let op = &op.node;
                is_positive(op)
                    && matches!(
                        op.base,
                        BaseOperator::StringEquals
                            | BaseOperator::StringEqualsIgnoreCase
                            | BaseOperator::StringLike
                    )
                    && e.key.node.to_lowercase() == key
                    && !e.values.node.is_empty()
                    && e.values.node.iter().all(|v| {
                        let t = v.node.text();
                        !t.is_empty() && !t.contains(['*', '?', '$'])
                    })
            })
    }

    /// TP-MULTI-VALUE-LOOSEST: each value of a multi-valued `sub` condition classified alone.
    fn multi_value_loosest(&mut self, s: &SubjectScope<'_>, res: &WitnessResult) {
        for (op, e) in &s.entries {
            if !admits_values(&op.node, s.sub_always) || e.values.node.len() < 2 {
                continue;
            }
            let scopes: Vec<(Scope, Span, String)> = e
                .values
                .node
                .iter()
                .map(|v| {
                    let t = v.node.text().into_owned();
                    let like = op.node.base.uses_wildcards();
                    let scope = value_scope(&t, like, res);
                    (scope, v.span, t)
                })
                .collect();
            let max = scopes.iter().map(|s| s.0).max().unwrap_or(Scope::Exact);
            let min = scopes.iter().map(|s| s.0).min().unwrap_or(Scope::Exact);
            if max <= min || max < Scope::Project {
                continue;
            }
            if let Some((sc, span, t)) = scopes.iter().find(|s| s.0 == max) {
                let sev = match sc {
                    Scope::Tenant => s.lower(Severity::Critical),
                    _ => Severity::High,
                };
                self.push(RuleId::MultiValueLoosest, sev, Verdict::Open,
                    format!("values of `{}` are ORed and `{t}` is the loosest: it admits far more than the other values", e.key.node), *span, Some(s.i));
            }
        }
    }
}

/// Whether a condition on `sub` admits exactly the subjects its values match: a positive
/// operator, or, on a `sub` every token carries as one value, the same operator spelled with
/// `ForAllValues:`/`ForAnyValue:` or `IfExists` (all three read a present single value as the
/// plain operator does, docs/DECISIONS.md R9).
fn admits_values(op: &rolecall_policy::Operator, sub_always: bool) -> bool {
    is_positive(op)
        || (sub_always
            && !op.base.is_negated()
            && op.base != BaseOperator::Null
            && (op.qualifier.is_some() || op.if_exists))
}

/// `values` quoted in backticks and joined with commas.
pub(crate) fn backticked<'a>(values: impl Iterator<Item = &'a String>) -> String {
    values
        .map(|t| format!("`{t}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
