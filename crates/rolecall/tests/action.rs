//! The GitHub Action (action.yml) and the pre-commit hooks (.pre-commit-hooks.yaml): the
//! action's script runs here against the built binary, as the action runs it on a runner.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("rolecall-action-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn yaml(path: &str) -> serde_yaml_ng::Value {
    serde_yaml_ng::from_str(&std::fs::read_to_string(repo_root().join(path)).unwrap()).unwrap()
}

struct Run {
    code: i32,
    stdout: String,
    sarif: serde_json::Value,
    outputs: String,
    summary: String,
}

/// Runs scripts/action-audit.sh from the repository root, with the inputs as the action
/// passes them and the GitHub files in a temporary directory.
fn run_action(name: &str, inputs: &[(&str, &str)]) -> Run {
    let dir = tempdir(name);
    let sarif = dir.join("out.sarif");
    let mut cmd = Command::new("bash");
    cmd.arg(repo_root().join("scripts/action-audit.sh"))
        .current_dir(repo_root())
        .env("ROLECALL_BIN", assert_cmd::cargo::cargo_bin("rolecall"))
        .env("NO_COLOR", "1")
        .env("INPUT_SARIF_FILE", &sarif)
        .env("GITHUB_OUTPUT", dir.join("output"))
        .env("GITHUB_STEP_SUMMARY", dir.join("summary"));
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let run = Run {
        code: out.status.code().unwrap(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        sarif: serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap(),
        outputs: std::fs::read_to_string(dir.join("output")).unwrap(),
        summary: std::fs::read_to_string(dir.join("summary")).unwrap(),
    };
    std::fs::remove_dir_all(&dir).unwrap();
    run
}

#[test]
fn action_annotates_writes_sarif_and_fails_on_findings() {
    let run = run_action(
        "findings",
        &[
            (
                "INPUT_PATHS",
                "examples/irsa-namespace-prefix.bad.json\n  examples/github-repo-main-branch.json",
            ),
            ("INPUT_MIN_SEVERITY", "high"),
        ],
    );
    assert_eq!(run.code, 1, "{}", run.stdout);
    // The default format: annotations, only at --min-severity and above.
    assert!(
        run.stdout.starts_with(
            "::error file=examples/irsa-namespace-prefix.bad.json,line=10,col=100,title=TP-IRSA-NAMESPACE-PREFIX"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("::warning"), "{}", run.stdout);
    let results = run.sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "{}", run.sarif);
    assert!(run.outputs.contains("sarif-file=") && run.outputs.contains("exit-code=1\n"));
    assert!(
        run.summary
            .starts_with("### rolecall audit: 0 critical, 1 high"),
        "{}",
        run.summary
    );
}

#[test]
fn action_passes_on_a_clean_policy_and_honours_the_baseline() {
    let run = run_action(
        "clean",
        &[
            ("INPUT_PATHS", "examples/github-repo-main-branch.json"),
            ("INPUT_FORMAT", "text"),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("audited 1 policy: 0 critical"),
        "{}",
        run.stdout
    );
    assert!(run.outputs.contains("exit-code=0\n"));

    // Adopting on an existing estate: today's report as the baseline, then nothing fails.
    let dir = tempdir("baseline");
    let baseline = dir.join("baseline.sarif");
    let bad = "examples/irsa-namespace-prefix.bad.json";
    let first = run_action("first", &[("INPUT_PATHS", bad)]);
    assert_eq!(first.code, 1);
    std::fs::write(&baseline, first.sarif.to_string()).unwrap();
    let run = run_action(
        "second",
        &[
            ("INPUT_PATHS", bad),
            ("INPUT_BASELINE", baseline.to_str().unwrap()),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(
        run.stdout.contains("2 in the baseline not shown"),
        "{}",
        run.stdout
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn action_yml_runs_the_script_with_the_documented_inputs() {
    let action = yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let inputs = action["inputs"].as_mapping().unwrap();
    for name in ["paths", "min-severity", "format", "baseline", "sarif-file"] {
        assert!(inputs.contains_key(name), "input {name}");
    }
    let step = &action["runs"]["steps"][0];
    assert_eq!(
        step["run"].as_str().unwrap(),
        "bash \"$GITHUB_ACTION_PATH/scripts/action-audit.sh\""
    );
    // Inputs reach the script through the environment, never pasted into shell text.
    let env = step["env"].as_mapping().unwrap();
    for name in ["paths", "min-severity", "format", "baseline", "sarif-file"] {
        let var = format!("INPUT_{}", name.to_uppercase().replace('-', "_"));
        assert_eq!(
            env[var.as_str()],
            format!("${{{{ inputs.{name} }}}}"),
            "{var}"
        );
    }
    let script = std::fs::read_to_string(repo_root().join("scripts/action-audit.sh")).unwrap();
    assert!(script.contains("cargo install --locked --path \"$action_path/crates/rolecall\""));
    assert!(action["outputs"]["sarif-file"]["value"]
        .as_str()
        .unwrap()
        .contains("steps.audit.outputs.sarif-file"));
}

/// The binary `cargo install --bins --path .` installs at the repository
/// root (what pre-commit runs for a `language: rust` hook): the top-level
/// package's one `[[bin]]`, which must forward to `rolecall::run`.
fn root_binary() -> String {
    let manifest: toml::Table = std::fs::read_to_string(repo_root().join("Cargo.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let bins = manifest["bin"].as_array().unwrap();
    assert_eq!(bins.len(), 1, "one binary at the top");
    let path = bins[0]["path"].as_str().unwrap();
    let source = std::fs::read_to_string(repo_root().join(path)).unwrap();
    assert!(
        source.contains("rolecall::run(std::env::args_os())"),
        "{path} must be the rolecall command"
    );
    bins[0]["name"].as_str().unwrap().to_owned()
}

#[test]
fn pre_commit_hooks_name_the_binary_and_real_subcommands() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_sequence().unwrap();
    let ids: Vec<&str> = hooks.iter().map(|h| h["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["rolecall-check", "rolecall-audit"]);
    for hook in hooks {
        assert_eq!(hook["language"], "rust");
        let entry: Vec<&str> = hook["entry"].as_str().unwrap().split(' ').collect();
        assert_eq!(
            entry[0],
            root_binary(),
            "the entry is the binary pre-commit installs"
        );
        // pre-commit matches `files` with Python's `re.search`; the same syntax here.
        let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
        for name in ["infra/a.json", "b.yaml", "c.yml"] {
            assert!(files.is_match(name), "{name}");
        }
        assert!(!files.is_match("src/main.rs") && !files.is_match("a.json.bak"));
        // The subcommand exists and accepts the hook's arguments: run it as pre-commit would.
        let args: Vec<String> = hook["args"]
            .as_sequence()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(args, ["."]);
        common::rolecall()
            .args(&entry[1..])
            .arg("--help")
            .assert()
            .code(0);
        common::rolecall()
            .current_dir(repo_root().join("examples"))
            .args(&entry[1..])
            .arg("irsa-single-service-account.json")
            .assert()
            .code(0);
    }
}
