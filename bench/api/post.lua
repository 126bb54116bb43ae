-- wrk script: POST a distinct, valid customer on every request.
-- Optional pacing: set WRK_DELAY_MS to wait that long before each request
-- on each connection (a fixed-rate run for latency at a given load).
local counter = 0
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  requests = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  requests = requests + 1
  local n = id * 100000000 + requests
  local body = string.format(
    '{"name":"Bench Customer %d","phone":"+1 555 %07d","email":"bench%d@example.com"}', n, n % 10000000, n)
  return wrk.format(nil, "/api/customers", nil, body)
end

-- Jittered (uniform in [0, 2D], mean D) so that the connections do not fire
-- in lockstep: arrivals spread out like independent clients.
function delay()
  if delay_ms <= 0 then return 0 end
  return math.random(0, 2 * delay_ms)
end
