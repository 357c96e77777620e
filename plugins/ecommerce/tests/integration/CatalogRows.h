#pragma once
// The stores and products the repository tests of the ecommerce plugin buy from.
#include "domain/CatalogStore.h"

#include <string>

namespace mercato::test {

/// A store with sellers 7 and 8 and `warehouse` ("": none yet).
inline ecommerce::Store createStore(ecommerce::CatalogStore& catalog, const std::string& name, const std::string& warehouse = "1 Dock Road")
{
    ecommerce::Store s;
    s.name = name;
    s.description = "d";
    s.warehouseAddress = warehouse;
    s.usersIds = {7, 8};
    return catalog.createStore(s);
}

inline ecommerce::Product createProduct(ecommerce::CatalogStore& catalog, std::int64_t storeId, const std::string& name, std::int64_t quantity)
{
    ecommerce::Product p;
    p.storeId = storeId;
    p.name = name;
    p.shortDescription = "s";
    p.quantity = quantity;
    return catalog.createProduct(p);
}

} // namespace mercato::test
