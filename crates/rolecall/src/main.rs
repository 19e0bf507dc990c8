//! The `rolecall` binary: all logic lives in the library so it can be tested.

fn main() {
    std::process::exit(rolecall::run(std::env::args_os()));
}
