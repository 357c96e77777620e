#include "mercato/sdk/Json.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <sstream>
#include <stdexcept>
#include <typeinfo>

namespace mercato::sdk {

namespace {

/// Length in bytes of the well-formed UTF-8 sequence starting at `i`, 0 when it is not one.
std::size_t utf8SequenceLength(const std::string& text, std::size_t i)
{
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80)
        return 1;
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            low = 0xA0;
        else if (lead == 0xED)
            high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            low = 0x90;
        else if (lead == 0xF4)
            high = 0x8F;
    } else {
        return 0;
    }
    if (i + length > text.size() || byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
            return 0;
    }
    return length;
}

/// POCO 1.11's Stringifier escapes quotes, backslashes and control characters and copies every
/// other byte as is (measured): valid UTF-8 stays valid, but a malformed byte (e.g. from a latin-1
/// database row) would make the whole document invalid JSON. Structural characters are ASCII, so
/// replacing each malformed byte with U+FFFD can only touch string contents.
std::string withValidUtf8(std::string text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0)
            break;
        i += length;
    }
    if (i == text.size())
        return text;
    std::string repaired = text.substr(0, i);
    repaired.reserve(text.size() + 16);
    while (i < text.size()) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0) {
            repaired += "\xEF\xBF\xBD";
            ++i;
        } else {
            repaired.append(text, i, length);
            i += length;
        }
    }
    return repaired;
}

bool isNullPointer(const Poco::Dynamic::Var& value)
{
    if (value.type() == typeid(JsonObject))
        return value.extract<JsonObject>().isNull();
    if (value.type() == typeid(JsonArray))
        return value.extract<JsonArray>().isNull();
    return false;
}

} // namespace

JsonObject makeObject()
{
    return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

JsonArray makeArray()
{
    return new Poco::JSON::Array();
}

JsonObject parseObject(const std::string& text)
{
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser;
        parsed = parser.parse(text);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("malformed JSON: " + e.displayText());
    }
    if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
        throw std::invalid_argument("the JSON value is not an object");
    return parsed.extract<Poco::JSON::Object::Ptr>();
}

std::string toJson(const Poco::Dynamic::Var& value)
{
    // The Stringifier throws "Null pointer" for an unset object or array pointer.
    if (isNullPointer(value))
        return "null";
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out, Poco::JSON_WRAP_STRINGS);
    return withValidUtf8(out.str());
}

std::optional<std::string> optionalString(const JsonObject& object, const std::string& key)
{
    if (object.isNull() || !object->has(key) || object->isNull(key))
        return std::nullopt;
    return object->getValue<std::string>(key);
}

std::optional<std::int64_t> optionalInt(const JsonObject& object, const std::string& key)
{
    if (object.isNull() || !object->has(key) || object->isNull(key))
        return std::nullopt;
    return object->get(key).convert<std::int64_t>();
}

std::optional<std::vector<std::int64_t>> optionalIntArray(const JsonObject& object, const std::string& key)
{
    if (object.isNull() || !object->has(key) || object->isNull(key))
        return std::nullopt;
    std::vector<std::int64_t> values;
    JsonArray array = object->getArray(key);
    for (std::size_t i = 0; array && i < array->size(); ++i)
        values.push_back(array->get(static_cast<unsigned>(i)).convert<std::int64_t>());
    return values;
}

} // namespace mercato::sdk
