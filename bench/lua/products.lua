-- GET /products?limit=20 (the first page of the catalog), as the next buyer (buyers.lua)
dofile("bench/lua/buyers.lua")

request = function()
  return wrk.format("GET", "/products?limit=20", {["Authorization"] = next_buyer()})
end
