-- GET /tiny: the ceiling's small JSON reply, no I/O
request = function()
  return wrk.format("GET", "/tiny")
end
