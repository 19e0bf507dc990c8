#!/usr/bin/env bash
# The steps of the rolecall GitHub Action (action.yml), in a script so that
# crates/rolecall/tests/action.rs runs exactly what the action runs.
#
# Inputs come from the environment (action.yml passes them there rather than
# pasting `${{ inputs.* }}` into the script text, which would let an input
# inject shell code):
#   INPUT_PATHS         files or directories, separated by whitespace (default `.`)
#   INPUT_MIN_SEVERITY  info, low, medium, high or critical (default `low`)
#   INPUT_FORMAT        what the job log shows: github (annotations on the pull
#                       request), text, json, markdown or sarif (default `github`)
#   INPUT_BASELINE      an earlier `--format json` or SARIF report (optional)
#   INPUT_SARIF_FILE    where the SARIF log goes (default `rolecall.sarif`)
#   ROLECALL_BIN        a rolecall binary to use; when unset, rolecall is built
#                       from the action's own checkout with `cargo install --locked`
# Outputs (to $GITHUB_OUTPUT when set): `sarif-file` and `exit-code`. With
# $GITHUB_STEP_SUMMARY set, the Markdown summary is appended to it.
# Exit code: rolecall's (0 no finding at --min-severity, 1 findings,
# 2 unreadable or unparsable input, bad baseline or bad arguments).
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
if [ -z "${ROLECALL_BIN:-}" ]; then
    root="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/rolecall-action"
    cargo install --locked --path "$action_path/crates/rolecall" --root "$root"
    ROLECALL_BIN="$root/bin/rolecall"
fi

# Whitespace, newlines included (a YAML block of paths), separates the paths.
read -r -d '' -a paths <<< "${INPUT_PATHS:-.}" || true
if [ "${#paths[@]}" -eq 0 ]; then
    paths=(.)
fi
format="${INPUT_FORMAT:-github}"
sarif_file="${INPUT_SARIF_FILE:-rolecall.sarif}"
args=(audit "${paths[@]}" --min-severity "${INPUT_MIN_SEVERITY:-low}")
if [ -n "${INPUT_BASELINE:-}" ]; then
    args+=(--baseline "$INPUT_BASELINE")
fi

# The SARIF log for code scanning; its exit code is the step's.
set +e
"$ROLECALL_BIN" "${args[@]}" --format sarif > "$sarif_file"
code=$?
set -e
if [ "$format" != sarif ]; then
    "$ROLECALL_BIN" "${args[@]}" --format "$format" || true
else
    echo "rolecall: SARIF written to $sarif_file"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    "$ROLECALL_BIN" "${args[@]}" --format markdown >> "$GITHUB_STEP_SUMMARY" 2>/dev/null || true
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
    {
        echo "sarif-file=$sarif_file"
        echo "exit-code=$code"
    } >> "$GITHUB_OUTPUT"
fi
exit "$code"
