#include "domain/PasswordHasher.h"

#include <crypt.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace mercato::accounts {

namespace {

struct FreeDeleter {
    void operator()(void* p) const { std::free(p); }
};

} // namespace

PasswordHasher::PasswordHasher(Scheme scheme, unsigned long cost)
    : _prefix(scheme == Scheme::Bcrypt ? "$2b$" : "$y$"), _cost(cost)
{
    _decoy = hash("decoy password that matches nothing");
}

std::string PasswordHasher::hash(const std::string& password) const
{
    // A NULL random-bytes argument makes libxcrypt draw the salt from the OS's CSPRNG.
    std::unique_ptr<char, FreeDeleter> setting(crypt_gensalt_ra(_prefix.c_str(), _cost, nullptr, 0));
    if (!setting)
        throw std::runtime_error("crypt_gensalt failed for scheme " + _prefix);
    void* data = nullptr;
    int size = 0;
    const char* result = crypt_ra(password.c_str(), setting.get(), &data, &size);
    std::unique_ptr<void, FreeDeleter> guard(data);
    if (!result || result[0] == '*')
        throw std::runtime_error("crypt failed for scheme " + _prefix);
    return result;
}

bool PasswordHasher::verify(const std::string& password, const std::string& stored) const
{
    if (stored.empty() || stored[0] != '$')
        return false;
    void* data = nullptr;
    int size = 0;
    const char* result = crypt_ra(password.c_str(), stored.c_str(), &data, &size);
    std::unique_ptr<void, FreeDeleter> guard(data);
    if (!result || result[0] == '*')
        return false;
    const std::size_t n = std::strlen(result);
    if (n != stored.size())
        return false;
    unsigned char diff = 0;
    for (std::size_t i = 0; i < n; ++i)
        diff |= static_cast<unsigned char>(result[i] ^ stored[i]);
    return diff == 0;
}

} // namespace mercato::accounts
