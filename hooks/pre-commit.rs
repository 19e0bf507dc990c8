//! `rolecall-pre-commit`: the `rolecall` command under the name that
//! `.pre-commit-hooks.yaml` installs (see the top-level `Cargo.toml` for why
//! it is a binary of its own). Everything is `rolecall::run`.

fn main() {
    std::process::exit(rolecall::run(std::env::args_os()));
}
