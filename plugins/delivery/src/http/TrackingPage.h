#pragma once
// The public tracking page for end customers: one self-contained HTML document (inline CSS, no
// script, no external assets), status and dates only.
#include "domain/DeliveryModel.h"

#include <string>
#include <vector>

namespace mercato::delivery {

std::string trackingPage(const TrackedDelivery& delivery);
std::string trackingNotFoundPage(const std::string& trackingNumber);

} // namespace mercato::delivery
