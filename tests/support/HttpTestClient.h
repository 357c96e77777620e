#pragma once
#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace mercato::test {

/// One HTTP answer, with the body parsed as JSON when it is JSON.
struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers; ///< names lower-cased
    std::string body;
    Poco::JSON::Object::Ptr json;               ///< null when the body is not a JSON object

    std::string header(const std::string& name) const;
    /// `errors[i].field + ":" + errors[i].code`, in response order.
    std::vector<std::string> errorCodes() const;
};

/// A keep-alive HTTP client for 127.0.0.1:<port>.
class HttpTestClient {
public:
    explicit HttpTestClient(int port) : _port(port) {}

    HttpReply request(const std::string& method, const std::string& path, const std::string& body = "",
                      const std::map<std::string, std::string>& headers = {}, const std::string& contentType = "application/json") const;
    HttpReply get(const std::string& path, const std::string& token = "") const;
    HttpReply post(const std::string& path, const std::string& body, const std::string& token = "") const;
    HttpReply put(const std::string& path, const std::string& body, const std::string& token = "") const;
    HttpReply del(const std::string& path, const std::string& token = "") const;

private:
    int _port;
};

} // namespace mercato::test
