#include "Server.h"

#include "ConfigError.h"
#include "Host.h"

#include "mercato/sdk/Version.h"

#include <Poco/Crypto/OpenSSLInitializer.h>
#include <Poco/Logger.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionSet.h>

#include <iostream>

namespace mercato::host {

void Server::defineOptions(Poco::Util::OptionSet& options)
{
    ServerApplication::defineOptions(options);
    options.addOption(Poco::Util::Option("config", "c", "the .properties file to run (required)")
                          .required(false).repeatable(false).argument("FILE").binding("mercato.config"));
    options.addOption(Poco::Util::Option("help", "h", "show this help").required(false).repeatable(false));
}

void Server::handleOption(const std::string& name, const std::string& value)
{
    ServerApplication::handleOption(name, value);
    if (name == "help") {
        _help = true;
        stopOptionsProcessing();
    } else if (name == "config") {
        _configPath = value;
    }
}

void Server::printHelp() const
{
    Poco::Util::HelpFormatter help(options());
    help.setCommand("mercato");
    help.setUsage("--config FILE [COMMAND...]");
    help.setHeader("Mercato application server " MERCATO_SDK_VERSION_STRING
                   ": serves the REST routes of the plugins named in FILE, or runs one of their commands "
                   "(e.g. `users mock-users`).");
    help.format(std::cout);
}

int Server::main(const std::vector<std::string>& args)
{
    if (_help) {
        printHelp();
        return EXIT_OK;
    }
    if (_configPath.empty()) {
        std::cerr << "mercato: --config FILE is required (see --help)\n";
        return EXIT_USAGE;
    }
    // OpenSSL stays initialised for the whole run, for every Poco::Crypto user in the process (the
    // token service holds its own too). Without it each DigestEngine initialises and uninitialises
    // OpenSSL, and two threads doing so at once race in OpenSSLInitializer::uninitialize() and crash
    // (seen under 64 concurrent /me requests; TokenServiceTest::verifiesFromManyThreadsAtOnce).
    Poco::Crypto::OpenSSLInitializer crypto;
    try {
        Host host(_configPath);
        if (!args.empty()) {
            host.start(false);
            int code = host.runCommand(args, std::cout, std::cerr);
            std::cout.flush();
            host.shutdown(0);
            return code;
        }
        host.start(true);
        const int port = host.listen();
        Poco::Logger::get("mercato").notice("listening on port %d (config %s)", port, _configPath);
        // One write, so the asynchronous log lines cannot land inside it (tests read this line).
        const std::string line = "mercato: listening on port " + std::to_string(port) + "\n";
        std::cerr.write(line.data(), static_cast<std::streamsize>(line.size())).flush();
        waitForTerminationRequest();
        Poco::Logger::get("mercato").notice("stopping: finishing in-flight requests");
        host.shutdown(10);
        return EXIT_OK;
    } catch (const ConfigError& e) {
        std::cerr << "mercato: configuration error: " << e.what() << std::endl;
        return EXIT_CONFIG;
    } catch (const StartupError& e) {
        std::cerr << "mercato: cannot start: " << e.what() << std::endl;
        return EXIT_SOFTWARE;
    } catch (const std::exception& e) {
        std::cerr << "mercato: cannot start: " << e.what() << std::endl;
        return EXIT_SOFTWARE;
    }
}

} // namespace mercato::host
