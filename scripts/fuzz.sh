#!/usr/bin/env bash
# Runs one cargo-fuzz target for a number of seconds on the stable toolchain.
#
#   scripts/fuzz.sh TARGET SECONDS
#
# TARGET is one of: parse engine_vs_model arbitrary_json matchers explanation
# analyzer_vs_evaluator
# (see fuzz/README.md). Needs `cargo install cargo-fuzz`. Nightly is not
# required: RUSTC_BOOTSTRAP=1 lets stable rustc take the `-Z` flags that
# cargo-fuzz passes, and `-s none` turns off the sanitizer (AddressSanitizer
# needs nightly's std and buys nothing for `unsafe`-free code); libFuzzer's
# coverage instrumentation still works. New interesting inputs go to a
# scratch corpus so the committed seeds stay small; a crash is written to
# fuzz/artifacts/TARGET/ — minimize it (`cargo fuzz tmin`) and commit it
# under fuzz/regressions/TARGET/ so the stable replay test keeps it.
set -euo pipefail

if [[ $# -ne 2 ]]; then
    echo "usage: $0 TARGET SECONDS" >&2
    exit 2
fi
target=$1
seconds=$2
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/fuzz"

scratch="$root/fuzz/target/corpus/$target"
# A target with no regression yet has no folder for them; libFuzzer stops on a missing one.
mkdir -p "$scratch" "$root/fuzz/artifacts/$target" "regressions/$target"

RUSTC_BOOTSTRAP=1 cargo fuzz run -s none -O "$target" \
    "$scratch" "corpus/$target" "regressions/$target" \
    -- -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048
