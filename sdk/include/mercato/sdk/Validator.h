#pragma once
#include "ApiError.h"
#include "Export.h"
#include "Json.h"

#include <Poco/Dynamic/Var.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mercato::sdk {

struct SchemaField;

/// A declarative description of a JSON value, used to validate request bodies and to describe them
/// in /openapi.json. Build one with the factory functions and refine it with the fluent setters:
///
///     static const Schema kCreateProduct = Schema::object({
///         required("name", Schema::string().maxLength(120)),
///         required("quantity", Schema::integer().min(0).max(1'000'000)),
///         optional("tags", Schema::array(Schema::string().maxLength(30)).maxItems(10)),
///     });
///     JsonObject body = kCreateProduct.validate(request.body());   // throws BadRequest
///
/// Validation reports every error of the input at once (API.md §1 codes), sorted by field path.
/// Strings are trimmed; the returned copy holds the trimmed values. Objects reject unknown fields.
class MERCATO_SDK_API Schema {
public:
    enum class Type { String, Integer, Number, Boolean, Array, Object, Any };

    static Schema string();
    static Schema integer();
    static Schema number();
    static Schema boolean();
    static Schema array(Schema items);
    static Schema object(std::vector<SchemaField> fields);
    /// Accepts any JSON value (documentation only).
    static Schema any();

    // Strings
    Schema& maxLength(std::size_t chars);   ///< in Unicode code points, after trimming
    Schema& minLength(std::size_t chars);   ///< after trimming; reported as too_short/invalid_format
    Schema& allowEmpty(bool allow = true);  ///< "" is accepted (default: `empty` error)
    Schema& email();                        ///< invalid_format unless it looks like an address; lower-cased
    Schema& url();                          ///< invalid_format unless http:// or https:// with a host
    Schema& oneOf(std::vector<std::string> values); ///< invalid_value otherwise
    Schema& noTrim();                       ///< keep leading/trailing white space (passwords)
    // Integers and numbers
    Schema& min(std::int64_t value);
    Schema& max(std::int64_t value);
    // Arrays
    Schema& minItems(std::size_t n);
    Schema& maxItems(std::size_t n);
    // Documentation
    Schema& description(std::string text);

    Type type() const { return _type; }

    /// Validates `value` (a JSON value as parsed by Poco::JSON::Parser) and returns the normalized
    /// copy. Throws BadRequest listing every problem. `path` prefixes the reported field names.
    Poco::Dynamic::Var validate(const Poco::Dynamic::Var& value, const std::string& path = "") const;
    /// Validates an object body; convenience for the common case.
    JsonObject validate(const JsonObject& body) const;
    /// Like validate, but appends to `errors` instead of throwing; returns the normalized value.
    Poco::Dynamic::Var check(const Poco::Dynamic::Var& value, const std::string& path,
                             std::vector<FieldError>& errors) const;

    /// This schema as an OpenAPI 3 / JSON Schema object.
    JsonObject toOpenApi() const;

private:
    explicit Schema(Type type);

    Type _type;
    std::optional<std::size_t> _minLength, _maxLength, _minItems, _maxItems;
    std::optional<std::int64_t> _min, _max;
    bool _allowEmpty = false;
    bool _trim = true;
    bool _email = false;
    bool _url = false;
    std::vector<std::string> _enum;
    std::string _description;
    std::shared_ptr<const Schema> _items;
    std::shared_ptr<const std::vector<SchemaField>> _fields;
};

/// One property of an object schema.
struct SchemaField {
    std::string name;
    Schema schema;
    bool required;
    /// Other names the input may use for this field (kept for old clients, e.g. a misspelling);
    /// the validated copy carries the value under `name`. Giving two of the names is an error.
    std::vector<std::string> aliases;

    SchemaField& alias(std::string other)
    {
        aliases.push_back(std::move(other));
        return *this;
    }
};

/// A property that must be present and not null (`required` otherwise).
MERCATO_SDK_API SchemaField required(std::string name, Schema schema);
/// A property that may be absent or null (null counts as absent).
MERCATO_SDK_API SchemaField optional(std::string name, Schema schema);

/// API.md §1's field rules, the same in every service, so a limit changes in one place.
namespace fields {
MERCATO_SDK_API Schema id();          ///< integer ≥ 1
MERCATO_SDK_API Schema name();        ///< names and usernames: string of ≤ 120 characters
MERCATO_SDK_API Schema username();    ///< an e-mail address of ≤ 120 characters (lower-cased)
MERCATO_SDK_API Schema password();    ///< 8–128 characters, not trimmed
MERCATO_SDK_API Schema description(); ///< ≤ 1000 characters
MERCATO_SDK_API Schema address();     ///< ≤ 255 characters
MERCATO_SDK_API Schema url();         ///< http:// or https:// with a host, ≤ 2048 characters
MERCATO_SDK_API Schema quantity();    ///< stock: 0..1,000,000
MERCATO_SDK_API Schema lineQuantity(); ///< an ordered or shipped quantity: 1..1,000,000
} // namespace fields

/// Sorts field errors by path (plain string order), as API.md asks for every response.
MERCATO_SDK_API void sortFieldErrors(std::vector<FieldError>& errors);

} // namespace mercato::sdk
