-- wrk script: rotate GET requests over many sessions and print the results as one JSON line.
-- Usage: wrk ... -s bench/rotate.lua http://127.0.0.1:PORT -- requests.tsv
-- Each line of requests.tsv is "<path>\t<Cookie header>" (the cookie may be empty).

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  requests = {}
  for line in io.lines(args[1]) do
    local path, cookie = line:match("^([^\t]*)\t?(.*)$")
    local headers = {}
    if cookie ~= "" then headers["Cookie"] = cookie end
    table.insert(requests, wrk.format("GET", path, headers))
  end
  -- Threads start at different sessions so they do not ask for the same page in step.
  counter = (number - 1) * 97
  unexpected = 0
end

function request()
  counter = counter + 1
  return requests[(counter % #requests) + 1]
end

-- Anything but 200 (a redirect to sign-in included) means the session broke: count it.
function response(status, headers, body)
  if status ~= 200 then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("unexpected") end
  local errors = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %d, "duration_us": %d, "not_200": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p90_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, bad,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
