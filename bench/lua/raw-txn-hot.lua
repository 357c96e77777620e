-- POST /raw/txn?id=1: every transaction on the same row, through the MariaDB C API
request = function()
  return wrk.format("POST", "/raw/txn?id=1")
end
