#include "mercato/sdk/Json.h"

#include "mercato/sdk/ApiError.h"

#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/NumberParser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <cmath>
#include <sstream>
#include <stdexcept>
#include <typeinfo>
#include <unordered_map>
#include <utility>

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

/// The FieldError name of a path: the top-level value is the body.
std::string fieldName(const std::string& path)
{
    return path.empty() ? "body" : path;
}

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

/// The first position at or after `j` that is not an ASCII digit.
std::size_t digitsEnd(const std::string& text, std::size_t j)
{
    while (j < text.size() && isDigit(text[j]))
        ++j;
    return j;
}

/// Length of the JSON number (RFC 8259 grammar, the one POCO's pdjson reads) starting at `i`, 0
/// when none starts there; `integer` tells whether it has neither a fraction nor an exponent.
std::size_t numberLength(const std::string& text, std::size_t i, bool& integer)
{
    const std::size_t n = text.size();
    std::size_t j = i;
    if (j < n && text[j] == '-')
        ++j;
    if (j >= n || !isDigit(text[j]))
        return 0;
    j = text[j] == '0' ? j + 1 : digitsEnd(text, j);
    integer = true;
    if (j < n && text[j] == '.') {
        ++j;
        if (j >= n || !isDigit(text[j]))
            return 0;
        j = digitsEnd(text, j);
        integer = false;
    }
    if (j < n && (text[j] == 'e' || text[j] == 'E')) {
        ++j;
        if (j < n && (text[j] == '+' || text[j] == '-'))
            ++j;
        if (j >= n || !isDigit(text[j]))
            return 0;
        j = digitsEnd(text, j);
        integer = false;
    }
    return j - i;
}

/// True when an integer literal (grammar-checked, so without leading zeros) is in Int64 range.
bool fitsInt64(const std::string& literal)
{
    const bool negative = literal[0] == '-';
    const std::size_t digits = literal.size() - (negative ? 1 : 0);
    if (digits != 19)
        return digits < 19;
    return literal.compare(negative ? 1 : 0, 19, negative ? "9223372036854775808" : "9223372036854775807") <= 0;
}

/// A number literal POCO would not read as written.
struct RefusedNumber {
    std::size_t ordinal; ///< among the number literals of the text, in order
    bool integer;
};

/// The lexical pre-pass: finds the number literals POCO 1.11 would change or refuse (its
/// NumberParser wraps 2^64..2^64+3, clamps below -2^63, and refuses longer integers and doubles
/// beyond the double range as a syntax error) and writes "0" in their place in `text`, so that
/// POCO parses the rest and StrictParseHandler can name each refused literal's path by its ordinal.
/// Only string contents and number tokens need telling apart: everything else is left to POCO,
/// which rejects whatever is not JSON. `out` is written only when a number is refused.
std::vector<RefusedNumber> neutralizeRefusedNumbers(const std::string& text, std::string& out, std::size_t& numberCount)
{
    std::vector<RefusedNumber> refused;
    std::size_t copiedUpTo = 0;
    numberCount = 0;
    const std::size_t n = text.size();
    std::size_t i = 0;
    while (i < n) {
        const char c = text[i];
        if (c == '"') {
            for (++i; i < n && text[i] != '"'; ++i) {
                if (text[i] == '\\')
                    ++i;
            }
            ++i;
            continue;
        }
        if (c != '-' && !isDigit(c)) {
            ++i;
            continue;
        }
        bool integer = false;
        const std::size_t length = numberLength(text, i, integer);
        if (length == 0) { // not a number: POCO reports the syntax error
            ++i;
            continue;
        }
        const std::string literal = text.substr(i, length);
        bool fits = false;
        if (integer) {
            fits = fitsInt64(literal);
        } else {
            double value = 0;
            fits = Poco::NumberParser::tryParseFloat(literal, value) && std::isfinite(value);
        }
        if (!fits) {
            refused.push_back({numberCount, integer});
            out.append(text, copiedUpTo, i - copiedUpTo);
            out += '0';
            copiedUpTo = i + length;
        }
        ++numberCount;
        i += length;
    }
    if (!refused.empty())
        out.append(text, copiedUpTo, std::string::npos);
    return refused;
}

/// Poco's ParseHandler (objects with sorted keys, as Poco::JSON::Parser builds them by default)
/// that also accepts a scalar as the whole text, tracks the FieldError path of every value,
/// reports duplicate keys and refused numbers, and stops at kMaxJsonDepth.
class StrictParseHandler : public Poco::JSON::ParseHandler {
public:
    StrictParseHandler(std::vector<RefusedNumber> refused, std::size_t numberCount)
        : _refused(std::move(refused)), _numberCount(numberCount)
    {
    }

    void reset() override
    {
        ParseHandler::reset();
        _frames.clear();
        _errors.clear();
        _root = Poco::Dynamic::Var();
        _rootIsScalar = false;
        _numbersSeen = 0;
        _nextRefused = 0;
    }

    void startObject() override
    {
        open(false);
        ParseHandler::startObject();
    }
    void startArray() override
    {
        open(true);
        ParseHandler::startArray();
    }
    void endObject() override
    {
        _frames.pop_back();
        ParseHandler::endObject();
    }
    void endArray() override
    {
        _frames.pop_back();
        ParseHandler::endArray();
    }

