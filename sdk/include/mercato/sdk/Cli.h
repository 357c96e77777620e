#pragma once
#include "Export.h"

#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace mercato::sdk {

/// A command run as `mercato --config FILE <words...> [args...]` instead of serving HTTP, after
/// every plugin has started (so databases are migrated). The return value is the exit code.
struct CliCommand {
    std::string name;    ///< one or more words, e.g. "users mock-users"
    std::string summary; ///< one line for `mercato --help`
    std::function<int(const std::vector<std::string>& args, std::ostream& out)> run;
};

class MERCATO_SDK_API Cli {
public:
    virtual ~Cli();
    /// Throws std::logic_error when the name is taken.
    virtual void add(CliCommand command) = 0;
};

} // namespace mercato::sdk
