#include "domain/AccountService.h"

#include <algorithm>

namespace mercato::accounts {

bool AccountPolicy::isRole(const std::string& role) const
{
    return std::find(roles.begin(), roles.end(), role) != roles.end();
}

AccountService::AccountService(UserStore& store, const PasswordHasher& hasher, HashGate& gate, AccountPolicy policy)
    : _store(store), _hasher(hasher), _gate(gate), _policy(std::move(policy))
{
    if (_policy.userCacheMillis > 0)
        _requestCache = std::make_unique<Poco::ExpireLRUCache<std::int64_t, User>>(10'000, _policy.userCacheMillis);
}

std::string AccountService::hashPassword(const std::string& password)
{
    HashGate::Slot slot = _gate.enter();
    return _hasher.hash(password);
}

bool AccountService::verifyPassword(const std::string& password, const std::string& hash)
{
    HashGate::Slot slot = _gate.enter();
    return _hasher.verify(password, hash);
}

User AccountService::create(const std::string& name, const std::string& username, const std::string& password, const std::string& role,
                            std::optional<std::string> shippingAddress)
{
    User user;
    user.name = name;
    user.username = username;
    user.passwordHash = hashPassword(password);
    user.role = role;
    if (_policy.shippingAddress)
        user.shippingAddress = std::move(shippingAddress);
    return _store.create(std::move(user));
}

std::optional<User> AccountService::authenticate(const std::string& username, const std::string& password)
{
    std::optional<User> user = _store.findByUsername(username);
    if (!user) {
        verifyPassword(password, _hasher.decoyHash());
        return std::nullopt;
    }
    if (!verifyPassword(password, user->passwordHash))
        return std::nullopt;
    return user;
}

std::optional<User> AccountService::findForRequest(std::int64_t id)
{
    if (!_requestCache)
        return _store.findById(id);
    if (auto cached = _requestCache->get(id))
        return *cached;
    const std::uint64_t forgetsBefore = _forgets.load();
    std::optional<User> user = _store.findById(id);
    // Absence is not cached: a new user is found at once. A copy read while a change was under way
    // is taken out again (a password change must revoke at once): forget() counts before it removes.
    if (user) {
        _requestCache->add(id, *user);
        if (_forgets.load() != forgetsBefore)
            _requestCache->remove(id);
    }
    return user;
}

void AccountService::forget(std::int64_t id)
{
    if (_requestCache) {
        ++_forgets;
        _requestCache->remove(id);
    }
}

bool AccountService::remove(std::int64_t id)
{
    // Forgotten before and after: a request that read the user before the change cannot leave
    // the old copy behind.
    forget(id);
    const bool removed = _store.remove(id);
    forget(id);
    return removed;
}

std::pair<std::vector<User>, std::int64_t> AccountService::list(std::int64_t limit, std::int64_t offset)
{
    return {_store.list(limit, offset), _store.count()};
}

std::optional<User> AccountService::update(std::int64_t id, const UserChanges& changes)
{
    std::optional<User> user = _store.findById(id);
    if (!user)
        return std::nullopt;
    if (changes.name)
        user->name = *changes.name;
    if (changes.password)
        user->passwordHash = hashPassword(*changes.password);
    if (changes.shippingAddress && _policy.shippingAddress)
        user->shippingAddress = *changes.shippingAddress;
    if (changes.role)
        user->role = *changes.role;
    // MariaDB reports changed (not matched) rows, so the row count cannot tell "gone" from
    // "unchanged": read the user back instead.
    forget(id);
    _store.update(*user, changes.password.has_value());
    forget(id);
    return _store.findById(id);
}

std::vector<User> AccountService::ensureMockAccounts()
{
    std::vector<User> users;
    for (const auto& mock : _policy.mockAccounts) {
        std::optional<User> existing = _store.findByUsername(mock.username);
        if (!existing) {
            try {
                existing = create(mock.name, mock.username, _policy.mockPassword, mock.role,
                                  _policy.shippingAddress ? std::optional<std::string>("1 Mock Street, Example City") : std::nullopt);
            } catch (const DuplicateUsername&) {
                existing = _store.findByUsername(mock.username); // created concurrently by another host
            }
        }
        if (existing)
            users.push_back(*existing);
    }
    return users;
}

} // namespace mercato::accounts
