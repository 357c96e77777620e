#pragma once
#include "mercato/sdk/Cli.h"
#include "mercato/sdk/ServiceRegistry.h"

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mercato::host {

/// Services by name. Written during start-up, read at any time.
class ServiceTable final : public sdk::ServiceRegistry {
public:
    void provideService(const std::string& name, std::shared_ptr<void> service) override;
    std::shared_ptr<void> findService(const std::string& name) const override;
    /// Drops every service (at shutdown, before the plugins that own them are unloaded).
    void clear();

private:
    mutable std::mutex _mutex;
    std::map<std::string, std::shared_ptr<void>> _services;
};

/// CLI commands contributed by plugins.
class CommandTable final : public sdk::Cli {
public:
    void add(sdk::CliCommand command) override;
    /// The command whose words start `args`; `consumed` is how many words its name has.
    const sdk::CliCommand* find(const std::vector<std::string>& args, std::size_t& consumed) const;
    const std::vector<sdk::CliCommand>& commands() const { return _commands; }

private:
    std::vector<sdk::CliCommand> _commands;
};

} // namespace mercato::host
