#!/usr/bin/env bash
# The whole test suite. Fails if pytest collects no test (exit 5).
set -euo pipefail
bin=.venv/bin
"$bin/ruff" check .
"$bin/ruff" format --check .
"$bin/lint-imports"
set +e
"$bin/python" -m pytest -n 2 "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
exit "$rc"
