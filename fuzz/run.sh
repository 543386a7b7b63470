#!/usr/bin/env bash
# Seeds each target's corpus from the repository's own files, then fuzzes each target for
# SECONDS seconds (default 300) and prints its last libFuzzer status line (executions, coverage).
# Needs `cargo install cargo-fuzz` and a nightly toolchain. Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-300}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(front_matter template manifest reply command webhook)
root=..

seed() {
  local target=$1
  shift
  mkdir -p "corpus/$target"
  for f in "$@"; do
    [ -f "$f" ] && cp "$f" "corpus/$target/$(echo "$f" | tr '/' '_')"
  done
  return 0
}
seed front_matter $root/examples/*/specs/*/decisions/*.md $root/examples/*/specs/*/project.md $root/examples/*/specs/*/rules.yaml
seed template $root/src/engine/templates/*.yaml $root/tests/fixtures/templates/*.yaml
seed manifest $root/examples/*/specs/*/artifacts/manifest.json
seed webhook $root/github-app/tests/fixtures/webhooks/*.json
mkdir -p corpus/reply corpus/command
printf '2' > corpus/reply/number
printf '1,3' > corpus/reply/list
printf 'other: passkeys' > corpus/reply/other
printf 'p95_latency_ms: 150, availability: 99.9' > corpus/reply/form
printf '/spec new tracker saas-web quick --targets prd,schema' > corpus/command/new
printf '> quoted\n\n```\n/spec merge\n```\n/answer auth.signup 2' > corpus/command/quoted
printf '/spec change auth.signup "other: invite only"' > corpus/command/change

for target in "${targets[@]}"; do
  log=$(mktemp)
  cargo +nightly fuzz run "$target" --release -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 >"$log" 2>&1 || { tail -40 "$log"; echo "$target: FAILED"; exit 1; }
  status=$(grep -E '^#[0-9]+' "$log" | tail -1)
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  # Where coverage last grew, against the whole run: near the start of the run means a plateau.
  grew=$(grep -E '^#[0-9]+[[:space:]]+(NEW|REDUCE)' "$log" | grep -E '^#[0-9]+[[:space:]]+NEW' | tail -1 | cut -f1 | tr -d '#')
  echo "$target: $runs executions in ${seconds}s; coverage last grew at execution ${grew:-0}; last status: $status"
  rm -f "$log"
done
