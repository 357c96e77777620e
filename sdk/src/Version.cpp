#include "mercato/sdk/Version.h"

namespace mercato::sdk {

const char* sdkVersion() { return MERCATO_SDK_VERSION_STRING; }
int sdkAbiVersion() { return MERCATO_SDK_ABI_VERSION; }

} // namespace mercato::sdk
