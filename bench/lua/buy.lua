-- POST /orders buying two lines in one transaction: one unit of a random product of store A
-- (BENCH_STORE_A_IDS) and one of store B (BENCH_STORE_B_IDS), as the next buyer (buyers.lua)
dofile("bench/lua/buyers.lua")
local a = read_ids("BENCH_STORE_A_IDS")
local b = read_ids("BENCH_STORE_B_IDS")

request = function()
  local body = string.format('{"products":[{"product_id":%d,"quantity":1},{"product_id":%d,"quantity":1}]}',
                             a[math.random(1, #a)], b[math.random(1, #b)])
  return wrk.format("POST", "/orders", {["Authorization"] = next_buyer(), ["Content-Type"] = "application/json"}, body)
end
