#pragma once
// In-memory CatalogStore and OrderStore for unit tests of Catalog and Orders: the semantics the SQL
// stores document (soft deletes, pages in id order with exact totals, stock never below zero and
// all-or-nothing, one CREATED shipment per store in first-appearance order, writes conditional on
// the order's version that bump it), without a database. Test support, not production code: one
// mutex per store, linear scans. The test can read the outbox and the webhook receipts, and can
// simulate a concurrent change with beforeNextWrite() (with bumpVersion(), setShipmentStatus(),
// setStatus() or any domain call).
#include "domain/CatalogStore.h"
#include "domain/OrderStore.h"
#include "domain/Refusal.h"
#include "domain/Shipments.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace mercato::ecommerce::test {

inline const std::string kStamp = "2025-01-01 12:00:00";

/// Case-insensitive "haystack contains needle" (empty needle: any), like LOWER(x) LIKE LOWER('%n%').
inline bool containsText(const std::string& haystack, const std::string& needle)
{
    auto lower = [](std::string s) {
        std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return s;
    };
    return lower(haystack).find(lower(needle)) != std::string::npos;
}

/// The page [offset, offset + limit) of `all` (already filtered, in id order) and its total.
template <class T>
Slice<T> pageOf(const std::vector<T>& all, std::int64_t limit, std::int64_t offset)
{
    Slice<T> slice;
    slice.total = static_cast<std::int64_t>(all.size());
    for (std::int64_t i = std::max<std::int64_t>(offset, 0); i < slice.total && i < offset + limit; ++i)
        slice.items.push_back(all[static_cast<std::size_t>(i)]);
    return slice;
}

