#include "HttpServer.h"

#include "HttpFrontend.h"

#include <Poco/Delegate.h>
#include <Poco/Logger.h>
#include <Poco/Mutex.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocketImpl.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <optional>
#include <poll.h>
#include <sys/socket.h>

namespace mercato::host {

namespace {

/// How often a waiting connection looks whether others wait for its worker.
constexpr Poco::Timestamp::TimeDiff kSliceMicros = 50 * 1000;

/// Waits up to `micros` for `fd` to become readable; ::poll(2) directly because POCO 1.11's
/// SocketImpl::poll creates and closes an epoll instance on every call.
bool readable(poco_socket_t fd, Poco::Timestamp::TimeDiff micros)
{
    pollfd p{fd, POLLIN, 0};
    const int millis = static_cast<int>(std::max<Poco::Timestamp::TimeDiff>(0, (micros + 999) / 1000));
    int rc;
    do {
        rc = ::poll(&p, 1, millis);
    } while (rc < 0 && errno == EINTR);
    return rc > 0;
}

/// A connected socket that knows which part of an exchange it is in (see ConnectionGuard).
class GuardedSocketImpl final : public Poco::Net::StreamSocketImpl {
public:
    GuardedSocketImpl(poco_socket_t fd, const ConnectionGuard& guard, std::shared_ptr<ServerLoad> load)
        : Poco::Net::StreamSocketImpl(fd), _guard(guard), _load(std::move(load))
    {
    }

    /// Between requests: hasMoreRequests() is waiting for the next one.
    void enterIdle() { _phase = Phase::Idle; }
    /// The request header is being read; its deadline starts now.
    void enterHeader()
    {
        _phase = Phase::Header;
        _headerStart.update();
        _timedOut.clear();
    }
    /// The header is complete: the body and the handler follow the normal receive timeout.
    void enterBody() { _phase = Phase::Body; }

    /// Why the header read was cut, empty when it was not.
    const std::string& timedOut() const { return _timedOut; }
    /// True while accepted connections wait in the queue for a worker.
    bool clientsWaiting() const { return _load->clientsWaiting(); }

    using Poco::Net::StreamSocketImpl::poll;
    bool poll(const Poco::Timespan& timeout, int mode) override
    {
        if (_phase != Phase::Idle || !(mode & SELECT_READ))
            return Poco::Net::StreamSocketImpl::poll(timeout, mode);
        const Poco::Timestamp start;
        for (;;) {
            const Poco::Timestamp::TimeDiff remaining = timeout.totalMicroseconds() - start.elapsed();
            if (remaining <= 0)
                return false;
            if (readable(sockfd(), std::min(remaining, kSliceMicros)))
                return true;
            if (start.elapsed() >= _guard.busyIdle.totalMicroseconds() && _load->clientsWaiting())
                return false;  // give the worker to a waiting client; this one may reconnect
        }
    }

    using Poco::Net::StreamSocketImpl::receiveBytes;
    int receiveBytes(void* buffer, int length, int flags) override
    {
        if (_phase == Phase::Header)
            awaitHeaderBytes();
        return Poco::Net::StreamSocketImpl::receiveBytes(buffer, length, flags);
    }

private:
    enum class Phase { Idle, Header, Body };

    void awaitHeaderBytes()
    {
        for (;;) {
            const Poco::Timestamp::TimeDiff spent = _headerStart.elapsed();
            const Poco::Timestamp::TimeDiff remaining = _guard.headerTimeout.totalMicroseconds() - spent;
            if (remaining <= 0) {
                _timedOut = "the request header did not arrive within " +
                            std::to_string(_guard.headerTimeout.totalSeconds()) + " s";
                throw Poco::TimeoutException(_timedOut);
            }
            if (readable(sockfd(), std::min(remaining, kSliceMicros)))
                return;
            if (spent >= _guard.busyHeader.totalMicroseconds() && _load->clientsWaiting()) {
                _timedOut = "the request header was too slow while other clients were waiting";
                throw Poco::TimeoutException(_timedOut);
            }
        }
    }

