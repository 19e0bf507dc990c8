//! The public API of the library crates, as a reviewed snapshot: the test
//! fails on any change to a public item (added, removed, signature, derives,
//! `#[non_exhaustive]`, `#[doc(hidden)]`) until the snapshot is re-blessed
//! with `ROLECALL_BLESS=1 cargo test -p rolecall-testkit --test public_api`
//! and the diff of `tests/public-api/*.txt` is reviewed with the change.
//!
//! Why not `cargo-semver-checks` or rustdoc JSON: both need a nightly
//! toolchain or a tool this project does not install; this reads the sources
//! with `syn` on stable. It lists every `pub` item of every module (private
//! modules too, marked `mod`, since their items can be re-exported), every
//! `pub use`, every trait impl and item-level macro call (a macro-generated
//! table such as `BaseOperator`'s is listed as its invocation). Items under
//! `#[cfg(test)]` are left out.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "integration-test code: helpers outside #[test] functions fail by panicking too"
)]

use quote::ToTokens;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The crates whose surface is pinned.
const CRATES: &[&str] = &[
    "rolecall-policy",
    "rolecall-eval",
    "rolecall-sts",
    "rolecall-model",
    "rolecall-analyze",
    "rolecall-audit",
    "rolecall-eks",
];

fn crates_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Token text with the spaces `proc_macro2` puts around punctuation taken
/// out, so lines read like Rust.
fn tidy(tokens: &impl ToTokens) -> String {
    let mut s = tokens.to_token_stream().to_string();
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" : ", ": "),
        (" , ", ", "),
        (" ,", ","),
        (",)", ")"),
        (",>", ">"),
        ("( ", "("),
        (" )", ")"),
        ("[ ", "["),
        (" ]", "]"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        ("& '", "&'"),
        ("& ", "&"),
        (" ;", ";"),
        ("# [", "#["),
        ("#! [", "#!["),
        (" !", "!"),
        (" ?", "?"),
        ("> (", ">("),
        (" .", "."),
        (". ", "."),
    ] {
        while s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // `name (` -> `name(` after an identifier (calls, signatures, derives).
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let ident_before = prev.is_some_and(|p| p.is_alphanumeric() || p == '_');
        if c == ' ' && ident_before && chars.peek() == Some(&'(') {
            let word: String = out
                .chars()
                .rev()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            // Keywords keep their space: `impl (A, B)`, `for (A, B)`.
            if !matches!(word.as_str(), "rof" | "lpmi" | "ni" | "tum" | "nruter") {
                prev = Some(c);
                continue;
            }
        }
        out.push(c);
        prev = Some(c);
    }
    out
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn is_cfg_test(attrs: &[syn::Attribute]) -> bool {
    attrs
        .iter()
        .any(|a| a.path().is_ident("cfg") && tidy(&a.meta).replace(' ', "").contains("cfg(test)"))
}

/// The attributes that are part of an item's contract.
fn contract_attrs(attrs: &[syn::Attribute]) -> String {
    let mut out = String::new();
    for a in attrs {
        let p = a.path();
        let keep = p.is_ident("derive")
            || p.is_ident("non_exhaustive")
            || p.is_ident("deprecated")
            || p.is_ident("must_use")
            || p.is_ident("repr")
            || (p.is_ident("doc") && tidy(&a.meta).contains("hidden"))
            || (p.is_ident("serde") && !tidy(&a.meta).contains("skip_serializing_if"));
        if keep {
            write!(out, "{} ", tidy(a)).unwrap();
        }
    }
    out
}

fn fields(fields: &syn::Fields) -> String {
    fields_with(fields, false)
}

/// A struct's or variant's fields; a variant's fields are as public as its
/// enum (`all_public`).
fn fields_with(fields: &syn::Fields, all_public: bool) -> String {
    let is_pub = |vis: &syn::Visibility| all_public || is_pub(vis);
    match fields {
        syn::Fields::Unit => String::new(),
        syn::Fields::Unnamed(f) => {
            let parts: Vec<String> = f
                .unnamed
                .iter()
                .map(|f| {
                    if is_pub(&f.vis) {
                        tidy(&f.ty)
                    } else {
                        "_".to_owned()
                    }
                })
                .collect();
            format!("({})", parts.join(", "))
        }
        syn::Fields::Named(f) => {
            let mut parts: Vec<String> = f
                .named
                .iter()
                .filter(|f| is_pub(&f.vis))
                .map(|f| {
                    format!(
                        "{}{}: {}",
                        contract_attrs(&f.attrs),
                        f.ident.as_ref().unwrap(),
                        tidy(&f.ty)
                    )
                })
                .collect();
            if f.named.iter().any(|f| !is_pub(&f.vis)) {
                parts.push("..".to_owned());
            }
            format!(" {{ {} }}", parts.join(", "))
        }
    }
}

