-- GET /pk?id=<random row of the ceiling table>
request = function()
  return wrk.format("GET", "/pk?id=" .. math.random(1, 10000))
end
