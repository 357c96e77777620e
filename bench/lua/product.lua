-- GET /products/{id} of a random product of BENCH_PRODUCT_IDS, as the next buyer (buyers.lua)
dofile("bench/lua/buyers.lua")
local ids = read_ids("BENCH_PRODUCT_IDS")

request = function()
  return wrk.format("GET", "/products/" .. ids[math.random(1, #ids)], {["Authorization"] = next_buyer()})
end