fn signature(sig: &syn::Signature) -> String {
    let mut sig = sig.clone();
    for input in &mut sig.inputs {
        if let syn::FnArg::Typed(t) = input {
            t.attrs.clear();
        }
    }
    tidy(&sig)
}

struct Lister {
    lines: Vec<String>,
}

impl Lister {
    fn file(&mut self, module: &str, path: &Path, dir: &Path) {
        let text =
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        self.items(module, &file.items, dir);
    }

    fn items(&mut self, module: &str, items: &[syn::Item], dir: &Path) {
        for item in items {
            self.item(module, item, dir);
        }
    }

    fn push(&mut self, module: &str, text: String) {
        self.lines.push(format!("{module}: {text}"));
    }

    fn item(&mut self, module: &str, item: &syn::Item, dir: &Path) {
        use syn::Item;
        match item {
            Item::Mod(m) if !is_cfg_test(&m.attrs) => {
                let name = m.ident.to_string();
                let child = format!("{module}::{name}");
                let kw = if is_pub(&m.vis) { "pub mod" } else { "mod" };
                self.push(module, format!("{}{kw} {name}", contract_attrs(&m.attrs)));
                if let Some((_, items)) = &m.content {
                    self.items(&child, items, &dir.join(&name));
                } else if dir.join(format!("{name}.rs")).is_file() {
                    self.file(&child, &dir.join(format!("{name}.rs")), &dir.join(&name));
                } else {
                    self.file(&child, &dir.join(&name).join("mod.rs"), &dir.join(&name));
                }
            }
            Item::Fn(f) if is_pub(&f.vis) && !is_cfg_test(&f.attrs) => {
                let text = format!("{}pub {}", contract_attrs(&f.attrs), signature(&f.sig));
                self.push(module, text);
            }
            Item::Struct(s) if is_pub(&s.vis) => {
                let text = format!(
                    "{}pub struct {}{}{}",
                    contract_attrs(&s.attrs),
                    s.ident,
                    tidy(&s.generics),
                    fields(&s.fields)
                );
                self.push(module, text);
            }
            Item::Enum(e) if is_pub(&e.vis) => {
                let variants: Vec<String> = e
                    .variants
                    .iter()
                    .map(|v| {
                        format!(
                            "{}{}{}",
                            contract_attrs(&v.attrs),
                            v.ident,
                            fields_with(&v.fields, true)
                        )
                    })
                    .collect();
                let text = format!(
                    "{}pub enum {}{} {{ {} }}",
                    contract_attrs(&e.attrs),
                    e.ident,
                    tidy(&e.generics),
                    variants.join(", ")
                );
                self.push(module, text);
            }
            Item::Trait(t) if is_pub(&t.vis) => {
                let mut parts = Vec::new();
                for it in &t.items {
                    match it {
                        syn::TraitItem::Fn(f) => parts.push(signature(&f.sig)),
                        syn::TraitItem::Type(ty) => parts.push(format!("type {}", ty.ident)),
                        syn::TraitItem::Const(c) => {
                            parts.push(format!("const {}: {}", c.ident, tidy(&c.ty)));
                        }
                        _ => {}
                    }
                }
                let text = format!(
                    "{}pub trait {}{} {{ {} }}",
                    contract_attrs(&t.attrs),
                    t.ident,
                    tidy(&t.generics),
                    parts.join("; ")
                );
                self.push(module, text);
            }
            Item::Type(t) if is_pub(&t.vis) => {
                let text = format!(
                    "{}pub type {} = {}",
                    contract_attrs(&t.attrs),
                    t.ident,
                    tidy(&t.ty)
                );
                self.push(module, text);
            }
            Item::Const(c) if is_pub(&c.vis) => {
                let text = format!(
                    "{}pub const {}: {} = {}",
                    contract_attrs(&c.attrs),
                    c.ident,
                    tidy(&c.ty),
                    tidy(&c.expr)
                );
                self.push(module, text);
            }
            Item::Static(s) if is_pub(&s.vis) => {
                let text = format!(
                    "{}pub static {}: {}",
                    contract_attrs(&s.attrs),
                    s.ident,
                    tidy(&s.ty)
                );
                self.push(module, text);
            }
            Item::Use(u) if is_pub(&u.vis) => {
                let text = format!("{}pub use {}", contract_attrs(&u.attrs), tidy(&u.tree));
                self.push(module, text);
            }
            Item::Macro(m) => {
                let exported = m.attrs.iter().any(|a| a.path().is_ident("macro_export"));
                if m.ident.is_none() || exported {
                    self.push(module, tidy(&m.mac));
                }
            }
            Item::Impl(i) if !is_cfg_test(&i.attrs) => self.impl_block(module, i),
            _ => {}
        }
    }

