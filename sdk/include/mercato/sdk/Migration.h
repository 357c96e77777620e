#pragma once
#include <string>
#include <vector>

namespace mercato::sdk {

/// One SQL migration file, embedded into a plugin by `mercato_embed_migrations()` from
/// `sql/<dialect>/V<version>__<name>.sql`. Files are applied in version order, each once, and
/// recorded with a SHA-256 checksum of its text: start-up stops when an applied file was edited,
/// or when the database has a version this build does not know (a newer database).
struct MigrationScript {
    std::string dialect; ///< "mysql" or "sqlite" (the directory name)
    int version;
    std::string name;
    std::string fileName;
    std::string sql;     ///< statements separated by `;` at line ends
};

using MigrationSet = std::vector<MigrationScript>;

} // namespace mercato::sdk
