//! `github_subject` against every `sub` example of GitHub's OIDC
//! documentation. REF is https://docs.github.com/en/actions/reference/security/oidc
//! ("OpenID Connect reference"); CONCEPTS is
//! https://docs.github.com/en/actions/concepts/security/openid-connect.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use rolecall_eval::github_subject::{parse_template, Job, SubjectError, Template, TemplateSource};

fn job(repository: &str) -> Job {
    Job {
        repository: repository.into(),
        ..Job::default()
    }
}

fn sub(j: &Job) -> String {
    j.subject(&Template::Default, None).unwrap().sub
}

fn keys(k: &[&str]) -> Template {
    Template::Repository {
        use_default: false,
        include_claim_keys: Some(k.iter().map(|s| (*s).to_owned()).collect()),
    }
}

const WORKFLOW: &str = "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main";

/// REF, "Example subject claims": environment, pull_request, branch, tag,
/// and a `:` in a value; each with a ref and event that lose to it.
#[test]
fn default_subjects_of_the_reference() {
    let mut j = job("octo-org/octo-repo");
    j.environment = Some("Production".into());
    j.event = Some("pull_request".into());
    j.git_ref = Some("refs/pull/7/merge".into());
    // Filtering for a specific environment: the environment wins.
    assert_eq!(sub(&j), "repo:octo-org/octo-repo:environment:Production");

    // Filtering for pull_request events: only without an environment.
    j.environment = None;
    assert_eq!(sub(&j), "repo:octo-org/octo-repo:pull_request");

    // Filtering for a specific branch / tag.
    let mut b = job("octo-org/octo-repo");
    b.event = Some("push".into());
    b.git_ref = Some("refs/heads/demo-branch".into());
    assert_eq!(
        sub(&b),
        "repo:octo-org/octo-repo:ref:refs/heads/demo-branch"
    );
    b.git_ref = Some("refs/tags/demo-tag".into());
    assert_eq!(sub(&b), "repo:octo-org/octo-repo:ref:refs/tags/demo-tag");
    // pull_request_target: GitHub documents neither form, so no guess...
    b.event = Some("pull_request_target".into());
    b.git_ref = Some("refs/heads/main".into());
    assert_eq!(
        b.subject(&Template::Default, None).unwrap_err(),
        SubjectError::UndocumentedEvent("pull_request_target".into())
    );
    // ...unless an environment decides it.
    b.environment = Some("prod".into());
    assert_eq!(sub(&b), "repo:octo-org/octo-repo:environment:prod");

    // Filtering for metadata containing `:`.
    let mut c = job("octo-org/octo-repo");
    c.environment = Some("Production:V1".into());
    assert_eq!(
        sub(&c),
        "repo:octo-org/octo-repo:environment:Production%3AV1"
    );
}

/// CONCEPTS, the example token (environment `prod`), and REF's enterprise
/// issuer example (`repo:octocat-inc/private-server:ref:refs/heads/main`).
#[test]
fn example_tokens() {
    let mut j = job("octo-org/octo-repo");
    j.environment = Some("prod".into());
    j.git_ref = Some("refs/heads/main".into());
    j.event = Some("workflow_dispatch".into());
    j.ids = Some((65, 74));
    let s = j.subject(&Template::Default, None).unwrap();
    assert_eq!(s.sub, "repo:octo-org/octo-repo:environment:prod");
    assert_eq!(s.source, TemplateSource::Default);
    assert_eq!(s.claims["repository_id"], "74");
    assert_eq!(s.claims["repository_owner_id"], "65");
    assert_eq!(s.claims["repository_owner"], "octo-org");
    assert_eq!(s.claims["ref_type"], "branch");
    assert_eq!(s.claims["event_name"], "workflow_dispatch");

    let mut e = job("octocat-inc/private-server");
    e.git_ref = Some("refs/heads/main".into());
    assert_eq!(
        sub(&e),
        "repo:octocat-inc/private-server:ref:refs/heads/main"
    );
}

