#pragma once
#include "Export.h"

/// SDK release (semantic versioning of the public headers).
#define MERCATO_SDK_VERSION_MAJOR 1
#define MERCATO_SDK_VERSION_MINOR 5
#define MERCATO_SDK_VERSION_PATCH 0
#define MERCATO_SDK_VERSION_STRING "1.5.0"

/// Binary generation of the plugin interface. The host refuses a plugin whose
/// `mercato_plugin_abi_version()` differs, before calling anything else in it. Bump it whenever a
/// change to a public header would break an already compiled plugin (a new virtual method, a changed
/// class layout, a removed function).
/// 3 (SDK 1.2): `Principal::tokenVersion` (layout) and `Request::clientAddress()` (a new virtual).
#define MERCATO_SDK_ABI_VERSION 3

namespace mercato::sdk {

/// The SDK version the running library was built as (may differ from the headers a plugin saw).
MERCATO_SDK_API const char* sdkVersion();
/// The ABI generation of the running SDK library.
MERCATO_SDK_API int sdkAbiVersion();

} // namespace mercato::sdk
