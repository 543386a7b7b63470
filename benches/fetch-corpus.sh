#!/usr/bin/env bash
# Fetches the brownfield benchmark's corpora from the package registries (never committed), into
# target/corpus/, each made a git repository so the analysis cache has a home:
#   Django 5.1.4 (PyPI source distribution): about 2,800 Python files, 410K non-blank lines;
#   containerd (Debian's golang-github-containerd-containerd-dev): Go with its go.mod;
#   Rails' activerecord, activesupport and actionpack (Debian's ruby-* packages): Ruby;
#   Doctrine ORM (Debian's php-doctrine-orm): PHP;
#   three.js 0.170.0 (npm): JavaScript modules.
# Debian packages are pinned to Debian 12's versions (the figures in the README); a mirror
# without them gives its own, with a warning. Also builds tokei, to compare against on the same
# corpora.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=$PWD/target/corpus
mkdir -p "$corpus"

# A folder of a Debian package (or of several, unpacked together) as a corpus.
debian() {
  local name=$1 root=$2
  shift 2
  [ -d "$corpus/$name" ] && return
  local work
  work=$(mktemp -d)
  if ! (cd "$work" && apt-get download "$@" 2>/dev/null); then
    local unpinned=("${@%%=*}")
    echo "warning: $* not on this mirror; fetching its own versions of ${unpinned[*]}" >&2
    (cd "$work" && apt-get download "${unpinned[@]}" 2>/dev/null) ||
      { echo "could not download ${unpinned[*]}" >&2; rm -rf "$work"; return 1; }
  fi
  for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$work/unpacked"; done
  mv "$work/unpacked/$root" "$corpus/$name"
  git -C "$corpus/$name" init -q
  rm -rf "$work"
}

django=Django-5.1.4
if [ ! -d "$corpus/$django" ]; then
  python3 -m pip download "django==5.1.4" --no-binary :all: --no-deps -d "$corpus" -q
  tar xzf "$corpus/$django.tar.gz" -C "$corpus"
  git -C "$corpus/$django" init -q
fi
debian go-containerd usr/share/gocode/src/github.com/containerd/containerd \
  golang-github-containerd-containerd-dev=1.6.20~ds1-1+deb12u3
debian ruby-rails usr/share/rubygems-integration/all/gems \
  ruby-activerecord=2:6.1.7.10+dfsg-1~deb12u3 ruby-activesupport=2:6.1.7.10+dfsg-1~deb12u3 ruby-actionpack=2:6.1.7.10+dfsg-1~deb12u3
debian php-doctrine-orm usr/share/php php-doctrine-orm=2.14.1+dfsg-1
three=js-three-0.170.0
if [ ! -d "$corpus/$three" ]; then
  (cd "$corpus" && npm pack three@0.170.0 --silent >/dev/null)
  mkdir -p "$corpus/$three"
  tar xzf "$corpus/three-0.170.0.tgz" -C "$corpus/$three" --strip-components 1
  git -C "$corpus/$three" init -q
fi

if [ ! -x target/tools/bin/tokei ]; then
  cargo install tokei --locked --root target/tools -q
fi
for dir in "$corpus"/*/; do
  echo "corpus: $dir"
  /usr/bin/time -f "tokei: %e s" target/tools/bin/tokei "$dir" | tail -2 | head -1
done
