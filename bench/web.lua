-- wrk script for bench/bench_web.py: counts the responses that are not 2xx (a redirect to the
-- login page is a failure here, not a success) and prints one JSON line with the latency
-- percentiles, the throughput and every kind of error, for the Python side to parse.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  first_bad = 0
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    if first_bad == 0 then first_bad = status end
  end
end

function done(summary, latency, requests)
  local bad, status = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("non2xx")
    if status == 0 then status = thread:get("first_bad") end
  end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, ' ..
    '"max": %.3f, "non2xx": %d, "first_bad_status": %d, "connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    bad, status, e.connect, e.read, e.write, e.timeout))
end
