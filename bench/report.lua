-- Shared by every wrk run of bench/run: optional pacing (BENCH_DELAY_MS per connection between
-- requests), rotating paths (BENCH_PATHS, separated by spaces), POSTed forms (BENCH_FORM, where
-- {n} becomes a counter so no two bodies are the same), and one machine-readable result line.
local paths = {}
for p in string.gmatch(os.getenv("BENCH_PATHS") or "", "%S+") do paths[#paths + 1] = p end
local delay_ms = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
local form = os.getenv("BENCH_FORM")
local cookie = os.getenv("BENCH_COOKIE")
local counter = 0

function setup(thread)
  thread:set("id", math.random(1, 1000000))
end

function request()
  counter = counter + 1
  local path = paths[(counter % #paths) + 1]
  local headers = {}
  if cookie then headers["Cookie"] = cookie end
  if form then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    local body = string.gsub(form, "{n}", tostring(id) .. "-" .. tostring(counter))
    return wrk.format("POST", path, headers, body)
  end
  return wrk.format("GET", path, headers)
end

function delay()
  return delay_ms
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1000000
  local bad = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  -- Only answered requests count towards req/s: a refused form (422) is not a reply posted.
  io.write(string.format("RESULT rps=%.1f p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f mean_ms=%.3f requests=%d errors=%d\n",
    (summary.requests - bad) / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.mean / 1000, summary.requests, bad))
end
