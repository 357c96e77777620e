#include "domain/TrackingNumber.h"

#include <Poco/RandomStream.h>

namespace mercato::delivery {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
constexpr std::size_t kLength = 12;
} // namespace

std::string newTrackingNumber()
{
    Poco::RandomInputStream random;
    std::string tn;
    while (tn.size() < kLength) {
        const auto byte = static_cast<unsigned char>(random.get());
        if (byte < 252) // 252 = 7 × 36: rejecting the rest keeps every character equally likely
            tn += kAlphabet[byte % 36];
    }
    return tn;
}

bool isTrackingNumber(const std::string& text)
{
    if (text.size() != kLength)
        return false;
    for (char c : text)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
            return false;
    return true;
}

} // namespace mercato::delivery
