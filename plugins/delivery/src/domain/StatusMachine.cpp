#include "domain/StatusMachine.h"

#include <array>

namespace mercato::delivery {

namespace {

struct Name {
    DeliveryStatus status;
    const char* text;
};

constexpr std::array<Name, 6> kNames{{{DeliveryStatus::ReadyForPickUp, "READY_FOR_PICK_UP"},
                                      {DeliveryStatus::InOrigin, "IN_ORIGIN"},
                                      {DeliveryStatus::InRouteOfDelivery, "IN_ROUTE_OF_DELIVERY"},
                                      {DeliveryStatus::Delivered, "DELIVERED"},
                                      {DeliveryStatus::NotDelivered, "NOT_DELIVERED"},
                                      {DeliveryStatus::Cancelled, "CANCELLED"}}};

} // namespace

const char* toString(DeliveryStatus status)
{
    for (const auto& n : kNames)
        if (n.status == status)
            return n.text;
    return "UNKNOWN";
}

std::optional<DeliveryStatus> parseDeliveryStatus(const std::string& text)
{
    for (const auto& n : kNames)
        if (text == n.text)
            return n.status;
    return std::nullopt;
}

std::string deliveryStatusNames()
{
    std::string s;
    for (const auto& n : kNames)
        s += (s.empty() ? "" : ", ") + std::string(n.text);
    return s;
}

std::optional<DeliveryStatus> nextOnTick(DeliveryStatus status, double roll, double deliveredProbability)
{
    switch (status) {
    case DeliveryStatus::ReadyForPickUp:
        return DeliveryStatus::InOrigin;
    case DeliveryStatus::InOrigin:
        return DeliveryStatus::InRouteOfDelivery;
    case DeliveryStatus::InRouteOfDelivery:
        return roll < deliveredProbability ? DeliveryStatus::Delivered : DeliveryStatus::NotDelivered;
    case DeliveryStatus::NotDelivered:
        return DeliveryStatus::InRouteOfDelivery;
    case DeliveryStatus::Delivered:
    case DeliveryStatus::Cancelled:
        return std::nullopt;
    }
    return std::nullopt;
}

bool isActive(DeliveryStatus status)
{
    return nextOnTick(status, 0.0, 0.5).has_value();
}

const std::vector<DeliveryStatus>& activeStatuses()
{
    static const std::vector<DeliveryStatus> kActive{DeliveryStatus::ReadyForPickUp, DeliveryStatus::InOrigin,
                                                     DeliveryStatus::InRouteOfDelivery, DeliveryStatus::NotDelivered};
    return kActive;
}

bool canEditOrCancel(DeliveryStatus status)
{
    return status == DeliveryStatus::ReadyForPickUp;
}

} // namespace mercato::delivery
