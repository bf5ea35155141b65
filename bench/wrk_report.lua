-- wrk script: POST the JSON bodies in the files given after `--` (in turn), or GET without any;
-- prints one JSON line with requests, errors and latency percentiles (microseconds).
local bodies = {}
local next_body = 0

function init(args)
  for _, name in ipairs(args) do
    local file = assert(io.open(name, "rb"))
    bodies[#bodies + 1] = file:read("*a")
    file:close()
  end
  if #bodies > 0 then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = bodies[1]
  end
end

function request()
  if #bodies == 0 then
    return wrk.format()
  end
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, "socket_errors": %d, '
      .. '"p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
