#!/usr/bin/env bash
# Instructions the server executes per request of one query, counted by valgrind's callgrind:
# the same binary, query and catalogue give the same count whatever else the machine is doing,
# so two builds can be compared where req/s drifts from run to run.
#
#   benches/instructions.sh BINARY DATABASE_URL QUERY [REQUESTS]
#
# e.g. after `cargo bench --bench throughput -- --db postgres` has kept its catalogue:
#   benches/instructions.sh target/release/sharegraph \
#     'postgres://postgres@127.0.0.1:5432/sg_bench_100000_1?sslmode=disable' \
#     '{ dataItems(first: 100) { nodes { name database { name } } } }'
#
# The server runs under callgrind with instrumentation off; after 50 requests to warm it up,
# instrumentation is switched on for REQUESTS (default 300) sequential requests with an admin
# token, then off. `callgrind_annotate` reads the profile it leaves (its path is printed).
# callgrind counts `rep movsb` (large memcpy) one instruction per byte, so copies weigh more
# here than in time.
set -euo pipefail
bin=$1 url=$2 query=$3 n=${4:-300}
command -v valgrind >/dev/null || { echo "valgrind is needed" >&2; exit 1; }
port=$((20000 + RANDOM % 20000))
out=$(mktemp -d)
token=$(DATABASE_URL=$url "$bin" token create --role admin --name instructions 2>/dev/null)
body=$(printf '%s' "$query" | python3 -c 'import json,sys; print(json.dumps({"query": sys.stdin.read()}))')
DATABASE_URL=$url SHAREGRAPH_LOG=warn SHAREGRAPH_RATE_LIMIT_PER_MINUTE=0 \
  SHAREGRAPH_LISTEN=127.0.0.1:$port \
  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/callgrind.out" \
  "$bin" serve >"$out/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
ask() {
  curl -sf -o /dev/null -H 'content-type: application/json' \
    -H "authorization: Bearer $token" -d "$body" "http://127.0.0.1:$port/graphql"
}
for _ in $(seq 1 120); do ask && break || sleep 1; done
for _ in $(seq 1 50); do ask; done
callgrind_control -i on $pid >/dev/null 2>&1
for _ in $(seq 1 "$n"); do ask; done
callgrind_control -i off $pid >/dev/null 2>&1
kill $pid
wait $pid 2>/dev/null || true
total=$(grep '^totals:' "$out/callgrind.out" | awk '{print $2}')
echo "$((total / n)) instructions per request ($n requests; profile: $out/callgrind.out)"