class InMemoryCatalogStore : public CatalogStore {
public:
    Store createStore(const Store& store) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Store s = store;
        s.id = ++_lastId;
        std::sort(s.usersIds.begin(), s.usersIds.end()); // members are read back by user id
        s.createdAt = s.updatedAt = kStamp;
        _stores[s.id] = {s, false};
        return s;
    }

    std::optional<Store> findStore(std::int64_t id) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return liveStore(id);
    }

    Slice<Store> listStores(const StoreQuery& query) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<Store> all;
        for (const auto& [id, row] : _stores)
            if (!row.deleted && containsText(row.value.name, query.nameContains)
                && (!query.memberUserId || isMemberOf(row.value, *query.memberUserId)))
                all.push_back(row.value);
        return pageOf(all, query.limit, query.offset);
    }

    std::optional<Store> updateStore(std::int64_t id, const StorePatch& patch) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _stores.find(id);
        if (it == _stores.end() || it->second.deleted)
            return std::nullopt;
        Store& s = it->second.value;
        if (patch.name) s.name = *patch.name;
        if (patch.description) s.description = *patch.description;
        if (patch.warehouseAddress) s.warehouseAddress = *patch.warehouseAddress;
        if (patch.usersIds) {
            s.usersIds = *patch.usersIds;
            std::sort(s.usersIds.begin(), s.usersIds.end());
        }
        return s;
    }

    bool deleteStore(std::int64_t id) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _stores.find(id);
        if (it == _stores.end() || it->second.deleted)
            return false;
        it->second.deleted = true;
        return true;
    }

    std::vector<std::int64_t> storesOfMember(std::int64_t userId) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<std::int64_t> ids;
        for (const auto& [id, row] : _stores) // deleted ones included
            if (isMemberOf(row.value, userId))
                ids.push_back(id);
        return ids;
    }

    Product createProduct(const Product& product) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Product p = product;
        p.id = ++_lastId;
        p.createdAt = p.updatedAt = kStamp;
        _products[p.id] = {p, false};
        return p;
    }

    std::optional<Product> findProduct(std::int64_t id) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return liveProduct(id);
    }

    Slice<Product> listProducts(const ProductQuery& query) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<Product> all;
        for (const auto& [id, row] : _products) {
            const Product& p = row.value;
            if (liveProduct(id) && (!query.storeId || p.storeId == *query.storeId) && containsText(p.name, query.nameContains)
                && (!query.inStockOnly || p.quantity > 0))
                all.push_back(p);
        }
        return pageOf(all, query.limit, query.offset);
    }

    std::optional<Product> updateProduct(std::int64_t id, const ProductPatch& patch) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _products.find(id);
        if (it != _products.end() && !it->second.deleted) {
            Product& p = it->second.value;
            if (patch.name) p.name = *patch.name;
            if (patch.shortDescription) p.shortDescription = *patch.shortDescription;
            if (patch.quantity) p.quantity = *patch.quantity;
        }
        return liveProduct(id); // nullopt as well for a product of a deleted store
    }

    bool deleteProduct(std::int64_t id) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _products.find(id);
        if (it == _products.end() || it->second.deleted)
            return false;
        it->second.deleted = true;
        return true;
    }

    std::map<std::int64_t, ProductForSale> productsForSale(const std::vector<std::int64_t>& productIds) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::map<std::int64_t, ProductForSale> found;
        for (std::int64_t id : productIds)
            if (auto p = liveProduct(id))
                found[id] = {id, p->storeId, p->name, !_stores.at(p->storeId).value.warehouseAddress.empty()};
        return found;
    }

    // ---- for InMemoryOrderStore and the tests

    /// Takes the stock of every line, all or nothing (`keep` false: only asks). The first line, in
    /// request order, whose (live) product has not enough left after the lines before it; nullopt
    /// when every line had enough (and then, with `keep`, the stock is taken).
    std::optional<std::size_t> takeStock(const std::vector<OrderLine>& lines, bool keep)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::map<std::int64_t, std::int64_t> left;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            auto it = _products.find(lines[i].productId);
            if (it == _products.end() || it->second.deleted)
                return i;
            auto& quantity = left.try_emplace(it->first, it->second.value.quantity).first->second;
            if (quantity < lines[i].quantity)
                return i;
            quantity -= lines[i].quantity;
        }
        if (keep)
            for (const auto& [id, quantity] : left)
                _products.at(id).value.quantity = quantity;
        return std::nullopt;
    }

    /// Gives `quantity` back to the product, deleted or not.
    void returnStock(std::int64_t productId, std::int64_t quantity)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _products.at(productId).value.quantity += quantity;
    }

    /// True when the store exists and is deleted.
    bool isStoreDeleted(std::int64_t storeId)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _stores.find(storeId);
        return it != _stores.end() && it->second.deleted;
    }

    /// The product's stock, whatever its or its store's deletion.
    std::int64_t stockOf(std::int64_t productId)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _products.at(productId).value.quantity;
    }

private:
    template <class T>
    struct Row {
        T value;
        bool deleted = false;
    };

    static bool isMemberOf(const Store& s, std::int64_t userId)
    {
        return std::find(s.usersIds.begin(), s.usersIds.end(), userId) != s.usersIds.end();
    }

    std::optional<Store> liveStore(std::int64_t id) const
    {
        auto it = _stores.find(id);
        if (it == _stores.end() || it->second.deleted)
            return std::nullopt;
        return it->second.value;
    }

    std::optional<Product> liveProduct(std::int64_t id) const
    {
        auto it = _products.find(id);
        if (it == _products.end() || it->second.deleted || !liveStore(it->second.value.storeId))
            return std::nullopt;
        return it->second.value;
    }

    std::mutex _mutex;
    std::int64_t _lastId = 0; // stores and products share it: an id names one object only
    std::map<std::int64_t, Row<Store>> _stores;
    std::map<std::int64_t, Row<Product>> _products;
};

class InMemoryOrderStore : public OrderStore {
public:
    explicit InMemoryOrderStore(InMemoryCatalogStore& catalog) : _catalog(catalog) {}

