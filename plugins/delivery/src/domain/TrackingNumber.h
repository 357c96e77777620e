#pragma once
#include <string>

namespace mercato::delivery {

/// A new tracking number: 12 characters of [A-Z0-9] from the operating system's random source
/// (about 62 bits: the public /track/{tn} page must not be enumerable).
std::string newTrackingNumber();

/// True when `text` has the form of a tracking number (anything else cannot exist: 404).
bool isTrackingNumber(const std::string& text);

} // namespace mercato::delivery
