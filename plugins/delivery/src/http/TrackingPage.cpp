#include "http/TrackingPage.h"

#include "domain/StatusMachine.h"

#include <cctype>

namespace mercato::delivery {

namespace {

std::string escape(const std::string& text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

/// "IN_ROUTE_OF_DELIVERY" → "In route of delivery".
std::string label(DeliveryStatus status)
{
    std::string text = toString(status);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '_')
            text[i] = ' ';
        else if (i > 0)
            text[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
    }
    return text;
}

std::string page(const std::string& title, const std::string& body)
{
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" + escape(title) + "</title><style>"
           "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}"
           "h1{font-size:1.3rem}.status{font-size:1.6rem;font-weight:bold;margin:.5rem 0 1.5rem}"
           "ol{list-style:none;padding:0;border-left:3px solid #2a7;margin-left:.5rem}"
           "li{padding:.3rem 0 .3rem 1rem;position:relative}"
           "li::before{content:'';position:absolute;left:-.55rem;top:.7rem;width:.7rem;height:.7rem;border-radius:50%;background:#2a7}"
           "time{color:#666;font-size:.9rem;display:block}"
           "</style></head><body>" + body + "</body></html>\n";
}

} // namespace

std::string trackingPage(const TrackedDelivery& delivery)
{
    std::string items;
    for (const auto& e : delivery.tracking)
        items += "<li>" + escape(label(e.status)) + "<time>" + escape(e.date) + " UTC</time></li>";
    return page("Delivery " + delivery.trackingNumber,
                "<h1>Delivery " + escape(delivery.trackingNumber) + "</h1><p class=\"status\" data-status=\"" + escape(toString(delivery.status))
                    + "\">" + escape(label(delivery.status)) + " (" + escape(toString(delivery.status)) + ")</p><ol>" + items + "</ol>");
}

std::string trackingNotFoundPage(const std::string& trackingNumber)
{
    return page("Delivery not found",
                "<h1>Delivery not found</h1><p>There is no delivery with the tracking number <code>" + escape(trackingNumber)
                    + "</code>. Check the number and try again.</p>");
}

} // namespace mercato::delivery
