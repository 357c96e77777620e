#pragma once
#include <Poco/Util/ServerApplication.h>

#include <string>
#include <vector>

namespace mercato::host {

/// The `mercato` executable: `mercato --config FILE [command words...]`.
///
/// Without command words it serves HTTP until SIGTERM/SIGINT; with them it runs the plugin CLI
/// command of that name (e.g. `users mock-users`) and exits with its code. Exit codes: 0 success,
/// 64 usage error, 78 configuration error, 1 any other start-up failure.
class Server : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int main(const std::vector<std::string>& args) override;

private:
    void printHelp() const;

    std::string _configPath;
    bool _help = false;
};

} // namespace mercato::host
