-- wrk script: GET a random existing customer (ids 1..MAX_ID).
local max_id = tonumber(os.getenv("MAX_ID") or "1000")
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
math.randomseed(os.time())

function request()
  return wrk.format("GET", "/api/customers/" .. math.random(1, max_id))
end

-- Jittered (uniform in [0, 2D], mean D) so that the connections do not fire
-- in lockstep: arrivals spread out like independent clients.
function delay()
  if delay_ms <= 0 then return 0 end
  return math.random(0, 2 * delay_ms)
end
