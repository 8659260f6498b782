#!/bin/sh
# One item through the API as a viewer, on a freshly imported plan of 10,000 actions:
#   sh crates/web/benches/reads/run.sh target/release/waymark 18801
# GETs /api/items/{id} of 4,000 different actions at 16 clients for 10 s with wrk (Debian: wrk).
set -eu
bin=$1; port=$2
here=$(cd "$(dirname "$0")/../writes" && pwd)
data=$(mktemp -d /tmp/rb.XXXXXX)
w() { "$bin" --data-dir "$data" "$@"; }
w org add --code BEN --name "Benchmark Constabulary" >/dev/null
python3 $here/make_plan.py 10000 > "$data/plan.tsv"
w import "$data/plan.tsv" --new-plan "Benchmark plan" --kind improvement --organisation BEN --as-at 2015-11-30 --json > "$data/import.json"
WAYMARK_PASSWORD="benchmark password, long enough" w user add --email v@b.example --name "V" --role viewer --organisation BEN >/dev/null
token=$(w token create --email v@b.example | tail -n 1)
w serve --bind 127.0.0.1:$port > "$data/server.log" 2>&1 &
server=$!
for _ in $(seq 1 600); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done
cat > "$data/get.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  local id = 5000 + (n % 4000)
  return wrk.format("GET", "/api/items/" .. id, {["Authorization"] = "Bearer $token"})
end
LUA
curl -s -o /dev/null -w "item status %{http_code} size %{size_download}\n" -H "Authorization: Bearer $token" http://127.0.0.1:$port/api/items/5001
echo "load $(cut -d' ' -f1-3 /proc/loadavg)"
wrk -t2 -c16 -d10s -s "$data/get.lua" http://127.0.0.1:$port | grep -E "Requests/sec|Latency|Non-2xx"
kill $server; rm -rf "$data"
