#pragma once
// Helpers shared by the fuzz targets: turning libFuzzer's bytes into the text fields a target
// needs, and failing loudly when a property that must hold does not.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace mercato::fuzz {

/// Splits `data` at its first `count - 1` newlines: `count` fields, the last one holding the rest
/// (newlines included). Missing fields are empty. Seeds are plain text files this way.
inline std::vector<std::string> fields(const std::uint8_t* data, std::size_t size, std::size_t count)
{
    std::vector<std::string> out(count);
    const std::string text(reinterpret_cast<const char*>(data), size);
    std::size_t pos = 0;
    for (std::size_t i = 0; i + 1 < count && pos <= text.size(); ++i) {
        std::size_t nl = text.find('\n', pos);
        if (nl == std::string::npos) {
            out[i] = text.substr(pos);
            return out;
        }
        out[i] = text.substr(pos, nl - pos);
        pos = nl + 1;
    }
    if (pos <= text.size())
        out[count - 1] = text.substr(pos);
    return out;
}

/// A property of the code under test did not hold: report it and abort, which libFuzzer records
/// as a crash with the input that caused it.
[[noreturn]] inline void fail(const std::string& what)
{
    std::fprintf(stderr, "fuzz property violated: %s\n", what.c_str());
    std::abort();
}

} // namespace mercato::fuzz
