-- wrk script: GET /healthz, the HTTP layer alone (no database), generated per
-- request in Lua like the other scripts so that wrk's own cost is comparable.
function request()
  return wrk.format("GET", "/healthz")
end
