#!/usr/bin/env bash
# Puts a specbuilder binary in place and names it in the step output `binary`: the one given as
# input; else this runner's release archive, run only if its sha256 is the one checksums.txt
# holds; else a build of the action's own source (or the release's tag) by `cargo install --locked`.
#
# Environment: INPUT_BINARY, INPUT_VERSION, RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_OUTPUT;
# SPECBUILDER_RELEASES_URL for a mirror of the release downloads.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
source "$here/lib.sh"

if [ -n "${INPUT_BINARY:-}" ]; then
  binary=$INPUT_BINARY
  if [[ $binary != */* ]]; then
    binary=$(command -v -- "$binary") || refuse "binary: '$INPUT_BINARY' is not on PATH"
  fi
  [ -f "$binary" ] && [ -x "$binary" ] || refuse "binary: '$INPUT_BINARY' is not an executable file"
  "$binary" --version
  set_output binary "$binary"
  exit 0
fi

own=$(tr -d '[:space:]' <"$here/VERSION")
version=${INPUT_VERSION:-$own}
version=${version#v}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]] ||
  refuse "version: '$INPUT_VERSION' is not a release version such as $own"
[ -n "${RUNNER_TEMP:-}" ] || refuse "RUNNER_TEMP is not set: run this inside a GitHub Actions step"

case "${RUNNER_OS:-}/${RUNNER_ARCH:-}" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  *) target=unknown ;;
esac
archive="specbuilder-v$version-$target.tar.gz"
expected=$(awk -v name="$archive" '$1 !~ /^#/ && $2 == name { print $1 }' "$here/checksums.txt")

if [ -n "$expected" ]; then
  releases=${SPECBUILDER_RELEASES_URL:-https://github.com/specbuilder/specbuilder/releases/download}
  dir="$RUNNER_TEMP/specbuilder-$version"
  rm -rf "$dir"
  mkdir -p "$dir"
  echo "Downloading $archive"
  curl --proto '=https,file' --fail --silent --show-error --location --retry 3 \
    --output "$dir/$archive" "$releases/v$version/$archive" ||
    refuse "could not download $releases/v$version/$archive"
  if command -v sha256sum >/dev/null; then
    actual=$(sha256sum "$dir/$archive" | cut -d ' ' -f 1)
  else
    actual=$(shasum -a 256 "$dir/$archive" | cut -d ' ' -f 1)
  fi
  if [ "$actual" != "$expected" ]; then
    rm -f "$dir/$archive"
    refuse "$archive has sha256 $actual but this action expects $expected: it was not run"
  fi
  tar -xzf "$dir/$archive" -C "$dir" specbuilder
  binary="$dir/specbuilder"
else
  echo "No release archive of specbuilder $version for ${RUNNER_OS:-this OS}/${RUNNER_ARCH:-this architecture}: building it with cargo install --locked"
  command -v cargo >/dev/null ||
    refuse "cargo is needed to build specbuilder on this runner (no release archive fits it): set up Rust first, or give binary:"
  root="$RUNNER_TEMP/specbuilder-build"
  source_dir=$(cd "$here/../.." && pwd)
  if [ "$version" = "$own" ] && [ -f "$source_dir/Cargo.toml" ]; then
    # The action's own checkout is the source at the action's ref.
    cargo install --locked --root "$root" --path "$source_dir" --bin specbuilder
  else
    cargo install --locked --root "$root" --git https://github.com/specbuilder/specbuilder \
      --tag "v$version" --bin specbuilder specbuilder
  fi
  binary="$root/bin/specbuilder"
fi

"$binary" --version
set_output binary "$binary"
