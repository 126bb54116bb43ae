-- wrk script: GET a random existing customer (ids 1..MAX_ID).
local max_id = tonumber(os.getenv("MAX_ID") or "1000")
local delay_ms = tonumber(os.getenv("WRK_DELAY_MS") or "0")
math.randomseed(os.time())

function request()
  return wrk.format("GET", "/api/customers/" .. math.random(1, max_id))
end

function delay()
  return delay_ms
end
