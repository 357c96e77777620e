#pragma once
#include <map>
#include <string>

namespace mercato::test {

/// Where the build put things (from MERCATO_BUILD_DIR / MERCATO_SOURCE_DIR, set by CTest).
std::string buildDir();
std::string sourceDir();
std::string mercatoBinary();
std::string pluginDir();

/// A fresh directory under the build tree's test area, removed with the object.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return _path; }
    std::string file(const std::string& name) const { return _path + "/" + name; }

private:
    std::string _path;
};

/// The MariaDB server the tests use (MERCATO_TEST_MYSQL_* variables, defaults as scripts/test sets them).
struct MySqlServer {
    std::string host = "127.0.0.1";
    int port = 3306;
    std::string user = "mercato";
    std::string password = "mercato";
    static MySqlServer fromEnvironment();
};

/// A scratch MariaDB database `mercato_t_<pid>_<n>`, created empty and dropped on destruction.
class ScratchMySqlDatabase {
public:
    ScratchMySqlDatabase();
    ~ScratchMySqlDatabase();
    ScratchMySqlDatabase(const ScratchMySqlDatabase&) = delete;
    ScratchMySqlDatabase& operator=(const ScratchMySqlDatabase&) = delete;
    const std::string& name() const { return _name; }
    const MySqlServer& server() const { return _server; }
    /// The `db.*` keys of a host config pointing at this database.
    std::map<std::string, std::string> configKeys() const;

private:
    MySqlServer _server;
    std::string _name;
};

/// A JWT secret long enough for auth.jwtSecret.
inline const char* kTestSecret = "test-secret-0123456789abcdef0123456789abcdef";

/// A complete host config for one service on SQLite in `dir`, with the accounts plugin and mock
/// users of the ecommerce service; tests override keys as needed.
std::map<std::string, std::string> baseConfig(const TempDir& dir);

/// Writes key = value lines to `path`.
void writeProperties(const std::string& path, const std::map<std::string, std::string>& values);

} // namespace mercato::test
