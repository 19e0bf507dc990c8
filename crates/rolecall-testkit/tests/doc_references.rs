//! Every file the repository's comments, doc comments and Markdown name exists.
//!
//! The scan reads every `*.rs` and `*.md` file of the workspace (not `target/`,
//! not `.git/`) and collects:
//!
//! * repository-relative paths starting with `docs/`, `testdata/`, `examples/`,
//!   `crates/`, `scripts/`, `fuzz/`, `benches/` or `.ci/` (a glob such as
//!   `testdata/*.toml` must match at least one file), and
//! * bare mentions (no folder) of the documents SEMANTICS, DECISIONS, RULES,
//!   README, TESTING, BENCHMARKS and STYLE (each with `.md`), which must exist at the
//!   workspace root or beside the file that names them, so that code cites
//!   the semantics as `docs/SEMANTICS.md`.
//!
//! It also checks that a citation of a section of `docs/SEMANTICS.md` (`§3.2`),
//! of one of its decisions (`D5`) or of a rule of `docs/DECISIONS.md` (`R9`)
//! names one that exists, and that no file (other than `.ci/run`, which greps
//! for it) refers to the folder beside the checkout that a fresh clone lacks.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;
use rolecall_policy::grammar::pattern::{matches, parse_pattern};

/// Directories never scanned besides every `target/` and `.git`: the
/// git-ignored output of fuzzing runs. (Written with `concat!` because a clone
/// has neither, and the scan would read them as references.)
const SKIPPED_DIRS: &[&str] = &[concat!("fuzz", "/artifacts"), concat!("fuzz", "/coverage")];

/// Folders whose text is not read for references: the corpus index names
/// files of the upstream repositories each policy was taken from.
const NOT_READ: &[&str] = &["testdata/corpus/"];

/// Where tools write output that a clone does not have; a document may name
/// paths under these without their existing.
const GENERATED: &[&str] = &[concat!("fuzz", "/target/")];

/// The one file allowed to contain the forbidden pattern: it greps for it.
const SHARED_GREP: &str = ".ci/run";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("workspace root")
}

/// The text that must appear nowhere: the folder beside the checkout. Built
/// from parts so that this file does not contain it.
fn beside_checkout() -> String {
    format!("{}/{}", "..", "shared")
}

/// Every file under `root`, as paths relative to it with `/` separators.
fn files(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
            .map(|e| e.expect("directory entry"))
            .collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let path = entry.path();
            let rel = relative(root, &path);
            let kind = entry.file_type().expect("file type");
            if kind.is_dir() {
                let name = entry.file_name();
                if name == "target" || name == ".git" || SKIPPED_DIRS.contains(&rel.as_str()) {
                    continue;
                }
                walk(root, &path, out);
            } else if kind.is_file() && entry.file_name() != ".git" {
                out.push(rel);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).expect("path under the root");
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// A reference found in a text: the path as written, and whether it is a
/// bare file name (resolved at the root or beside the citing file).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Reference {
    path: String,
    bare: bool,
}

/// The repository paths and bare document names a text mentions.
///
/// A path starts at one of the known top-level folders and must not continue
/// a longer path or URL (`../testdata`, `https://host/docs/x` are not read). It
/// ends at the first character that cannot be part of a path (whitespace,
/// quotes, backticks, `#`, `:`, brackets, `{`, `<`, `$` ...), so `#anchors`,
/// `:line` suffixes and template placeholders are dropped; trailing `.`, `,`,
/// `?` and `-` (sentence punctuation) are stripped.
fn extract(text: &str) -> Vec<Reference> {
    static PATHS: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[^A-Za-z0-9_./\-])((?:docs|testdata|examples|crates|scripts|fuzz|benches|\.ci)/[A-Za-z0-9_.*?/\-]*)",
        )
        .expect("path regex")
    });
    static BARE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[^A-Za-z0-9_./\-])((?:SEMANTICS|DECISIONS|RULES|README|TESTING|BENCHMARKS|STYLE)\.md)",
        )
        .expect("bare-name regex")
    });
    let mut out = BTreeSet::new();
    for cap in PATHS.captures_iter(text) {
        let path = cap[1].trim_end_matches(['.', ',', '?', '-']);
        out.insert(Reference {
            path: path.to_string(),
            bare: false,
        });
    }
    for cap in BARE.captures_iter(text) {
        out.insert(Reference {
            path: cap[1].to_string(),
            bare: true,
        });
    }
    out.into_iter().collect()
}

