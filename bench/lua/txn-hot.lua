-- POST /txn?id=1: every request's durable transaction updates the same row (the flash sale's shape)
wrk.method = "POST"
wrk.path = "/txn?id=1"
