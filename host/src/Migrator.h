#pragma once
#include "mercato/sdk/Database.h"

#include <string>

namespace mercato::host {

/// Applies a plugin's embedded migrations (see sdk/Migration.h) and records them in
/// `schema_migrations(owner, version, name, checksum, applied_at)`.
class Migrator {
public:
    explicit Migrator(sdk::Database& db) : _db(db) {}

    /// Applies the missing migrations of `owner` for the database's dialect. Throws
    /// std::runtime_error naming the file for: two files with one version, an applied file whose
    /// checksum changed, an applied version this set does not have (a newer database), or a failing
    /// statement (the failing migration is not recorded).
    void apply(const std::string& owner, const sdk::MigrationSet& migrations);

    /// Splits a migration's text into statements at `;` that end a line (comments dropped).
    static std::vector<std::string> splitStatements(const std::string& sql);
    static std::string checksum(const std::string& sql);

private:
    sdk::Database& _db;
};

} // namespace mercato::host
