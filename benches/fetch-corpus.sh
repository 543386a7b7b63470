#!/usr/bin/env bash
# Fetches the brownfield benchmark's corpus from the package registry (never committed):
# Django's source distribution from PyPI, about 2,800 Python files and 470K lines, into
# target/corpus/, made a git repository so the analysis cache has a home. Also builds tokei
# there, to compare against on the same corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=target/corpus
version=5.1.4
mkdir -p "$corpus"
if [ ! -d "$corpus/Django-$version" ]; then
  python3 -m pip download "django==$version" --no-binary :all: --no-deps -d "$corpus" -q
  tar xzf "$corpus/Django-$version.tar.gz" -C "$corpus"
  git -C "$corpus/Django-$version" init -q
fi
if [ ! -x target/tools/bin/tokei ]; then
  cargo install tokei --locked --root target/tools -q
fi
echo "corpus: $corpus/Django-$version"
echo "tokei on the same corpus:"
time target/tools/bin/tokei "$corpus/Django-$version" | tail -4
