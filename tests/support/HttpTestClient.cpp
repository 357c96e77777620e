#include "HttpTestClient.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <sstream>

namespace mercato::test {

std::string HttpReply::header(const std::string& name) const
{
    auto it = headers.find(Poco::toLower(name));
    return it == headers.end() ? "" : it->second;
}

std::vector<std::string> HttpReply::errorCodes() const
{
    std::vector<std::string> codes;
    if (json.isNull() || !json->has("errors"))
        return codes;
    auto errors = json->getArray("errors");
    for (std::size_t i = 0; i < errors->size(); ++i) {
        auto e = errors->getObject(static_cast<unsigned>(i));
        codes.push_back(e->getValue<std::string>("field") + ":" + e->getValue<std::string>("code"));
    }
    return codes;
}

HttpReply HttpTestClient::request(const std::string& method, const std::string& path, const std::string& body,
                                  const std::map<std::string, std::string>& headers, const std::string& contentType) const
{
    Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(_port));
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest rq(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [k, v] : headers)
        rq.set(k, v);
    if (!body.empty()) {
        if (!contentType.empty())
            rq.setContentType(contentType);
        rq.setContentLength64(static_cast<Poco::Int64>(body.size()));
    }
    std::ostream& out = session.sendRequest(rq);
    out << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpReply reply;
    reply.status = response.getStatus();
    for (const auto& [k, v] : response)
        reply.headers[Poco::toLower(k)] = v;
    Poco::StreamCopier::copyToString(in, reply.body);
    try {
        Poco::JSON::Parser parser;
        Poco::Dynamic::Var parsed = parser.parse(reply.body);
        if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
            reply.json = parsed.extract<Poco::JSON::Object::Ptr>();
    } catch (...) {
    }
    return reply;
}

namespace {

std::map<std::string, std::string> bearer(const std::string& token)
{
    if (token.empty())
        return {};
    return {{"Authorization", "Bearer " + token}};
}

} // namespace

HttpReply HttpTestClient::get(const std::string& path, const std::string& token) const
{
    return request("GET", path, "", bearer(token));
}

HttpReply HttpTestClient::post(const std::string& path, const std::string& body, const std::string& token) const
{
    return request("POST", path, body, bearer(token));
}

HttpReply HttpTestClient::put(const std::string& path, const std::string& body, const std::string& token) const
{
    return request("PUT", path, body, bearer(token));
}

HttpReply HttpTestClient::del(const std::string& path, const std::string& token) const
{
    return request("DELETE", path, "", bearer(token));
}

} // namespace mercato::test
