-- wrk script for crates/web/benches/writes/run.sh: each request adds a progress update to one
-- of ITEMS items (ids FIRST_ITEM ..), every connection walking its own stride so that
-- concurrent requests touch different items. Prints throughput, p50/p95/p99 and non-201s.

local token = os.getenv("WAYMARK_TOKEN")
local first = tonumber(os.getenv("FIRST_ITEM") or "1")
local items = tonumber(os.getenv("ITEMS") or "10000")
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  n = 0
  bad = 0
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. token
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  -- Threads start far apart in the item range and walk it with a prime stride.
  local item = first + ((id * 4999 + n * 7919) % items)
  local body = '{"text":"Benchmark update ' .. n .. ' from thread ' .. id .. '"}'
  return wrk.format(nil, "/api/items/" .. item .. "/updates", nil, body)
end

function response(status, headers, body)
  if status ~= 201 then
    bad = bad + 1
    if bad <= 3 then
      io.stderr:write("status " .. status .. ": " .. string.sub(body, 1, 200) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local refused = 0
  for _, thread in ipairs(threads) do
    refused = refused + (thread:get("bad") or 0)
  end
  local seconds = summary.duration / 1e6
  local ok = summary.requests - refused - summary.errors.connect - summary.errors.read
    - summary.errors.write - summary.errors.timeout
  io.write(string.format(
    "RESULT requests=%d acknowledged=%d not_201=%d socket_errors=%d seconds=%.1f "
      .. "acknowledged_per_s=%.0f p50_ms=%.1f p95_ms=%.1f p99_ms=%.1f max_ms=%.1f\n",
    summary.requests, ok, refused,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    seconds, ok / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end