    const ConnectionGuard _guard;
    const std::shared_ptr<ServerLoad> _load;
    Phase _phase = Phase::Idle;
    Poco::Timestamp _headerStart;
    std::string _timedOut;
};

/// The listening socket: accepts like POCO's SocketImpl::acceptConnection, into a GuardedSocketImpl.
class GuardedServerSocketImpl final : public Poco::Net::ServerSocketImpl {
public:
    GuardedServerSocketImpl(const ConnectionGuard& guard, std::shared_ptr<ServerLoad> load)
        : _guard(guard), _load(std::move(load))
    {
    }

    Poco::Net::SocketImpl* acceptConnection(Poco::Net::SocketAddress& clientAddr) override
    {
        if (sockfd() == POCO_INVALID_SOCKET)
            throw Poco::Net::InvalidSocketException();
        sockaddr_storage storage;
        auto* address = reinterpret_cast<sockaddr*>(&storage);
        poco_socklen_t length = sizeof storage;
        poco_socket_t fd;
        do {
            length = sizeof storage;
            fd = ::accept(sockfd(), address, &length);
        } while (fd == POCO_INVALID_SOCKET && lastError() == POCO_EINTR);
        if (fd == POCO_INVALID_SOCKET)
            error();  // throws
        clientAddr = Poco::Net::SocketAddress(address, length);
        return new GuardedSocketImpl(fd, _guard, _load);
    }

private:
    ~GuardedServerSocketImpl() override = default;

    const ConnectionGuard _guard;
    const std::shared_ptr<ServerLoad> _load;
};

/// ServerSocket's constructor from an implementation is protected.
class GuardedServerSocket final : public Poco::Net::ServerSocket {
public:
    explicit GuardedServerSocket(Poco::Net::SocketImpl* impl) : Poco::Net::ServerSocket(impl, true) {}
};

/// An answer the connection gives itself, before or instead of the frontend.
struct Problem {
    Poco::Net::HTTPResponse::HTTPStatus status;
    std::string message;
    std::vector<sdk::FieldError> errors;
};

Problem headerProblem(const std::string& what)
{
    using S = Poco::Net::HTTPResponse;
    if (what.find("URI invalid or too long") != std::string::npos)
        return {S::HTTP_REQUEST_URI_TOO_LONG, "The request URI is invalid or longer than 16384 bytes",
                {{"uri", "too_long", "at most 16384 bytes"}}};
    if (what.find("Too many header fields") != std::string::npos)
        return {S::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "The request has more than 100 header fields",
                {{"headers", "too_long", "at most 100 header fields"}}};
    if (what.find("Field value too long") != std::string::npos || what.find("Folded field value too long") != std::string::npos)
        return {S::HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE, "A request header field is longer than 8192 bytes or has no CRLF",
                {{"headers", "too_long", "each header value at most 8192 bytes"}}};
    return {S::HTTP_BAD_REQUEST, "Malformed HTTP request: " + what, {{"headers", "invalid_format", what}}};
}

bool isDecimal(const std::string& s)
{
    return !s.empty() && s.size() <= 18 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

/// RFC 9112 §6.1–6.3: a body length that cannot be trusted ends the connection.
std::optional<Problem> framingProblem(const Poco::Net::HTTPRequest& request)
{
    using S = Poco::Net::HTTPResponse;
    std::vector<std::string> lengths;
    std::vector<std::string> encodings;
    for (const auto& [name, value] : request) {
        if (Poco::icompare(name, "Content-Length") == 0)
            lengths.push_back(Poco::trim(value));
        else if (Poco::icompare(name, "Transfer-Encoding") == 0)
            encodings.push_back(Poco::trim(value));
    }
    if (!lengths.empty() && !encodings.empty())
        return Problem{S::HTTP_BAD_REQUEST, "Content-Length and Transfer-Encoding must not be sent together",
                       {{"Transfer-Encoding", "invalid_value", "send either Content-Length or Transfer-Encoding: chunked"}}};
    if (!encodings.empty() && (encodings.size() > 1 || Poco::icompare(encodings.front(), "chunked") != 0))
        return Problem{S::HTTP_BAD_REQUEST, "Transfer-Encoding must be exactly 'chunked'",
                       {{"Transfer-Encoding", "invalid_value", "only the chunked transfer coding is accepted"}}};
    for (const auto& length : lengths) {
        if (!isDecimal(length))
            return Problem{S::HTTP_BAD_REQUEST, "Content-Length must be a non-negative decimal number",
                           {{"Content-Length", "invalid_format", "a non-negative decimal number of bytes"}}};
        if (length != lengths.front())
            return Problem{S::HTTP_BAD_REQUEST, "Content-Length is sent twice with different values",
                           {{"Content-Length", "invalid_value", "send one Content-Length"}}};
    }
    return std::nullopt;
}

} // namespace

class HttpServer::ConnectionFactory final : public Poco::Net::TCPServerConnectionFactory {
public:
    ConnectionFactory(Poco::Net::HTTPRequestHandlerFactory::Ptr frontend, Poco::Net::HTTPServerParams::Ptr params, MetricsRegistry& metrics)
        : _frontend(std::move(frontend)), _params(std::move(params)), _metrics(metrics), _log(Poco::Logger::get("mercato.http"))
    {
    }

    Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

