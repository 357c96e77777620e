#pragma once
#include <stdexcept>
#include <string>

namespace mercato::host {

/// A configuration problem that ends start-up with exit code 78 (EX_CONFIG) and this message.
class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A start-up failure other than configuration (unreachable database, unloadable plugin, failed
/// migration): exit code 1 with this message.
class StartupError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

} // namespace mercato::host
