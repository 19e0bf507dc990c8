//! The CLI flows one way (issue 18): `args` -> `load` -> `cmd` -> `render`.
//!
//! * `args/` holds clap definitions only and imports no other stage;
//! * `load/` reads the inputs and may import `args`;
//! * `cmd/` holds one module per command (`cmd/NAME.rs`, with its own
//!   submodules under `cmd/NAME/`) and may import `args`, `load` and
//!   `render`, but never another command;
//! * `render/` writes the reports and may import `args` (the output formats),
//!   never `load` or a command.
//!
//! Only `render` writes output: no other stage formats onto a stream
//! (`write!`, `writeln!`, `print!`, `println!`, `eprint!`, `eprintln!`,
//! `write_all`, `serde_json::to_writer*`); a command opens the stream and
//! hands it to `render` with what it computed.
//!
//! Every stage may use `error` (exit codes and the error a command stops
//! with). Imports are found in the source text: every path that starts with
//! `crate::` or `super::` (groups such as `use super::{a, b::c}` included) is
//! resolved against the module the file is, and the module it names is
//! checked against the rules. Test modules (`#[cfg(test)]` to the end of a
//! file) are not looked at.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::collections::BTreeSet;
use std::path::Path;

/// The stages, in the order the flow goes, and the stages each may import.
const STAGES: &[(&str, &[&str])] = &[
    ("args", &["error"]),
    ("load", &["args", "error"]),
    ("cmd", &["args", "load", "render", "error"]),
    ("render", &["args", "error"]),
];

fn is_ident(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The leading identifier of `text`.
fn ident(text: &str) -> &str {
    let end = text.find(|c| !is_ident(c)).unwrap_or(text.len());
    &text[..end]
}

/// The absolute module paths `text` names through `crate::` and `super::`,
/// for a file that is the module `module` (`["cmd", "eval", "batch"]` for
/// `src/cmd/eval/batch.rs`, `["cmd"]` for `src/cmd/mod.rs`): the resolved
/// path as written, and for a group one path per item of the group (its
/// first name).
fn references(module: &[String], text: &str) -> Vec<Vec<String>> {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(found) = ["crate::", "super::"]
        .iter()
        .filter_map(|p| text[at..].find(p).map(|i| at + i))
        .min()
    {
        at = found + "crate::".len();
        if text[..found].ends_with(|c: char| is_ident(c) || c == ':') {
            continue;
        }
        // `seg::seg::...`, perhaps ending in a `{...}` group.
        let mut segs: Vec<&str> = Vec::new();
        let mut group = None;
        let mut cursor = &text[found..];
        loop {
            let name = ident(cursor);
            if name.is_empty() {
                break;
            }
            segs.push(name);
            match cursor[name.len()..].strip_prefix("::") {
                Some(next) if next.starts_with('{') => {
                    group = Some(group_items(&next[1..]));
                    break;
                }
                Some(next) => cursor = next,
                None => break,
            }
        }
        let mut path: Vec<String> = Vec::new();
        let mut rest = segs.as_slice();
        if rest.first() == Some(&"crate") {
            rest = &rest[1..];
        } else {
            path = module.to_vec();
            while rest.first() == Some(&"super") {
                path.pop();
                rest = &rest[1..];
            }
        }
        path.extend(rest.iter().map(|s| (*s).to_owned()));
        match group {
            Some(items) => out.extend(items.into_iter().map(|item| {
                let mut full = path.clone();
                full.push(item);
                full
            })),
            None if !rest.is_empty() => out.push(path),
            None => {}
        }
    }
    out
}

/// The first name of each top-level item of a `{...}` group (`text` starts
/// just after the `{`).
fn group_items(group: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0usize, true);
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => start = true,
            c if start && depth == 0 && is_ident(c) => {
                out.push(ident(&group[i..]).to_owned());
                start = false;
            }
            _ => {}
        }
    }
    out
}

