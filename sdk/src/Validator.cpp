#include "mercato/sdk/Validator.h"

#include <Poco/Ascii.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <typeinfo>
#include <utility>

namespace mercato::sdk {

namespace {

/// Longest address SMTP can carry (RFC 5321 path limit minus the angle brackets).
constexpr std::size_t kMaxEmailLength = 254;
constexpr std::size_t kMaxEmailLocalPart = 64;
constexpr std::size_t kMaxDomainLabel = 63;

/// Errors about the value itself at the root have no path; they name the body like the host does.
std::string fieldName(const std::string& path)
{
    return path.empty() ? "body" : path;
}

void addError(std::vector<FieldError>& errors, const std::string& path, const char* code, std::string message)
{
    errors.push_back(FieldError{fieldName(path), code, std::move(message)});
}

const Poco::JSON::Object* asObject(const Poco::Dynamic::Var& value)
{
    if (value.type() == typeid(Poco::JSON::Object::Ptr))
        return value.extract<Poco::JSON::Object::Ptr>().get();
    if (value.type() == typeid(Poco::JSON::Object))
        return &value.extract<Poco::JSON::Object>();
    return nullptr;
}

const Poco::JSON::Array* asArray(const Poco::Dynamic::Var& value)
{
    if (value.type() == typeid(Poco::JSON::Array::Ptr))
        return value.extract<Poco::JSON::Array::Ptr>().get();
    if (value.type() == typeid(Poco::JSON::Array))
        return &value.extract<Poco::JSON::Array>();
    return nullptr;
}

/// JSON null: the parser yields an empty Var; code may also hand us a null object or array pointer.
bool isNull(const Poco::Dynamic::Var& value)
{
    if (value.isEmpty())
        return true;
    if (value.type() == typeid(Poco::JSON::Object::Ptr))
        return value.extract<Poco::JSON::Object::Ptr>().isNull();
    if (value.type() == typeid(Poco::JSON::Array::Ptr))
        return value.extract<Poco::JSON::Array::Ptr>().isNull();
    return false;
}

/// Length in bytes of the well-formed UTF-8 sequence starting at `i`, 0 when it is not one
/// (overlong forms, surrogates and code points above U+10FFFF are not well-formed).
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
    if (i + length > text.size())
        return 0;
    if (byte(i + 1) < low || byte(i + 1) > high)
        return 0;
    for (std::size_t k = 2; k < length; ++k) {
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF)
            return 0;
    }
    return length;
}

/// Number of code points, or nullopt when `text` is not well-formed UTF-8.
std::optional<std::size_t> codePoints(const std::string& text)
{
    std::size_t count = 0;
    for (std::size_t i = 0; i < text.size(); ++count) {
        const std::size_t length = utf8SequenceLength(text, i);
        if (length == 0)
            return std::nullopt;
        i += length;
    }
    return count;
}

bool isAsciiSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string trimmed(const std::string& text)
{
    std::size_t begin = 0, end = text.size();
    while (begin < end && isAsciiSpace(text[begin]))
        ++begin;
    while (end > begin && isAsciiSpace(text[end - 1]))
        --end;
    return text.substr(begin, end - begin);
}

bool isBlank(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), isAsciiSpace);
}

/// Space, DEL or an ASCII control character.
bool hasSpaceOrControl(const std::string& text)
{
    return std::any_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7F;
    });
}

bool isDomainLabel(const std::string& label)
{
    if (label.empty() || label.size() > kMaxDomainLabel || label.front() == '-' || label.back() == '-')
        return false;
    return std::all_of(label.begin(), label.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        // Bytes >= 0x80 let internationalized domain names through in their UTF-8 form.
        return u >= 0x80 || Poco::Ascii::isAlphaNumeric(c) || c == '-';
    });
}

