-- wrk script of the warm-path benchmark: the request comes from the environment (WARM_METHOD,
-- WARM_BODY, WARM_HEADERS as "name: value" lines), and the summary is printed as one JSON line
-- that measure.mjs parses (latencies in microseconds).
wrk.method = os.getenv("WARM_METHOD") or "GET"
local body = os.getenv("WARM_BODY")
if body ~= nil and body ~= "" then wrk.body = body end
for line in string.gmatch(os.getenv("WARM_HEADERS") or "", "[^\n]+") do
  local name, value = string.match(line, "^([^:]+):%s*(.*)$")
  if name ~= nil then wrk.headers[name] = value end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"p50Us":%d,"p99Us":%d,"meanUs":%.1f,"maxUs":%d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean, latency.max))
end