    Poco::BasicEvent<const bool> serverStopped;

    Poco::Net::HTTPRequestHandlerFactory& frontend() { return *_frontend; }
    const Poco::Net::HTTPServerParams::Ptr& params() const { return _params; }

    /// Answers `problem` with the failure envelope and ends the connection.
    void sendProblem(Poco::Net::HTTPServerSession& session, const Problem& problem, const std::string& method,
                     const Poco::Timestamp& started)
    {
        const std::string requestId = makeRequestId();
        const std::string body = renderFailure(problem.message, problem.errors);
        try {
            Poco::Net::HTTPServerResponseImpl response(session);
            response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
            response.setStatusAndReason(problem.status);
            response.setKeepAlive(false);
            response.setContentType("application/json; charset=utf-8");
            response.set("X-Request-Id", requestId);
            response.set("Server", _params->getSoftwareVersion());
            response.setContentLength64(static_cast<Poco::Int64>(body.size()));
            response.send().write(body.data(), static_cast<std::streamsize>(body.size())).flush();
        } catch (const Poco::Exception&) {
            // The client is gone; nothing to answer.
        }
        session.setKeepAlive(false);
        _metrics.observeRequest(method.empty() ? "-" : method, "unparsed", static_cast<int>(problem.status),
                                static_cast<double>(started.elapsed()) / 1e6);
        _log.information("request %s from %s refused with %d: %s", requestId,
                         session.clientAddress().host().toString(), static_cast<int>(problem.status), problem.message);
    }

private:
    Poco::Net::HTTPRequestHandlerFactory::Ptr _frontend;
    Poco::Net::HTTPServerParams::Ptr _params;
    MetricsRegistry& _metrics;
    Poco::Logger& _log;
};

namespace {

/// One client connection: POCO's HTTPServerConnection::run() loop with the guard, the framing
/// checks and enveloped protocol errors.
class GuardedConnection final : public Poco::Net::TCPServerConnection {
public:
    using Factory = HttpServer::ConnectionFactory;

    GuardedConnection(const Poco::Net::StreamSocket& socket, Factory& factory)
        : Poco::Net::TCPServerConnection(socket), _factory(factory)
    {
        _factory.serverStopped += Poco::delegate(this, &GuardedConnection::onServerStopped);
    }

    ~GuardedConnection() override
    {
        try {
            _factory.serverStopped -= Poco::delegate(this, &GuardedConnection::onServerStopped);
        } catch (...) {
        }
    }