    std::variant<Order, StockShortfall> createOrder(const Order& input, const std::vector<OrderLine>& lines,
                                                    const std::vector<OrderEvent>& events) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        if (auto shortOf = _catalog.takeStock(lines, true))
            return StockShortfall{*shortOf};
        Order o = input;
        o.id = ++_lastOrderId;
        o.status = OrderStatus::Created;
        o.delivery.reset();
        o.version = 0;
        o.createdAt = o.updatedAt = kStamp;
        o.shipments.clear();
        for (const auto& line : lines) // one shipment per store, in the order the stores first appear
            if (std::none_of(o.shipments.begin(), o.shipments.end(), [&](const Shipment& s) { return s.storeId == line.storeId; }))
                o.shipments.push_back(newShipment(o.id, line.storeId));
        o.lines.clear();
        for (const auto& line : lines)
            o.lines.push_back(newLine(o.id, line));
        _orders[o.id] = o;
        writeEvents(o, events);
        return o;
    }

    std::optional<StockShortfall> firstShortfall(const std::vector<OrderLine>& lines) override
    {
        if (auto shortOf = _catalog.takeStock(lines, false))
            return StockShortfall{*shortOf};
        return std::nullopt;
    }

    std::variant<OrderLine, StockShortfall, Outdated> addLine(std::int64_t orderId, std::int64_t expectedVersion, const OrderLine& line,
                                                              bool startShipment, const std::vector<OrderEvent>& events) override
    {
        runHook();
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _orders.find(orderId);
        if (it == _orders.end() || it->second.version != expectedVersion)
            return Outdated{};
        if (_catalog.takeStock({line}, true))
            return StockShortfall{0}; // nothing written, the version neither
        Order& o = it->second;
        if (startShipment)
            o.shipments.push_back(newShipment(orderId, line.storeId));
        o.lines.push_back(newLine(orderId, line));
        writeEvents(o, events);
        ++o.version;
        return o.lines.back();
    }

    std::optional<Order> findOrder(std::int64_t id) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _orders.find(id);
        if (it == _orders.end())
            return std::nullopt;
        return it->second; // `delivery` is left for Orders to derive, as the SQL store leaves it
    }

    Slice<Order> listOrders(const OrderQuery& query) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        const auto sellerStores = query.scope.kind == OrderScope::Kind::Seller ? _catalog.storesOfMember(query.scope.userId)
                                                                               : std::vector<std::int64_t>{};
        const auto inScope = [&](const Order& o) {
            switch (query.scope.kind) {
            case OrderScope::Kind::All:
                return true;
            case OrderScope::Kind::Buyer:
                return o.userId == query.scope.userId;
            case OrderScope::Kind::Seller:
                break;
            }
            return std::any_of(o.lines.begin(), o.lines.end(), [&](const OrderLine& l) {
                return std::find(sellerStores.begin(), sellerStores.end(), l.storeId) != sellerStores.end();
            });
        };
        std::vector<Order> all;
        for (const auto& [id, o] : _orders)
            if (inScope(o) && (!query.status || o.status == *query.status))
                all.push_back(o);
        return pageOf(all, query.limit, query.offset);
    }

    Applied apply(const OrderChange& change) override
    {
        runHook();
        std::lock_guard<std::mutex> lock(_mutex);
        return applyLocked(change);
    }

    bool recordDelivery(std::int64_t orderId, std::int64_t shipmentId, const DeliveryInfo& delivery,
                        const std::vector<OrderEvent>& events) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        auto it = _orders.find(orderId);
        if (it == _orders.end())
            return false;
        ++it->second.version; // the SQL store touches the order's version first, whatever the shipment
        if (Shipment* s = shipmentIn(it->second, shipmentId)) {
            if (!s->delivery) // a known tracking number and status are kept (both are written together)
                s->delivery = delivery;
        }
        writeEvents(it->second, events);
        return true;
    }

    std::vector<std::int64_t> createdBefore(const std::string& stamp, std::size_t limit) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<std::int64_t> ids;
        for (const auto& [id, o] : _orders) // in id order, the oldest first
            if (ids.size() < limit && o.status == OrderStatus::Created && o.createdAt < stamp)
                ids.push_back(id);
        return ids;
    }

    std::vector<OrderEvent> events(std::int64_t orderId) override
    {
        std::lock_guard<std::mutex> lock(_mutex);
        std::vector<OrderEvent> log;
        for (const auto& [order, e] : _events)
            if (order == orderId)
                log.push_back(e);
        return log;
    }

    ReceiptResult recordDeliveryEvent(const DeliveryReceipt& receipt, const std::optional<OrderChange>& change) override
    {
        runHook();
        std::lock_guard<std::mutex> lock(_mutex);
        for (const auto& r : _receipts)
            if (r.webhookId == receipt.webhookId)
                return ReceiptResult::Duplicate;
        if (change && !applyLocked(*change))
            return ReceiptResult::Outdated; // nothing written, not even the receipt
        _receipts.push_back(receipt);
        return ReceiptResult::Recorded;
    }

    // ---- for the tests

    /// Runs `hook` (without the store's lock held) at the start of each of the next `times`
    /// conditional writes (addLine, apply, recordDeliveryEvent): a change made by someone else
    /// between the domain's read and its write. Writes the hook itself makes run no hook.
    void beforeNextWrite(std::function<void()> hook, int times = 1)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _hook = std::move(hook);
        _hookRuns = _hook ? times : 0; // a null hook, or `times` 0, clears it
    }

    /// A change of the order behind the domain's back that moves nothing (its next version).
    void bumpVersion(std::int64_t orderId)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        ++_orders.at(orderId).version;
    }

    /// Sets one shipment's status behind the domain's back (the order's status derived again, its
    /// next version).
    void setShipmentStatus(std::int64_t orderId, std::int64_t shipmentId, OrderStatus status)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Order& o = _orders.at(orderId);
        Shipment* s = shipmentIn(o, shipmentId);
        if (!s)
            throw std::logic_error("no such shipment");
        s->status = status;
        o.status = derivedStatus(o.shipments, o.status);
        ++o.version;
    }

    /// Sets the status of an order and of every shipment of it behind the domain's back (its next
    /// version).
    void setStatus(std::int64_t orderId, OrderStatus status)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        Order& o = _orders.at(orderId);
        o.status = status;
        for (auto& s : o.shipments)
            s.status = status;
        ++o.version;
    }

    /// Sets when an order was created (UTC `YYYY-MM-DD HH:MM:SS`; kStamp by default).
    void setCreatedAt(std::int64_t orderId, const std::string& stamp)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _orders.at(orderId).createdAt = stamp;
    }

    /// The messages appended to the outbox, in order.
    std::vector<OutgoingMessage> outbox()
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _outbox;
    }

    /// The webhook receipts recorded, in order.
    std::vector<DeliveryReceipt> receipts()
    {
        std::lock_guard<std::mutex> lock(_mutex);
        return _receipts;
    }

