-- wrk script: POST /requests with a unique Idempotency-Key and body per request.
--
--   wrk -t1 -c16 -d30s -s bench/intake.lua http://127.0.0.1:8000/requests -- RUN_TAG TOKEN
--
-- RUN_TAG must differ between runs against the same database (a repeated key would
-- answer 200 with the existing case instead of recording a new one). TOKEN is a
-- channel token; the baseline server ignores it. `done` prints one line,
-- "WRK_JSON {...}", that bench/wrk.py reads.

local tag = "run"
local token = ""
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_number", #threads)
end

function init(args)
  tag = args[1] or tag
  token = args[2] or token
end

local categories = {"plumbing", "electrical", "doors_windows", "drainage", "public_facilities"}

function request()
  counter = counter + 1
  local key = tag .. "-" .. thread_number .. "-" .. counter
  local body = string.format(
    '{"kind":"repair","channel":"wechat","location":"%d-%d-%d%02d",'
      .. '"category":"%s","priority":"normal",'
      .. '"description":"reported through the app, request %s",'
      .. '"received_by":"desk-li",'
      .. '"reporter":{"name":"王先生","phone":"138%08d"}}',
    counter % 30 + 1, counter % 4 + 1, counter % 18 + 1, counter % 4 + 1,
    categories[counter % #categories + 1], key, counter % 100000000)
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
    ["Idempotency-Key"] = key,
  }
  return wrk.format("POST", nil, headers, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"connect":%d,"read":%d,'
      .. '"write":%d,"status":%d,"timeout":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,'
      .. '"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, latency.mean))
end