/// Pragmatic, not RFC 5322: what sign-up forms accept. Quoted local parts and address literals are
/// refused; they are legal but never used by real users and complicate every consumer of the value.
bool isEmailAddress(const std::string& text)
{
    const auto count = codePoints(text);
    if (!count || *count > kMaxEmailLength || hasSpaceOrControl(text))
        return false;
    const std::size_t at = text.find('@');
    if (at == std::string::npos || text.find('@', at + 1) != std::string::npos)
        return false;
    const std::string local = text.substr(0, at);
    const std::string domain = text.substr(at + 1);
    if (local.empty() || local.size() > kMaxEmailLocalPart || local.find_first_of("\"(),:;<>[\\]") != std::string::npos)
        return false;
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos)
        return false;
    if (domain.find('.') == std::string::npos)
        return false;
    std::size_t begin = 0;
    while (true) {
        const std::size_t dot = domain.find('.', begin);
        if (!isDomainLabel(domain.substr(begin, dot == std::string::npos ? std::string::npos : dot - begin)))
            return false;
        if (dot == std::string::npos)
            return true;
        begin = dot + 1;
    }
}

bool isHttpUrl(const std::string& text)
{
    if (hasSpaceOrControl(text))
        return false;
    try {
        // Poco::URI lower-cases the scheme and the host; it accepts "http:foo" (no authority), hence
        // the host check.
        const Poco::URI uri(text);
        return (uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty();
    } catch (const Poco::Exception&) {
        return false;
    }
}

Poco::Dynamic::Var deepCopy(const Poco::Dynamic::Var& value)
{
    if (isNull(value))
        return {};
    if (const Poco::JSON::Object* object = asObject(value)) {
        JsonObject copy = makeObject();
        for (const std::string& name : object->getNames())
            copy->set(name, deepCopy(object->get(name)));
        return copy;
    }
    if (const Poco::JSON::Array* array = asArray(value)) {
        JsonArray copy = makeArray();
        for (std::size_t i = 0; i < array->size(); ++i)
            copy->add(deepCopy(array->get(static_cast<unsigned>(i))));
        return copy;
    }
    return value;
}

std::string boundsText(const std::optional<std::int64_t>& min, const std::optional<std::int64_t>& max)
{
    if (min && max)
        return "must be between " + std::to_string(*min) + " and " + std::to_string(*max);
    if (min)
        return "must be at least " + std::to_string(*min);
    return "must be at most " + std::to_string(*max);
}

std::string joined(const std::vector<std::string>& values)
{
    std::string text;
    for (const std::string& value : values) {
        if (!text.empty())
            text += ", ";
        text += value;
    }
    return text;
}

JsonObject openApiObject(const Schema::Type type)
{
    JsonObject out = makeObject();
    switch (type) {
    case Schema::Type::String: out->set("type", "string"); break;
    case Schema::Type::Integer:
        out->set("type", "integer");
        out->set("format", "int64");
        break;
    case Schema::Type::Number: out->set("type", "number"); break;
    case Schema::Type::Boolean: out->set("type", "boolean"); break;
    case Schema::Type::Array: out->set("type", "array"); break;
    case Schema::Type::Object: out->set("type", "object"); break;
    case Schema::Type::Any: break;
    }
    return out;
}

Poco::Int64 asInt64(std::size_t n)
{
    return static_cast<Poco::Int64>(std::min<std::size_t>(n, std::numeric_limits<Poco::Int64>::max()));
}

} // namespace

Schema::Schema(Type type) : _type(type) {}

Schema Schema::string() { return Schema(Type::String); }
Schema Schema::integer() { return Schema(Type::Integer); }
Schema Schema::number() { return Schema(Type::Number); }
Schema Schema::boolean() { return Schema(Type::Boolean); }
Schema Schema::any() { return Schema(Type::Any); }

Schema Schema::array(Schema items)
{
    Schema schema(Type::Array);
    schema._items = std::make_shared<const Schema>(std::move(items));
    return schema;
}

Schema Schema::object(std::vector<SchemaField> fields)
{
    Schema schema(Type::Object);
    schema._fields = std::make_shared<const std::vector<SchemaField>>(std::move(fields));
    return schema;
}

Schema& Schema::maxLength(std::size_t chars)
{
    _maxLength = chars;
    return *this;
}

Schema& Schema::minLength(std::size_t chars)
{
    _minLength = chars;
    return *this;
}

Schema& Schema::allowEmpty(bool allow)
{
    _allowEmpty = allow;
    return *this;
}

Schema& Schema::email()
{
    _email = true;
    return *this;
}

Schema& Schema::url()
{
    _url = true;
    return *this;
}