    void key(const std::string& k) override
    {
        Frame& frame = _frames.back();
        frame.key = k;
        auto [seen, first] = frame.keys.emplace(k, false);
        if (!first && !seen->second) {
            seen->second = true;
            // fieldName: the empty key at the top has no path of its own (found by fuzz/JsonBodyFuzzer).
            _errors.push_back({fieldName(childFieldPath(frame.path, k)), "duplicate_key", "is given more than once in its object"});
        }
        ParseHandler::key(k);
    }

    void null() override
    {
        if (_frames.empty()) {
            _root = Poco::Dynamic::Var();
            _rootIsScalar = true;
            return;
        }
        advance();
        ParseHandler::null();
    }
    void value(const std::string& s) override { scalar(s); }
    void value(bool b) override { scalar(b); }
    void value(int v) override { number(v); }
    void value(unsigned v) override { number(v); }
    void value(Poco::Int64 v) override { number(v); }
    void value(Poco::UInt64 v) override { number(v); }
    void value(double d) override { number(d); }

    Poco::Dynamic::Var asVar() const override
    {
        return _rootIsScalar ? _root : ParseHandler::asVar();
    }

    /// After a parse that did not throw: the result, or BadRequest with every error found.
    Poco::Dynamic::Var result()
    {
        if (_numbersSeen != _numberCount) // the pre-pass and POCO disagree on the tokens: not JSON we understand
            throw BadRequest("Malformed JSON", {{"body", "invalid_format", "the body is not valid JSON: unreadable number"}});
        if (!_errors.empty())
            throw BadRequest("Invalid input", std::move(_errors));
        return asVar();
    }

private:
    struct Frame {
        bool array = false;
        std::string path;
        std::size_t index = 0;
        std::string key;
        std::unordered_map<std::string, bool> keys; ///< key → its duplicate was reported
    };

    std::string currentPath() const
    {
        if (_frames.empty())
            return {};
        const Frame& frame = _frames.back();
        return childFieldPath(frame.path, frame.array ? std::to_string(frame.index) : frame.key);
    }

    /// Called once per value placed in the current container, after currentPath() was taken.
    void advance()
    {
        if (!_frames.empty() && _frames.back().array)
            ++_frames.back().index;
    }

    void open(bool array)
    {
        std::string path = currentPath();
        if (_frames.size() >= kMaxJsonDepth)
            throw BadRequest("JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels",
                             {{fieldName(path), "too_deep",
                               "nests objects and arrays deeper than the limit of " + std::to_string(kMaxJsonDepth) + " levels"}});
        advance();
        Frame frame;
        frame.array = array;
        frame.path = std::move(path);
        _frames.push_back(std::move(frame));
    }

    template <typename T>
    void scalar(const T& v)
    {
        if (_frames.empty()) {
            _root = v;
            _rootIsScalar = true;
            return;
        }
        advance();
        ParseHandler::value(v);
    }

    template <typename T>
    void number(const T& v)
    {
        const std::size_t ordinal = _numbersSeen++;
        if (_nextRefused < _refused.size() && _refused[_nextRefused].ordinal == ordinal) {
            _errors.push_back({fieldName(currentPath()), "out_of_range",
                               _refused[_nextRefused].integer ? "must be an integer from -9223372036854775808 to 9223372036854775807"
                                                              : "must be a number of magnitude below 1.8e308 (a double)"});
            ++_nextRefused;
        }
        scalar(v);
    }

    const std::vector<RefusedNumber> _refused;
    const std::size_t _numberCount;
    std::size_t _numbersSeen = 0;
    std::size_t _nextRefused = 0;
    std::vector<Frame> _frames;
    std::vector<FieldError> _errors;
    Poco::Dynamic::Var _root;
    bool _rootIsScalar = false;
};

/// "reason; field code: message; ..." of a BadRequest, for callers that report a plain text.
std::string describe(const BadRequest& e)
{
    std::string text = e.what();
    for (const FieldError& error : e.errors())
        text += "; " + error.field + " " + error.code + ": " + error.message;
    return text;
}

} // namespace

std::string childFieldPath(const std::string& parent, const std::string& key)
{
    return parent.empty() ? key : parent + "." + key;
}

Poco::Dynamic::Var parseJsonStrict(const std::string& text)
{
    std::string neutralized;
    std::size_t numberCount = 0;
    std::vector<RefusedNumber> refused = neutralizeRefusedNumbers(text, neutralized, numberCount);
    const bool anyRefused = !refused.empty();
    Poco::SharedPtr<StrictParseHandler> handler = new StrictParseHandler(std::move(refused), numberCount);
    try {
        Poco::JSON::Parser parser(handler);
        parser.parse(anyRefused ? neutralized : text);
    } catch (const Poco::Exception& e) {
        const std::string reason = e.message().empty() ? e.displayText() : e.message();
        throw BadRequest("Malformed JSON", {{"body", "invalid_format", "the body is not valid JSON: " + reason}});
    }
    return handler->result();
}

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
        parsed = parseJsonStrict(text);
    } catch (const BadRequest& e) {
        throw std::invalid_argument("refused JSON: " + describe(e));
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
