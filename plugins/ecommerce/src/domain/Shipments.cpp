#include "domain/Shipments.h"

#include <algorithm>

namespace mercato::ecommerce {

namespace {

int progress(OrderStatus s)
{
    switch (s) {
    case OrderStatus::Created: return 0;
    case OrderStatus::Confirmed: return 1;
    case OrderStatus::Dispatched: return 2;
    case OrderStatus::Delivered: return 3;
    case OrderStatus::Cancelled: break;
    }
    return 4;
}

} // namespace

OrderStatus derivedStatus(const std::vector<Shipment>& shipments, OrderStatus whenNone)
{
    if (shipments.empty())
        return whenNone;
    std::optional<OrderStatus> least;
    for (const auto& s : shipments)
        if (s.status != OrderStatus::Cancelled && (!least || progress(s.status) < progress(*least)))
            least = s.status;
    return least.value_or(OrderStatus::Cancelled);
}

std::optional<DeliveryInfo> orderDelivery(const std::vector<Shipment>& shipments)
{
    if (shipments.size() != 1)
        return std::nullopt;
    return shipments.front().delivery;
}

std::vector<OrderLine> linesOf(const Order& order, const Shipment& shipment)
{
    std::vector<OrderLine> lines;
    for (const auto& l : order.lines)
        if (l.storeId == shipment.storeId)
            lines.push_back(l);
    return lines;
}

const Shipment* shipmentOfStore(const Order& order, std::int64_t storeId)
{
    auto it = std::find_if(order.shipments.begin(), order.shipments.end(), [&](const Shipment& s) { return s.storeId == storeId; });
    return it == order.shipments.end() ? nullptr : &*it;
}

MovePlan planOrderMove(Actor actor, const Order& visible, OrderStatus target)
{
    MovePlan plan;
    if (visible.shipments.empty()) {
        plan.judgedFrom = visible.status;
        plan.verdict = judgeTransition(actor, visible.status, target, true);
        return plan;
    }
    std::vector<const Shipment*> live;
    for (const auto& s : visible.shipments)
        if (s.status != OrderStatus::Cancelled)
            live.push_back(&s);
    if (live.empty()) {
        plan.judgedFrom = OrderStatus::Cancelled;
        plan.verdict = judgeTransition(actor, OrderStatus::Cancelled, target, false);
        return plan;
    }
    std::optional<MovePlan> refusal;
    bool allThere = true;
    for (const Shipment* s : live) {
        const TransitionVerdict v = judgeTransition(actor, s->status, target, false);
        if (v == TransitionVerdict::Allowed) {
            plan.moves.push_back({s->id, s->status, target});
            continue;
        }
        allThere = allThere && v == TransitionVerdict::NoOp;
        if (v != TransitionVerdict::NoOp && !refusal)
            refusal = MovePlan{v, s->status, {}};
    }
    if (target == OrderStatus::Cancelled && refusal)
        return *refusal; // all or nothing
    if (!plan.moves.empty())
        return plan;
    if (allThere) {
        plan.verdict = TransitionVerdict::NoOp;
        return plan;
    }
    return *refusal;
}

MovePlan planShipmentMove(Actor actor, const Shipment& shipment, OrderStatus target, bool callerSells)
{
    MovePlan plan;
    plan.judgedFrom = shipment.status;
    plan.verdict = judgeTransition(actor, shipment.status, target, false);
    const bool mayTouch = (actor != Actor::Seller || callerSells) && !(actor == Actor::Buyer && target == OrderStatus::Cancelled);
    if (!mayTouch) // who may act is checked before whether the transition exists
        plan.verdict = TransitionVerdict::Forbidden;
    if (plan.verdict == TransitionVerdict::Allowed)
        plan.moves.push_back({shipment.id, shipment.status, target});
    return plan;
}

} // namespace mercato::ecommerce
