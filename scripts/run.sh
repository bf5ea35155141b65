#!/usr/bin/env bash
# Serve the dashboard on the committed release with gunicorn (the same server as the Procfile).
set -euo pipefail
export CSEC_HOST="${CSEC_HOST:-127.0.0.1}"
echo "Serving the CSEC dashboard (synthetic demo data) on http://${CSEC_HOST}:${CSEC_PORT:-${PORT:-8050}}/"
exec .venv/bin/gunicorn -c python:dashboard.server.gunicorn_conf dashboard.wsgi:server \
  --no-control-socket
