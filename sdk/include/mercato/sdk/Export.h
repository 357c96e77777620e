#pragma once
/// Symbol visibility for the SDK library. Plugins build with -fvisibility=hidden, so every SDK type
/// whose typeinfo crosses a library boundary (exceptions, interfaces) is exported from the SDK and
/// has its key function defined there: a `catch (const mercato::sdk::ApiError&)` in the host then
/// matches an error thrown inside a plugin.
#define MERCATO_SDK_API __attribute__((visibility("default")))
