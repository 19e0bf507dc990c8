//! The CLI flows one way (issue 18): a command module never imports another
//! command module. Shared code lives in non-command modules (input reading,
//! hints, witnesses, rendering) or in the library crates.
//!
//! The imports between commands that exist today are listed in `KNOWN`, the
//! debt the CLI restructuring pays off: the test fails on any new one, and
//! on any listed one that is gone (so the list only shrinks).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use std::collections::BTreeSet;
use std::path::Path;

/// Modules of `src/commands/` that are not commands.
const SHARED: &[&str] = &["mod", "hints", "request", "witness"];

/// Command -> command imports still to be removed.
const KNOWN: &[(&str, &str)] = &[
    ("audit", "sts"),
    ("batch", "check"),
    ("batch", "eval"),
    ("check", "audit"),
    ("debug", "sts"),
    ("eks", "explain"),
    ("eks", "sts"),
    ("eval", "batch"),
    ("eval", "sts"),
    ("explain", "eval"),
    ("sts", "eval"),
    ("token", "sts"),
    ("who", "audit"),
];

/// The modules `text` names through `super::` or `crate::commands::`,
/// including inside `use super::{a, b::c}` groups.
fn referenced(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for prefix in ["super::", "crate::commands::"] {
        let mut rest = text;
        while let Some(at) = rest.find(prefix) {
            let after = &rest[at + prefix.len()..];
            if let Some(group) = after.strip_prefix('{') {
                // The first name of each top-level item of the group.
                let (mut depth, mut start) = (0usize, true);
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => start = true,
                        c if start && (c.is_ascii_alphanumeric() || c == '_') => {
                            let name: String = group[i..]
                                .chars()
                                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                                .collect();
                            out.insert(name);
                            start = false;
                        }
                        _ => {}
                    }
                }
            } else {
                let name: String = after
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name);
            }
            rest = after;
        }
    }
    out
}

#[test]
fn no_command_imports_another() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut commands = BTreeSet::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_stem().unwrap().to_str().unwrap().to_owned();
            if !SHARED.contains(&name.as_str()) {
                commands.insert(name);
            }
        }
    }
    assert!(commands.len() >= 10, "commands found: {commands:?}");
    let mut edges = BTreeSet::new();
    for c in &commands {
        let text = std::fs::read_to_string(dir.join(format!("{c}.rs"))).unwrap();
        for other in referenced(&text) {
            if other != *c && commands.contains(&other) {
                edges.insert((c.clone(), other));
            }
        }
    }
    let known: BTreeSet<(String, String)> = KNOWN
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    let new: Vec<_> = edges.difference(&known).collect();
    let gone: Vec<_> = known.difference(&edges).collect();
    assert!(
        new.is_empty(),
        "a command module imports another (move the shared code to a non-command module or a \
         library crate): {new:?}"
    );
    assert!(
        gone.is_empty(),
        "these imports are gone: remove them from KNOWN so they cannot come back: {gone:?}"
    );
}

/// The scanner sees both import shapes.
#[test]
fn references_are_found_in_paths_and_groups() {
    let found =
        referenced("use super::{eval::{self, A}, sts};\nlet x = crate::commands::audit::f();");
    assert_eq!(
        found,
        ["audit", "eval", "sts"]
            .into_iter()
            .map(String::from)
            .collect::<BTreeSet<_>>()
    );
}
