-- POST /raw/txn?id=<random row>: the ceiling's durable transaction through the MariaDB C API
request = function()
  return wrk.format("POST", "/raw/txn?id=" .. math.random(1, 10000))
end
