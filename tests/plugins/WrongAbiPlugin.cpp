// A library that claims another plugin ABI generation: the host must refuse it with a message
// before calling anything else (mercato_plugin_create here would crash the host if called).
#include <cstdlib>

extern "C" __attribute__((visibility("default"))) int mercato_plugin_abi_version() { return 999; }
extern "C" __attribute__((visibility("default"))) const char* mercato_plugin_sdk_version() { return "999.0.0"; }
extern "C" __attribute__((visibility("default"))) void* mercato_plugin_create() { std::abort(); }
extern "C" __attribute__((visibility("default"))) void mercato_plugin_destroy(void*) { std::abort(); }
