// The JWT verifier of the host (TokenService::verify), which every request with a bearer token
// reaches. An input that starts with `{` is `<header JSON>\n<payload JSON>` and is signed here with
// the service's secret, so the claim checks after the signature are fuzzed too; any other input is
// verified as the token text itself. Properties: verify never throws, refuses with a reason, and
// what it accepts is HS256 from this issuer for a positive user id.
#include "FuzzSupport.h"

#include "TokenService.h"

#include <Poco/Base64Encoder.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstring>
#include <sstream>

namespace {

const char* const kSecret = "fuzz-secret-0123456789abcdef0123456789abcdef";
const char* const kIssuer = "mercato-ecommerce";

std::string base64Url(const std::string& bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

/// A compact JWS of exactly these header and payload bytes, HMAC-SHA256 signed with kSecret.
std::string signedToken(const std::string& header, const std::string& payload)
{
    const std::string input = base64Url(header) + "." + base64Url(payload);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), kSecret, static_cast<int>(std::strlen(kSecret)), reinterpret_cast<const unsigned char*>(input.data()),
              input.size(), digest, &length))
        mercato::fuzz::fail("HMAC-SHA256 failed");
    return input + "." + base64Url(std::string(reinterpret_cast<const char*>(digest), length));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const mercato::host::TokenService service(kSecret, kIssuer, 3600);
    std::string jwt(reinterpret_cast<const char*>(data), size);
    if (!jwt.empty() && jwt[0] == '{') {
        const auto parts = mercato::fuzz::fields(data, size, 2);
        jwt = signedToken(parts[0], parts[1]);
    }
    std::string why;
    std::optional<mercato::host::VerifiedClaims> claims;
    try {
        claims = service.verify(jwt, why);
    } catch (const std::exception& e) {
        mercato::fuzz::fail(std::string("verify threw: ") + e.what());
    }
    if (!claims) {
        if (why.empty())
            mercato::fuzz::fail("a token refused without a reason");
        return 0;
    }
    if (claims->userId <= 0 || claims->tokenVersion < 0)
        mercato::fuzz::fail("accepted a token for user " + std::to_string(claims->userId) + " version "
                            + std::to_string(claims->tokenVersion));
    return 0;
}
