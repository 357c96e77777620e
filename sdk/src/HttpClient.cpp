#include "mercato/sdk/HttpClient.h"

#include <Poco/Ascii.h>
#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/DNS.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SecureStreamSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <exception>
#include <istream>
#include <memory>
#include <mutex>

namespace mercato::sdk {

namespace {

constexpr std::size_t kMaxResponseBody = 1024 * 1024;

/// TLS 1.2 suites with forward secrecy and an authenticated server (TLS 1.3 suites are configured
/// separately by OpenSSL and are all acceptable).
const char* const kCipherList = "HIGH:!aNULL:!eNULL:!kRSA:!PSK:!SRP:!MD5:!RC4:!3DES:@STRENGTH";

using Clock = std::chrono::steady_clock;

/// VERIFY_STRICT rather than VERIFY_RELAXED: for a client both make OpenSSL verify the chain, but
/// RELAXED makes POCO skip the host name check whenever the name resolves (again, at handshake
/// time) to a loopback address.
Poco::Net::Context::Ptr tlsContext()
{
    static std::once_flag once;
    static Poco::Net::Context::Ptr context;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Ptr created(new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                                               Poco::Net::Context::VERIFY_STRICT, 9, true, kCipherList));
        created->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context = created;
    });
    return context;
}

HttpResult failure(std::string error)
{
    HttpResult result;
    result.error = std::move(error);
    return result;
}

bool isTokenChar(char c)
{
    return Poco::Ascii::isAlphaNumeric(c) || std::strchr("!#$%&'*+-.^_`|~", c) != nullptr;
}

bool isToken(const std::string& text)
{
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c != '\0' && isTokenChar(c); });
}

bool isHeaderValue(const std::string& text)
{
    return text.find_first_of(std::string("\r\n\0", 3)) == std::string::npos;
}

bool hasSpaceOrControl(const std::string& text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
    });
}

bool isNonPublicV4(const std::uint8_t* b)
{
    const std::uint32_t a = (std::uint32_t(b[0]) << 24) | (std::uint32_t(b[1]) << 16) | (std::uint32_t(b[2]) << 8) | b[3];
    struct Range {
        std::uint32_t network;
        int bits;
    };
    static const Range kRanges[] = {
        {0x00000000, 8},  // 0.0.0.0/8 "this network"
        {0x0A000000, 8},  // 10/8 private
        {0x64400000, 10}, // 100.64/10 carrier-grade NAT
        {0x7F000000, 8},  // 127/8 loopback
        {0xA9FE0000, 16}, // 169.254/16 link-local, cloud metadata
        {0xAC100000, 12}, // 172.16/12 private
        {0xC0000000, 24}, // 192.0.0/24 IETF protocol assignments
        {0xC0000200, 24}, // 192.0.2/24 documentation
        {0xC0A80000, 16}, // 192.168/16 private
        {0xC6120000, 15}, // 198.18/15 benchmarking
        {0xC6336400, 24}, // 198.51.100/24 documentation
        {0xCB007100, 24}, // 203.0.113/24 documentation
        {0xE0000000, 4},  // 224/4 multicast
        {0xF0000000, 4},  // 240/4 reserved, incl. 255.255.255.255
    };
    return std::any_of(std::begin(kRanges), std::end(kRanges), [a](const Range& r) {
        const std::uint32_t mask = ~std::uint32_t(0) << (32 - r.bits);
        return (a & mask) == r.network;
    });
}

bool isNonPublicV6(const std::array<std::uint8_t, 16>& b)
{
    const auto zeros = [&](int from, int to) { return std::all_of(&b[from], &b[to], [](std::uint8_t x) { return x == 0; }); };
    // ::ffff:a.b.c.d (IPv4-mapped) and ::a.b.c.d (IPv4-compatible, which covers :: and ::1).
    if (zeros(0, 10) && ((b[10] == 0xFF && b[11] == 0xFF) || (b[10] == 0 && b[11] == 0)))
        return isNonPublicV4(&b[12]);
    // 64:ff9b::/96 NAT64: the gateway would connect to the embedded IPv4 address.
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && zeros(4, 12))
        return isNonPublicV4(&b[12]);
    // 2002::/16 6to4 embeds the IPv4 address of the relay's far end.
    if (b[0] == 0x20 && b[1] == 0x02)
        return isNonPublicV4(&b[2]);
    // 2001::/32 Teredo (obfuscated IPv4 inside) and 2001:db8::/32 documentation.
    if (b[0] == 0x20 && b[1] == 0x01 && ((b[2] == 0x00 && b[3] == 0x00) || (b[2] == 0x0D && b[3] == 0xB8)))
        return true;
    // Everything outside global unicast 2000::/3: fe80::/10 link-local, fc00::/7 unique-local,
    // ff00::/8 multicast, 64:ff9b:1::/48 local NAT64, 100::/64 discard, unassigned space.
    return (b[0] & 0xE0) != 0x20;
}

