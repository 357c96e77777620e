-- GET /deliveries/{tn}/tracking of a random tracking number of BENCH_TRACKING_NUMBERS (one per line),
-- as the next client of BENCH_TOKENS (buyers.lua; the owner of those deliveries)
dofile("bench/lua/buyers.lua")
local numbers = read_lines(os.getenv("BENCH_TRACKING_NUMBERS"))

request = function()
  return wrk.format("GET", "/deliveries/" .. numbers[math.random(1, #numbers)] .. "/tracking", {["Authorization"] = next_buyer()})
end
