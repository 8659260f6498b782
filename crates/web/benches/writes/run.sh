#!/bin/sh
# Write benchmark: adds progress updates through POST /api/items/{id}/updates with a bearer
# token, from 1, 16 and 32 concurrent clients (wrk, keep-alive, no think time), against the
# release server on a freshly imported plan of ACTIONS actions with 5 updates each.
#
#   cargo build --release -p waymark
#   sh crates/web/benches/writes/run.sh            # 20 s per client count
#   SECONDS_EACH=10 CLIENTS="32" WAYMARK_BIN=/tmp/waymark-before sh crates/web/benches/writes/run.sh
#
# Needs wrk (Debian: apt-get install -y wrk) and python3. Each run line ends in RESULT ...
set -eu
here=$(cd "$(dirname "$0")" && pwd)
bin=${WAYMARK_BIN:-$here/../../../../target/release/waymark}
actions=${ACTIONS:-10000}
seconds=${SECONDS_EACH:-20}
clients=${CLIENTS:-"1 16 32"}
port=${PORT:-18081}
data=$(mktemp -d /tmp/waymark-writes.XXXXXX)
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT INT TERM

waymark() { "$bin" --data-dir "$data" "$@"; }
waymark org add --code BEN --name "Benchmark Constabulary" >/dev/null
python3 "$here/make_plan.py" "$actions" > "$data/plan.tsv"
start=$(date +%s)
waymark import "$data/plan.tsv" --new-plan "Benchmark plan" --kind improvement \
  --organisation BEN --as-at 2015-11-30 --json > "$data/import.json"
echo "imported $actions actions in $(( $(date +%s) - start )) s"
WAYMARK_PASSWORD="benchmark password, long enough" waymark user add \
  --email bench@bench.example --name "Bench Manager" --role manager --organisation BEN >/dev/null
token=$(waymark token create --email bench@bench.example | tail -n 1)
first=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(min(i for i in d["item_ids"]) if "item_ids" in d else 1)' "$data/import.json" 2>/dev/null || echo 1)

"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" > "$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done

echo "server $bin, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
for c in $clients; do
  t=2; [ "$c" -lt 2 ] && t=1
  printf 'clients=%s ' "$c"
  WAYMARK_TOKEN=$token FIRST_ITEM=$first ITEMS=$actions \
    wrk -t"$t" -c"$c" -d"${seconds}s" --timeout 30s -s "$here/post_update.lua" \
    "http://127.0.0.1:$port" | grep RESULT
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
