#!/usr/bin/env bash
# Whole-process figures for BENCHMARKS.md: start-up, `eval --batch` and
# `audit` against serde_json floors, peak memory, callgrind instruction
# counts for the evaluate hot path, and peak memory of the scale inputs.
#
# Usage: scripts/bench-process.sh            (needs hyperfine, valgrind, /usr/bin/time)
#   N_LINES=100000 N_ROLES=10000 RUNS=10 OUT=target/bench-process scripts/bench-process.sh
#   SKIP_CALLGRIND=1 / SKIP_SCALE=1 skip those parts.
#
# Inputs are generated into a temp dir by `examples/bench_inputs.rs` (the
# same generators as the criterion benches), so a run is reproducible.
# Install the tools on Debian with: apt-get install -y hyperfine valgrind time
set -euo pipefail
cd "$(dirname "$0")/.."

N_LINES=${N_LINES:-100000}
N_ROLES=${N_ROLES:-10000}
RUNS=${RUNS:-10}
OUT=${OUT:-target/bench-process}
mkdir -p "$OUT"

for tool in hyperfine /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install -y hyperfine time)" >&2; exit 2; }
done

cargo build --quiet --release -p rolecall --bin rolecall
cargo build --quiet --release -p rolecall-benches --examples
BIN=$PWD/target/release/rolecall
EX=$PWD/target/release/examples

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

"$EX/bench_inputs" batch "$N_LINES" >"$TMP/batch.jsonl"
"$EX/bench_inputs" dump "$N_ROLES" >"$TMP/dump.json"
"$EX/bench_inputs" policy >"$TMP/irsa.json"

EKS=oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE
P_EKS=arn:aws:iam::111122223333:oidc-provider/$EKS
SINGLE="$BIN eval --policy $TMP/irsa.json --principal $P_EKS --context $EKS:aud=sts.amazonaws.com --context $EKS:sub=system:serviceaccount:default:my-service-account"

# Sanity: the inputs are what the figures claim.
$SINGLE >/dev/null # exit 0 = Allow
answers=$("$BIN" eval --batch <"$TMP/batch.jsonl" | grep -c '"decision":"Allow"' || true)
lines=$("$BIN" eval --batch <"$TMP/batch.jsonl" | wc -l)
floor_lines=$("$EX/jsonl_floor" lines <"$TMP/batch.jsonl")
[ "$lines" = "$N_LINES" ] && [ "$floor_lines" = "$N_LINES" ] || { echo "batch answered $lines lines, floor $floor_lines" >&2; exit 1; }
echo "batch: $N_LINES lines ($(stat -c %s "$TMP/batch.jsonl") bytes), $answers Allow"
echo "dump: $N_ROLES roles ($(stat -c %s "$TMP/dump.json") bytes)"

echo
echo "== hyperfine (runs=$RUNS) =="
hyperfine --style basic --warmup 3 --runs "$RUNS" --export-markdown "$OUT/single.md" \
  -n 'rolecall eval (single)' "$SINGLE"
hyperfine --style basic --warmup 1 --runs "$RUNS" --export-markdown "$OUT/batch.md" \
  -n "rolecall eval --batch ($N_LINES lines)" "$BIN eval --batch < $TMP/batch.jsonl > /dev/null" \
  -n 'floor: serde_json Value per line' "$EX/jsonl_floor lines < $TMP/batch.jsonl > /dev/null"
# audit exits 1 when it has findings: -i keeps hyperfine going.
hyperfine --style basic -i --warmup 1 --runs "$RUNS" --export-markdown "$OUT/audit.md" \
  -n "rolecall audit ($N_ROLES roles, text)" "$BIN audit $TMP/dump.json > /dev/null" \
  -n "rolecall audit ($N_ROLES roles, json)" "$BIN audit --format json $TMP/dump.json > /dev/null" \
  -n 'floor: serde_json Value of the dump' "$EX/jsonl_floor whole < $TMP/dump.json > /dev/null"