    fn impl_block(&mut self, module: &str, i: &syn::ItemImpl) {
        let head = match &i.trait_ {
            Some((bang, path, _)) => format!(
                "impl{} {}{} for {}",
                tidy(&i.generics),
                if bang.is_some() { "!" } else { "" },
                tidy(path),
                tidy(&i.self_ty)
            ),
            None => format!("impl{} {}", tidy(&i.generics), tidy(&i.self_ty)),
        };
        if i.trait_.is_some() {
            self.push(module, head);
            return;
        }
        for it in &i.items {
            match it {
                syn::ImplItem::Fn(f) if is_pub(&f.vis) && !is_cfg_test(&f.attrs) => {
                    let text = format!(
                        "{head}: {}pub {}",
                        contract_attrs(&f.attrs),
                        signature(&f.sig)
                    );
                    self.push(module, text);
                }
                syn::ImplItem::Const(c) if is_pub(&c.vis) => {
                    let text = format!("{head}: pub const {}: {}", c.ident, tidy(&c.ty));
                    self.push(module, text);
                }
                _ => {}
            }
        }
    }
}

fn surface(krate: &str) -> String {
    let src = crates_dir().join(krate).join("src");
    let mut lister = Lister { lines: Vec::new() };
    lister.file(&krate.replace('-', "_"), &src.join("lib.rs"), &src);
    let mut out = format!(
        "# The public API of {krate}, listed by tests/public_api.rs.\n\
         # Re-bless with ROLECALL_BLESS=1 and review the diff.\n"
    );
    for line in lister.lines {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn public_api_matches_the_reviewed_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/public-api");
    let bless = std::env::var_os("ROLECALL_BLESS").is_some();
    let mut stale = Vec::new();
    for krate in CRATES {
        let now = surface(krate);
        let path = dir.join(format!("{krate}.txt"));
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &now).unwrap();
            continue;
        }
        let pinned = std::fs::read_to_string(&path).unwrap_or_default();
        if pinned != now {
            let pinned_lines: std::collections::BTreeSet<&str> = pinned.lines().collect();
            let now_lines: std::collections::BTreeSet<&str> = now.lines().collect();
            let mut diff = String::new();
            for l in pinned_lines.difference(&now_lines) {
                writeln!(diff, "  - {l}").unwrap();
            }
            for l in now_lines.difference(&pinned_lines) {
                writeln!(diff, "  + {l}").unwrap();
            }
            stale.push(format!("{}:\n{diff}", path.display()));
        }
    }
    assert!(
        stale.is_empty(),
        "the public API changed; if on purpose, re-bless with \
         ROLECALL_BLESS=1 cargo test -p rolecall-testkit --test public_api and review the diff:\n{}",
        stale.join("\n")
    );
}

/// The lister sees what it must: a hidden knob is marked hidden, a foreign
/// type wrapped stays out, a builder is listed.
#[test]
fn the_lister_marks_what_the_snapshot_relies_on() {
    let eval = surface("rolecall-eval");
    assert!(
        eval.lines()
            .any(|l| l.contains("#[doc(hidden)]") && l.contains("pub const GLOBSET_THRESHOLD")),
        "{eval}"
    );
    assert!(!eval.contains("#[cfg(test)]"));
    let sts = surface("rolecall-sts");
    assert!(!sts.contains("&Jwk") && !sts.contains("[Jwk]"), "{sts}");
    assert!(
        sts.contains("impl<'a> CallInput<'a>: pub fn builder() -> CallInputBuilder<'a>"),
        "{sts}"
    );
    let policy = surface("rolecall-policy");
    assert!(!policy.contains("pub use ast::*"), "{policy}");
    assert!(
        policy.contains("#[non_exhaustive] pub struct Diagnostic"),
        "{policy}"
    );
}
