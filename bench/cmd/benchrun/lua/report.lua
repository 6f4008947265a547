-- Appended to every scenario script. Each thread gets an id (tid) and counts
-- response statuses in `codes` where the scenario defines response(); done()
-- prints one line of JSON that benchrun reads.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

function done(summary, latency, requests)
  local codes = {}
  for _, t in ipairs(threads) do
    local c = t:get("codes")
    if type(c) == "table" then
      for k, v in pairs(c) do codes[k] = (codes[k] or 0) + v end
    end
  end
  local parts = {}
  for k, v in pairs(codes) do table.insert(parts, string.format('"%s":%d', tostring(k), v)) end
  local e = summary.errors
  io.write(string.format(
    'BENCHJSON {"requests":%d,"duration_us":%d,"bytes":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,' ..
    '"connect_errors":%d,"read_errors":%d,"write_errors":%d,"status_errors":%d,"timeouts":%d,"codes":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ",")))
end
