#pragma once
// How the ecommerce domain says no. Domain code never picks an HTTP status: it throws a Refusal of
// one of four kinds, and http/Refusals maps each kind to its status in one place.
#include <stdexcept>
#include <string>
#include <vector>

namespace mercato::ecommerce {

/// One offending input of a refusal: a dotted field path, a machine code and a human message
/// (rendered as one entry of the failure envelope's `errors[]`).
struct Problem {
    std::string field;
    std::string code;
    std::string message;
};

/// A request the domain will not carry out, and why. Thrown by Catalog and Orders; nothing was
/// written when it is thrown.
class Refusal : public std::runtime_error {
public:
    enum class Kind {
        Invalid,   ///< the input names or says something that cannot be (a missing address, no such store)
        Forbidden, ///< the caller may see the object but their role or membership may not do this
        NotFound,  ///< no such object, or one the caller may not see
        Conflict,  ///< the object's state forbids it now (a status, the stock, a deleted store)
    };

    Refusal(Kind kind, const std::string& message, std::vector<Problem> problems = {})
        : std::runtime_error(message), _kind(kind), _problems(std::move(problems))
    {
    }

    static Refusal invalid(const std::string& message, std::vector<Problem> problems) { return {Kind::Invalid, message, std::move(problems)}; }
    /// Shorthand for one invalid field ("Invalid input").
    static Refusal invalid(const std::string& field, const std::string& code, const std::string& message)
    {
        return {Kind::Invalid, "Invalid input", {{field, code, message}}};
    }
    static Refusal forbidden(const std::string& message) { return {Kind::Forbidden, message}; }
    static Refusal notFound(const std::string& message) { return {Kind::NotFound, message}; }
    static Refusal conflict(const std::string& message, std::vector<Problem> problems = {}) { return {Kind::Conflict, message, std::move(problems)}; }

    Kind kind() const noexcept { return _kind; }
    const std::vector<Problem>& problems() const noexcept { return _problems; }

private:
    Kind _kind;
    std::vector<Problem> _problems;
};

} // namespace mercato::ecommerce
