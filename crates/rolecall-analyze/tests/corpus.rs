//! Every corpus policy (testdata/corpus/) is analysed: an answer with a
//! witness the evaluator confirmed, or a refusal with its reason; never an
//! internal error. Prints the counts and the time per policy.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_analyze::{AnalysisError, Analyzer, Assumability};
use rolecall_eval::{evaluate, CompiledPolicy, Decision};

#[test]
fn every_corpus_policy_is_answered_or_refused_with_a_reason() {
    let dir = rolecall_testkit::corpus_dir();
    let a = Analyzer::default();
    let (mut assumable, mut unassumable, mut refused, mut invalid) = (0, 0, 0, 0);
    let mut grammar_witnesses = 0;
    let mut slowest = (std::time::Duration::ZERO, String::new());
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    for path in &paths {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(policy) = CompiledPolicy::from_json(&text) else {
            invalid += 1;
            continue;
        };
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let started = std::time::Instant::now();
        let answer = a.unassumable(&policy);
        let same = a.equivalent(&policy, &policy);
        let who = a.who(&policy);
        let took = started.elapsed();
        if let Err(e) = &who {
            panic!("{name}: who: {e}");
        }
        // `who` agrees with `unassumable`, and its witnesses are allowed.
        if let (Ok(who), Ok(answer)) = (&who, &answer) {
            assert_eq!(who.is_assumable(), answer.is_assumable(), "{name}");
            for pa in &who.principals {
                for access in &pa.admitted {
                    let r = &access.witness.request;
                    assert_eq!(evaluate(&policy, r), Decision::Allow, "{name}");
                    assert_eq!(r.action(), pa.action, "{name}");
                    // Grammar-aware witnesses are subjects the issuer mints.
                    if let rolecall_analyze::SubjectModel::Grammar { .. } = pa.subject {
                        let issuer = rolecall_eval::issuers::classify_federated(&pa.principal);
                        let grammar = issuer.subject_grammar().unwrap();
                        let key = format!("{}:sub", issuer.prefix);
                        let sub = r.context().lookup(&key).and_then(|e| e.value().as_single());
                        let parsed = sub.and_then(|s| grammar.parse(s));
                        if access.outside_grammar {
                            // The rest of the set: no subject of the grammar.
                            assert!(parsed.is_none(), "{name}: {sub:?}");
                        } else {
                            assert!(parsed.is_some(), "{name}: {sub:?}");
                            assert_eq!(parsed.map(|p| p.form), access.form.as_deref(), "{name}");
                            grammar_witnesses += 1;
                        }
                    }
                }
            }
        }
        if took > slowest.0 {
            slowest = (took, name.clone());
        }
        match answer {
            Ok(Assumability::Assumable(w)) => {
                assumable += 1;
                assert_eq!(evaluate(&policy, &w.request), Decision::Allow, "{name}");
                assert!(same.unwrap().holds(), "{name}: differs from itself");
            }
            Ok(Assumability::Unassumable(reports)) => {
                unassumable += 1;
                println!("{name}: unassumable: {reports:?}");
            }
            Err(AnalysisError::NotExactlyAnalysable { reason, .. }) => {
                refused += 1;
                println!("{name}: refused: {reason}");
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    println!(
        "corpus: {assumable} assumable, {unassumable} unassumable, {refused} refused, \
         {invalid} not compiled; {grammar_witnesses} grammar-aware who witnesses; slowest {:?} ({})",
        slowest.0, slowest.1
    );
    assert!(grammar_witnesses >= 20, "{grammar_witnesses}");
    assert!(assumable >= 50, "{assumable}");
}
