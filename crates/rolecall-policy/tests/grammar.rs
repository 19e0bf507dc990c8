//! Properties of the string grammars, checked on generated input.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use proptest::prelude::*;
use rolecall_policy::grammar::date::parse_date;
use rolecall_policy::grammar::pattern::{matches, parse_pattern, PatternToken};
use rolecall_policy::grammar::variable::{parse_template, TemplatePart};

/// Writes a template back as policy text.
fn render(parts: &[TemplatePart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            TemplatePart::Literal(l) => l.clone(),
            TemplatePart::Escaped(c) => format!("${{{c}}}"),
            TemplatePart::Variable {
                name,
                default: None,
            } => format!("${{{name}}}"),
            TemplatePart::Variable {
                name,
                default: Some(d),
            } => format!("${{{name}, '{d}'}}"),
        })
        .collect()
}

/// A naive exponential reference matcher, fine for short strings.
fn reference(p: &[char], t: &[char]) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => (0..=t.len()).any(|i| reference(rest, &t[i..])),
        Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..]),
        Some((c, rest)) => t.first() == Some(c) && reference(rest, &t[1..]),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(
        std::env::var("PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(256)
    ))]

    /// Whatever parses renders back to the same text, and parsing never
    /// panics on text made of the grammar's special characters.
    #[test]
    fn template_round_trips(s in "[a-z${}*?, ':é ]{0,16}") {
        if let Ok(t) = parse_template(&s) {
            prop_assert_eq!(render(&t.parts), s);
            // No empty or adjacent literals.
            for w in t.parts.windows(2) {
                prop_assert!(!matches!(w, [TemplatePart::Literal(_), TemplatePart::Literal(_)]));
            }
            prop_assert!(!t.parts.iter().any(|p| matches!(p, TemplatePart::Literal(l) if l.is_empty())));
        } else {
            let opens = s.contains("${");
            prop_assert!(opens, "only `${{` can fail");
        }
    }

    /// Tokens rebuild the pattern (runs of `*` collapsed) and the linear
    /// matcher agrees with the naive one.
    #[test]
    fn pattern_agrees_with_reference(p in "[ab*?é]{0,8}", t in "[abé]{0,8}") {
        let tokens = parse_pattern(&p);
        let rebuilt: String = tokens.iter().map(|tok| match tok {
            PatternToken::Literal(l) => l.clone(),
            PatternToken::AnyRun => "*".into(),
            PatternToken::AnyChar => "?".into(),
        }).collect();
        let mut collapsed = p.clone();
        while collapsed.contains("**") {
            collapsed = collapsed.replace("**", "*");
        }
        prop_assert_eq!(rebuilt, collapsed);
        let pc: Vec<char> = p.chars().collect();
        let tc: Vec<char> = t.chars().collect();
        prop_assert_eq!(matches(&tokens, &t), reference(&pc, &tc));
    }

    /// Epoch seconds and the equivalent ISO text give the same instant.
    #[test]
    fn date_forms_agree(secs in 0i64..253_402_300_800) {
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        // civil_from_days (Hinnant), independent of the parser's direction.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        let iso = format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        );
        prop_assert_eq!(parse_date(&iso).unwrap(), parse_date(&secs.to_string()).unwrap(), "{}", iso);
    }
}
