#include "mercato/sdk/WebhookSignature.h"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/NumberParser.h>
#include <Poco/RandomStream.h>
#include <Poco/StringTokenizer.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <sstream>
#include <stdexcept>

namespace mercato::sdk::webhook {

namespace {

constexpr const char* kPrefix = "whsec_";

std::string base64(const std::string& bytes)
{
    std::ostringstream out;
    Poco::Base64Encoder encoder(out);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return out.str();
}

/// The HMAC key of a `whsec_<base64>` secret; empty when the secret is malformed.
std::string keyOf(const std::string& secret)
{
    if (secret.compare(0, 6, kPrefix) != 0 || secret.size() == 6)
        return {};
    // Read byte by byte into a string that exists before the decoder can throw: constructing the
    // string from istreambuf_iterators leaked its buffer when the decoder threw part-way in the
    // clang build (LeakSanitizer, fuzz/WebhookSignatureFuzzer).
    std::string key;
    try {
        std::istringstream in(secret.substr(6));
        Poco::Base64Decoder decoder(in);
        std::streambuf& bytes = *decoder.rdbuf();
        for (int c = bytes.sbumpc(); c != std::char_traits<char>::eof(); c = bytes.sbumpc())
            key.push_back(static_cast<char>(c));
    } catch (const std::exception&) {
        return {};
    }
    return key;
}

std::string hmacSha256(const std::string& key, const std::string& message)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
              message.size(), digest, &length))
        throw std::runtime_error("HMAC-SHA256 failed");
    return std::string(reinterpret_cast<const char*>(digest), length);
}

std::string expectedSignature(const std::string& key, const std::string& id, const std::string& timestamp, const std::string& body)
{
    return base64(hmacSha256(key, id + "." + timestamp + "." + body));
}

} // namespace

std::string generateSecret()
{
    std::string bytes(32, '\0');
    Poco::RandomInputStream random;
    random.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return kPrefix + base64(bytes);
}

bool isValidSecret(const std::string& secret)
{
    return !keyOf(secret).empty();
}

std::string sign(const std::string& secret, const std::string& id, std::int64_t timestamp, const std::string& body)
{
    const std::string key = keyOf(secret);
    if (key.empty())
        throw std::invalid_argument("a webhook secret has the form whsec_<base64>");
    return "v1," + expectedSignature(key, id, std::to_string(timestamp), body);
}

Verdict verify(const std::string& secret, const std::string& id, const std::string& timestamp, const std::string& signatures,
               const std::string& body, std::int64_t now, std::int64_t toleranceSeconds)
{
    if (id.empty() || timestamp.empty() || signatures.empty())
        return Verdict::MissingHeaders;
    Poco::Int64 sent = 0;
    if (!Poco::NumberParser::tryParse64(timestamp, sent) || sent < now - toleranceSeconds || sent > now + toleranceSeconds)
        return Verdict::StaleTimestamp;
    const std::string key = keyOf(secret);
    if (key.empty())
        return Verdict::BadSignature;
    const std::string expected = expectedSignature(key, id, timestamp, body);
    Poco::StringTokenizer entries(signatures, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY | Poco::StringTokenizer::TOK_TRIM);
    for (const auto& entry : entries) {
        if (entry.compare(0, 3, "v1,") != 0)
            continue;
        const std::string given = entry.substr(3);
        if (given.size() == expected.size() && CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0)
            return Verdict::Valid;
    }
    return Verdict::BadSignature;
}

} // namespace mercato::sdk::webhook
