#!/usr/bin/env bash
# Install the pinned npm devDependencies (axe-core, lighthouse) when node_modules is missing or
# was installed from another package-lock.json. Only the npm registry is used; no browser download.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp="node_modules/.installed-$(cat package.json package-lock.json | cksum | cut -d' ' -f1)"
[ -f "$stamp" ] && exit 0
export PUPPETEER_SKIP_DOWNLOAD=true
npm ci --no-audit --no-fund
touch "$stamp"
