# shellcheck shell=bash
# Shared by the action's scripts (sourced, not run).

# An `::error::` annotation; the message is escaped as GitHub's workflow commands require, so a
# path or revision given as input can never be read as a command of its own.
annotate_error() {
  local message=$1
  message=${message//'%'/'%25'}
  message=${message//$'\r'/'%0D'}
  message=${message//$'\n'/'%0A'}
  echo "::error title=Spec Builder::$message"
}

# Refuses to go on: an error annotation, and exit status 2 ("could not run").
refuse() {
  annotate_error "$1"
  exit 2
}

# Appends `name=value` to the step's outputs.
set_output() {
  if [ -z "${GITHUB_OUTPUT:-}" ]; then
    refuse "GITHUB_OUTPUT is not set: run this inside a GitHub Actions step"
  fi
  printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
}