# Peak resident set in KiB of a command (stdin from $2, or /dev/null).
rss() {
  local input=${2:-/dev/null}
  /usr/bin/time -v bash -c "exec $1" <"$input" >/dev/null 2>"$TMP/time.txt" || true
  awk -F': ' '/Maximum resident set size/ {print $2}' "$TMP/time.txt"
}

echo
echo "== peak RSS (KiB) =="
printf '%-44s %10s\n' command max_rss_kib
printf '%-44s %10s\n' "rolecall eval (single)" "$(rss "$SINGLE")"
printf '%-44s %10s\n' "rolecall eval --batch" "$(rss "$BIN eval --batch" "$TMP/batch.jsonl")"
printf '%-44s %10s\n' "floor jsonl_floor lines" "$(rss "$EX/jsonl_floor lines" "$TMP/batch.jsonl")"
printf '%-44s %10s\n' "rolecall audit (text)" "$(rss "$BIN audit $TMP/dump.json")"
printf '%-44s %10s\n' "rolecall audit (json)" "$(rss "$BIN audit --format json $TMP/dump.json")"
printf '%-44s %10s\n' "floor jsonl_floor whole (dump)" "$(rss "$EX/jsonl_floor whole" "$TMP/dump.json")"
printf '%-44s %10s\n' "dump size (KiB)" "$(($(stat -c %s "$TMP/dump.json") / 1024))"

if [ -z "${SKIP_SCALE:-}" ]; then
  echo
  echo "== scale inputs: peak RSS (KiB) of examples/scale_rss =="
  printf '%-14s %8s %12s %10s\n' dimension n input_bytes max_rss_kib
  printf '%-14s %8s %12s %10s\n' none 0 0 "$(rss "$EX/scale_rss none 0")"
  for spec in "statements 10 100 1000" "string-like 100 1000 10000" \
    "long-claim 1000 10000 100000" "wide-context 10 100 1000"; do
    set -- $spec
    dim=$1
    shift
    for n in "$@"; do
      bytes=$("$EX/scale_rss" "$dim" "$n" | sed -E 's/.*: ([0-9]+) input bytes.*/\1/')
      printf '%-14s %8s %12s %10s\n' "$dim" "$n" "$bytes" "$(rss "$EX/scale_rss $dim $n")"
    done
  done
fi

if [ -z "${SKIP_CALLGRIND:-}" ] && command -v valgrind >/dev/null; then
  echo
  echo "== callgrind: instructions per evaluate (difference of two runs) =="
  ir() {
    valgrind --tool=callgrind --callgrind-out-file="$TMP/cg.out" "$EX/eval_loop" "$1" "$2" \
      >/dev/null 2>"$TMP/cg.err"
    awk '/Collected :/ {print $NF}' "$TMP/cg.err"
  }
  for case in match no-match github; do
    a=$(ir 1000 "$case")
    b=$(ir 101000 "$case")
    echo "$case: $(((b - a) / 100000)) instructions per evaluate ($a Ir at N=1000, $b Ir at N=101000)"
  done
  # Where a batch run spends its instructions (function level).
  head -n 10000 "$TMP/batch.jsonl" >"$TMP/batch10k.jsonl"
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.batch10k" "$BIN" eval --batch \
    <"$TMP/batch10k.jsonl" >/dev/null 2>"$TMP/cg.err"
  echo "eval --batch, 10,000 lines: $(awk '/Collected :/ {print $NF}' "$TMP/cg.err") Ir" \
    "(profile: callgrind_annotate $OUT/callgrind.batch10k)"
  valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.floor10k" "$EX/jsonl_floor" lines \
    <"$TMP/batch10k.jsonl" >/dev/null 2>"$TMP/cg.err"
  echo "floor, 10,000 lines: $(awk '/Collected :/ {print $NF}' "$TMP/cg.err") Ir"
fi
echo
echo "hyperfine tables: $OUT/{single,batch,audit}.md"
