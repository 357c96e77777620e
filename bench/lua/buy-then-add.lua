-- The path existing clients use: POST /orders with one unit of a random product of store A, then
-- POST /order/{id}/products with one unit of a random product of store B on that order, as the
-- same buyer. A purchase is two requests: the order ids of the 201s to POST /orders wait in a
-- queue, and each is given its second line by the next request of this thread.
dofile("bench/lua/buyers.lua")
local a = read_ids("BENCH_STORE_A_IDS")
local b = read_ids("BENCH_STORE_B_IDS")
local pending = {}

-- The buyer's token by user id: the `sub` claim of each token's payload (base64url JSON).
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local function base64url_decode(text)
  local bits = text:gsub("[^%w%-_]", ""):gsub(".", function(c)
    local v, out = alphabet:find(c, 1, true) - 1, ""
    for i = 6, 1, -1 do out = out .. (v % 2 ^ i - v % 2 ^ (i - 1) > 0 and "1" or "0") end
    return out
  end)
  return bits:gsub("%d%d%d?%d?%d?%d?%d?%d?", function(byte)
    if #byte ~= 8 then return "" end
    local c = 0
    for i = 1, 8 do c = c + (byte:sub(i, i) == "1" and 2 ^ (8 - i) or 0) end
    return string.char(c)
  end)
end
local token_of = {}
for _, token in ipairs(read_lines(os.getenv("BENCH_TOKENS"))) do
  local sub = base64url_decode(token:match("^[^.]*%.([^.]*)")):match('"sub":"?(%d+)')
  token_of[sub] = "Bearer " .. token
end

request = function()
  local order = table.remove(pending, 1)
  if order then
    return wrk.format("POST", "/order/" .. order.id .. "/products",
                      {["Authorization"] = order.token, ["Content-Type"] = "application/json"},
                      string.format('{"product_id":%d,"quantity":1}', b[math.random(1, #b)]))
  end
  return wrk.format("POST", "/orders", {["Authorization"] = next_buyer(), ["Content-Type"] = "application/json"},
                    string.format('{"products":[{"product_id":%d,"quantity":1}]}', a[math.random(1, #a)]))
end

response = function(status, headers, body)
  -- An order (it has "products") is answered to POST /orders; a line to the second request.
  if status == 201 and body:find('"products":%[') then
    local id = body:match('"data":{"id":(%d+)')
    local token = token_of[body:match('"user_id":(%d+)')]
    if id and token then pending[#pending + 1] = {id = id, token = token} end
  end
end
