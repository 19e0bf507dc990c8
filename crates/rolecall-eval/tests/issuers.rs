//! Issuer grammars (`rolecall_eval::issuers`): each documented example
//! subject parses into its fields, and near misses do not
//! (docs/SEMANTICS.md §4.8 gives the source of each example).
#![allow(
    clippy::indexing_slicing,
    reason = "integration-test code: the subject sampler outside #[test] functions indexes its choices, which are in range by construction"
)]

use rolecall_eval::issuers::{
    self, CharRange, FieldRole, IssuerKind, NameAlphabet, Part, SubjectForm, SubjectGrammar,
};

/// The fields a subject parses into, `None` when it is not a subject.
fn fields(g: &SubjectGrammar, sub: &str) -> Option<Vec<(String, String)>> {
    g.matches(sub)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

/// A subject, the form it parses with, and its fields.
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// GitHub's OIDC reference, "Example subject claims" and the immutable
/// form.
#[test]
fn github_documented_subjects_parse() {
    let g = SubjectGrammar::github();
    let cases: &[Case] = &[
        (
            "repo:octo-org/octo-repo:environment:Production",
            "environment",
            &[
                ("owner", "octo-org"),
                ("repository", "octo-repo"),
                ("environment", "Production"),
            ],
        ),
        (
            "repo:octo-org/octo-repo:ref:refs/heads/demo-branch",
            "branch",
            &[
                ("owner", "octo-org"),
                ("repository", "octo-repo"),
                ("branch", "demo-branch"),
            ],
        ),
        (
            "repo:octo-org/octo-repo:ref:refs/tags/demo-tag",
            "tag",
            &[
                ("owner", "octo-org"),
                ("repository", "octo-repo"),
                ("tag", "demo-tag"),
            ],
        ),
        (
            "repo:octo-org/octo-repo:pull_request",
            "pull_request",
            &[("owner", "octo-org"), ("repository", "octo-repo")],
        ),
        (
            "repo:octo-org/octo-repo:environment:Production%3AV1",
            "environment",
            &[
                ("owner", "octo-org"),
                ("repository", "octo-repo"),
                ("environment", "Production%3AV1"),
            ],
        ),
        (
            "repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main",
            "immutable branch",
            &[
                ("owner", "octo-org"),
                ("owner_id", "123456"),
                ("repository", "octo-repo"),
                ("repository_id", "456789"),
                ("branch", "main"),
            ],
        ),
        (
            "repo:octo-org/.github:ref:refs/heads/feature/a.b",
            "branch",
            &[
                ("owner", "octo-org"),
                ("repository", ".github"),
                ("branch", "feature/a.b"),
            ],
        ),
    ];
    for (sub, form, want) in cases {
        let parsed = g.parse(sub).unwrap_or_else(|| panic!("`{sub}`"));
        assert_eq!(parsed.form, *form, "{sub}");
        assert_eq!(parsed.fields, pairs(want), "{sub}");
    }
}

#[test]
fn github_near_misses_do_not_parse() {
    let g = SubjectGrammar::github();
    let long_owner = format!("repo:{}/r:pull_request", "a".repeat(40));
    let long_repo = format!("repo:o/{}:pull_request", "r".repeat(101));
    for sub in [
        "",
        "repo:octo-org/octo-repo",
        "repo:octo-org/octo-repo:",
        "repo:octo-org:ref:refs/heads/main",
        "repo:octo-org/octo-repo:ref:main",
        "repo:octo-org/octo-repo:ref:refs/heads/",
        "repo:octo-org/octo-repo:ref:refs/pull/1/merge",
        "repo:octo-org/octo-repo:environment:",
        "repo:octo-org/octo-repo:environment:a:b",
        "repo:octo-org/octo-repo:pull_request_target",
        "repo:octo org/octo-repo:pull_request",
        "repo:octo-org/octo/repo:pull_request",
        "repo:octo-org@12a/octo-repo@4:pull_request",
        "repo:octo-org@/octo-repo@4:pull_request",
        "repo:octo-org/octo-repo:ref:refs/heads/a b",
        "repo:octo-org/octo-repo:ref:refs/heads/a*",
        "Repo:octo-org/octo-repo:pull_request",
        "repository_owner:octo-org",
        long_owner.as_str(),
        long_repo.as_str(),
    ] {
        assert!(g.matches(sub).is_none(), "`{sub}` should not parse");
    }
    // The name form and the immutable form are separate grammars too.
    assert!(SubjectGrammar::github_default()
        .matches("repo:o@1/r@2:pull_request")
        .is_none());
    assert!(SubjectGrammar::github_immutable()
        .matches("repo:o/r:pull_request")
        .is_none());
}

/// EKS: `system:serviceaccount:NAMESPACE:NAME` with Kubernetes' name
/// rules.
#[test]
fn eks_subjects() {
    let g = SubjectGrammar::eks();
    assert_eq!(
        fields(&g, "system:serviceaccount:default:my-service-account"),
        Some(pairs(&[
            ("namespace", "default"),
            ("service_account", "my-service-account")
        ]))
    );
    assert_eq!(
        fields(&g, "system:serviceaccount:kube-system:aws-node"),
        Some(pairs(&[
            ("namespace", "kube-system"),
            ("service_account", "aws-node")
        ]))
    );
    // A service account name is a subdomain: dots are allowed.
    assert!(g.matches("system:serviceaccount:prod:app.v2").is_some());
    let ns63 = format!("system:serviceaccount:{}:a", "n".repeat(63));
    let ns64 = format!("system:serviceaccount:{}:a", "n".repeat(64));
    let sa253 = format!("system:serviceaccount:a:{}", "s".repeat(253));
    let sa254 = format!("system:serviceaccount:a:{}", "s".repeat(254));
    assert!(g.matches(&ns63).is_some());
    assert!(g.matches(&sa253).is_some());
    for sub in [
        ns64.as_str(),
        sa254.as_str(),
        "system:serviceaccount:Prod:app",
        "system:serviceaccount:-prod:app",
        "system:serviceaccount:prod-:app",
        "system:serviceaccount:pr.od:app",
        "system:serviceaccount:prod:app-",
        "system:serviceaccount:prod:.app",
        "system:serviceaccount:prod:",
        "system:serviceaccount::app",
        "system:serviceaccount:prod:app:x",
        "system:serviceaccounts:prod:app",
        "system:serviceaccount:prod",
    ] {
        assert!(g.matches(sub).is_none(), "`{sub}` should not parse");
    }
}

#[test]
fn custom_github_templates() {
    let keys = |k: &[&str]| k.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // GitHub's documented examples of customised subjects.
    let g = SubjectGrammar::github_template(&keys(&["repository_owner", "repository_visibility"]))
        .unwrap();
    assert_eq!(
        fields(
            &g,
            "repository_owner:monalisa:repository_visibility:private"
        ),
        Some(pairs(&[("repository_owner", "monalisa")]))
    );
    assert!(g
        .matches("repository_owner:monalisa:repository_visibility:secret")
        .is_none());
    let g =
        SubjectGrammar::github_template(&keys(&["repo", "context", "job_workflow_ref"])).unwrap();
    let parsed = g
        .parse("repo:octo-org/octo-repo:environment:prod:job_workflow_ref:octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main")
        .unwrap();
    assert_eq!(parsed.form, "environment");
    assert_eq!(
        parsed.fields,
        pairs(&[
            ("owner", "octo-org"),
            ("repository", "octo-repo"),
            ("environment", "prod"),
            (
                "job_workflow_ref",
                "octo-org/octo-automation/.github/workflows/oidc.yml@refs/heads/main"
            )
        ])
    );
    // Immutable repositories keep their ids under a template.
    assert_eq!(
        g.parse("repo:o@1/r@2:pull_request:job_workflow_ref:o/r/.github/workflows/x.yml@refs/heads/main")
            .map(|p| p.form),
        Some("immutable pull_request")
    );
    // With `environment` in the template, the context is the environment.
    let g = SubjectGrammar::github_template(&keys(&["context", "environment"])).unwrap();
    assert!(g.matches("environment:prod:environment:prod").is_some());
    assert!(g.matches("ref:refs/heads/main:environment:prod").is_none());
    assert!(g.matches("pull_request:environment:prod").is_none());
    // GitHub refuses these templates, and so does the grammar.
    assert!(SubjectGrammar::github_template(&[]).is_err());
    assert!(SubjectGrammar::github_template(&keys(&["repo", "repo"])).is_err());
    assert!(SubjectGrammar::github_template(&keys(&["re po"])).is_err());
}

#[test]
fn templates_from_the_repository_setting() {
    use rolecall_eval::github_subject::parse_template;
    let t = parse_template(br#"{"use_default": true}"#).unwrap();
    assert_eq!(
        SubjectGrammar::from_github_template(&t, None).unwrap(),
        SubjectGrammar::github()
    );
    let t = parse_template(br#"{"use_default": false}"#).unwrap();
    assert!(SubjectGrammar::from_github_template(&t, None).is_err());
    let org = vec!["repository_owner".to_owned()];
    let g = SubjectGrammar::from_github_template(&t, Some(&org)).unwrap();
    assert!(g.matches("repository_owner:octo-org").is_some());
}

/// Every form's fields are found by name and role, for the analyzer's
/// per-segment descriptions.
#[test]
fn fields_carry_their_roles() {
    let g = SubjectGrammar::github();
    let form = g.form("immutable environment").unwrap();
    let roles: Vec<(&str, FieldRole)> = form
        .parts
        .iter()
        .filter_map(|p| match p {
            Part::Field(f) => Some((f.name.as_str(), f.role)),
            _ => None,
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("owner", FieldRole::Tenant),
            ("owner_id", FieldRole::TenantId),
            ("repository", FieldRole::Project),
            ("repository_id", FieldRole::ProjectId),
            ("environment", FieldRole::Context)
        ]
    );
}

#[test]
fn alphabets() {
    let a = NameAlphabet::any_except(&[':', '\0', char::MAX], 0);
    assert!(a.contains(""));
    assert!(a.contains("a%3Ab/é"));
    assert!(!a.contains("a:b"));
    assert!(!a.contains("\0"));
    assert_eq!(a.chars.first(), Some(&CharRange::new('\u{1}', '9')));
    let label = NameAlphabet::dns1123_label();
    assert!(label.contains("a"));
    assert!(label.contains("a-b"));
    assert!(!label.contains("-"));
    assert!(!label.contains(""));
    // Greedy parse: an earlier field takes what it can.
    let form = SubjectForm::new(
        "path",
        vec![
            Part::field(
                "group",
                FieldRole::Tenant,
                NameAlphabet::any_except(&[':'], 1),
            ),
            Part::lit("/"),
            Part::field(
                "project",
                FieldRole::Project,
                NameAlphabet::any_except(&[':', '/'], 1),
            ),
        ],
    );
    assert_eq!(
        form.parse("a/b/c"),
        Some(pairs(&[("group", "a/b"), ("project", "c")]))
    );
    // Inputs beyond the bound match nothing, quickly.
    let huge = format!(
        "system:serviceaccount:a:{}",
        "s".repeat(issuers::grammar::MAX_MATCH_CHARS)
    );
    assert!(SubjectGrammar::eks().matches(&huge).is_none());
}

/// A subject of 60,000 characters over an unbounded field parses in
/// linear time (the parse is O(parts x length), not quadratic).
#[test]
fn long_subjects_parse_in_linear_time() {
    let g = SubjectGrammar::github();
    let sub = format!("repo:o/r:environment:{}", "e".repeat(60_000));
    let t = std::time::Instant::now();
    assert!(g.matches(&sub).is_some());
    assert!(t.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn grammars_per_issuer_kind() {
    assert_eq!(
        issuers::subject_grammar(IssuerKind::GitHub),
        Some(SubjectGrammar::github())
    );
    assert_eq!(
        issuers::subject_grammar(IssuerKind::Eks),
        Some(SubjectGrammar::eks())
    );
    assert_eq!(issuers::subject_grammar(IssuerKind::Other), None);
    let eks = issuers::classify_federated(
        "arn:aws-cn:iam::111122223333:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC",
    );
    assert!(eks
        .subject_grammar()
        .unwrap()
        .matches("system:serviceaccount:prod:app")
        .is_some());
}

const U1: &str = "0fbd8a1e-1b2c-4d5e-8f90-123456789abc";
const U2: &str = "5f4d3c2b-1a09-4876-9543-210fedcba987";
const U3: &str = "c0ffee00-aaaa-4bbb-8ccc-1234567890de";

/// Asserts each `(subject, form)` parses with that form, and each near miss
/// parses with no form.
fn check(g: &SubjectGrammar, good: &[(&str, &str)], bad: &[&str]) {
    for (sub, form) in good {
        assert_eq!(
            g.parse(sub).map(|p| p.form.to_owned()),
            Some((*form).to_owned()),
            "`{sub}`"
        );
    }
    for sub in bad {
        assert!(g.matches(sub).is_none(), "`{sub}` should not parse");
    }
}

/// GitLab's ID token documentation and the sub-claim components.
#[test]
fn gitlab_subjects() {
    let g = SubjectGrammar::gitlab();
    check(
        &g,
        &[
            (
                "project_path:mygroup/myproject:ref_type:branch:ref:main",
                "branch",
            ),
            (
                "project_path:agroup/bgroup/myproject:ref_type:tag:ref:v4.2.0",
                "tag",
            ),
            (
                "project_path:mygroup/myproject:ref:main:ref_type:branch",
                "ref,ref_type branch",
            ),
            ("project_path:mygroup/myproject:ref:feature/x", "ref"),
            (
                "project_path:mygroup/myproject:ref_type:tag",
                "ref_type tag",
            ),
        ],
        &[
            "project_path:myproject:ref_type:branch:ref:main",
            "project_path:mygroup/myproject:ref_type:merge:ref:main",
            "project_path:mygroup/myproject:ref_type:branch:ref:",
            "project_path:mygroup/myproject:ref_type:branch:ref_type:branch",
            "project_path:mygroup/my project:ref_type:branch:ref:main",
            "project_path:/myproject:ref_type:branch:ref:main",
            "project_path:mygroup/myproject",
        ],
    );
    assert_eq!(
        g.matches("project_path:agroup/bgroup/myproject:ref_type:tag:ref:v4.2.0"),
        Some(pairs(&[
            ("namespace", "agroup/bgroup"),
            ("project", "myproject"),
            ("tag", "v4.2.0")
        ]))
    );
    // The default components give the default forms only.
    let d = SubjectGrammar::gitlab_default();
    assert!(d.matches("project_path:g/p:ref:main").is_none());
    assert_eq!(
        SubjectGrammar::gitlab_components(&["project_path", "ref_type", "ref"]),
        Ok(d)
    );
    assert!(SubjectGrammar::gitlab_components(&["ref", "project_path"]).is_err());
    assert!(SubjectGrammar::gitlab_components(&["project_path", "environment"]).is_err());
}

/// HCP Terraform's workload identity documentation (with the project); the
/// format before projects, which its support article retired, is a near miss.
#[test]
fn hcp_terraform_subjects() {
    let g = SubjectGrammar::hcp_terraform();
    check(
        &g,
        &[
            (
                "organization:my-org-name:project:Default Project:workspace:my-workspace-name:run_phase:apply",
                "run phase",
            ),
        ],
        &[
            // The format before projects, no longer issued.
            "organization:my-org:workspace:my-ws:run_phase:plan",
            "organization:my-org:project:Default Project:workspace:my-ws:run_phase:destroy",
            "organization:my-org:project::workspace:my-ws:run_phase:plan",
            "organization:my-org:project:p:run_phase:plan",
            "organization::project:p:workspace:my-ws:run_phase:plan",
            "organization:my org:project:p:workspace:my-ws:run_phase:plan",
        ],
    );
    assert_eq!(
        g.matches("organization:acme:project:Default Project:workspace:prod:run_phase:apply"),
        Some(pairs(&[
            ("organization", "acme"),
            ("project", "Default Project"),
            ("workspace", "prod")
        ]))
    );
}

/// CircleCI's OIDC documentation: V1 and V2 subjects.
#[test]
fn circleci_subjects() {
    let g = SubjectGrammar::circleci();
    let v1 = format!("org/{U1}/project/{U2}/user/{U3}");
    let v2 = format!("{v1}/vcs-origin/github.com/circleci/example-repo/vcs-ref/refs/heads/main");
    let bad_id = format!("org/{U1}/project/my-project/user/{U3}");
    let short = format!("org/{U1}/project/{U2}");
    let no_ref = format!("{v1}/vcs-origin/github.com/o/r");
    check(
        &g,
        &[(v1.as_str(), "v1"), (v2.as_str(), "v2")],
        &[
            bad_id.as_str(),
            short.as_str(),
            no_ref.as_str(),
            "org/x/project/y/user/z",
        ],
    );
    let f = g.matches(&v2).unwrap();
    assert!(f.contains(&(
        "vcs_origin".into(),
        "github.com/circleci/example-repo".into()
    )));
    assert!(f.contains(&("vcs_ref".into(), "refs/heads/main".into())));
}

/// Bitbucket Pipelines' OIDC documentation: step and deployment forms.
#[test]
fn bitbucket_subjects() {
    let g = SubjectGrammar::bitbucket();
    let step = format!("{{{U1}}}:{{{U2}}}");
    let deploy = format!("{{{U1}}}:{{{U3}}}:{{{U2}}}");
    let four = format!("{{{U1}}}:{{{U3}}}:{{{U2}}}:{{{U2}}}");
    let bare = format!("{U1}:{U2}");
    check(
        &g,
        &[(step.as_str(), "step"), (deploy.as_str(), "deployment")],
        &[four.as_str(), bare.as_str(), "{x}:{y}", ""],
    );
}

/// Buildkite's OIDC documentation.
#[test]
fn buildkite_subjects() {
    let g = SubjectGrammar::buildkite();
    check(
        &g,
        &[
            (
                "organization:acme-inc:pipeline:super-duper-app:ref:refs/heads/main:commit:9f3182061f1e2cca4702c368cbc039b7dc9d4485:step:build",
                "job",
            ),
            ("organization:acme-inc:pipeline:app:ref:refs/heads/main:commit:abc:step:", "job"),
        ],
        &[
            "organization:acme-inc:pipeline:app:ref:refs/heads/main:commit:abc",
            "organization::pipeline:app:ref:r:commit:c:step:s",
            "organization:acme-inc:pipeline:app:ref:a:b:commit:c:step:s",
            "pipeline:app:ref:r:commit:c:step:s",
        ],
    );
}

#[test]
fn cognito_and_google_keys() {
    let id = issuers::claim_grammar(IssuerKind::Cognito, "aud").unwrap();
    assert!(id
        .matches("us-east-1:12345678-1234-1234-1234-123456789012")
        .is_some());
    assert!(id.matches("us-east-1:not-a-uuid").is_none());
    assert!(id.matches("12345678-1234-1234-1234-123456789012").is_none());
    let amr = issuers::claim_grammar(IssuerKind::Cognito, "AMR").unwrap();
    assert_eq!(
        amr.parse("authenticated").map(|p| p.form),
        Some("authenticated")
    );
    assert_eq!(
        amr.parse("graph.facebook.com").map(|p| p.form),
        Some("provider")
    );
    let google = issuers::claim_grammar(IssuerKind::Google, "sub").unwrap();
    assert!(google.matches("110169484474386276334").is_some());
    assert!(google.matches("user@example.com").is_none());
    assert!(issuers::claim_grammar(IssuerKind::GitHub, "repository").is_none());
    assert!(issuers::claim_grammar(IssuerKind::Other, "sub").is_none());
}

/// Every token of the shared vectors (testdata/*.toml, `token`) is read
/// with its issuer's grammar: the `sub` of each documented example token is
/// a subject of the grammar, so the grammars are never narrower than the
/// issuers' own examples.
#[test]
fn every_vector_token_sub_is_in_its_issuer_grammar() {
    let vectors = rolecall_testkit::vectors::load_all().unwrap();
    let mut checked = 0;
    for v in &vectors {
        let Some(token) = &v.token else { continue };
        let (Some(iss), Some(sub)) = (token["iss"].as_str(), token["sub"].as_str()) else {
            continue;
        };
        let issuer = issuers::classify_issuer(iss);
        let Some(grammar) = issuer.subject_grammar() else {
            continue;
        };
        assert!(
            grammar.matches(sub).is_some(),
            "{}: `{sub}` is not a subject of the {:?} grammar",
            v.name,
            issuer.kind
        );
        checked += 1;
    }
    assert!(checked >= 20, "only {checked} token subjects checked");
}

/// The renderer and the grammar agree: every subject `github_subject`
/// renders for a job under a template is a subject of that template's
/// grammar, in the form of the job's context, for the name and the
/// immutable forms.
#[test]
fn rendered_github_subjects_are_in_their_template_grammar() {
    use rolecall_eval::github_subject::{Job, Template};
    let keys = |k: &[&str]| k.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let templates = [
        Template::Default,
        Template::Organization {
            include_claim_keys: keys(&["repo", "context"]),
        },
        Template::Organization {
            include_claim_keys: keys(&["repository_owner", "context", "job_workflow_ref"]),
        },
        Template::Repository {
            use_default: false,
            include_claim_keys: Some(keys(&["repository", "ref", "actor", "environment"])),
        },
        Template::Organization {
            include_claim_keys: keys(&["repo", "environment", "context", "repository_visibility"]),
        },
    ];
    let mut extra = std::collections::BTreeMap::new();
    extra.insert("actor".to_owned(), "dependabot[bot]".to_owned());
    extra.insert("repository_visibility".to_owned(), "internal".to_owned());
    let base = Job {
        repository: "octo-org/octo.repo_1".into(),
        git_ref: Some("refs/heads/feature/a:b".into()),
        job_workflow_ref: Some("octo-org/ci/.github/workflows/deploy.yml@refs/tags/v1".into()),
        ids: Some((123456, 456789)),
        extra,
        ..Job::default()
    };
    let jobs = [
        (Job { ..base.clone() }, "branch"),
        (
            Job {
                git_ref: Some("refs/tags/v1.2".into()),
                ..base.clone()
            },
            "tag",
        ),
        (
            Job {
                environment: Some("Production:V1".into()),
                ..base.clone()
            },
            "environment",
        ),
        (
            Job {
                event: Some("pull_request".into()),
                git_ref: Some("refs/pull/7/merge".into()),
                ..base.clone()
            },
            "pull_request",
        ),
    ];
    let mut rendered = 0;
    for template in &templates {
        let grammar = SubjectGrammar::from_github_template(template, None).unwrap();
        for (job, context) in &jobs {
            for immutable in [false, true] {
                let job = Job {
                    immutable,
                    ..job.clone()
                };
                // A template with `environment` has no token for a job
                // without one; the renderer refuses it too.
                let Ok(subject) = job.subject(template, None) else {
                    continue;
                };
                let parsed = grammar.parse(&subject.sub);
                assert!(parsed.is_some(), "`{}` under {template:?}", subject.sub);
                let form = parsed.map(|p| p.form.to_owned()).unwrap_or_default();
                let base_form = form.trim_start_matches("immutable ");
                assert!(
                    base_form == *context || base_form == "custom",
                    "`{}` parsed as form `{form}`",
                    subject.sub
                );
                rendered += 1;
            }
        }
    }
    assert!(rendered >= 25, "only {rendered} subjects rendered");
}

/// A subject drawn from `grammar` by `pick` (each call returns a choice
/// below its argument): a form, then per part a literal, one of the
/// texts, or a field value of a length and characters its alphabet
/// allows (edges respected).
fn sample(grammar: &SubjectGrammar, pick: &mut impl FnMut(usize) -> usize) -> String {
    let chars_of = |ranges: &[CharRange], pick: &mut dyn FnMut(usize) -> usize| -> char {
        let r = ranges[pick(ranges.len())];
        // Mostly the start of the range (printable for `any_except`), some
        // from anywhere in it.
        let span = (r.hi as u32 - r.lo as u32).min(300);
        char::from_u32(r.lo as u32 + pick(span as usize + 1) as u32).unwrap_or(r.lo)
    };
    let form = &grammar.forms[pick(grammar.forms.len())];
    let mut out = String::new();
    for part in &form.parts {
        match part {
            Part::Literal(t) => out.push_str(t),
            Part::OneOf(ts) => out.push_str(&ts[pick(ts.len())]),
            Part::Field(f) => {
                let a = &f.alphabet;
                let max = a.max_len.unwrap_or(a.min_len + 12).min(a.min_len + 12);
                let len = a.min_len + pick(max - a.min_len + 1);
                for i in 0..len {
                    let at_edge = i == 0 || i + 1 == len;
                    let mut c = chars_of(&a.chars, pick);
                    if at_edge {
                        if let Some(edge) = &a.edge {
                            // One more draw from the edge set itself, then its
                            // first character: never a loop on a cycled seed.
                            if !edge.iter().any(|r| r.contains(c)) {
                                c = chars_of(edge, pick);
                            }
                            if !(edge.iter().any(|r| r.contains(c))
                                && a.chars.iter().any(|r| r.contains(c)))
                            {
                                c = edge[0].lo;
                            }
                        }
                    }
                    out.push(c);
                }
            }
        }
    }
    out
}

proptest::proptest! {
    /// Every subject drawn from an issuer's grammar parses with it: the
    /// parse accepts the whole language its data describes.
    #[test]
    fn sampled_subjects_parse(seed in proptest::collection::vec(proptest::num::u32::ANY, 64..256)) {
        let grammars = [
            SubjectGrammar::github(),
            SubjectGrammar::eks(),
            SubjectGrammar::gitlab(),
            SubjectGrammar::hcp_terraform(),
            SubjectGrammar::circleci(),
            SubjectGrammar::bitbucket(),
            SubjectGrammar::buildkite(),
            SubjectGrammar::cognito_id(),
            SubjectGrammar::google(),
        ];
        let mut i = 0usize;
        let mut pick = |n: usize| {
            let v = seed[i % seed.len()] as usize;
            i += 1;
            if n == 0 { 0 } else { v % n }
        };
        for g in &grammars {
            let sub = sample(g, &mut pick);
            proptest::prop_assert!(g.matches(&sub).is_some(), "`{:?}` drawn from {:?}", sub, g.forms.iter().map(|f| &f.name).collect::<Vec<_>>());
        }
    }
}