/// REF, "Immutable subject claims" and "Configuring the subject in your
/// cloud provider": ids after the names; kept in custom templates too.
#[test]
fn immutable_subjects() {
    let mut j = job("octo-org/octo-repo");
    j.git_ref = Some("refs/heads/main".into());
    j.ids = Some((123_456, 456_789));
    // Ids alone do not change the format...
    assert_eq!(sub(&j), "repo:octo-org/octo-repo:ref:refs/heads/main");
    // ...opting in does.
    j.immutable = true;
    assert_eq!(
        sub(&j),
        "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main"
    );
    j.git_ref = Some("refs/heads/demo-branch".into());
    assert_eq!(
        sub(&j),
        "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/demo-branch"
    );
    // "owner_id and repo_id are always included in the repo segment ...
    // even when you customize claims with include_claim_keys".
    assert_eq!(
        j.subject(&keys(&["repo"]), None).unwrap().sub,
        "repo:octo-org@123456/octo-repo@456789"
    );
    let mut no_ids = job("octo-org/octo-repo");
    no_ids.git_ref = Some("refs/heads/main".into());
    no_ids.immutable = true;
    assert_eq!(
        no_ids.subject(&Template::Default, None).unwrap_err(),
        SubjectError::MissingIds
    );
}

/// REF, "Customizing the subject claims": every example template.
#[test]
fn custom_templates_of_the_reference() {
    let mut m = job("monalisa/app");
    m.extra
        .insert("repository_visibility".into(), "private".into());
    m.git_ref = Some("refs/heads/main".into());
    // Allowing repository based on visibility and owner.
    assert_eq!(
        m.subject(&keys(&["repository_owner", "repository_visibility"]), None)
            .unwrap()
            .sub,
        "repository_owner:monalisa:repository_visibility:private"
    );
    // Allowing access to all repositories with a specific owner.
    assert_eq!(
        m.subject(&keys(&["repository_owner"]), None).unwrap().sub,
        "repository_owner:monalisa"
    );

    let mut j = job("octo-org/octo-repo");
    j.job_workflow_ref = Some(WORKFLOW.into());
    j.environment = Some("prod".into());
    j.git_ref = Some("refs/heads/main".into());
    // Requiring a reusable workflow.
    assert_eq!(
        j.subject(&keys(&["job_workflow_ref"]), None).unwrap().sub,
        format!("job_workflow_ref:{WORKFLOW}")
    );
    // Requiring a reusable workflow and other claims.
    let s = j
        .subject(&keys(&["repo", "context", "job_workflow_ref"]), None)
        .unwrap();
    assert_eq!(
        s.sub,
        format!("repo:octo-org/octo-repo:environment:prod:job_workflow_ref:{WORKFLOW}")
    );
    assert_eq!(s.source, TemplateSource::Repository);
    // Granting access to a specific repository.
    assert_eq!(
        j.subject(&keys(&["repo"]), None).unwrap().sub,
        "repo:octo-org/octo-repo"
    );
    // Using system-generated GUIDs.
    j.ids = Some((65, 74));
    assert_eq!(
        j.subject(&keys(&["repository_id"]), None).unwrap().sub,
        "repository_id:74"
    );
    assert_eq!(
        j.subject(&keys(&["repository_owner_id"]), None)
            .unwrap()
            .sub,
        "repository_owner_id:65"
    );
    // Context value with `:`.
    let mut c = job("octo-org/octo-repo");
    c.environment = Some("production:eastus".into());
    assert_eq!(
        c.subject(&keys(&["environment", "repository_owner"]), None)
            .unwrap()
            .sub,
        "environment:production%3Aeastus:repository_owner:octo-org"
    );
    // Filtering on a repository custom property.
    let mut p = job("my-org/my-repo");
    p.extra
        .insert("repo_property_workspace_id".into(), "ws-abc123".into());
    assert_eq!(
        p.subject(&keys(&["repo_property_workspace_id"]), None)
            .unwrap()
            .sub,
        "repo_property_workspace_id:ws-abc123"
    );
    // Resetting organization template customizations: repo + context is
    // the default format.
    assert_eq!(
        j.subject(&keys(&["repo", "context"]), None).unwrap().sub,
        sub(&j)
    );
}

