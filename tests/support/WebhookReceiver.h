#pragma once
// A Standard Webhooks receiver inside a test: the subscriber end of a delivery service's webhooks.
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/Timestamp.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mercato::test {

/// One request the receiver got.
struct Received {
    std::string id, timestamp, signature, body;
    std::int64_t receivedAt = 0; ///< Unix seconds
    int answered = 0;            ///< the status the receiver answered
};

/// A Standard Webhooks receiver on 127.0.0.1:<ephemeral>/hook that answers 500 to its first
/// `failFirst` requests and 200 to every later one, and records every request. Owns its server:
/// keep it alive while the sender may still call.
class WebhookReceiver {
public:
    explicit WebhookReceiver(int failFirst = 0)
        : _state(std::make_shared<State>()),
          _socket(Poco::Net::SocketAddress("127.0.0.1", 0)),
          _server(new Factory(_state), _socket, new Poco::Net::HTTPServerParams)
    {
        _state->failFirst = failFirst;
        _server.start();
    }
    ~WebhookReceiver() { _server.stopAll(true); }
    WebhookReceiver(const WebhookReceiver&) = delete;
    WebhookReceiver& operator=(const WebhookReceiver&) = delete;

    std::string url() const { return "http://127.0.0.1:" + std::to_string(_socket.address().port()) + "/hook"; }

    std::vector<Received> requests() const
    {
        std::lock_guard<std::mutex> lock(_state->mutex);
        return _state->seen;
    }

    /// The bodies of requests(), in order.
    std::vector<std::string> bodies() const
    {
        std::vector<std::string> out;
        for (const auto& r : requests())
            out.push_back(r.body);
        return out;
    }

private:
    struct State {
        std::mutex mutex;
        std::vector<Received> seen;
        int failFirst = 0;
    };

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(std::shared_ptr<State> state) : _state(std::move(state)) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override
        {
            Received r;
            Poco::StreamCopier::copyToString(request.stream(), r.body);
            r.id = request.get("webhook-id", "");
            r.timestamp = request.get("webhook-timestamp", "");
            r.signature = request.get("webhook-signature", "");
            r.receivedAt = Poco::Timestamp().epochTime();
            {
                std::lock_guard<std::mutex> lock(_state->mutex);
                r.answered = static_cast<int>(_state->seen.size()) < _state->failFirst ? 500 : 200;
                _state->seen.push_back(r);
            }
            response.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(r.answered));
            response.setContentType("application/json");
            response.send() << (r.answered == 200 ? R"({"ok":true})" : R"({"ok":false})");
        }

    private:
        std::shared_ptr<State> _state;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(std::shared_ptr<State> state) : _state(std::move(state)) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override { return new Handler(_state); }

    private:
        std::shared_ptr<State> _state;
    };

    std::shared_ptr<State> _state;
    Poco::Net::ServerSocket _socket;
    Poco::Net::HTTPServer _server;
};

} // namespace mercato::test
