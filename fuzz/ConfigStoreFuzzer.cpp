// The .properties loader of the host (ConfigStore::load + validate + view) with the host's own
// key tables (hostConfigSections()). The input is the file's text; `${env.MERCATO_FUZZ_SET}` is
// set, other environment references are not. Properties: a bad file is only ever a ConfigError;
// when validate() accepts the file, every declared key reads back with its type, without throwing.
#include "FuzzSupport.h"

#include "ConfigError.h"
#include "ConfigStore.h"
#include "HostConfig.h"

#include <cstdio>
#include <fstream>
#include <unistd.h>

namespace {

/// One scratch file per fuzzing process, rewritten for each input.
const std::string& scratchFile()
{
    static const std::string path = [] {
        char name[] = "/tmp/mercato-fuzz-config-XXXXXX";
        const int fd = ::mkstemp(name);
        if (fd < 0)
            mercato::fuzz::fail("cannot create a scratch file");
        ::close(fd);
        ::setenv("MERCATO_FUZZ_SET", "42", 1);
        return std::string(name);
    }();
    return path;
}

struct RemoveAtExit {
    ~RemoveAtExit() { std::remove(scratchFile().c_str()); }
} removeAtExit;

void readAll(const mercato::sdk::Config& view, const mercato::sdk::ConfigKey& key)
{
    switch (key.type) {
    case mercato::sdk::ConfigType::String: (void)view.getString(key.name); break;
    case mercato::sdk::ConfigType::Integer: {
        const std::int64_t n = view.getInt(key.name);
        if ((key.min && n < *key.min) || (key.max && n > *key.max))
            mercato::fuzz::fail(key.name + " = " + std::to_string(n) + " passed validation out of its range");
        break;
    }
    case mercato::sdk::ConfigType::Boolean: (void)view.getBool(key.name); break;
    case mercato::sdk::ConfigType::Number: (void)view.getDouble(key.name); break;
    case mercato::sdk::ConfigType::List: (void)view.getList(key.name); break;
    }
    (void)view.isSet(key.name);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    {
        std::ofstream out(scratchFile(), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    }
    const auto sections = mercato::host::hostConfigSections();
    try {
        auto store = mercato::host::ConfigStore::load(scratchFile());
        for (const auto& section : sections)
            store.declare(section.prefix, section.keys);
        store.validate();
        for (const auto& section : sections) {
            const auto view = store.view(section.prefix);
            for (const auto& key : section.keys)
                readAll(*view, key);
        }
    } catch (const mercato::host::ConfigError& e) {
        if (std::string(e.what()).empty())
            mercato::fuzz::fail("a ConfigError without a message");
    } catch (const std::exception& e) {
        mercato::fuzz::fail(std::string("not a ConfigError: ") + e.what());
    }
    return 0;
}
