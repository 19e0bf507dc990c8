//! The `rolecall` binary.
fn main() {
    std::process::exit(2);
}
