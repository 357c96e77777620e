#include "Registries.h"

#include <Poco/StringTokenizer.h>

#include <stdexcept>

namespace mercato::host {

void ServiceTable::provideService(const std::string& name, std::shared_ptr<void> service)
{
    std::lock_guard<std::mutex> lock(_mutex);
    if (!_services.emplace(name, std::move(service)).second)
        throw std::logic_error("service '" + name + "' is already provided");
}

std::shared_ptr<void> ServiceTable::findService(const std::string& name) const
{
    std::lock_guard<std::mutex> lock(_mutex);
    auto it = _services.find(name);
    return it == _services.end() ? nullptr : it->second;
}

void ServiceTable::clear()
{
    std::lock_guard<std::mutex> lock(_mutex);
    _services.clear();
}

void CommandTable::add(sdk::CliCommand command)
{
    for (const auto& c : _commands)
        if (c.name == command.name)
            throw std::logic_error("CLI command '" + command.name + "' is already registered");
    _commands.push_back(std::move(command));
}

const sdk::CliCommand* CommandTable::find(const std::vector<std::string>& args, std::size_t& consumed) const
{
    const sdk::CliCommand* best = nullptr;
    for (const auto& c : _commands) {
        Poco::StringTokenizer words(c.name, " ", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
        if (words.count() > args.size())
            continue;
        bool match = true;
        for (std::size_t i = 0; i < words.count() && match; ++i)
            match = words[i] == args[i];
        if (match && (!best || words.count() > consumed)) {
            best = &c;
            consumed = words.count();
        }
    }
    return best;
}

} // namespace mercato::host