/// Whether `path` (relative to `root`, `*`/`?` allowed within a component)
/// names at least one existing file or directory. A trailing `/` names a
/// directory.
///
/// The component-wise matching reuses the IAM wildcard matcher of
/// `rolecall-policy` (`*` any run, `?` one character): a glob crate would add
/// a dependency for the same two wildcards.
fn exists(root: &Path, path: &str) -> bool {
    fn walk(dir: &Path, parts: &[&str]) -> bool {
        let Some((first, rest)) = parts.split_first() else {
            return true;
        };
        if first.is_empty() {
            return dir.is_dir() && walk(dir, rest);
        }
        if !first.contains(['*', '?']) {
            let next = dir.join(first);
            return (next.exists() || next.is_symlink()) && (rest.is_empty() || walk(&next, rest));
        }
        let pattern = parse_pattern(first);
        let Ok(entries) = std::fs::read_dir(dir) else {
            return false;
        };
        entries.filter_map(Result::ok).any(|e| {
            matches(&pattern, &e.file_name().to_string_lossy())
                && (rest.is_empty() || walk(&e.path(), rest))
        })
    }
    let parts: Vec<&str> = path.split('/').collect();
    walk(root, &parts)
}

/// Where a reference is resolved from: the root, and for a bare name also the
/// folder of the file that names it.
fn resolves(root: &Path, citing: &str, reference: &Reference) -> bool {
    if exists(root, &reference.path) {
        return true;
    }
    if reference.bare {
        if let Some((dir, _)) = citing.rsplit_once('/') {
            return exists(root, &format!("{dir}/{}", reference.path));
        }
    }
    false
}

/// The sections (`3.2`, `9`), decisions (`5`) and rule numbers (`9`) the two
/// semantics documents define.
struct Anchors {
    sections: BTreeSet<String>,
    decisions: BTreeSet<u32>,
    rules: BTreeSet<u32>,
}

fn anchors(semantics: &str, decisions: &str) -> Anchors {
    let section = Regex::new(r"(?m)^#{2,3} (\d+(?:\.\d+)?)\.? ").expect("section regex");
    let decision = Regex::new(r"(?m)^\* \*\*D(\d+)\.").expect("decision regex");
    let rule = Regex::new(r"(?m)^## R(\d+)\.").expect("rule regex");
    Anchors {
        sections: section
            .captures_iter(semantics)
            .map(|c| c[1].to_string())
            .collect(),
        decisions: decision
            .captures_iter(semantics)
            .map(|c| c[1].parse().expect("number"))
            .collect(),
        rules: rule
            .captures_iter(decisions)
            .map(|c| c[1].parse().expect("number"))
            .collect(),
    }
}