bool isNonPublic(const Poco::Net::IPAddress& address)
{
    if (address.family() == Poco::Net::IPAddress::IPv4) {
        std::array<std::uint8_t, 4> bytes{};
        std::memcpy(bytes.data(), address.addr(), bytes.size());
        return isNonPublicV4(bytes.data());
    }
    if (address.family() == Poco::Net::IPAddress::IPv6) {
        std::array<std::uint8_t, 16> bytes{};
        std::memcpy(bytes.data(), address.addr(), bytes.size());
        return isNonPublicV6(bytes);
    }
    return true;
}

std::vector<Poco::Net::IPAddress> resolve(const std::string& host)
{
    Poco::Net::IPAddress literal;
    if (Poco::Net::IPAddress::tryParse(host, literal))
        return {literal};
    const std::string name = Poco::Net::DNS::isIDN(host) ? Poco::Net::DNS::encodeIDN(host) : host;
    // No AI_ADDRCONFIG: every address the name has is checked, not only those of configured families.
    std::vector<Poco::Net::IPAddress> addresses = Poco::Net::DNS::hostByName(name, 0).addresses();
    if (addresses.empty())
        throw Poco::Net::NoAddressFoundException(host);
    return addresses;
}

std::string hostHeader(const std::string& host, Poco::UInt16 port, bool https)
{
    std::string value = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (https ? 443 : 80))
        value += ":" + std::to_string(port);
    return value;
}

/// Connects to the first address that accepts, in resolver order. For https the session is built
/// around a socket that is not yet connected: POCO 1.11's HTTPSClientSession(SecureStreamSocket)
/// throws for a connected one, and its own connect would resolve the name a second time.
std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const std::vector<Poco::Net::IPAddress>& addresses,
                                                          Poco::UInt16 port, const std::string& host, bool https,
                                                          const Poco::Timespan& timeout)
{
    std::exception_ptr lastError;
    for (const Poco::Net::IPAddress& address : addresses) {
        try {
            const Poco::Net::SocketAddress target(address, port);
            if (!https) {
                Poco::Net::StreamSocket socket;
                socket.connect(target, timeout);
                socket.setSendTimeout(timeout);
                socket.setReceiveTimeout(timeout);
                socket.setNoDelay(true);
                return std::make_unique<Poco::Net::HTTPClientSession>(socket);
            }
            Poco::Net::SecureStreamSocket socket(tlsContext());
            socket.setLazyHandshake(true);
            socket.setPeerHostName(host); // SNI and the name the certificate must carry
            auto session = std::make_unique<Poco::Net::HTTPSClientSession>(socket);
            socket.connect(target, timeout);
            socket.setSendTimeout(timeout);
            socket.setReceiveTimeout(timeout);
            socket.setNoDelay(true);
            // Handshake and checks here, not lazily on first write: POCO checks the host name only
            // when the handshake completes inside connect, and a handshake that needs more than one
            // receive timeout would otherwise finish unnoticed inside SSL_write, unchecked.
            if (socket.completeHandshake() != 1)
                throw Poco::Net::SSLException("TLS handshake did not complete");
            if (!socket.havePeerCertificate())
                throw Poco::Net::SSLException("the server presented no certificate");
            socket.verifyPeerCertificate(host);
            return session;
        } catch (const Poco::Net::SSLException&) {
            throw;
        } catch (const Poco::Exception&) {
            lastError = std::current_exception();
        }
    }
    std::rethrow_exception(lastError);
}