Schema& Schema::oneOf(std::vector<std::string> values)
{
    _enum = std::move(values);
    return *this;
}

Schema& Schema::noTrim()
{
    _trim = false;
    return *this;
}

Schema& Schema::min(std::int64_t value)
{
    _min = value;
    return *this;
}

Schema& Schema::max(std::int64_t value)
{
    _max = value;
    return *this;
}

Schema& Schema::minItems(std::size_t n)
{
    _minItems = n;
    return *this;
}

Schema& Schema::maxItems(std::size_t n)
{
    _maxItems = n;
    return *this;
}

Schema& Schema::description(std::string text)
{
    _description = std::move(text);
    return *this;
}

Poco::Dynamic::Var Schema::validate(const Poco::Dynamic::Var& value, const std::string& path) const
{
    if (path.empty() && isNull(value) && _type != Type::Any)
        throw BadRequest("Request body is required", {FieldError{"body", "empty_body", "a JSON object body is required"}});
    std::vector<FieldError> errors;
    Poco::Dynamic::Var result = check(value, path, errors);
    if (!errors.empty()) {
        sortFieldErrors(errors);
        throw BadRequest("Invalid input", std::move(errors));
    }
    return result;
}

JsonObject Schema::validate(const JsonObject& body) const
{
    if (body.isNull())
        throw BadRequest("Request body is required", {FieldError{"body", "empty_body", "a JSON object body is required"}});
    const Poco::Dynamic::Var result = validate(Poco::Dynamic::Var(body));
    if (result.type() != typeid(JsonObject))
        throw BadRequest("Invalid input", {FieldError{"body", "incorrect_type", "the body must be a JSON object"}});
    return result.extract<JsonObject>();
}