/// Citations of a section, decision or rule that the documents do not define,
/// and how many citations the text holds.
fn dangling_citations(text: &str, anchors: &Anchors) -> (Vec<String>, usize) {
    // `(?:docs)` rather than `docs`, so that the scan of this file does not
    // read the patterns as paths.
    static SECTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:docs)/SEMANTICS\.md`?,? §(\d+(?:\.\d+)?)").expect("regex")
    });
    static DECISION: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:docs)/SEMANTICS\.md`?,? D(\d+)").expect("regex"));
    static RULE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?:docs)/DECISIONS\.md`?,? R(\d+)").expect("regex"));
    let mut out = Vec::new();
    let mut seen = 0;
    for c in SECTION.captures_iter(text) {
        seen += 1;
        if !anchors.sections.contains(&c[1]) {
            out.push(format!("§{}", &c[1]));
        }
    }
    for c in DECISION.captures_iter(text) {
        seen += 1;
        if !anchors
            .decisions
            .contains(&c[1].parse::<u32>().expect("number"))
        {
            out.push(format!("D{}", &c[1]));
        }
    }
    for c in RULE.captures_iter(text) {
        seen += 1;
        if !anchors
            .rules
            .contains(&c[1].parse::<u32>().expect("number"))
        {
            out.push(format!("R{}", &c[1]));
        }
    }
    (out, seen)
}

#[test]
fn every_named_file_exists() {
    let root = root();
    let mut dangling = Vec::new();
    let mut checked = 0usize;
    for file in files(&root) {
        if !(file.ends_with(".rs") || file.ends_with(".md"))
            || NOT_READ.iter().any(|dir| file.starts_with(dir))
        {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&file))
            .unwrap_or_else(|e| panic!("reading {file}: {e}"));
        for reference in extract(&text) {
            checked += 1;
            if GENERATED.iter().any(|dir| reference.path.starts_with(dir)) {
                continue;
            }
            if !resolves(&root, &file, &reference) {
                dangling.push(format!("{file}: {}", reference.path));
            }
        }
    }
    assert!(
        dangling.is_empty(),
        "named but missing:\n{}",
        dangling.join("\n")
    );
    // The scan saw the citations it exists for (hundreds of them).
    assert!(checked > 200, "only {checked} references found");
}

#[test]
fn every_cited_section_decision_and_rule_exists() {
    let root = root();
    let semantics = std::fs::read_to_string(root.join("docs/SEMANTICS.md")).unwrap();
    let decisions = std::fs::read_to_string(root.join("docs/DECISIONS.md")).unwrap();
    let anchors = anchors(&semantics, &decisions);
    assert_eq!(anchors.decisions, (1..=10).collect());
    assert!(anchors.sections.contains("3.11") && anchors.sections.contains("9"));
    assert!(anchors.rules.contains(&1) && anchors.rules.contains(&15));
    let mut dangling = Vec::new();
    let mut cited = 0;
    for file in files(&root) {
        if !(file.ends_with(".rs") || file.ends_with(".md") || file.ends_with(".toml")) {
            continue;
        }
        let text = std::fs::read_to_string(root.join(&file)).unwrap();
        let (undefined, seen) = dangling_citations(&text, &anchors);
        cited += seen;
        for citation in undefined {
            dangling.push(format!("{file}: {citation}"));
        }
    }
    assert!(
        dangling.is_empty(),
        "cited but undefined:\n{}",
        dangling.join("\n")
    );
    // The code cites the two documents some three hundred times.
    assert!(cited > 200, "only {cited} citations found");
}

#[test]
fn nothing_refers_beside_the_checkout() {
    let root = root();
    let needle = beside_checkout();
    let offenders: Vec<String> = files(&root)
        .into_iter()
        .filter(|file| file != SHARED_GREP)
        .filter(|file| {
            let bytes = std::fs::read(root.join(file)).unwrap();
            bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
        })
        .collect();
    assert!(
        offenders.is_empty(),
        "these files refer to {needle}, which a fresh clone does not have:\n{}",
        offenders.join("\n")
    );
}

// The checks themselves, on small texts (the dangling names are built from
// parts so that the scan of this file does not see them).

#[test]
fn extraction_finds_paths_and_bare_names_and_drops_suffixes() {
    let missing = format!("{}/NOPE.md", "docs");
    let text = format!(
        "see `{missing}#anchor`, {}/*.toml and {}/rolecall-eval/src/lib.rs:12.\n\
         Not https://example.com/docs/x nor ../../testdata/y; bare {}.md here; {}/{{name}}",
        "testdata", "crates", "SEMANTICS", "examples"
    );
    let bare = format!("{}.md", "SEMANTICS");
    let got: Vec<(String, bool)> = extract(&text)
        .into_iter()
        .map(|r| (r.path, r.bare))
        .collect();
    let want = [
        (bare.as_str(), true),
        ("crates/rolecall-eval/src/lib.rs", false),
        (missing.as_str(), false),
        ("examples/", false),
        ("testdata/*.toml", false),
    ];
    let want: Vec<(String, bool)> = want.iter().map(|(p, b)| (p.to_string(), *b)).collect();
    assert_eq!(got, want);
}

#[test]
fn a_dangling_reference_is_reported() {
    let root = root();
    let missing = Reference {
        path: format!("{}/NOPE.md", "docs"),
        bare: false,
    };
    assert!(!resolves(&root, "README.md", &missing));
    let glob_without_match = Reference {
        path: format!("{}/*.nope", "testdata"),
        bare: false,
    };
    assert!(!resolves(&root, "README.md", &glob_without_match));
    // A bare name exists only at the root or beside its citing file.
    let bare = Reference {
        path: format!("{}.md", "SEMANTICS"),
        bare: true,
    };
    assert!(!resolves(&root, "crates/rolecall-eval/src/lib.rs", &bare));
    assert!(resolves(&root, "docs/DECISIONS.md", &bare));
    // And what does exist resolves.
    for path in ["testdata/*.toml", "docs/SEMANTICS.md", "crates/", ".ci/run"] {
        let r = Reference {
            path: path.into(),
            bare: false,
        };
        assert!(resolves(&root, "README.md", &r), "{path}");
    }
}

#[test]
fn an_undefined_section_is_reported() {
    let anchors = anchors(
        "## 3. Ops\n### 3.2 Missing\n* **D1. One.**\n",
        "## R1. Invalid\n",
    );
    let cite = |s: &str| format!("{}/SEMANTICS.md {s}", "docs");
    let text = format!(
        "{} {} {} {} {}/DECISIONS.md R1 {}/DECISIONS.md R2",
        cite("§3.2"),
        cite("§3.3"),
        cite("D1"),
        cite("D2"),
        "docs",
        "docs"
    );
    let (undefined, seen) = dangling_citations(&text, &anchors);
    assert_eq!(undefined, ["§3.3", "D2", "R2"]);
    assert_eq!(seen, 6);
}