private:
    static Shipment* shipmentIn(Order& o, std::int64_t shipmentId)
    {
        auto it = std::find_if(o.shipments.begin(), o.shipments.end(), [&](const Shipment& s) { return s.id == shipmentId; });
        return it == o.shipments.end() ? nullptr : &*it;
    }

    /// apply() under the lock: every check before the first write, so a refused change writes nothing.
    Applied applyLocked(const OrderChange& change)
    {
        auto it = _orders.find(change.orderId);
        if (it == _orders.end() || it->second.version != change.expectedVersion)
            return {Applied::Kind::Outdated};
        for (std::int64_t storeId : change.liveStores)
            if (_catalog.isStoreDeleted(storeId))
                return {Applied::Kind::StoreDeleted, storeId};
        Order& o = it->second;
        writeEvents(o, change.events); // before a shipment they name may be removed
        for (const auto& move : change.moves)
            if (Shipment* s = shipmentIn(o, move.shipmentId))
                s->status = move.to;
        if (change.delivery)
            if (Shipment* s = shipmentIn(o, change.delivery->shipmentId)) {
                s->delivery = change.delivery->delivery;
                s->deliverySequence = change.delivery->sequence;
            }
        if (change.removeLine) // by id, as the SQL store deletes it
            for (auto& [id, other] : _orders)
                other.lines.erase(std::remove_if(other.lines.begin(), other.lines.end(),
                                                 [&](const OrderLine& l) { return l.id == *change.removeLine; }),
                                  other.lines.end());
        if (change.removeShipment)
            for (auto& [id, other] : _orders)
                other.shipments.erase(std::remove_if(other.shipments.begin(), other.shipments.end(),
                                                     [&](const Shipment& s) { return s.id == *change.removeShipment; }),
                                      other.shipments.end());
        for (const auto& line : change.restock)
            _catalog.returnStock(line.productId, line.quantity);
        _outbox.insert(_outbox.end(), change.messages.begin(), change.messages.end());
        o.status = change.status;
        ++o.version;
        return {Applied::Kind::Done};
    }

    /// Appends `events` to the order's log, each naming the shipment its store has now (none for 0).
    void writeEvents(const Order& o, const std::vector<OrderEvent>& events)
    {
        for (OrderEvent e : events) {
            e.id = ++_lastEventId;
            e.at = kStamp;
            e.shipmentId.reset();
            if (e.storeId != 0)
                for (const auto& s : o.shipments)
                    if (s.storeId == e.storeId)
                        e.shipmentId = s.id;
            _events.emplace_back(o.id, e);
        }
    }

    OrderLine newLine(std::int64_t orderId, OrderLine line)
    {
        line.id = ++_lastLineId;
        line.orderId = orderId;
        line.createdAt = kStamp;
        return line;
    }

    Shipment newShipment(std::int64_t orderId, std::int64_t storeId)
    {
        Shipment s;
        s.id = ++_lastShipmentId;
        s.orderId = orderId;
        s.storeId = storeId;
        s.createdAt = s.updatedAt = kStamp;
        return s;
    }

    void runHook()
    {
        std::function<void()> hook;
        {
            std::lock_guard<std::mutex> lock(_mutex);
            if (_hookRuns <= 0 || _inHook)
                return;
            hook = _hook;
            if (--_hookRuns == 0)
                _hook = nullptr;
            _inHook = true;
        }
        struct Reset {
            InMemoryOrderStore& store;
            ~Reset()
            {
                std::lock_guard<std::mutex> lock(store._mutex);
                store._inHook = false;
            }
        } reset{*this};
        hook();
    }

    InMemoryCatalogStore& _catalog;
    std::mutex _mutex;
    std::int64_t _lastOrderId = 0;
    std::int64_t _lastLineId = 0;
    std::int64_t _lastShipmentId = 100; // never equal to an order id: a test mixing them up fails
    std::map<std::int64_t, Order> _orders;
    std::vector<OutgoingMessage> _outbox;
    std::vector<DeliveryReceipt> _receipts;
    std::int64_t _lastEventId = 0;
    std::vector<std::pair<std::int64_t, OrderEvent>> _events; // (order id, event), in id order
    std::function<void()> _hook;
    int _hookRuns = 0;
    bool _inHook = false;
};

/// What a domain call was refused with: the Refusal's kind and each problem as field:code, e.g.
/// "NotFound products.1.product_id:not_found"; "accepted" when it was not refused.
template <class F>
std::string refusal(F&& call)
{
    try {
        call();
    } catch (const Refusal& r) {
        static const char* const kKinds[] = {"Invalid", "Forbidden", "NotFound", "Conflict"};
        std::string text = kKinds[static_cast<int>(r.kind())];
        for (const auto& p : r.problems())
            text += " " + p.field + ":" + p.code;
        return text;
    }
    return "accepted";
}

} // namespace mercato::ecommerce::test
