-- Shared by the ecommerce and delivery scripts (loaded with dofile; wrk runs from the repository root).
-- BENCH_TOKENS names a file of buyer (or client) JWTs, one per line. Each request takes the next token,
-- each wrk thread starting at its own place, so concurrent connections authenticate as different users.
-- Each thread knows its number (thread_index, 0-based).

-- read_lines(PATH): the non-empty lines of a file.
function read_lines(path)
  local items = {}
  local file = assert(io.open(assert(path, "environment variable not set"), "r"))
  for line in file:lines() do
    if line ~= "" then items[#items + 1] = line end
  end
  file:close()
  assert(#items > 0, "empty file " .. path)
  return items
end

-- read_ids(VARIABLE): the numbers in the file named by the environment variable.
function read_ids(variable)
  local ids = {}
  for _, line in ipairs(read_lines(os.getenv(variable))) do ids[#ids + 1] = tonumber(line) end
  return ids
end

local tokens = read_lines(os.getenv("BENCH_TOKENS"))
local threads = 0
local turn = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  math.randomseed(os.time() + 7919 * (thread_index or 0))
  turn = (thread_index or 0) * math.floor(#tokens / 2)
end

-- The Authorization header of the next buyer.
function next_buyer()
  turn = turn + 1
  return "Bearer " .. tokens[turn % #tokens + 1]
end