/// The module a source file is: `src/a/b.rs` is `[a, b]`, `src/a/mod.rs` is
/// `[a]`, `src/lib.rs` is `[]`.
fn module_of(relative: &Path) -> Vec<String> {
    let mut parts: Vec<String> = relative
        .iter()
        .map(|p| p.to_str().unwrap().to_owned())
        .collect();
    let file = parts.pop().unwrap();
    let stem = file.strip_suffix(".rs").unwrap();
    if !matches!(stem, "mod" | "lib" | "main") {
        parts.push(stem.to_owned());
    }
    parts
}

/// What writes output; only `render` may use these.
const WRITERS: &[&str] = &[
    "write!",
    "writeln!",
    "print!",
    "println!",
    "eprint!",
    "eprintln!",
    "write_all",
    "to_writer",
    "to_writer_pretty",
];

/// The writers `text` uses outside its test module, each once, in
/// [`WRITERS`] order. A name counts only as a whole word: `eprintln!` is not
/// also a `println!`.
fn writers(text: &str) -> Vec<&'static str> {
    let text = text.split("#[cfg(test)]").next().unwrap_or(text);
    WRITERS
        .iter()
        .copied()
        .filter(|w| {
            text.match_indices(w).any(|(i, _)| {
                let before = text[..i].chars().next_back();
                let after = text[i + w.len()..].chars().next();
                !before.is_some_and(is_ident) && !after.is_some_and(is_ident)
            })
        })
        .collect()
}

/// Every rule broken by the files (module path, source text), as messages.
fn violations(files: &[(Vec<String>, String)]) -> Vec<String> {
    let commands: BTreeSet<&str> = files
        .iter()
        .filter(|(m, _)| m.first().is_some_and(|s| s == "cmd") && m.len() >= 2)
        .map(|(m, _)| m[1].as_str())
        .collect();
    let stage_names: BTreeSet<&str> = STAGES.iter().map(|(s, _)| *s).collect();
    let mut out = Vec::new();
    for (module, text) in files {
        let Some((stage, allowed)) = module
            .first()
            .and_then(|first| STAGES.iter().find(|(s, _)| s == first))
        else {
            continue;
        };
        if *stage != "render" {
            for w in writers(text) {
                out.push(format!(
                    "stage `{stage}` writes output (only `render` does): {} uses `{w}`",
                    module.join("::")
                ));
            }
        }
        for r in references(module, text) {
            let Some(target) = r.first() else { continue };
            let shown = format!("{} -> {}", module.join("::"), r.join("::"));
            if target == stage {
                // Within a stage only commands are walled off from each other.
                if *stage == "cmd" && module.len() >= 2 && r.len() >= 2 {
                    let (from, to) = (&module[1], &r[1]);
                    if from != to && commands.contains(to.as_str()) {
                        out.push(format!("a command imports another command: {shown}"));
                    }
                }
            } else if (stage_names.contains(target.as_str()) || target == "error")
                && !allowed.contains(&target.as_str())
            {
                out.push(format!("stage `{stage}` imports `{target}`: {shown}"));
            }
        }
    }
    out
}

