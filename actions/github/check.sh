#!/usr/bin/env bash
# Runs `specbuilder check` for the action: annotations, the job summary and the counts come from
# `--format github` itself; this script checks the inputs, adds the SARIF report and records the
# exit status for verdict.sh, so a SARIF upload can still run after a failing check.
#
# Environment: SPECBUILDER_BIN, INPUT_PATH, INPUT_BASE, INPUT_FAIL_ON, INPUT_SARIF,
# INPUT_UPLOAD_SARIF, RUNNER_TEMP, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

fail_on=${INPUT_FAIL_ON:-error}
case "$fail_on" in
  error | warning | never) ;;
  *) refuse "fail-on: '$fail_on' is not one of error, warning, never" ;;
esac
for flag in INPUT_SARIF INPUT_UPLOAD_SARIF; do
  case "${!flag:-false}" in
    true | false) ;;
    *) refuse "${flag#INPUT_}: '${!flag}' is neither true nor false" ;;
  esac
done
[ -n "${SPECBUILDER_BIN:-}" ] || refuse "no specbuilder binary: the install step did not run"

path=${INPUT_PATH:-.}
[ -d "$path" ] || refuse "path: '$path' is not a directory"
git -C "$path" rev-parse --git-dir >/dev/null 2>&1 ||
  refuse "path: '$path' is not in a git repository; check it out first (actions/checkout)"

args=(check --format github --fail-on "$fail_on")
if [ -n "${INPUT_BASE:-}" ]; then
  if [[ $INPUT_BASE == -* ]] || ! git -C "$path" rev-parse --verify --quiet "$INPUT_BASE^{commit}" >/dev/null; then
    refuse "base: the revision '$INPUT_BASE' is not in this clone; check out with fetch-depth: 0 (actions/checkout) or fetch it"
  fi
  args+=("--base=$INPUT_BASE")
fi

status=0
"$SPECBUILDER_BIN" "${args[@]}" -- "$path" || status=$?
if [ "$status" -gt 1 ]; then
  refuse "specbuilder check could not run (exit status $status); its message is above"
fi
set_output exit-code "$status"

if [ "${INPUT_SARIF:-false}" = true ] || [ "${INPUT_UPLOAD_SARIF:-false}" = true ]; then
  [ -n "${RUNNER_TEMP:-}" ] || refuse "RUNNER_TEMP is not set: run this inside a GitHub Actions step"
  sarif="$RUNNER_TEMP/specbuilder.sarif"
  sarif_args=(check --format sarif --fail-on never)
  [ -z "${INPUT_BASE:-}" ] || sarif_args+=("--base=$INPUT_BASE")
  "$SPECBUILDER_BIN" "${sarif_args[@]}" -- "$path" >"$sarif" ||
    refuse "specbuilder check could not write the SARIF report; its message is above"
  set_output sarif-file "$sarif"
fi
