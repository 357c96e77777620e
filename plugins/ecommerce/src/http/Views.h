#pragma once
// The JSON of API.md §2's objects, as every route of this plugin renders them.
#include "domain/Model.h"

#include "mercato/sdk/Json.h"

#include <vector>

namespace mercato::ecommerce {

sdk::JsonObject storeJson(const Store& store);
sdk::JsonObject productJson(const Product& product);
sdk::JsonObject lineJson(const OrderLine& line);
sdk::JsonArray linesJson(const std::vector<OrderLine>& lines);
/// A shipment of `order` with its lines.
sdk::JsonObject shipmentJson(const Order& order, const Shipment& shipment);
sdk::JsonObject orderJson(const Order& order);
/// `{id,type,shipment_id|null,from,to,actor:{type,id},at}`.
sdk::JsonObject eventJson(const OrderEvent& event);

/// `items` rendered by `view`, as a JSON array.
template <class T, class View>
sdk::JsonArray arrayOf(const std::vector<T>& items, View view)
{
    sdk::JsonArray a = sdk::makeArray();
    for (const auto& item : items)
        a->add(view(item));
    return a;
}

} // namespace mercato::ecommerce
