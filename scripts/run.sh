#!/usr/bin/env bash
# Serve the dashboard on the committed release with gunicorn (the same server as the Procfile).
set -euo pipefail
port="${PORT:-8050}"
echo "Serving the CSEC dashboard (synthetic demo data) on http://127.0.0.1:${port}/"
exec .venv/bin/gunicorn dashboard.wsgi:server --bind "127.0.0.1:${port}" \
  --workers "${WEB_CONCURRENCY:-2}" --threads 4 --timeout 30 --no-control-socket
