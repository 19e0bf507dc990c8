//! Helpers shared by the CLI integration tests.
#![allow(dead_code)]

use assert_cmd::Command;

/// The bundled `examples/` directory.
pub fn examples() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// The `rolecall` binary, with colour off.
pub fn rolecall() -> Command {
    let mut cmd = Command::cargo_bin("rolecall").unwrap();
    cmd.env("NO_COLOR", "1");
    cmd
}
