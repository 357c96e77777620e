#pragma once
#include "MetricsRegistry.h"

#include <Poco/BasicEvent.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>
#include <Poco/Timespan.h>

#include <atomic>
#include <memory>

namespace mercato::host {

/// How the server protects its worker threads from clients that hold them without using them.
///
/// Poco's HTTPServer gives each connection a thread for its whole life. A client that sends its
/// request header one byte at a time (each byte restarts the receive timeout), or a kept-alive
/// connection that idles between requests, holds that thread while new clients wait in the queue.
/// So: a request header must arrive completely within `headerTimeout` (408 otherwise), and while
/// connections are waiting for a worker, a connection whose header has taken longer than
/// `busyHeader`, or that has idled between requests longer than `busyIdle`, gives its worker up
/// (a slow header is answered 408, an idle connection is closed as a keep-alive timeout would).
struct ConnectionGuard {
    Poco::Timespan headerTimeout{10, 0};
    Poco::Timespan busyHeader{0, 500 * 1000};
    Poco::Timespan busyIdle{0, 100 * 1000};
};

/// Tells connections whether others are waiting for a worker; set once the server exists.
class ServerLoad {
public:
    void attach(const Poco::Net::TCPServer* server) { _server.store(server); }
    bool clientsWaiting() const
    {
        const Poco::Net::TCPServer* server = _server.load();
        return server && server->queuedConnections() > 0;
    }

private:
    std::atomic<const Poco::Net::TCPServer*> _server{nullptr};
};

/// The HTTP/1.1 server of the host: Poco's TCPServer with Poco's HTTP session, request and
/// response classes, and its own connection loop, which adds to Poco's HTTPServerConnection
///  - the ConnectionGuard above;
///  - rotation: while connections wait for a worker, each answer carries `Connection: close`, so a
///    busy keep-alive client gives its worker back after its current request;
///  - strict request framing (RFC 9112 §6): Content-Length and Transfer-Encoding together, two
///    different Content-Length values, a Content-Length that is not a non-negative decimal, or a
///    Transfer-Encoding other than `chunked` is a 400 and the connection is closed, because the
///    end of the body cannot be trusted (this is what request smuggling through a proxy exploits);
///  - the JSON failure envelope with X-Request-Id on every error Poco used to answer with a bare
///    status: malformed request line or header (400), too many header fields or a too long one
///    (431), a too long URI (414), a slow header (408).
class HttpServer {
public:
    /// Listens on `socket` (bound and listening) and serves each request through `frontend`.
    HttpServer(Poco::Net::HTTPRequestHandlerFactory::Ptr frontend, Poco::ThreadPool& threads,
               const Poco::Net::ServerSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
               std::shared_ptr<ServerLoad> load, MetricsRegistry& metrics);
    ~HttpServer();

    void start();
    /// Stops accepting; with `abortCurrent` also closes connections in the middle of a request,
    /// otherwise each connection closes after its current request.
    void stopAll(bool abortCurrent);
    int currentConnections() const;

    /// A listening socket whose accepted connections are guarded as described above.
    static Poco::Net::ServerSocket guardedSocket(const ConnectionGuard& guard, std::shared_ptr<ServerLoad> load);

    /// Creates the guarded connections (defined in HttpServer.cpp).
    class ConnectionFactory;

private:
    Poco::SharedPtr<ConnectionFactory> _factory;
    std::unique_ptr<Poco::Net::TCPServer> _server;
    std::shared_ptr<ServerLoad> _load;
};

} // namespace mercato::host
