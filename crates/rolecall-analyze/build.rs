//! Writes the table of characters whose lowercase form (`char::to_lowercase`)
//! is not the character itself, as Rust source, to `OUT_DIR/lowercase.rs`.
//!
//! Computing it at run time walks all 1.1 million scalar values (64 ms,
//! release build) on the first case-insensitive analysis of every process;
//! the build script runs the same loop once, with the standard library of
//! the same compiler, so the table is the one `to_lowercase` itself uses.

use std::fmt::Write as _;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut out = String::from("&[\n");
    for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
        let lower: String = c.to_lowercase().collect();
        if lower.chars().eq(std::iter::once(c)) {
            continue;
        }
        write!(out, "    ({:?}, &[", c)?;
        for l in lower.chars() {
            write!(out, "{:?}, ", l)?;
        }
        out.push_str("]),\n");
    }
    out.push(']');
    let dir = std::env::var("OUT_DIR")?;
    std::fs::write(std::path::Path::new(&dir).join("lowercase.rs"), out)?;
    println!("cargo::rerun-if-changed=build.rs");
    Ok(())
}
