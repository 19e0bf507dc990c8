//! `rolecall eks` in-process on 10,000 service accounts against 1,000 roles (issue 16: under a
//! second), from reading the files to the JSON report: every annotated service account checked,
//! every role's `assumable_by` (through the subject index) and `latent` (the analyzer).
//!
//! `cargo bench -p rolecall-benches --bench eks -- --warm-up-time 1 --measurement-time 10`
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    reason = "measurement code, not library code: bad input stops the run"
)]

use std::path::PathBuf;

use criterion::{criterion_group, criterion_main, Criterion};
use rolecall_benches::eks;

fn inputs() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rolecall-eks-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("cluster.json"), eks::cluster()).unwrap();
    std::fs::write(dir.join("sa.json"), eks::service_accounts()).unwrap();
    std::fs::write(dir.join("roles.json"), eks::roles()).unwrap();
    dir
}

fn run(dir: &std::path::Path, out: &mut Vec<u8>) -> i32 {
    let arg = |f: &str| dir.join(f).into_os_string();
    rolecall::eks_to(
        [
            "--cluster".into(),
            arg("cluster.json"),
            "--service-accounts".into(),
            arg("sa.json"),
            "--roles".into(),
            arg("roles.json"),
            "--format".into(),
            "json".into(),
        ],
        out,
    )
    .unwrap()
}

fn bench(c: &mut Criterion) {
    let dir = inputs();
    // Every service account is ok, each role admits exactly its ten; only the `StringLike`
    // roles have a latent service account (`sa-0Y*` admits names not yet taken).
    let mut out = Vec::new();
    assert_eq!(run(&dir, &mut out), 0);
    let report: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let accounts = report["service_accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), eks::NAMESPACES * eks::PER_NAMESPACE);
    assert!(accounts.iter().all(|a| a["status"] == "ok"));
    let roles = report["roles"].as_array().unwrap();
    assert_eq!(roles.len(), accounts.len() / eks::PER_ROLE);
    assert!(roles
        .iter()
        .all(|r| r["assumable_by"].as_array().unwrap().len() == eks::PER_ROLE));
    let latent: usize = roles
        .iter()
        .map(|r| r["latent"].as_array().unwrap().len())
        .sum();
    assert_eq!(latent, roles.len() / 10);

    let mut g = c.benchmark_group("eks/10000-service-accounts-1000-roles");
    g.sample_size(10);
    g.bench_function("rolecall-eks-json", |b| {
        b.iter(|| {
            out.clear();
            run(&dir, &mut out)
        })
    });
    g.finish();

    // What `assumable_by` cost without the subject index: every service account's token against
    // every trust policy. A tenth of the service accounts (1,000 x 1,000 = 1e6 evaluations);
    // the full run is ten times this.
    let cluster = rolecall_eks::read_cluster(&eks::cluster()).unwrap();
    let accounts = rolecall_eks::read_service_accounts(&eks::service_accounts()).unwrap();
    let dump: serde_json::Value = serde_json::from_str(&eks::roles()).unwrap();
    let policies: Vec<rolecall_eval::CompiledPolicy> = dump["RoleDetailList"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            rolecall_eval::CompiledPolicy::from_json(&r["AssumeRolePolicyDocument"].to_string())
                .unwrap()
        })
        .collect();
    let rules = rolecall_eval::claims::ClaimRules::default();
    let identities: Vec<_> = accounts
        .iter()
        .step_by(10)
        .map(|sa| {
            rolecall_eks::web_identity(&cluster, sa, "arn:aws:iam::111122223333:role/r", &rules)
                .unwrap()
        })
        .collect();
    let mut g = c.benchmark_group("eks/all-pairs-without-index");
    g.sample_size(10);
    g.bench_function("1000-service-accounts-x-1000-roles-evaluate_call", |b| {
        b.iter(|| {
            let mut allowed = 0usize;
            for p in &policies {
                for id in &identities {
                    if rolecall_eval::evaluate_call(p, id).decision
                        == rolecall_eval::Decision::Allow
                    {
                        allowed += 1;
                    }
                }
            }
            allowed
        })
    });
    g.finish();
    std::fs::remove_dir_all(&dir).unwrap();
}

criterion_group!(benches, bench);
criterion_main!(benches);
