#!/bin/sh
# Runs the throughput bench with PostGraphile v5 beside sharegraph on the same PostgreSQL
# catalogue: installs the pinned PostGraphile (and the Node.js 22 it needs) from the npm
# registry into benches/peers/postgraphile/node_modules, then runs
#   cargo bench --bench throughput -- --db postgres --peer postgraphile [ARGS...]
# Skipped, with a message, where npm is absent.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
peer="$root/benches/peers/postgraphile"
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed: the PostGraphile peer is skipped"
    exit 0
fi
npm ci --prefix "$peer" --no-audit --no-fund --loglevel=error
cd "$root"
exec cargo bench --bench throughput -- --db postgres --peer postgraphile "$@"
