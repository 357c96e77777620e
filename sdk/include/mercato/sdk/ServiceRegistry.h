#pragma once
#include "Export.h"

#include <memory>
#include <stdexcept>
#include <string>

namespace mercato::sdk {

/// Services that plugins offer each other (and that the host offers plugins), by name. A service
/// type declares its name as `static constexpr const char* kServiceName`. Register in `start()`;
/// a plugin that needs another's service lists that plugin in its dependencies so it starts later.
///
///     ctx.services().provide<UserDirectory>(std::make_shared<AccountsDirectory>(...));
///     auto users = ctx.services().require<UserDirectory>();
class MERCATO_SDK_API ServiceRegistry {
public:
    virtual ~ServiceRegistry();
    /// Throws std::logic_error when the name is taken.
    virtual void provideService(const std::string& name, std::shared_ptr<void> service) = 0;
    virtual std::shared_ptr<void> findService(const std::string& name) const = 0;

    template <class T>
    void provide(std::shared_ptr<T> service)
    {
        provideService(T::kServiceName, std::static_pointer_cast<void>(std::move(service)));
    }
    template <class T>
    std::shared_ptr<T> find() const
    {
        return std::static_pointer_cast<T>(findService(T::kServiceName));
    }
    template <class T>
    std::shared_ptr<T> require() const
    {
        auto service = find<T>();
        if (!service)
            throw std::logic_error(std::string("required service '") + T::kServiceName + "' is not provided by any loaded plugin");
        return service;
    }
};

} // namespace mercato::sdk