    void run() override
    {
        auto* guarded = dynamic_cast<GuardedSocketImpl*>(socket().impl());
        poco_check_ptr(guarded);
        Poco::Net::HTTPServerParams::Ptr params = _factory.params();
        const std::string server = params->getSoftwareVersion();
        Poco::Net::HTTPServerSession session(socket(), params);
        for (;;) {
            guarded->enterIdle();
            if (_stopped || !session.hasMoreRequests())
                break;
            Poco::FastMutex::ScopedLock lock(_mutex);
            if (_stopped)
                break;
            guarded->enterHeader();
            const Poco::Timestamp started;
            Poco::Net::HTTPServerResponseImpl response(session);
            std::unique_ptr<Poco::Net::HTTPServerRequestImpl> request;
            std::optional<Problem> problem;
            try {
                request = std::make_unique<Poco::Net::HTTPServerRequestImpl>(response, session, params.get());
            } catch (const Poco::Net::NoMessageException&) {
                if (guarded->timedOut().empty())
                    break;  // closed without sending anything
                problem = timeoutProblem(guarded->timedOut());
            } catch (const Poco::Net::MessageException& e) {
                problem = guarded->timedOut().empty() ? headerProblem(e.message()) : timeoutProblem(guarded->timedOut());
            } catch (const Poco::SyntaxException&) {
                // The only number HTTPServerRequestImpl parses is Content-Length.
                problem = Problem{Poco::Net::HTTPResponse::HTTP_BAD_REQUEST, "Content-Length must be a non-negative decimal number",
                                  {{"Content-Length", "invalid_format", "a non-negative decimal number of bytes"}}};
            } catch (const Poco::Exception&) {
                if (guarded->timedOut().empty())
                    break;  // the network failed under the request; nobody to answer
                problem = timeoutProblem(guarded->timedOut());
            }
            guarded->enterBody();
            if (!problem)
                problem = framingProblem(*request);
            if (problem) {
                _factory.sendProblem(session, *problem, request ? request->getMethod() : std::string(), started);
                break;
            }

            response.setDate(Poco::Timestamp());
            response.setVersion(request->getVersion());
            // While connections wait for a worker this one answers with `Connection: close` and
            // ends, so the workers rotate over every client: a keep-alive client that never pauses
            // would otherwise keep its worker as long as it likes (found by the soak: a host
            // restarted under 64 such clients answered a new one after two minutes).
            response.setKeepAlive(params->getKeepAlive() && request->getKeepAlive() && session.canKeepAlive()
                                  && !guarded->clientsWaiting());
            if (!server.empty())
                response.set("Server", server);
            try {
                std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_factory.frontend().createRequestHandler(*request));
                if (request->getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
                    response.sendContinue();
                handler->handleRequest(*request, response);
                session.setKeepAlive(params->getKeepAlive() && response.getKeepAlive() && session.canKeepAlive());
            } catch (const Poco::Exception&) {
                // The frontend renders every failure itself; what reaches here is the network
                // failing under the response.
                break;
            }
        }
    }

private:
    static Problem timeoutProblem(const std::string& why)
    {
        return {Poco::Net::HTTPResponse::HTTP_REQUEST_TIMEOUT, "Request header timeout: " + why, {{"headers", "timeout", why}}};
    }

    void onServerStopped(const bool& abortCurrent)
    {
        _stopped = true;
        try {
            if (abortCurrent) {
                socket().shutdown();
            } else {
                // Waits for the request in progress, then ends the idle wait.
                Poco::FastMutex::ScopedLock lock(_mutex);
                socket().shutdown();
            }
        } catch (...) {
        }
    }

    Factory& _factory;
    Poco::FastMutex _mutex;
    std::atomic<bool> _stopped{false};
};

} // namespace

Poco::Net::TCPServerConnection* HttpServer::ConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
    return new GuardedConnection(socket, *this);
}

HttpServer::HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr frontend, Poco::ThreadPool& threads,
                       const Poco::Net::ServerSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
                       std::shared_ptr<ServerLoad> load, MetricsRegistry& metrics)
    : _factory(new ConnectionFactory(std::move(frontend), params, metrics)), _load(std::move(load))
{
    if (!dynamic_cast<GuardedServerSocketImpl*>(socket.impl()))
        throw std::invalid_argument("HttpServer needs a socket from HttpServer::guardedSocket()");
    _server = std::make_unique<Poco::Net::TCPServer>(_factory, threads, socket, params);
    _load->attach(_server.get());
}

HttpServer::~HttpServer()
{
    _load->attach(nullptr);
    _server.reset();
}

void HttpServer::start()
{
    _server->start();
}

void HttpServer::stopAll(bool abortCurrent)
{
    _server->stop();
    _factory->serverStopped(this, abortCurrent);
}

int HttpServer::currentConnections() const
{
    return _server->currentConnections();
}

Poco::Net::ServerSocket HttpServer::guardedSocket(const ConnectionGuard& guard, std::shared_ptr<ServerLoad> load)
{
    return GuardedServerSocket(new GuardedServerSocketImpl(guard, std::move(load)));
}

} // namespace mercato::host
