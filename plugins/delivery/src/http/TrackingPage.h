#pragma once
// The public tracking page for end customers: one self-contained HTML document (inline CSS, no
// script, no external assets), status and dates only.
#include "domain/DeliveryModel.h"

#include "mercato/sdk/Response.h"

#include <string>
#include <vector>

namespace mercato::delivery {

std::string trackingPage(const TrackedDelivery& delivery);
std::string trackingNotFoundPage(const std::string& trackingNumber);
/// One of the pages as the answer, with its headers: a Content-Security-Policy that allows the
/// page's own style sheet (by hash) and nothing else (no script, frame, form, base or other fetch),
/// nosniff, no referrer, and Vary: Accept (the same URL also answers JSON).
sdk::Response trackingPageResponse(int status, std::string html);

} // namespace mercato::delivery