Poco::Dynamic::Var Schema::check(const Poco::Dynamic::Var& value, const std::string& path,
                                 std::vector<FieldError>& errors) const
{
    switch (_type) {
    case Type::Any:
        return deepCopy(value);

    case Type::Boolean:
        if (value.type() != typeid(bool)) {
            addError(errors, path, "incorrect_type", "must be true or false");
            return {};
        }
        return value;

    case Type::Integer:
    case Type::Number: {
        // What Poco::JSON::Parser 1.11 yields (measured): integer literals in Int64 range become
        // Poco::Int64 (also "-0"); 2^63 .. 2^64-1 become Poco::UInt64; anything with a fraction or an
        // exponent ("1.0", "1e3", "-0.0") is a double; true/false are bool, and a bool Var claims
        // isInteger(), so it is ruled out first. Beyond that the parser itself misbehaves: it clamps
        // "-9223372036854775809" to INT64_MIN, wraps "18446744073709551616" to 0 and "...617" to 1,
        // and rejects larger literals ("1e400" too) as a syntax error — a validator cannot see those,
        // so sdk::parseJsonStrict (every request body) refuses them, and 2^63.. too, before a schema runs.
        if (value.type() == typeid(bool) || value.isString() || !value.isNumeric()) {
            addError(errors, path, "incorrect_type", _type == Type::Integer ? "must be an integer" : "must be a number");
            return {};
        }
        if (value.isInteger()) {
            Poco::Int64 integer = 0;
            if (value.isSigned()) {
                integer = value.convert<Poco::Int64>();
            } else {
                const auto unsignedValue = value.convert<Poco::UInt64>();
                if (unsignedValue > static_cast<Poco::UInt64>(std::numeric_limits<Poco::Int64>::max())) {
                    if (_type == Type::Integer) {
                        addError(errors, path, "out_of_range", "must be a 64-bit signed integer");
                        return {};
                    }
                    const double number = static_cast<double>(unsignedValue);
                    if (_max) {
                        addError(errors, path, "out_of_range", boundsText(_min, _max));
                        return {};
                    }
                    return number;
                }
                integer = static_cast<Poco::Int64>(unsignedValue);
            }
            if ((_min && integer < *_min) || (_max && integer > *_max)) {
                addError(errors, path, "out_of_range", boundsText(_min, _max));
                return {};
            }
            return integer;
        }
        if (_type == Type::Integer) {
            addError(errors, path, "incorrect_type", "must be an integer");
            return {};
        }
        const double number = value.convert<double>();
        if (!std::isfinite(number)) {
            addError(errors, path, "out_of_range", "must be a finite number");
            return {};
        }
        if ((_min && number < static_cast<double>(*_min)) || (_max && number > static_cast<double>(*_max))) {
            addError(errors, path, "out_of_range", boundsText(_min, _max));
            return {};
        }
        return number;
    }

    case Type::String: {
        if (!value.isString()) {
            addError(errors, path, "incorrect_type", "must be a string");
            return {};
        }
        const std::string raw = value.convert<std::string>();
        // Poco::JSON::Parser already refuses malformed UTF-8 and lone surrogate escapes; this guards
        // values that reach the validator from elsewhere.
        if (!codePoints(raw)) {
            addError(errors, path, "invalid_format", "must be valid UTF-8 text");
            return {};
        }
        // Control characters other than tab, line feed and carriage return have no place in a
        // field; NUL would even cut the value short in SQLite and crypt(3).
        if (std::any_of(raw.begin(), raw.end(), [](char c) {
                const auto u = static_cast<unsigned char>(c);
                return (u < 0x20 && u != '\t' && u != '\n' && u != '\r') || u == 0x7F;
            })) {
            addError(errors, path, "invalid_format", "must not contain control characters");
            return {};
        }
        if (isBlank(raw)) {
            if (!_allowEmpty) {
                addError(errors, path, "empty", "must not be empty");
                return {};
            }
            if (_trim || raw.empty())
                return std::string();
        }
        std::string text = _trim ? trimmed(raw) : raw;
        const std::size_t length = *codePoints(text);
        if (_maxLength && length > *_maxLength) {
            addError(errors, path, "too_long", "must be at most " + std::to_string(*_maxLength) + " characters");
            return {};
        }
        if (_minLength && length < *_minLength) {
            addError(errors, path, "too_short", "must be at least " + std::to_string(*_minLength) + " characters");
            return {};
        }
        if (_email && !isEmailAddress(text)) {
            addError(errors, path, "invalid_format", "must be a valid email address");
            return {};
        }
        if (_url && !isHttpUrl(text)) {
            addError(errors, path, "invalid_format", "must be an http:// or https:// URL with a host");
            return {};
        }
        if (!_enum.empty() && std::find(_enum.begin(), _enum.end(), text) == _enum.end()) {
            addError(errors, path, "invalid_value", "must be one of: " + joined(_enum));
            return {};
        }
        if (_email)
            Poco::toLowerInPlace(text);
        return text;
    }

    case Type::Array: {
        const Poco::JSON::Array* array = isNull(value) ? nullptr : asArray(value);
        if (!array) {
            addError(errors, path, "incorrect_type", "must be an array");
            return {};
        }
        const std::size_t size = array->size();
        bool countOk = true;
        if (_minItems && size < *_minItems) {
            countOk = false;
            if (size == 0 && *_minItems == 1)
                addError(errors, path, "empty", "must not be empty");
            else
                addError(errors, path, "out_of_range", "must have at least " + std::to_string(*_minItems) + " items");
        }
        if (_maxItems && size > *_maxItems) {
            // The items of an oversized array are not checked: one error, not one per excess item.
            addError(errors, path, "out_of_range", "must have at most " + std::to_string(*_maxItems) + " items");
            return {};
        }
        JsonArray out = makeArray();
        const std::size_t before = errors.size();
        for (std::size_t i = 0; i < size; ++i)
            out->add(_items->check(array->get(static_cast<unsigned>(i)), childFieldPath(path, std::to_string(i)), errors));
        if (!countOk || errors.size() != before)
            return {};
        return out;
    }

    case Type::Object: {
        const Poco::JSON::Object* object = isNull(value) ? nullptr : asObject(value);
        if (!object) {
            addError(errors, path, "incorrect_type", path.empty() ? "the body must be a JSON object" : "must be an object");
            return {};
        }
        JsonObject out = makeObject();
        const std::size_t before = errors.size();
        for (const SchemaField& field : *_fields) {
            const std::string fieldPath = childFieldPath(path, field.name);
            Poco::Dynamic::Var item = object->has(field.name) ? object->get(field.name) : Poco::Dynamic::Var();
            for (const std::string& alias : field.aliases) {
                if (!object->has(alias))
                    continue;
                if (object->has(field.name)) {
                    addError(errors, childFieldPath(path, alias), "invalid_value", "is another name of " + field.name + "; give only one of them");
                    continue;
                }
                item = object->get(alias);
            }
            if (isNull(item)) {
                if (field.required)
                    addError(errors, fieldPath, "required", "is required");
                continue;
            }
            out->set(field.name, field.schema.check(item, fieldPath, errors));
        }
        for (const std::string& name : object->getNames()) {
            const bool known = std::any_of(_fields->begin(), _fields->end(), [&](const SchemaField& field) {
                return field.name == name || std::find(field.aliases.begin(), field.aliases.end(), name) != field.aliases.end();
            });
            if (!known)
                addError(errors, childFieldPath(path, name), "unknown", "is not an accepted field");
        }
        if (errors.size() != before)
            return {};
        return out;
    }
    }
    return {};
}

