-- wrk script shared by every run of the side-by-side (bench.py sets the environment):
--   BENCH_PATHS   a file of request paths, one a line; each connection's requests walk it from
--                 a different place, so reads and writes spread over many items
--   BENCH_METHOD  GET (default), POST or PUT
--   BENCH_BODY    for writes: a body in which every "%N" becomes a number unique to the request
--   BENCH_EXPECT  text every answer's body must hold (found as plain text); an answer without it
--                 is counted in "content_bad", whatever its status
-- Headers (cookie, token, content type) come from wrk's -H. At the end it prints one line,
-- "BENCH_JSON {...}", with the counts by status, the errors and the latency percentiles.

local paths = {}
local method = os.getenv("BENCH_METHOD") or "GET"
local body_template = os.getenv("BENCH_BODY")
local expect = os.getenv("BENCH_EXPECT")
if expect == "" then expect = nil end
local counter = 0
statuses = {}  -- global: done() reads it from each thread
content_bad = 0  -- global too
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if line ~= "" then table.insert(paths, line) end
  end
  -- Each thread starts at its own place in the list.
  counter = (tid or 0) * 7919
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local body = nil
  if body_template then
    body = string.gsub(body_template, "%%N", tostring((tid or 0) * 100000000 + counter))
  end
  return wrk.format(method, path, nil, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if expect and not (body and string.find(body, expect, 1, true)) then
    content_bad = content_bad + 1
  end
end

function done(summary, latency, requests)
  local by_status = {}
  local bad_content = 0
  for _, thread in ipairs(threads) do
    bad_content = bad_content + (thread:get("content_bad") or 0)
    local s = thread:get("statuses")
    for code, n in pairs(s) do
      by_status[code] = (by_status[code] or 0) + n
    end
  end
  local parts = {}
  for code, n in pairs(by_status) do
    table.insert(parts, string.format('"%d": %d', code, n))
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, ' ..
    '"content_bad": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max,
    latency.mean, bad_content, table.concat(parts, ", ")))
end
