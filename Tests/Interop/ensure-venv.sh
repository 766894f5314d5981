#!/usr/bin/env bash
# Creates (once per requirements change) the virtualenv the interop tests run
# the real OpenTelemetry Python SDK and instrumentations from. Prints the
# venv's python. Several test suites call it at once: a lock makes the
# others wait for one install instead of removing it under each other.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${INTEROP_VENV:-$here/../../.build/interop-venv}"
stamp="$venv/.requirements"
mkdir -p "$(dirname "$venv")"
exec 9>"$venv.lock"
flock 9
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$stamp"; then
  rm -rf "$venv"
  python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
  cp "$here/requirements.txt" "$stamp"
fi
echo "$venv/bin/python"
