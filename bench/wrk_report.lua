-- wrk script: POST the JSON bodies in the files given after `--` (in turn; a file ending in
-- .jsonl holds one body a line), or GET without any; prints one JSON line with requests,
-- errors, replies by status class and latency percentiles (microseconds).
local bodies = {}
local next_body = 0
local threads = {}
counts = {s2xx = 0, s429 = 0, s503 = 0, s5xx = 0, other = 0}

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("offset", #threads)
end

function init(args)
  for _, name in ipairs(args) do
    local file = assert(io.open(name, "rb"))
    if name:sub(-6) == ".jsonl" then
      for line in file:lines() do
        if #line > 0 then bodies[#bodies + 1] = line end
      end
    else
      bodies[#bodies + 1] = file:read("*a")
    end
    file:close()
  end
  if #bodies > 0 then
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.body = bodies[1]
    next_body = (offset or 0) * 7919 % #bodies  -- threads start at different bodies
  end
end

function request()
  if #bodies == 0 then
    return wrk.format()
  end
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    counts.s2xx = counts.s2xx + 1
  elseif status == 429 then
    counts.s429 = counts.s429 + 1
  elseif status >= 500 then
    counts.s5xx = counts.s5xx + 1
    if status == 503 then counts.s503 = counts.s503 + 1 end
  else
    counts.other = counts.other + 1
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  local total = {s2xx = 0, s429 = 0, s503 = 0, s5xx = 0, other = 0}
  for _, thread in ipairs(threads) do
    local c = thread:get("counts")
    for key, value in pairs(c) do total[key] = total[key] + value end
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, "socket_errors": %d, '
      .. '"timeouts": %d, "s2xx": %d, "s429": %d, "s503": %d, "s5xx": %d, "other": %d, '
      .. '"p50": %d, "p95": %d, "p99": %d}\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout, e.timeout,
    total.s2xx, total.s429, total.s503, total.s5xx, total.other,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