fn sources(dir: &Path, root: &Path, out: &mut Vec<(Vec<String>, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let module = module_of(path.strip_prefix(root).unwrap());
            out.push((module, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

#[test]
fn the_cli_flows_one_way() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&root, &root, &mut files);
    files.sort();
    // The layout itself: the four stages, and the commands as modules of `cmd`.
    for (stage, _) in STAGES {
        assert!(
            files.iter().any(|(m, _)| m.len() == 1 && m[0] == *stage),
            "no module `{stage}` in src/"
        );
    }
    let commands: BTreeSet<&str> = files
        .iter()
        .filter(|(m, _)| m.len() == 2 && m[0] == "cmd")
        .map(|(m, _)| m[1].as_str())
        .collect();
    assert!(commands.len() >= 10, "commands found: {commands:?}");
    let broken = violations(&files);
    assert!(
        broken.is_empty(),
        "the CLI must flow args -> load -> cmd -> render, with no command importing another and \
         only `render` writing (move shared code to `load`, `render` or a library crate):\n{}",
        broken.join("\n")
    );
}

/// The scanner resolves `crate::`, `super::` and `super::super::` paths and
/// the items of groups, from files at every depth.
#[test]
fn references_are_resolved_against_the_files_module() {
    let module = |m: &str| m.split("::").map(String::from).collect::<Vec<_>>();
    let paths = |found: Vec<Vec<String>>| {
        found
            .into_iter()
            .map(|p| p.join("::"))
            .collect::<BTreeSet<_>>()
    };
    assert_eq!(
        paths(references(
            &module("cmd::eval"),
            "use super::{explain::{self, A}, sts};\nlet x = crate::cmd::audit::f();\n\
             use crate::{load::files, render};"
        )),
        [
            "cmd::explain",
            "cmd::sts",
            "cmd::audit::f",
            "load",
            "render"
        ]
        .into_iter()
        .map(String::from)
        .collect()
    );
    assert_eq!(
        paths(references(
            &module("cmd::eval::batch"),
            "use super::statement_ref;\nuse super::super::explain::x;"
        )),
        ["cmd::eval::statement_ref", "cmd::explain::x"]
            .into_iter()
            .map(String::from)
            .collect()
    );
}

/// Each rule catches what it forbids, and allows what it allows.
#[test]
fn violations_are_caught() {
    let file = |m: &str, text: &str| {
        (
            m.split("::").map(String::from).collect::<Vec<_>>(),
            text.to_owned(),
        )
    };
    let base = vec![
        file("cmd", "mod eval; mod explain;"),
        file(
            "cmd::eval",
            "use crate::load::request::load_subject;\nuse crate::render::stdout;",
        ),
        file("cmd::explain", "use crate::args::ExplainArgs;"),
        file("cmd::eval::batch", "use super::statement_ref;"),
        file(
            "load::request",
            "use crate::args::RequestArgs;\nuse crate::error::usage;",
        ),
        file(
            "render",
            "use crate::error::CliError;\nfn f(w: &mut W) { writeln!(w)?; }",
        ),
        file(
            "cmd::check",
            "fn my_writeln_count() {}\n#[cfg(test)]\nmod tests { fn t() { println!(\"x\"); } }",
        ),
    ];
    assert_eq!(violations(&base), Vec::<String>::new());
    for (bad, expected) in [
        (
            file("cmd::explain", "use super::eval::combine;"),
            "a command imports another command",
        ),
        (
            file("cmd::eval::batch", "use super::super::explain::x;"),
            "a command imports another command",
        ),
        (
            file("cmd::explain", "let d = crate::cmd::eval::run(a);"),
            "a command imports another command",
        ),
        (
            file("load::policy", "use crate::cmd::check::f;"),
            "stage `load` imports `cmd`",
        ),
        (
            file("load::policy", "use crate::render::stdout;"),
            "stage `load` imports `render`",
        ),
        (
            file("args", "use crate::load::Kind;"),
            "stage `args` imports `load`",
        ),
        (
            file("render::witness", "use crate::{load::Kind, error};"),
            "stage `render` imports `load`",
        ),
        (
            file("render", "use super::cmd::x;"),
            "stage `render` imports `cmd`",
        ),
        (
            file("cmd::explain", "writeln!(out, \"{x}\")?;"),
            "stage `cmd` writes output",
        ),
        (
            file("cmd::eval::batch", "serde_json::to_writer(&mut out, &a)?;"),
            "stage `cmd` writes output",
        ),
        (
            file("load::policy", "eprintln!(\"reading {p}\");"),
            "stage `load` writes output",
        ),
    ] {
        let mut files = base.clone();
        files.push(bad.clone());
        let found = violations(&files);
        assert!(
            found.len() == 1 && found[0].starts_with(expected),
            "{bad:?}: {found:?}"
        );
    }
}
