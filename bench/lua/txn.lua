-- POST /txn?id=<random row>: one durable transaction per request
request = function()
  return wrk.format("POST", "/txn?id=" .. math.random(1, 10000))
end
