//! `rolecall github sub` end to end: the first line (text) or the `sub` member (JSON) is the `sub`, for
//! GitHub's documented examples (https://docs.github.com/en/actions/reference/security/oidc;
//! the renderer itself is tested against every example in
//! crates/rolecall-eval/tests/github_subject.rs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;
use common::rolecall;

use serde_json::Value;

fn first_line(args: &[&str]) -> String {
    let out = rolecall()
        .args(["github", "sub"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_owned()
}

#[test]
fn documented_default_subjects() {
    let r = ["--repository", "octo-org/octo-repo"];
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "--environment",
                "Production",
                "--event",
                "pull_request",
                "--ref",
                "refs/heads/main",
            ],
            "repo:octo-org/octo-repo:environment:Production",
        ),
        (
            &["--event", "pull_request", "--ref", "refs/pull/7/merge"],
            "repo:octo-org/octo-repo:pull_request",
        ),
        (
            &["--ref", "refs/heads/demo-branch"],
            "repo:octo-org/octo-repo:ref:refs/heads/demo-branch",
        ),
        (
            &["--ref", "refs/tags/demo-tag"],
            "repo:octo-org/octo-repo:ref:refs/tags/demo-tag",
        ),
        (
            &["--environment", "Production:V1"],
            "repo:octo-org/octo-repo:environment:Production%3AV1",
        ),
        (
            &[
                "--ref",
                "refs/heads/main",
                "--owner-id",
                "123456",
                "--repository-id",
                "456789",
                "--immutable",
            ],
            "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
        ),
    ];
    for (args, want) in cases {
        let mut all = r.to_vec();
        all.extend_from_slice(args);
        assert_eq!(first_line(&all), *want, "{args:?}");
    }
}

#[test]
fn json_lists_claims_and_the_keys_sts_derives() {
    let out = rolecall()
        .args([
            "github",
            "sub",
            "--repository",
            "octo-org/octo-repo",
            "--environment",
            "prod",
            "--ref",
            "refs/heads/main",
            "--owner-id",
            "65",
            "--repository-id",
            "74",
            "--claim",
            "actor=octocat",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    // The whole output is one JSON document.
    let doc: Value = serde_json::from_str(&text).unwrap();
    let first = "repo:octo-org/octo-repo:environment:prod";
    assert_eq!(doc["sub"], first);
    assert_eq!(doc["template"], "default");
    assert_eq!(doc["claims"]["repository_owner"], "octo-org");
    let keys = &doc["context_keys"];
    const GH: &str = "token.actions.githubusercontent.com";
    assert_eq!(keys[format!("{GH}:sub")], first);
    assert_eq!(keys[format!("{GH}:repository_id")], "74");
    assert_eq!(keys[format!("{GH}:actor")], "octocat");
    // In the token, not a key (docs/SEMANTICS.md §4.7).
    assert!(keys.get(format!("{GH}:repository_owner")).is_none());
    assert!(keys.get(format!("{GH}:ref_type")).is_none());
}

#[test]
fn templates_from_the_rest_api() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let repo = write(
        "repo.json",
        r#"{"use_default": false, "include_claim_keys": ["repo", "context", "job_workflow_ref"]}"#,
    );
    let wf = "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main";
    assert_eq!(
        first_line(&[
            "--repository",
            "octo-org/octo-repo",
            "--environment",
            "prod",
            "--job-workflow-ref",
            wf,
            "--template",
            &repo
        ]),
        format!("repo:octo-org/octo-repo:environment:prod:job_workflow_ref:{wf}")
    );
    // A repository that defers to its organization, with the organization's template.
    let opt_in = write("opt-in.json", r#"{"use_default": false}"#);
    let org = write(
        "org.json",
        r#"{"include_claim_keys": ["repository_owner"]}"#,
    );
    assert_eq!(
        first_line(&[
            "--repository",
            "monalisa/app",
            "--ref",
            "refs/heads/main",
            "--template",
            &opt_in,
            "--template",
            &org
        ]),
        "repository_owner:monalisa"
    );
    // Without the organization's template the sub cannot be known.
    let out = rolecall()
        .args([
            "github",
            "sub",
            "--repository",
            "monalisa/app",
            "--ref",
            "refs/heads/main",
            "--template",
            &opt_in,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("organization's template"));
    // A member given twice, and a template over the 1 MiB bound, are refused.
    let twice = write(
        "twice.json",
        r#"{"use_default": true, "use_default": false}"#,
    );
    let big = write(
        "big.json",
        &format!(
            "{{\"include_claim_keys\": [\"repo\"], \"x\": \"{}\"}}",
            "a".repeat(2 << 20)
        ),
    );
    for (path, says) in [(&twice, "use_default"), (&big, "limit")] {
        let out = rolecall()
            .args([
                "github",
                "sub",
                "--repository",
                "o/r",
                "--ref",
                "refs/heads/main",
                "--template",
                path,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{path}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// --issuer names the provider of the keys (an enterprise issuer, GHE.com),
/// whose rows of the claim table apply (docs/SEMANTICS.md §4.7).
#[test]
fn issuer_sets_the_key_prefix() {
    for (issuer, prefix) in [
        (
            "https://token.actions.githubusercontent.com/octocat-inc",
            "token.actions.githubusercontent.com/octocat-inc",
        ),
        (
            "https://token.actions.octocorp.ghe.com",
            "token.actions.octocorp.ghe.com",
        ),
    ] {
        let out = rolecall()
            .args([
                "github",
                "sub",
                "--repository",
                "octo-org/octo-repo",
                "--ref",
                "refs/heads/main",
                "--owner-id",
                "65",
                "--repository-id",
                "74",
                "--format",
                "json",
                "--issuer",
                issuer,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8(out.stdout).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["claims"]["iss"], issuer);
        let keys = doc["context_keys"].as_object().unwrap();
        assert_eq!(keys[&format!("{prefix}:repository_owner_id")], "65");
        assert!(
            keys.keys().all(|k| k.starts_with(&format!("{prefix}:"))),
            "{keys:?}"
        );
    }
    let out = rolecall()
        .args([
            "github",
            "sub",
            "--repository",
            "o/r",
            "--ref",
            "refs/heads/main",
            "--format",
            "json",
            "--issuer",
            "http://x.example",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
