#pragma once
// Shared by the load tools under bench/ and tests/soak/ (mercato-webhook-bench, mercato-soak):
// --key=value options, the API.md envelope's JSON, and a keep-alive HTTP client that never throws.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::bench {

using Clock = std::chrono::steady_clock;

inline double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
inline double millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

inline double percentile(std::vector<double> v, double p)
{
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

// ---- options: --key=value

class Options {
public:
    /// Reads argv[first…] (the tools take a mode as argv[1]).
    Options(int argc, char** argv, int first = 2)
    {
        for (int i = first; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0 || a.find('=') == std::string::npos)
                throw std::invalid_argument("not --key=value: " + a);
            _values[a.substr(2, a.find('=') - 2)] = a.substr(a.find('=') + 1);
        }
    }
    std::string text(const std::string& key, const std::string& fallback) const
    {
        auto it = _values.find(key);
        return it == _values.end() ? fallback : it->second;
    }
    double number(const std::string& key, double fallback) const
    {
        auto it = _values.find(key);
        return it == _values.end() ? fallback : Poco::NumberParser::parseFloat(it->second);
    }
    long integer(const std::string& key, long fallback) const { return static_cast<long>(number(key, static_cast<double>(fallback))); }
    /// The first line of the file named by --key (a JWT).
    std::string token(const std::string& key) const
    {
        const std::string file = text(key, "");
        if (file.empty()) throw std::invalid_argument("--" + key + " is required");
        std::ifstream in(file);
        std::string line;
        std::getline(in, line);
        if (line.empty()) throw std::invalid_argument("no token in " + file);
        return line;
    }

private:
    std::map<std::string, std::string> _values;
};

// ---- JSON

inline Poco::JSON::Object::Ptr parseObject(const std::string& text)
{
    try {
        Poco::JSON::Parser parser;
        return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
    } catch (const std::exception&) {
        return nullptr;
    }
}

/// The "data" object of an envelope (null when there is none).
inline Poco::JSON::Object::Ptr dataOf(const std::string& text)
{
    auto o = parseObject(text);
    return o ? o->getObject("data") : nullptr;
}

// ---- HTTP client: one keep-alive connection

struct Answer {
    int status = 0; // 0: no answer
    std::string body;
    Clock::time_point at;
    std::string error;
};

class Client {
public:
    Client(const std::string& host, Poco::UInt16 port, int timeoutSeconds = 30) : _session(host, port)
    {
        _session.setKeepAlive(true);
        _session.setTimeout(Poco::Timespan(timeoutSeconds, 0));
    }

    Answer call(const std::string& method, const std::string& path, const std::string& token, const std::string& body = "")
    {
        Answer a;
        dropClosedConnection();
        try {
            Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
            request.setKeepAlive(true);
            if (!token.empty()) request.set("Authorization", "Bearer " + token);
            if (!body.empty() || method == "POST" || method == "PUT") {
                request.setContentType("application/json");
                request.setContentLength(static_cast<std::streamsize>(body.size()));
            }
            _session.sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            std::istream& in = _session.receiveResponse(response);
            Poco::StreamCopier::copyToString(in, a.body);
            a.at = Clock::now();
            a.status = static_cast<int>(response.getStatus());
        } catch (const Poco::Exception& e) {
            _session.reset();
            a.at = Clock::now();
            a.error = e.displayText();
        }
        return a;
    }

private:
    /// A server may close a kept-alive connection while it is idle (the host does when clients
    /// wait for a worker, http.busyIdleMillis): like urllib3 or a browser, look before reusing it
    /// (readable while no request is outstanding = the peer's FIN or RST) and connect anew, instead
    /// of writing the next request into a closed connection.
    void dropClosedConnection()
    {
        try {
            Poco::Net::StreamSocket& socket = _session.socket();
            if (socket.impl()->initialized() && socket.poll(Poco::Timespan(0), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR))
                _session.reset();
        } catch (const Poco::Exception&) {
            _session.reset();
        }
    }

    Poco::Net::HTTPClientSession _session;
};

inline std::string describe(const Answer& a)
{
    return a.status == 0 ? "no answer (" + a.error + ")" : "HTTP " + std::to_string(a.status) + " " + a.body.substr(0, 300);
}

} // namespace mercato::bench
