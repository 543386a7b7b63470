#!/usr/bin/env bash
# The action's last step: fails it when the check found what fail-on names, after any SARIF upload.
#
# Environment: CHECK_EXIT_CODE, INPUT_FAIL_ON.
set -euo pipefail
case "${CHECK_EXIT_CODE:-}" in
  0) echo "Spec Builder: nothing to fail on (fail-on: ${INPUT_FAIL_ON:-error})" ;;
  1)
    echo "Spec Builder: findings at or above fail-on: ${INPUT_FAIL_ON:-error}; the annotations and the job summary list them"
    exit 1
    ;;
  *)
    echo "::error title=Spec Builder::the check did not finish"
    exit 2
    ;;
esac
