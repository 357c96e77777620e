#include "http/TrackingPage.h"

#include "domain/StatusMachine.h"

#include <Poco/Base64Encoder.h>
#include <Poco/SHA2Engine.h>

#include <cctype>
#include <sstream>

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

/// The page's only style sheet; the Content-Security-Policy allows it by its hash and nothing else.
const char* const kStyle =
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "h1{font-size:1.3rem}.status{font-size:1.6rem;font-weight:bold;margin:.5rem 0 1.5rem}"
    "ol{list-style:none;padding:0;border-left:3px solid #2a7;margin-left:.5rem}"
    "li{padding:.3rem 0 .3rem 1rem;position:relative}"
    "li::before{content:'';position:absolute;left:-.55rem;top:.7rem;width:.7rem;height:.7rem;border-radius:50%;background:#2a7}"
    "time{color:#666;font-size:.9rem;display:block}";

std::string page(const std::string& title, const std::string& body)
{
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" + escape(title) + "</title><style>" + kStyle + "</style></head><body>" + body + "</body></html>\n";
}

/// 'sha256-<base64>' of the style sheet, as CSP's style-src names an inline <style> element.
std::string styleHash()
{
    Poco::SHA2Engine sha(Poco::SHA2Engine::SHA_256);
    sha.update(std::string(kStyle));
    const auto& digest = sha.digest();
    std::ostringstream out;
    Poco::Base64Encoder base64(out);
    base64.rdbuf()->setLineLength(0);
    base64.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
    base64.close();
    return "'sha256-" + out.str() + "'";
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

sdk::Response trackingPageResponse(int status, std::string html)
{
    static const std::string policy =
        "default-src 'none'; style-src " + styleHash() + "; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    sdk::Response r = sdk::Response::raw(status, "text/html; charset=utf-8", std::move(html));
    r.withHeader("Content-Security-Policy", policy)
        .withHeader("X-Content-Type-Options", "nosniff")
        .withHeader("Referrer-Policy", "no-referrer")
        .withHeader("Vary", "Accept");
    return r;
}

} // namespace mercato::delivery