JsonObject Schema::toOpenApi() const
{
    JsonObject out = openApiObject(_type);
    if (!_description.empty())
        out->set("description", _description);
    switch (_type) {
    case Type::String: {
        if (_email)
            out->set("format", "email");
        else if (_url)
            out->set("format", "uri");
        const std::size_t minLength = _minLength.value_or(_allowEmpty ? 0 : 1);
        if (minLength > 0)
            out->set("minLength", asInt64(minLength));
        if (_maxLength)
            out->set("maxLength", asInt64(*_maxLength));
        if (!_enum.empty()) {
            JsonArray values = makeArray();
            for (const std::string& value : _enum)
                values->add(value);
            out->set("enum", values);
        }
        break;
    }
    case Type::Integer:
    case Type::Number:
        if (_min)
            out->set("minimum", Poco::Int64(*_min));
        if (_max)
            out->set("maximum", Poco::Int64(*_max));
        break;
    case Type::Array:
        out->set("items", _items->toOpenApi());
        if (_minItems)
            out->set("minItems", asInt64(*_minItems));
        if (_maxItems)
            out->set("maxItems", asInt64(*_maxItems));
        break;
    case Type::Object: {
        JsonObject properties = makeObject();
        JsonArray requiredNames = makeArray();
        for (const SchemaField& field : *_fields) {
            JsonObject property = field.schema.toOpenApi();
            if (field.required)
                requiredNames->add(field.name);
            else
                property->set("nullable", true); // null is accepted and means "absent"
            properties->set(field.name, property);
            for (const std::string& alias : field.aliases) {
                JsonObject aliasProperty = field.schema.toOpenApi();
                aliasProperty->set("description", "another name of " + field.name + " (accepted for older clients)");
                aliasProperty->set("nullable", true);
                properties->set(alias, aliasProperty);
            }
        }
        out->set("properties", properties);
        if (requiredNames->size() > 0)
            out->set("required", requiredNames);
        out->set("additionalProperties", false);
        break;
    }
    case Type::Boolean:
    case Type::Any:
        break;
    }
    return out;
}

SchemaField required(std::string name, Schema schema)
{
    return SchemaField{std::move(name), std::move(schema), true, {}};
}

SchemaField optional(std::string name, Schema schema)
{
    return SchemaField{std::move(name), std::move(schema), false, {}};
}

namespace fields {
Schema id() { return Schema::integer().min(1); }
Schema name() { return Schema::string().maxLength(120); }
Schema username() { return Schema::string().maxLength(120).email(); }
Schema password() { return Schema::string().noTrim().minLength(8).maxLength(128); }
Schema description() { return Schema::string().maxLength(1000); }
Schema address() { return Schema::string().maxLength(255); }
Schema url() { return Schema::string().url().maxLength(2048); }
Schema quantity() { return Schema::integer().min(0).max(1'000'000); }
Schema lineQuantity() { return Schema::integer().min(1).max(1'000'000); }
} // namespace fields

void sortFieldErrors(std::vector<FieldError>& errors)
{
    std::stable_sort(errors.begin(), errors.end(), [](const FieldError& a, const FieldError& b) {
        return std::tie(a.field, a.code) < std::tie(b.field, b.code);
    });
}

} // namespace mercato::sdk
