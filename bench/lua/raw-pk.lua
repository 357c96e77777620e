-- GET /raw/pk?id=<random row>: the ceiling's primary-key read through the MariaDB C API
request = function()
  return wrk.format("GET", "/raw/pk?id=" .. math.random(1, 10000))
end
