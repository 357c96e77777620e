-- GET /health: the host's liveness answer, no database, no token
request = function()
  return wrk.format("GET", "/health")
end
