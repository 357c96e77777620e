// The webhook signature check of the SDK (webhook::verify, isValidSecret, sign). The input is
// five fields, one a line: secret, webhook-id, webhook-timestamp, webhook-signature, then the body
// (the rest). Properties: verify never throws; a message signed with a valid secret verifies as
// Valid, also among other signatures, and no longer verifies once the body changes.
#include "FuzzSupport.h"

#include "mercato/sdk/WebhookSignature.h"

#include <Poco/NumberParser.h>

using namespace mercato::sdk;

namespace {

constexpr std::int64_t kNow = 1'700'000'000;

webhook::Verdict verifyOrFail(const std::string& secret, const std::string& id, const std::string& timestamp,
                              const std::string& signatures, const std::string& body)
{
    try {
        return webhook::verify(secret, id, timestamp, signatures, body, kNow);
    } catch (const std::exception& e) {
        mercato::fuzz::fail(std::string("verify threw: ") + e.what());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const auto f = mercato::fuzz::fields(data, size, 5);
    const std::string &secret = f[0], &id = f[1], &timestamp = f[2], &signatures = f[3], &body = f[4];
    verifyOrFail(secret, id, timestamp, signatures, body);

    if (!webhook::isValidSecret(secret) || id.empty())
        return 0;
    // A timestamp the receiver accepts: the input's when it is a number near kNow, else kNow.
    Poco::Int64 sent = kNow;
    if (!Poco::NumberParser::tryParse64(timestamp, sent) || sent < kNow - 300 || sent > kNow + 300)
        sent = kNow;
    const std::string ts = std::to_string(sent);
    const std::string good = webhook::sign(secret, id, sent, body);
    if (verifyOrFail(secret, id, ts, good, body) != webhook::Verdict::Valid)
        mercato::fuzz::fail("its own signature does not verify");
    if (verifyOrFail(secret, id, ts, signatures + " " + good, body) != webhook::Verdict::Valid)
        mercato::fuzz::fail("its own signature after others does not verify");
    if (verifyOrFail(secret, id, ts, good, body + "x") == webhook::Verdict::Valid)
        mercato::fuzz::fail("a changed body still verifies");
    return 0;
}
