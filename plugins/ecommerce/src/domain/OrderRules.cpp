#include "domain/OrderRules.h"

#include <algorithm>
#include <array>

namespace mercato::ecommerce {

namespace {

struct Transition {
    OrderStatus from;
    OrderStatus to;
    std::vector<Actor> actors;
};

const std::vector<Transition>& transitions()
{
    static const std::vector<Transition> table{
        {OrderStatus::Created, OrderStatus::Confirmed, {Actor::Seller, Actor::Admin}},
        {OrderStatus::Confirmed, OrderStatus::Dispatched, {Actor::Seller, Actor::Admin}},
        {OrderStatus::Dispatched, OrderStatus::Delivered, {Actor::DeliveryService}},
        {OrderStatus::Created, OrderStatus::Cancelled, {Actor::Buyer, Actor::Admin}},
        {OrderStatus::Confirmed, OrderStatus::Cancelled, {Actor::Admin}},
    };
    return table;
}

bool contains(const std::vector<Actor>& actors, Actor actor)
{
    return std::find(actors.begin(), actors.end(), actor) != actors.end();
}

const std::array<std::pair<OrderStatus, const char*>, 5> kNames{{
    {OrderStatus::Created, "CREATED"},
    {OrderStatus::Confirmed, "CONFIRMED"},
    {OrderStatus::Dispatched, "DISPATCHED"},
    {OrderStatus::Delivered, "DELIVERED"},
    {OrderStatus::Cancelled, "CANCELLED"},
}};

} // namespace

const char* toString(OrderStatus status)
{
    for (const auto& [s, name] : kNames)
        if (s == status)
            return name;
    return "UNKNOWN";
}

std::optional<OrderStatus> parseOrderStatus(const std::string& name)
{
    for (const auto& [s, n] : kNames)
        if (name == n)
            return s;
    return std::nullopt;
}

std::vector<std::string> orderStatusNames()
{
    std::vector<std::string> names;
    for (const auto& entry : kNames)
        names.emplace_back(entry.second);
    return names;
}

Actor actorOf(const std::string& r)
{
    if (r == role::kAdmin) return Actor::Admin;
    if (r == role::kSeller) return Actor::Seller;
    if (r == role::kBuyer) return Actor::Buyer;
    if (r == role::kDeliveryService) return Actor::DeliveryService;
    return Actor::Other;
}

TransitionVerdict judgeTransition(Actor actor, OrderStatus from, OrderStatus to, bool emptyOrder)
{
    bool mayEnter = false;
    for (const auto& t : transitions())
        mayEnter = mayEnter || (t.to == to && contains(t.actors, actor));
    if (!mayEnter)
        return to == OrderStatus::Created ? TransitionVerdict::Conflict : TransitionVerdict::Forbidden;
    if (from == to && to == OrderStatus::Delivered)
        return TransitionVerdict::NoOp;
    auto it = std::find_if(transitions().begin(), transitions().end(),
                           [&](const Transition& t) { return t.from == from && t.to == to; });
    if (it == transitions().end())
        return TransitionVerdict::Conflict;
    if (!contains(it->actors, actor))
        return TransitionVerdict::Forbidden;
    if (to == OrderStatus::Confirmed && emptyOrder)
        return TransitionVerdict::Conflict;
    return TransitionVerdict::Allowed;
}

const char* toString(EventActor::Type type)
{
    switch (type) {
    case EventActor::Type::User: return "user";
    case EventActor::Type::Service: return "service";
    case EventActor::Type::System: break;
    }
    return "system";
}

OrderStatus statusAfterDelivery(OrderStatus current, const std::string& deliveryStatus)
{
    return current == OrderStatus::Dispatched && deliveryStatus == "DELIVERED" ? OrderStatus::Delivered : current;
}

} // namespace mercato::ecommerce