/// The templates GitHub's REST API returns, and which one applies.
#[test]
fn template_files_and_precedence() {
    let mut j = job("octo-org/octo-repo");
    j.git_ref = Some("refs/heads/main".into());
    let org = ["repository_owner".to_owned()];

    // Resetting repository template customizations: `use_default: true`.
    let reset = parse_template(br#"{"use_default": true}"#).unwrap();
    let s = j.subject(&reset, Some(&org)).unwrap();
    assert_eq!(s.sub, "repo:octo-org/octo-repo:ref:refs/heads/main");
    assert_eq!(s.source, TemplateSource::Default);
    // `use_default: true` ignores include_claim_keys.
    let ignored =
        parse_template(br#"{"use_default": true, "include_claim_keys": ["repo"]}"#).unwrap();
    assert_eq!(
        j.subject(&ignored, None).unwrap().source,
        TemplateSource::Default
    );

    // Configuring a repository to use an organization template.
    let opt_in = parse_template(br#"{"use_default": false}"#).unwrap();
    let s = j.subject(&opt_in, Some(&org)).unwrap();
    assert_eq!(s.sub, "repository_owner:octo-org");
    assert_eq!(s.source, TemplateSource::Organization);
    assert_eq!(
        j.subject(&opt_in, None).unwrap_err(),
        SubjectError::OrganizationTemplateMissing
    );

    // The repository's own keys win over the organization's.
    let own = parse_template(br#"{"use_default": false, "include_claim_keys": ["repo"]}"#).unwrap();
    assert_eq!(
        j.subject(&own, Some(&org)).unwrap().sub,
        "repo:octo-org/octo-repo"
    );

    // An organization's template on its own.
    let org_t = parse_template(br#"{"include_claim_keys": ["repo", "context"]}"#).unwrap();
    assert_eq!(
        org_t,
        Template::Organization {
            include_claim_keys: vec!["repo".into(), "context".into()]
        }
    );
    assert_eq!(
        j.subject(&org_t, None).unwrap().source,
        TemplateSource::Organization
    );
}

#[test]
fn refusals() {
    let bad: &[&[u8]] = &[
        br#"{"use_default": true, "use_default": false}"#,
        br#"{"use_default": "false"}"#,
        br#"{"include_claim_keys": "repo"}"#,
        br#"{"include_claim_keys": ["repo", "repo"]}"#,
        br#"{"include_claim_keys": ["re po"]}"#,
        br#"{"include_claim_keys": []}"#,
        br#"{"include_claim_keys": ["repo"], "extra": 1}"#,
        br#"{}"#,
        br#"[]"#,
        b"{",
    ];
    for b in bad {
        assert!(parse_template(b).is_err(), "{}", String::from_utf8_lossy(b));
    }
    let mut j = job("octo-org/octo-repo");
    // No ref, no environment, not a pull request.
    assert_eq!(
        j.subject(&Template::Default, None).unwrap_err(),
        SubjectError::MissingRef
    );
    j.git_ref = Some("main".into());
    assert!(matches!(
        j.subject(&Template::Default, None).unwrap_err(),
        SubjectError::ShortRef(_)
    ));
    j.git_ref = Some("refs/heads/main".into());
    // A template key rolecall cannot know, and `environment` without one.
    assert_eq!(
        j.subject(&keys(&["actor"]), None).unwrap_err(),
        SubjectError::MissingClaim("actor".into())
    );
    assert_eq!(
        j.subject(&keys(&["environment"]), None).unwrap_err(),
        SubjectError::EnvironmentRequired
    );
    for r in ["octo-org", "a/b/c", "/r", "o/", "o:x/r", "o@1/r"] {
        assert!(job(r).subject(&Template::Default, None).is_err(), "{r}");
    }
}