HttpResult perform(const HttpRequest& request, const HttpClient::Options& options)
{
    if (hasSpaceOrControl(request.url))
        return failure("invalid URL: " + request.url);
    Poco::URI uri;
    try {
        uri = Poco::URI(request.url);
    } catch (const Poco::SyntaxException&) {
        return failure("invalid URL: " + request.url);
    }
    const bool https = uri.getScheme() == "https";
    if (!https && uri.getScheme() != "http")
        return failure("unsupported URL scheme: " + uri.getScheme());
    const std::string host = uri.getHost();
    if (host.empty())
        return failure("URL has no host: " + request.url);
    if (!isToken(request.method))
        return failure("invalid HTTP method: " + request.method);
    if (!isHeaderValue(options.userAgent) || !isHeaderValue(request.contentType))
        return failure("invalid header value");
    for (const auto& [name, value] : request.headers) {
        if (!isToken(name) || !isHeaderValue(value))
            return failure("invalid header: " + name);
    }

    const std::vector<Poco::Net::IPAddress> addresses = resolve(host);
    if (!options.allowPrivateNetworks) {
        for (const Poco::Net::IPAddress& address : addresses) {
            if (isNonPublic(address))
                return failure("address not allowed: " + address.toString());
        }
    }

    const Poco::Timespan timeout(std::chrono::duration_cast<std::chrono::microseconds>(request.timeout).count());
    std::unique_ptr<Poco::Net::HTTPClientSession> session = openSession(addresses, uri.getPort(), host, https, timeout);
    session->setKeepAlive(false);

    const std::string path = uri.getPathAndQuery();
    Poco::Net::HTTPRequest outbound(request.method, path.empty() ? "/" : path, Poco::Net::HTTPMessage::HTTP_1_1);
    outbound.setHost(hostHeader(host, uri.getPort(), https));
    outbound.set("User-Agent", options.userAgent);
    const bool sendsBody = !request.body.empty() || request.method == Poco::Net::HTTPRequest::HTTP_POST
        || request.method == Poco::Net::HTTPRequest::HTTP_PUT || request.method == Poco::Net::HTTPRequest::HTTP_PATCH;
    if (sendsBody) {
        if (!request.contentType.empty())
            outbound.setContentType(request.contentType);
        outbound.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
    }
    for (const auto& [name, value] : request.headers) {
        // The connection's own framing headers are not the caller's to set.
        if (Poco::icompare(name, "Host") == 0 || Poco::icompare(name, "Content-Length") == 0
            || Poco::icompare(name, "Transfer-Encoding") == 0 || Poco::icompare(name, "Connection") == 0)
            continue;
        outbound.set(name, value);
    }
    outbound.setKeepAlive(false);

    std::ostream& requestStream = session->sendRequest(outbound);
    requestStream.write(request.body.data(), static_cast<std::streamsize>(request.body.size()));
    requestStream.flush();
    if (!requestStream.good()) {
        if (const Poco::Exception* error = session->networkException())
            error->rethrow();
        return failure("could not send the request");
    }

    Poco::Net::HTTPResponse response;
    std::istream& responseStream = session->receiveResponse(response);

    HttpResult result;
    for (const auto& [name, value] : response) {
        auto [it, inserted] = result.headers.emplace(name, value);
        if (!inserted)
            it->second += ", " + value;
    }

    // Each read waits at most one receive timeout; the whole body gets three, so that a server
    // trickling bytes cannot hold the caller for long.
    const Clock::time_point deadline = Clock::now() + 3 * request.timeout;
    std::array<char, 16 * 1024> buffer{};
    while (result.body.size() <= kMaxResponseBody) {
        responseStream.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        const std::streamsize got = responseStream.gcount();
        if (got > 0)
            result.body.append(buffer.data(), static_cast<std::size_t>(got));
        if (got <= 0 || !responseStream)
            break;
        if (Clock::now() > deadline)
            throw Poco::TimeoutException("reading the response body");
    }
    // std::istream swallows the streambuf's exception and only sets badbit; POCO keeps it.
    if (responseStream.bad()) {
        if (const Poco::Exception* error = session->networkException())
            error->rethrow();
        return failure("could not read the response body");
    }
    if (result.body.size() > kMaxResponseBody) {
        result.body.resize(kMaxResponseBody);
        result.error = "response body truncated to " + std::to_string(kMaxResponseBody) + " bytes";
    }
    result.status = static_cast<int>(response.getStatus());
    return result;
}

} // namespace

HttpClient::HttpClient() = default;

HttpClient::HttpClient(Options options) : _options(std::move(options)) {}

HttpResult HttpClient::send(const HttpRequest& request) const
{
    try {
        return perform(request, _options);
    } catch (const Poco::TimeoutException&) {
        return failure("timeout after " + std::to_string(request.timeout.count()) + " ms");
    } catch (const Poco::Net::ConnectionRefusedException&) {
        return failure("connection refused");
    } catch (const Poco::Net::DNSException& e) {
        return failure("cannot resolve host: " + e.displayText());
    } catch (const Poco::Net::SSLException& e) {
        return failure("TLS error: " + e.displayText());
    } catch (const Poco::Exception& e) {
        return failure(e.displayText());
    } catch (const std::exception& e) {
        return failure(e.what());
    }
}

bool isNonPublicAddress(const std::string& address)
{
    // inet_aton, behind IPAddress::tryParse, stops at white space ("8.8.8.8 x" parses): refuse such text.
    if (address.empty() || hasSpaceOrControl(address))
        return true;
    Poco::Net::IPAddress parsed;
    if (!Poco::Net::IPAddress::tryParse(address, parsed))
        return true;
    return isNonPublic(parsed);
}

std::optional<std::string> outboundUrlProblem(const std::string& url, bool allowPrivateNetworks)
{
    if (hasSpaceOrControl(url))
        return "the URL contains white space or control characters";
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::SyntaxException&) {
        return "the URL cannot be parsed";
    }
    if (uri.getScheme() != "https" && uri.getScheme() != "http")
        return "the URL must start with https:// or http://";
    if (uri.getHost().empty())
        return "the URL has no host";
    if (allowPrivateNetworks)
        return std::nullopt;
    std::vector<Poco::Net::IPAddress> addresses;
    try {
        addresses = resolve(uri.getHost());
    } catch (const Poco::Exception&) {
        return "the host " + uri.getHost() + " does not resolve";
    }
    for (const auto& address : addresses)
        if (isNonPublic(address))
            return "the host " + uri.getHost() + " resolves to a non-public address (" + address.toString() + ")";
    return std::nullopt;
}

} // namespace mercato::sdk
