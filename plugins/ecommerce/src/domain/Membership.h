#pragma once
// Who a caller is to a store: the two questions every catalog and order rule starts from.
#include "domain/Model.h"

#include "mercato/sdk/Principal.h"

#include <algorithm>

namespace mercato::ecommerce {

inline bool isAdmin(const sdk::Principal& caller) { return caller.role == role::kAdmin; }

/// True when `userId` is one of the store's sellers.
inline bool isMember(const Store& store, std::int64_t userId)
{
    return std::find(store.usersIds.begin(), store.usersIds.end(), userId) != store.usersIds.end();
}

} // namespace mercato::ecommerce
