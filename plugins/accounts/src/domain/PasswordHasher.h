#pragma once
#include <string>

namespace mercato::accounts {

/// Salted slow password hashes through libxcrypt's crypt(3) (Debian's system password library).
/// New hashes use yescrypt (`$y$`, no 72-byte limit) or bcrypt (`$2b$`); verification accepts any
/// scheme libxcrypt knows, so bcrypt hashes migrated from the Flask services keep working.
class PasswordHasher {
public:
    enum class Scheme { Yescrypt, Bcrypt };

    /// `cost` 0 means the library's recommended default for the scheme.
    PasswordHasher(Scheme scheme, unsigned long cost);

    /// A new salted hash; throws std::runtime_error when the system library fails.
    std::string hash(const std::string& password) const;
    /// Constant-time comparison of the recomputed hash; false for malformed hashes.
    bool verify(const std::string& password, const std::string& hash) const;
    /// A valid hash of a random password, used to spend the same time on unknown usernames.
    const std::string& decoyHash() const { return _decoy; }

private:
    std::string _prefix;
    unsigned long _cost;
    std::string _decoy;
};

} // namespace mercato::accounts
