-- POST /deliveries, each request a new order of the next client (buyers.lua): foreign_order_id =
-- BENCH_ORDER_BASE + (thread + 1) × 10^9 + n, so no request repeats one (a repeat would be the
-- idempotent 200 path, not a create). Give each wrk run its own BENCH_ORDER_BASE (a multiple of 10^10).
dofile("bench/lua/buyers.lua")
local base = tonumber(os.getenv("BENCH_ORDER_BASE") or "0")
local n = 0

request = function()
  n = n + 1
  local body = string.format('{"order":{"foreign_order_id":%.0f,"products":[{"sku":1,"name":"Book","qty":2}]},' ..
                             '"origin":{"address":"1 Dock Road"},"destination":{"name":"Ada","address":"2 Home Lane"}}',
                             base + ((thread_index or 0) + 1) * 1e9 + n)
  return wrk.format("POST", "/deliveries", {["Authorization"] = next_buyer(), ["Content-Type"] = "application/json"}, body)
end
